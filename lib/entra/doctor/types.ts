/**
 * The doctor's data: what goes in (a client assertion, a form body, a curl command line or a pasted
 * Entra error, plus optionally the certificate) and what comes out (Entra's checks in Entra's order,
 * the named causes, and the AADSTS code the real service, and the mock, would answer).
 *
 * Everything here is plain data: the doctor never prints and never reads files (steps/doctor/ does).
 */
import type { CatalogId } from "../aadsts-catalog.ts";
import type { CodeVariant } from "./variants.ts";

export interface DoctorInput {
  /** What the user gave: a JWT, a form body, a curl command line, or an Entra error text or body. */
  text: string;
  /** The certificate registered on the app (DER), e.g. from a .cer, .pem or .pfx the CLI read. */
  certificate?: { der: Uint8Array; source?: string };
  /**
   * The certificates registered on the app now (Graph's keyCredentials, e.g. from `cert check`), when
   * the caller knows them: a pasted 700027 is then read against them (old-cert-removed-early).
   */
  registered?: { der: Uint8Array }[];
  /** The Application (client) ID; the form's client_id wins when there is one. */
  clientId?: string;
  /** The tenant (GUID or domain) the token request goes to; a curl URL's tenant is used when absent. */
  tenant?: string;
  /** The instant the times are judged at. */
  now: Date;
  /** Where `text` came from, when the caller knows (a file makes `found.from` "file" for a bare JWT). */
  textSource?: "argument" | "stdin" | "file";
  /**
   * The content of the files a curl command line in `text` reads (`found.fileRefs`), keyed by the
   * path as the command line writes it. The caller reads them (lib/entra/doctor/ never touches files);
   * a file that is not given here is reported as not read and its field is not judged.
   */
  files?: Record<string, string>;
}

export type CheckStatus = "pass" | "fail" | "warn" | "skip";

/** One of Entra's checks, as the doctor ran it. */
export interface Check {
  /** Stable id: "shape", "alg", "claims", "sub-iss", "iss-client-id", "aud", "time", "key-id", … */
  id: string;
  title: string;
  status: CheckStatus;
  /** What the doctor saw (one line). */
  saw: string;
  /** What Entra expects (one line). */
  expected: string;
  /** The code Entra answers when this check fails (set on "fail" only). */
  aadsts?: number;
  /** The mock's catalog id for that answer ("700027-not-registered", "50027", …). */
  catalogId?: CatalogId;
}

/**
 * How much a cause matters: "error" makes Entra refuse the request, "warning" is accepted today but
 * wrong or risky, "info" is worth knowing and harmless.
 */
export type CauseSeverity = "error" | "warning" | "info";

/** A named mistake the doctor recognised, with the evidence for it and the fix. */
export interface Cause {
  /** Stable id (see CAUSE_IDS); the lab names its scenarios after them. */
  id: string;
  title: string;
  /** One line: what exactly is wrong here. */
  detail: string;
  /** Rows of [label, value] that show it (thumbprints side by side, times, hashes). */
  evidence: [string, string][];
  fix: string;
  /** The code Entra answers for it (absent for warnings and information). */
  aadsts?: number;
  catalogId?: CatalogId;
  /**
   * For a warning: what Entra does with it, when that is not simply "accepts it today" (e.g.
   * "unknown: AADSTS700023 unless contoso.com is this tenant's domain").
   */
  outcome?: string;
  severity: CauseSeverity;
}

/** What the doctor found in the input. */
export interface Found {
  from: "jwt" | "form-body" | "curl" | "file";
  /** The client assertion as Entra receives it (after form decoding); "" when there is none. */
  assertion: string;
  /** Every form field, decoded, when the input was a form body or a curl command line (the first value of a repeated one). */
  formFields?: Record<string, string>;
  /** Form field names sent more than once. */
  duplicateFields?: string[];
  /** The token endpoint URL, when a curl command line or an HTTP request named it. */
  url?: string;
  /** The form field the assertion was found in, when it was not client_assertion (jwt-as-scope). */
  field?: string;
  /** The files a curl command line reads into the body (--data-urlencode name@file, -d @file, …). */
  fileRefs?: CurlFileRef[];
}

