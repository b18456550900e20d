/**
 * The thumbprint headers, x5t (RFC 7515 §4.1.7: base64url of the SHA-1 of the certificate DER) and
 * x5t#S256 (§4.1.8: the same with SHA-256), taken apart: how they are encoded, what they decode to,
 * and whether that is this certificate's thumbprint, another certificate's, or one of the classic
 * mistakes (the hex text of the thumbprint, standard base64, the other hash).
 */
import { nodeDigest } from "../../oracle.ts";
import { base64urlEncode } from "../../crypto/base64url.ts";
import { parseCertificate, windowsThumbprint, type CertificateInfo } from "../../formats/x509/index.ts";
import { rsaPublicKeyFromSpki } from "../../formats/keys/index.ts";
import type { RsaPublicKey } from "../../crypto/rsa/index.ts";
import { strictProblems, tolerantBase64, type EncodingProblem } from "./tolerant-jwt.ts";
import type { CertificateSummary } from "./types.ts";

/** The certificate, with what the checks need precomputed. */
export interface CertFacts {
  der: Uint8Array;
  source?: string;
  info: CertificateInfo;
  sha1: Uint8Array;
  sha256: Uint8Array;
  /** For RSA keys (rsaEncryption or RSASSA-PSS). */
  publicKey?: RsaPublicKey;
}

/** Reads the certificate (node:crypto hashes it); throws KitError NOT_CERTIFICATE for other bytes. */
export function certFacts(der: Uint8Array, source?: string): CertFacts {
  const info = parseCertificate(der);
  const facts: CertFacts = { der: info.der, info, sha1: sha(info.der, "sha1"), sha256: sha(info.der, "sha256") };
  if (source !== undefined) facts.source = source;
  if (info.keyType === "RSA" || info.keyType === "RSA-PSS") {
    try {
      facts.publicKey = rsaPublicKeyFromSpki(info.publicKeySpki);
    } catch {
      // a damaged key: the signature check will say it cannot run
    }
  }
  return facts;
}

export function certificateSummary(cert: CertFacts): CertificateSummary {
  const out: CertificateSummary = {
    subject: cert.info.subject,
    notBefore: cert.info.notBefore.toISOString(),
    notAfter: cert.info.notAfter.toISOString(),
    keyType: cert.info.keyType,
    keyBits: cert.info.keyBits,
    sha1Windows: windowsThumbprint(cert.sha1),
    sha256Windows: windowsThumbprint(cert.sha256),
    x5t: base64urlEncode(cert.sha1),
    x5tS256: base64urlEncode(cert.sha256),
  };
  if (cert.source !== undefined) out.source = cert.source;
  return out;
}

export function sha(data: Uint8Array, hash: "sha1" | "sha256" | "sha384" | "sha512"): Uint8Array {
  return nodeDigest(hash, data);
}

export type ThumbprintHeader = "x5t" | "x5t#S256";

export type ThumbprintIssue =
  | "hex-text" // base64url of the hex TEXT of the thumbprint (decodes to 40 or 64 ASCII hex digits)
  | "hex-raw" // the hex thumbprint itself, not encoded at all
  | "standard-base64" // + or / (standard base64)
  | "padded" // = padding
  | "other-encoding-problem" // whitespace, other characters, impossible length
  | "sha256-in-x5t"
  | "sha1-in-x5t-s256"
  | "other-certificate" // right length, not this certificate's
  | "odd-length"; // neither 20 nor 32 bytes

export interface ThumbprintReading {
  header: ThumbprintHeader;
  value: string;
  /**
   * Entra can decode it: base64url, padded or not, or standard base64 (MSAL Python pads, msal4j and
   * MSAL Go send standard base64, and Entra accepts all three); not a mix of the two alphabets,
   * whitespace, other characters or an impossible length.
   */
  strictOk: boolean;
  problems: EncodingProblem[];
  /** The bytes, decoded tolerantly. */
  bytes?: Uint8Array;
  /** When the bytes are the hex text of a thumbprint (or the value is hex itself): that text, upper case. */
  hexText?: string;
  /** Which of the certificate's thumbprints the value stands for, however badly it is encoded. */
  matches?: "sha1" | "sha256";
  issues: ThumbprintIssue[];
  /** What Entra quotes as "Thumbprint of key used by client": the hex of the strictly decoded bytes. */
  entraQuotes?: string;
}

