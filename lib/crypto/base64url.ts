/**
 * Base64url (RFC 4648 §5): the alphabet every JWT segment and the x5t header use.
 *
 * Standard base64 (RFC 4648 §4) uses `+` and `/` and pads with `=`; base64url uses `-` and `_` and,
 * in JOSE, drops the padding (RFC 7515 §2, "Base64url Encoding"). Mixing the two is one of the classic
 * causes of AADSTS700027, so the decoder here is strict and says exactly which character is wrong.
 * @see https://www.rfc-editor.org/rfc/rfc4648#section-5
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-2
 */
import { KitError } from "../errors.ts";

/** RFC 4648 Table 2, "The 'URL and Filename safe' Base 64 Alphabet". */
const URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** RFC 4648 Table 1, "The Base 64 Alphabet": only the last two characters differ. */
const STD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** 6-bit value of each character code, or -1 when it is not in the alphabet. */
function decodeTable(alphabet: string): Int8Array {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}
const URL_TABLE = decodeTable(URL_ALPHABET);

function encodeWith(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = "";
  let i = 0;
  // RFC 4648 §4: each 24-bit group (3 bytes) becomes four 6-bit characters.
  for (; i + 2 < bytes.length; i += 3) {
    const group = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[group >> 18]! + alphabet[(group >> 12) & 63]! + alphabet[(group >> 6) & 63]! + alphabet[group & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    // "The final quantum of encoding input is exactly 8 bits": two characters (+ "==").
    const group = bytes[i]! << 16;
    out += alphabet[group >> 18]! + alphabet[(group >> 12) & 63]! + (pad ? "==" : "");
  } else if (rest === 2) {
    // "exactly 16 bits": three characters (+ "=").
    const group = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[group >> 18]! + alphabet[(group >> 12) & 63]! + alphabet[(group >> 6) & 63]! + (pad ? "=" : "");
  }
  return out;
}

/**
 * Base64url without padding, as JOSE requires.
 * @example base64urlEncode(utf8Encode('{"alg":"RS256"}')) // "eyJhbGciOiJSUzI1NiJ9"
 * @see https://www.rfc-editor.org/rfc/rfc4648#section-5
 */
export function base64urlEncode(bytes: Uint8Array): string {
  return encodeWith(bytes, URL_ALPHABET, false);
}

/**
 * Standard base64 (RFC 4648 §4), padded by default: what PowerShell's [Convert]::ToBase64String gives.
 * The kit uses it to show the wrong x5t that many recipes produce.
 * @see https://www.rfc-editor.org/rfc/rfc4648#section-4
 */
export function base64Encode(bytes: Uint8Array, options: { pad?: boolean } = {}): string {
  return encodeWith(bytes, STD_ALPHABET, options.pad ?? true);
}

/** Why a string is not strict base64url; `position` is a 0-based index into the input. */
export type Base64urlProblem = "standard-alphabet" | "padding" | "whitespace" | "invalid-character" | "impossible-length" | "non-zero-trailing-bits";

function describe(ch: string): string {
  if (ch === " ") return "a space";
  if (ch === "\n") return "a line feed";
  if (ch === "\r") return "a carriage return";
  if (ch === "\t") return "a tab";
  const code = ch.codePointAt(0)!;
  if (code < 32 || code === 127) return `control character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return `"${ch}"`;
}

function reject(problem: Base64urlProblem, message: string, hint: string, position?: number): never {
  const error = new KitError(`BASE64URL_${problem.toUpperCase().replace(/-/g, "_")}`, message, hint);
  Object.assign(error, { problem, position });
  throw error;
}

/**
 * Strict base64url decoder (RFC 4648 §5, unpadded as in RFC 7515 §2).
 * Rejects, with the character and its position: `+` and `/` (standard base64), `=` (padding),
 * whitespace, any other character, a length of 1 mod 4 (no byte sequence encodes to that), and
 * non-zero leftover bits in the last character (RFC 4648 §3.5: a canonical encoding has them zero).
 * @example base64urlDecode("eyJhbGciOiJSUzI1NiJ9") // the bytes of {"alg":"RS256"}
 * @see https://www.rfc-editor.org/rfc/rfc4648#section-5
 */
export function base64urlDecode(text: string): Uint8Array {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const code = text.charCodeAt(i);
    if (code < 128 && URL_TABLE[code]! >= 0) continue;
    if (ch === "+" || ch === "/")
      reject("standard-alphabet", `"${ch}" at position ${i} belongs to standard base64, not base64url.`, 'Base64url uses "-" for "+" and "_" for "/" (RFC 4648 §5).', i);
    if (ch === "=")
      reject("padding", `"=" at position ${i} is padding, which base64url in JWTs leaves out.`, 'Strip the trailing "=" characters (RFC 7515 §2).', i);
    if (/\s/.test(ch))
      reject("whitespace", `${describe(ch)} at position ${i}: base64url has no whitespace.`, "Remove line breaks and spaces (a copy from a wrapped terminal often adds them).", i);
    reject("invalid-character", `${describe(ch)} at position ${i} is not a base64url character.`, "Base64url uses only A-Z, a-z, 0-9, - and _.", i);
  }
  if (text.length % 4 === 1)
    reject("impossible-length", `A length of ${text.length} characters is impossible for base64url (length mod 4 is 1).`, "A character is missing or one too many: check the value was copied whole.");

  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  let i = 0;
  for (; i + 3 < text.length; i += 4) {
    const group =
      (URL_TABLE[text.charCodeAt(i)]! << 18) | (URL_TABLE[text.charCodeAt(i + 1)]! << 12) |
      (URL_TABLE[text.charCodeAt(i + 2)]! << 6) | URL_TABLE[text.charCodeAt(i + 3)]!;
    out[o++] = group >> 16;
    out[o++] = (group >> 8) & 255;
    out[o++] = group & 255;
  }
  const rest = text.length - i;
  if (rest > 0) {
    let group = 0;
    for (let j = 0; j < rest; j++) group |= URL_TABLE[text.charCodeAt(i + j)]! << (18 - 6 * j);
    // 2 characters carry 12 bits for 1 byte (4 spare), 3 characters carry 18 bits for 2 bytes (2 spare).
    const spareMask = rest === 2 ? 0xffff : 0xff;
    if ((group & spareMask) !== 0)
      reject("non-zero-trailing-bits", `The last character "${text[text.length - 1]}" at position ${text.length - 1} has non-zero unused bits, so this is not the canonical encoding.`, "The value was probably altered or truncated: copy it again.", text.length - 1);
    out[o++] = group >> 16;
    if (rest === 3) out[o++] = (group >> 8) & 255;
  }
  return out;
}

/** What an encoded string looks like; the doctor uses it to name a wrong x5t. */
export type EncodingKind = "hex" | "base64url" | "base64" | "base64-padded" | "unknown";

/**
 * Classifies a string as hex, base64url, standard base64 (padded or not), or unknown.
 * Hex wins when a string is both (e.g. "deadbeef"), since a thumbprint in hex is the common mistake.
 * Strings in the shared alphabet (no `-_+/=`) are called base64url when their length is possible.
 * @see https://www.rfc-editor.org/rfc/rfc4648#section-4
 */
export function classifyEncoding(text: string): { kind: EncodingKind; decodedLength?: number } {
  if (text.length > 0 && text.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(text)) return { kind: "hex", decodedLength: text.length / 2 };
  const body = text.replace(/=+$/, "");
  const padded = body.length !== text.length;
  const length = body.length;
  const lengthOk = length > 0 && length % 4 !== 1;
  const decodedLength = Math.floor((length * 3) / 4);
  if (padded) {
    // RFC 4648 §4: padded base64 always has a length that is a multiple of 4, with at most two "=".
    if (/^[A-Za-z0-9+/]*$/.test(body) && text.length % 4 === 0 && text.length - length <= 2 && lengthOk) return { kind: "base64-padded", decodedLength };
    return { kind: "unknown" };
  }
  if (lengthOk && /^[A-Za-z0-9_-]+$/.test(body)) return { kind: "base64url", decodedLength };
  if (lengthOk && /^[A-Za-z0-9+/]+$/.test(body)) return { kind: "base64", decodedLength };
  return { kind: "unknown" };
}

/** One 24-bit group of RFC 4648 §4 taken apart: the bytes, their bits, the four 6-bit values, the characters. */
export interface Base64Group {
  bytes: number[];
  bits: string[];
  sextets: string[];
  values: number[];
  chars: string[];
}

/**
 * The first 24-bit group of `bytes` (its first three bytes, or all of them if fewer), encoded by hand
 * as RFC 4648 §4 describes and with the base64url alphabet of §5, for the workshop to print.
 * @see https://www.rfc-editor.org/rfc/rfc4648#section-4
 */
export function base64urlFirstGroup(bytes: Uint8Array): Base64Group {
  const taken = Array.from(bytes.subarray(0, 3));
  const bitString = taken.map((b) => b.toString(2).padStart(8, "0")).join("");
  const sextetCount = Math.ceil((taken.length * 8) / 6);
  const padded = bitString.padEnd(sextetCount * 6, "0");
  const sextets = Array.from({ length: sextetCount }, (_, i) => padded.slice(6 * i, 6 * i + 6));
  const values = sextets.map((s) => parseInt(s, 2));
  return { bytes: taken, bits: taken.map((b) => b.toString(2).padStart(8, "0")), sextets, values, chars: values.map((v) => URL_ALPHABET[v]!) };
}
