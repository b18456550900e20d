/**
 * A tolerant JWS reader: where lib/crypto/jws.ts's decodeJws stops at the first wrong byte, this one reads
 * on (standard base64, padding, whitespace, a byte-order mark, UTF-16 or Latin-1 JSON) and records
 * every deviation, so the doctor can say what is wrong instead of only that something is.
 *
 * What counts as a deviation is what Entra refuses (RFC 7515 §2 and §7.1: base64url without
 * padding of UTF-8 JSON; RFC 8259 §8.1: no byte-order mark in JSON sent over a network).
 */

export type SegmentName = "header" | "payload" | "signature";

export interface EncodingProblem {
  kind: "standard-alphabet" | "padding" | "whitespace" | "invalid-character" | "impossible-length" | "empty";
  /** 0-based index in the segment of the first offending character. */
  position?: number;
  text: string;
}

export interface SegmentReading {
  name: SegmentName;
  /** The segment as sent. */
  text: string;
  /** Its bytes, decoded tolerantly (undefined when nothing sensible could be read). */
  bytes?: Uint8Array;
  /** Deviations from strict base64url; empty when the segment is what Entra wants. */
  problems: EncodingProblem[];
}

export type Charset = "utf-8" | "utf-8 with BOM" | "utf-16le" | "utf-16be" | "windows-1252";

export interface JsonReading {
  /** The object, when the JSON text (in whatever charset) is an object. */
  value?: Record<string, unknown>;
  /** The JSON text as decoded. */
  text?: string;
  charset?: Charset;
  /** Why it is not an object: "not JSON: …", "JSON but an array", … */
  error?: string;
}

export interface TolerantJws {
  /** The dot-separated parts as sent. */
  parts: string[];
  header?: SegmentReading & { json: JsonReading };
  payload?: SegmentReading & { json: JsonReading };
  signature?: SegmentReading;
}

const URL_SAFE = /^[A-Za-z0-9_-]$/;

/** The problems Entra's strict reader has with one segment (the mock's rule: [A-Za-z0-9_-]+, length mod 4 ≠ 1). */
export function strictProblems(text: string): EncodingProblem[] {
  const problems: EncodingProblem[] = [];
  if (text.length === 0) return [{ kind: "empty", text: "it is empty" }];
  const seen = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (URL_SAFE.test(ch)) continue;
    const kind: EncodingProblem["kind"] = ch === "+" || ch === "/" ? "standard-alphabet" : ch === "=" ? "padding" : /\s/.test(ch) ? "whitespace" : "invalid-character";
    if (seen.has(kind)) continue;
    seen.add(kind);
    const shown = kind === "whitespace" ? "whitespace" : `"${ch}"`;
    const why =
      kind === "standard-alphabet" ? "belongs to standard base64 (base64url uses - and _)" : kind === "padding" ? "is padding, which JWTs leave out" : kind === "whitespace" ? "has no place in base64url" : "is not a base64url character";
    problems.push({ kind, position: i, text: `${shown} at position ${i} ${why}` });
  }
  const bare = text.replace(/[=\s]/g, "");
  if (bare.length % 4 === 1) problems.push({ kind: "impossible-length", text: `${bare.length} characters is an impossible base64 length (mod 4 = 1): a character is missing or extra` });
  return problems;
}

/** Decodes base64 or base64url, padded or not, ignoring whitespace; undefined for other characters. */
export function tolerantBase64(text: string): Uint8Array | undefined {
  const bare = text.replace(/\s+/g, "").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/_-]*$/.test(bare) || bare.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(bare.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
}

function readSegment(name: SegmentName, text: string): SegmentReading {
  const reading: SegmentReading = { name, text, problems: strictProblems(text) };
  const bytes = tolerantBase64(text);
  if (bytes && (bytes.length > 0 || text.length === 0)) reading.bytes = bytes;
  return reading;
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Reads JSON bytes in whatever charset they are in, saying which. */
export function readJson(bytes: Uint8Array): JsonReading {
  let charset: Charset;
  let text: string;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    charset = "utf-8 with BOM";
    text = decodeOr(bytes.subarray(3), "utf-8");
  } else if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes.length > 1 && bytes[0] !== 0 && bytes[1] === 0)) {
    charset = "utf-16le";
    text = new TextDecoder("utf-16le", { ignoreBOM: false }).decode(bytes);
  } else if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes.length > 1 && bytes[0] === 0 && bytes[1] !== 0)) {
    charset = "utf-16be";
    text = new TextDecoder("utf-16be", { ignoreBOM: false }).decode(bytes);
  } else {
    try {
      text = STRICT_UTF8.decode(bytes);
      charset = "utf-8";
    } catch {
      // WHATWG "latin1" is windows-1252: what a Windows tool writes when it is not told UTF-8.
      text = new TextDecoder("latin1").decode(bytes);
      charset = "windows-1252";
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const out: JsonReading = { text, charset };
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) out.value = value as Record<string, unknown>;
    else out.error = `it is JSON but ${Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`}, not an object`;
  } catch (error) {
    out.error = `it is not JSON (${(error as Error).message.replace(/^Unexpected /, "unexpected ")})`;
  }
  return out;
}

function decodeOr(bytes: Uint8Array, charset: "utf-8"): string {
  try {
    return new TextDecoder(charset, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return new TextDecoder("latin1").decode(bytes);
  }
}

/** Splits and decodes a compact JWS as far as it goes. */
export function readJwsTolerantly(compact: string): TolerantJws {
  const parts = compact.split(".");
  const out: TolerantJws = { parts };
  if (parts[0] !== undefined) {
    const seg = readSegment("header", parts[0]);
    out.header = { ...seg, json: seg.bytes && seg.bytes.length ? readJson(seg.bytes) : { error: seg.text ? "it is not base64 at all" : "it is empty" } };
  }
  if (parts[1] !== undefined) {
    const seg = readSegment("payload", parts[1]);
    out.payload = { ...seg, json: seg.bytes && seg.bytes.length ? readJson(seg.bytes) : { error: seg.text ? "it is not base64 at all" : "it is empty" } };
  }
  if (parts[2] !== undefined) out.signature = readSegment("signature", parts[2]);
  return out;
}