const HEX_THUMBPRINT = /^(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/;
/** "84 E0 5C …" or "84:E0:5C:…", as certmgr and openssl show them. */
const SEPARATED_HEX = /^[0-9A-Fa-f]{2}(?:[ :-][0-9A-Fa-f]{2}){19}(?:(?:[ :-][0-9A-Fa-f]{2}){12})?$/;

export function readThumbprint(header: ThumbprintHeader, value: string, cert?: CertFacts): ThumbprintReading {
  const problems = strictProblems(value);
  const strictOk = entraCanDecode(value);
  const reading: ThumbprintReading = { header, value, strictOk, problems, issues: [] };
  const bytes = tolerantBase64(value);
  if (bytes) reading.bytes = bytes;
  if (strictOk && bytes) reading.entraQuotes = windowsThumbprint(bytes);

  const wanted = header === "x5t" ? 20 : 32;
  const certHex = cert ? { sha1: windowsThumbprint(cert.sha1), sha256: windowsThumbprint(cert.sha256) } : undefined;

  // The hex thumbprint, as text: encoded (hex-text) or not (hex-raw).
  const asText = bytes && bytes.every((b) => b >= 0x20 && b < 0x7f) ? new TextDecoder().decode(bytes).trim() : undefined;
  if (HEX_THUMBPRINT.test(value)) {
    reading.issues.push("hex-raw");
    reading.hexText = value.toUpperCase();
  } else if (asText && (HEX_THUMBPRINT.test(asText) || SEPARATED_HEX.test(asText))) {
    reading.issues.push("hex-text");
    reading.hexText = asText.replace(/[ :-]/g, "").toUpperCase();
  }
  if (reading.hexText && certHex) {
    if (reading.hexText === certHex.sha1) reading.matches = "sha1";
    else if (reading.hexText === certHex.sha256) reading.matches = "sha256";
  }

  if (problems.some((p) => p.kind === "standard-alphabet")) reading.issues.push("standard-base64");
  else if (problems.some((p) => p.kind === "padding")) reading.issues.push("padded");
  if (problems.some((p) => p.kind === "whitespace" || p.kind === "invalid-character" || p.kind === "impossible-length" || p.kind === "empty")) reading.issues.push("other-encoding-problem");

  if (!reading.hexText && bytes) {
    if (cert && equal(bytes, cert.sha1)) reading.matches = "sha1";
    else if (cert && equal(bytes, cert.sha256)) reading.matches = "sha256";
    if (header === "x5t" && bytes.length === 32) reading.issues.push("sha256-in-x5t");
    else if (header === "x5t#S256" && bytes.length === 20) reading.issues.push("sha1-in-x5t-s256");
    else if (bytes.length !== wanted) reading.issues.push("odd-length");
    else if (cert && !reading.matches) reading.issues.push("other-certificate");
  }
  return reading;
}

/** The mock's rule (and, by the clients' evidence, Entra's) for a thumbprint it can read. */
export function entraCanDecode(value: string): boolean {
  const unpadded = value.replace(/={1,2}$/, "");
  return unpadded !== "" && /^[A-Za-z0-9_-]+$|^[A-Za-z0-9+/]+$/.test(unpadded) && unpadded.length % 4 !== 1;
}

/** Does the header value identify this certificate exactly as Entra reads it? */
export function identifiesCertificate(reading: ThumbprintReading, cert: CertFacts): boolean {
  if (!reading.strictOk || !reading.bytes) return false;
  return equal(reading.bytes, reading.header === "x5t" ? cert.sha1 : cert.sha256);
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
