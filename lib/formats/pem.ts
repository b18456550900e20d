/**
 * PEM, the "-----BEGIN …-----" text wrapping of DER (RFC 7468): base64 of the DER bytes between an
 * encapsulation boundary that names the content (the label) and a matching end line.
 *
 * The decoder is lax where RFC 7468 §3 allows it (any line ending, whitespace inside the base64, text
 * before, between and after blocks, RFC 1421-style headers) and strict about what would corrupt the
 * bytes (characters outside base64, misplaced "=", a missing or mismatched END line).
 */
import { base64Encode, base64urlDecode } from "../crypto/base64url.ts";
import { KitError } from "../errors.ts";

/** One PEM block: its label (e.g. "PRIVATE KEY", "CERTIFICATE") and the DER bytes it holds. */
export interface PemBlock {
  label: string;
  der: Uint8Array;
  /**
   * RFC 1421 headers ("Name: value" lines before the base64), present only when the block had some.
   * RFC 7468 does not use them, but OpenSSL's legacy encrypted keys do ("Proc-Type: 4,ENCRYPTED").
   */
  headers?: Record<string, string>;
}

/**
 * RFC 7468 §3 ABNF: label = [ labelchar *( ["-" / SP] labelchar ) ], labelchar = %x21-2C / %x2E-7E
 * (printable ASCII except "-"), so hyphens and spaces appear only singly and between labelchars.
 */
const LABEL = /^(?:[\x21-\x2c\x2e-\x7e](?:[- ]?[\x21-\x2c\x2e-\x7e])*)?$/;
const BEGIN_LINE = /^-----BEGIN (.*)-----$/;
const END_LINE = /^-----END (.*)-----$/;
const HEADER_LINE = /^([A-Za-z0-9][A-Za-z0-9-]*):\s*(.*)$/;

function describeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (code < 32 || code === 127) return `control character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return `"${ch}"`;
}

/**
 * Decodes the base64 text of one block (RFC 7468 §3: standard base64 of RFC 4648 §4, whitespace
 * allowed anywhere). Each piece of text carries its line number for the error messages.
 */
function decodeBlockBase64(label: string, lines: { text: string; line: number }[]): Uint8Array {
  let body = "";
  let padding = 0;
  for (const { text, line } of lines) {
    for (const ch of text) {
      if (ch === " " || ch === "\t") continue;
      if (ch === "=") {
        padding++;
        continue;
      }
      if (/[A-Za-z0-9+/]/.test(ch) && padding === 0) {
        body += ch;
        continue;
      }
      if (padding > 0) {
        throw new KitError("PEM_BAD_BASE64", `The "${label}" block has base64 text after "=" padding on line ${line}.`, "Padding may appear only at the very end of a PEM block; the file may hold two blocks run together.");
      }
      throw new KitError("PEM_BAD_BASE64", `The "${label}" block has ${describeChar(ch)} on line ${line}, which is not a base64 character.`, "Copy the PEM text again without changes; a PEM body holds only A-Z, a-z, 0-9, +, / and = padding.");
    }
  }
  if (padding > 2 || (padding > 0 && (body.length + padding) % 4 !== 0)) {
    throw new KitError("PEM_BAD_BASE64", `The "${label}" block ends with ${padding} "=" characters, which does not fit its length.`, "The block was probably cut or altered; copy it again.");
  }
  try {
    // Standard base64 and base64url differ only in two characters and the padding.
    return base64urlDecode(body.replace(/\+/g, "-").replace(/\//g, "_"));
  } catch (error) {
    if (error instanceof KitError) {
      throw new KitError("PEM_BAD_BASE64", `The base64 text of the "${label}" block is damaged: ${error.message}`, "The block was probably cut or altered; copy it again.");
    }
    throw error;
  }
}

/**
 * Finds and decodes every PEM block in a text, in order. Text outside the blocks is ignored, lines
 * may end in LF, CRLF or CR, and whitespace inside the base64 is skipped. A text with no
 * "-----BEGIN" line gives an empty array.
 * @throws KitError PEM_UNTERMINATED, PEM_LABEL_MISMATCH, PEM_BAD_LABEL or PEM_BAD_BASE64 for a damaged block.
 * @see https://www.rfc-editor.org/rfc/rfc7468#section-3
 */
export function pemDecode(text: string): PemBlock[] {
  const lines = text.split(/\r\n|\r|\n/);
  const blocks: PemBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN_LINE.exec(lines[i]!.trim());
    if (!begin) continue; // explanatory text around the blocks (RFC 7468 §5.2)
    const label = begin[1]!;
    const beginLine = i + 1;
    if (!LABEL.test(label)) {
      throw new KitError("PEM_BAD_LABEL", `The PEM label "${label}" on line ${beginLine} is not a valid RFC 7468 label.`, 'A label is printable ASCII with single spaces or hyphens, such as "PRIVATE KEY".');
    }
    const headers: Record<string, string> = {};
    let sawHeaders = false;
    const body: { text: string; line: number }[] = [];
    let ended = false;
    for (i++; i < lines.length; i++) {
      const line = lines[i]!.trim();
      const end = END_LINE.exec(line);
      if (end) {
        if (end[1] !== label) {
          throw new KitError("PEM_LABEL_MISMATCH", `The PEM block that begins "${label}" on line ${beginLine} ends with "${end[1]}" on line ${i + 1}.`, "The BEGIN and END lines must carry the same label; the file may have been edited by hand.");
        }
        ended = true;
        break;
      }
      if (BEGIN_LINE.test(line)) break; // a new block before this one ended
      // RFC 1421 headers come before the base64 text and end with a blank line.
      const header = body.length === 0 ? HEADER_LINE.exec(line) : null;
      if (header) {
        headers[header[1]!] = header[2]!;
        sawHeaders = true;
        continue;
      }
      if (line !== "") body.push({ text: line, line: i + 1 });
    }
    if (!ended) {
      throw new KitError("PEM_UNTERMINATED", `The PEM block "${label}" that begins on line ${beginLine} has no "-----END ${label}-----" line.`, "The file was probably cut short; copy the whole block including its END line.");
    }
    const block: PemBlock = { label, der: decodeBlockBase64(label, body) };
    if (sawHeaders) block.headers = headers;
    blocks.push(block);
  }
  return blocks;
}

/**
 * Wraps DER bytes as one PEM block: the BEGIN line, base64 in lines of 64 characters, the END line,
 * each ending in "\n" (the strict form of RFC 7468 §3).
 * @throws KitError PEM_BAD_LABEL when the label is not valid RFC 7468 label text.
 * @see https://www.rfc-editor.org/rfc/rfc7468#section-3
 */
export function pemEncode(label: string, der: Uint8Array): string {
  if (!LABEL.test(label)) {
    throw new KitError("PEM_BAD_LABEL", `"${label}" is not a valid RFC 7468 label.`, 'Use a label such as "CERTIFICATE" or "PRIVATE KEY".');
  }
  const base64 = base64Encode(der);
  let out = `-----BEGIN ${label}-----\n`;
  for (let i = 0; i < base64.length; i += 64) out += base64.slice(i, i + 64) + "\n";
  return out + `-----END ${label}-----\n`;
}