/** A file a curl command line sends (some of) the body from. */
export interface CurlFileRef {
  /** The option and its argument as written: "--data-urlencode client_assertion@assertion.jwt". */
  option: string;
  /** The form field the file's content becomes; absent when the content is (part of) the body itself. */
  field?: string;
  /** The path as written (relative to the folder curl runs in); "-" is curl's stdin. */
  path: string;
  /**
   * How curl sends the content: "urlencode" (--data-urlencode: URL-encoded, newlines included),
   * "strip-newlines" (-d/--data/--data-ascii @file: every CR and LF removed), "binary"
   * (--data-binary @file: as it is).
   */
  how: "urlencode" | "strip-newlines" | "binary";
  /** Whether the caller gave the file's content (DoctorInput.files); false: the field was not judged. */
  read: boolean;
}

/** A pasted Entra error, explained. */
export interface DiagnosisError {
  code: number;
  catalogId?: CatalogId;
  correlationId?: string;
  traceId?: string;
  timestamp?: string;
  /** The OAuth error value ("invalid_client"), when the body had one. */
  error?: string;
  /** The description text, without the trace trailer. */
  description?: string;
  meaning: string;
  fix: string;
  /** Cause ids, most likely first. */
  likelyCauses: string[];
  /** A code with several answers in the catalog and no text that says which: each, with what tells it. */
  variants?: (CodeVariant & { likelyCauses: string[] })[];
}

/** One NumericDate claim, read the way Entra reads it and shown in UTC and the local zone. */
export interface TimeReading {
  claim: "nbf" | "exp" | "iat";
  /** The claim as it is in the JSON (number or string). */
  raw: unknown;
  /** Seconds since 1970, when it is a number or a numeric string. */
  seconds?: number;
  /** The claim looks like milliseconds (more than 10^11). */
  milliseconds: boolean;
  /** "2025-06-01 12:00:00 UTC" (as seconds, the way Entra reads it). */
  utc?: string;
  /** "2025-06-01 14:00:00 UTC+02:00 (Europe/Paris)". */
  local?: string;
  /** When milliseconds: the instant it would be as milliseconds, in UTC. */
  asMilliseconds?: string;
  /** Seconds from now to the claim (negative: in the past). */
  fromNow?: number;
  /** "in 9 min 58 s", "2 h 3 min ago". */
  relative?: string;
}

/** A thumbprint header next to the certificate's own, as Windows shows it and as x5t. */
export interface ThumbprintRow {
  algorithm: "SHA-1" | "SHA-256";
  header: "x5t" | "x5t#S256";
  /** The header value as sent; undefined when the header has none. */
  inHeader?: string;
  /** What the header value decodes to, as upper-case hex (Windows style). */
  inHeaderHex?: string;
  /** When the decoded bytes are printable text (the hex-text mistake), that text. */
  inHeaderText?: string;
  /** The certificate's thumbprint, upper-case hex, as Windows shows it. */
  certificateWindows?: string;
  /** The certificate's thumbprint as the header should carry it. */
  certificateHeader?: string;
  /** Whether Entra uses this header to find the key (x5t#S256 wins over x5t). */
  used: boolean;
}

/** The certificate, in short. */
export interface CertificateSummary {
  source?: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  keyType: string;
  keyBits: number;
  sha1Windows: string;
  sha256Windows: string;
  x5t: string;
  x5tS256: string;
}

export interface Diagnosis {
  kind: "assertion" | "entra-error" | "no-error-code";
  found?: Found;
  /** Entra's checks in Entra's order (the mock's order, mock-aad/core.ts and check-assertion.ts). */
  checks: Check[];
  /** The named causes that apply, most likely first. */
  causes: Cause[];
  /** What the real service (and the mock) would answer: the first failing check. */
  predicted?: { aadsts: number; catalogId: CatalogId };
  /**
   * "rejected": a check fails; "accepted": every check ran and passed; "not-verified": nothing
   * fails, but some checks could not run (no certificate, no client id).
   */
  verdict: "accepted" | "rejected" | "not-verified" | "explained" | "not-understood";
  error?: DiagnosisError;
  /** The decoded header and payload (what the bytes say, read tolerantly). */
  decoded?: {
    header?: Record<string, unknown>;
    payload?: Record<string, unknown>;
    headerJson?: string;
    payloadJson?: string;
    segments: string[];
    signatureBytes?: number;
  };
  times?: TimeReading[];
  thumbprints?: ThumbprintRow[];
  certificate?: CertificateSummary;
  /** Things worth knowing that are not causes (what was ignored, what could not be checked). */
  notes: string[];
  /** The instant the times were judged at (ISO 8601). */
  now: string;
}
