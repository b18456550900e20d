/**
 * One-line summaries of primitive DER values for derTree's nodes: numbers, OIDs with their names,
 * times in ISO 8601, strings, bit names, byte counts (the encodings of X.690 §8; times per RFC 5280 §4.1.2.5).
 */

import { toHex } from "../../bytes.ts";
import { describeOid } from "../oids.ts";
import type { LabelScheme } from "./labels.ts";

/** The value of a primitive element as one short line, by its tag; the scheme names INTEGER values and BIT STRING bits. */
export function summarize(tag: string, content: Uint8Array, scheme: LabelScheme | undefined): string | undefined {
  switch (tag) {
    case "BOOLEAN":
      return content[0] ? "TRUE" : "FALSE";
    case "INTEGER":
    case "ENUMERATED":
      return summarizeInteger(content, scheme);
    case "NULL":
      return undefined;
    case "OBJECT IDENTIFIER":
      return describeOid(decodeOid(content));
    case "BIT STRING":
      return summarizeBitString(content, scheme);
    case "OCTET STRING":
      return summarizeBytes(content);
    case "UTCTime":
    case "GeneralizedTime":
      return summarizeTime(tag, latin1(content));
    case "UTF8String":
      return new TextDecoder().decode(content);
    case "BMPString":
      return decodeUtf16be(content);
    case "UniversalString":
      return decodeUtf32be(content);
    case "PrintableString":
    case "IA5String":
    case "VisibleString":
    case "NumericString":
    case "T61String":
    case "GraphicString":
    case "GeneralString":
      return latin1(content);
  }
  // Implicitly tagged primitives ([2] dNSName, [0] keyIdentifier…): text when it reads as text.
  if (content.length > 0 && content.every((b) => b >= 0x20 && b < 0x7f)) return latin1(content);
  return summarizeBytes(content);
}

/** An INTEGER (X.690 §8.3) in decimal, with hex when large and the scheme's name for the value; long ones by bit length. */
function summarizeInteger(content: Uint8Array, scheme: LabelScheme | undefined): string {
  if (content.length === 0) return "(empty)";
  const negative = (content[0]! & 0x80) !== 0;
  let magnitude = 0n;
  for (const b of content) magnitude = (magnitude << 8n) | BigInt(b);
  const value = negative ? magnitude - (1n << BigInt(content.length * 8)) : magnitude;
  const named = scheme?.names?.[value.toString()];
  if (content.length <= 6) {
    const decimal = value.toString();
    const withName = named ? `${decimal} (${named})` : decimal;
    return value > 9n || value < -9n ? `${withName} (0x${toHex(content)})` : withName;
  }
  let start = 0;
  while (start < content.length - 1 && content[start] === 0) start++;
  const trimmed = content.subarray(start);
  if (trimmed.length <= 20) return `${negative ? "negative " : ""}0x${toHex(trimmed)}`;
  const bits = (trimmed.length - 1) * 8 + (32 - Math.clz32(trimmed[0]!));
  const what = scheme?.label === "modulus" ? "modulus" : "integer";
  return `${bits}-bit ${what} (${toHex(trimmed.subarray(0, 4))}…${toHex(trimmed.subarray(trimmed.length - 4))})`;
}

/** A BIT STRING (X.690 §8.6): the named bits set, the bits of a short odd-length string, or its bytes. */
function summarizeBitString(content: Uint8Array, scheme: LabelScheme | undefined): string {
  const unused = content[0] ?? 0;
  const bytes = content.subarray(1);
  const bitCount = bytes.length * 8 - (bytes.length ? unused : 0);
  if (scheme?.bits) {
    const set: string[] = [];
    for (let i = 0; i < bitCount; i++) {
      if (bytes[i >> 3]! & (0x80 >> (i & 7))) set.push(scheme.bits[i] ?? `bit ${i}`);
    }
    return set.length ? set.join(", ") : "(no bits set)";
  }
  if (bitCount % 8 !== 0) {
    let bits = "";
    for (let i = 0; i < bitCount; i++) bits += bytes[i >> 3]! & (0x80 >> (i & 7)) ? "1" : "0";
    return bitCount <= 32 ? `${bitCount} bits: ${bits}` : `${bitCount} bits`;
  }
  return summarizeBytes(bytes);
}

/** Byte count and hex, shortened in the middle when long. */
function summarizeBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return "0 bytes";
  if (bytes.length <= 32) return `${bytes.length} bytes: ${toHex(bytes)}`;
  return `${bytes.length} bytes: ${toHex(bytes.subarray(0, 8))}…${toHex(bytes.subarray(bytes.length - 4))}`;
}

/** UTCTime "YYMMDDHHMMSSZ" (RFC 5280 §4.1.2.5.1) or GeneralizedTime "YYYYMMDDHHMMSS[.f]Z" (§4.1.2.5.2) → ISO 8601. */
function summarizeTime(tag: string, text: string): string {
  const m = tag === "UTCTime" ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/.exec(text);
  if (!m) return text;
  let year = m[1]!;
  if (tag === "UTCTime") year = (Number(year) >= 50 ? "19" : "20") + year; // YY ≥ 50 → 19YY, else 20YY
  return `${year}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ""}Z`;
}

/** OBJECT IDENTIFIER contents → dotted form (X.690 §8.19): base-128 arcs, the first packing 40·X + Y. */
export function decodeOid(content: Uint8Array): string {
  const arcs: bigint[] = [];
  let value = 0n;
  for (const b of content) {
    value = (value << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
    }
  }
  if (arcs.length === 0) return "";
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join(".");
}

/** One character per byte: the 8-bit string types, read as they are in certificates. */
function latin1(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

/** BMPString contents: two bytes per character, big-endian. */
function decodeUtf16be(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
  return out;
}

/** UniversalString contents: four bytes per character, big-endian (UTF-32BE). */
function decodeUtf32be(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const cp = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
    out += cp <= 0x10ffff ? String.fromCodePoint(cp) : "\ufffd";
  }
  return out;
}
