/**
 * A pasted Entra error, explained: the JSON body Entra sends (entra-errors.md "Error body"), or
 * only its text with "AADSTSnnnnn". The code is looked up in the mock's catalog (meaning and fix),
 * the ids to quote to support are taken out, and the likely causes are ranked: first by the code,
 * then by what the text itself says (the thumbprint Entra quotes, the times it prints, the dates of
 * the key it found).
 */
import { CATALOG, catalogEntriesFor, type CatalogEntry, type CatalogId } from "../aadsts-catalog.ts";
import { fromHex } from "../../bytes.ts";
import { windowsThumbprint } from "../../formats/x509/index.ts";
import { base64urlEncode } from "../../crypto/base64url.ts";
import { cause, type CauseId } from "./causes.ts";
import { equal, type CertFacts } from "./thumbprints.ts";
import { durationText, localText, relativeText, utcText } from "./times.ts";
import { codeVariants, isBareCode } from "./variants.ts";
import type { Cause, DiagnosisError } from "./types.ts";

/** The causes behind each answer, most likely first (by catalog id, or by code when the catalog has none). */
const LIKELY: Readonly<Record<string, CauseId[]>> = {
  "700027-not-registered": ["cert-not-uploaded", "x5t-hex-text", "x5t-other-certificate", "sha256-in-x5t", "sha1-in-x5t-s256", "wrong-tenant", "old-cert-removed-early"],
  "700027-bad-signature": ["key-mismatch", "signature-over-other-input", "ps256-with-pkcs1-signature", "rs256-with-pss-signature", "pss-salt-length"],
  "700027-key-expired": ["cert-expired", "expiry-unwatched", "cert-not-yet-valid", "clock-skew"],
  "700027-key-not-found": ["thumbprint-unreadable", "kid-only", "x5c-malformed", "cert-not-uploaded"],
  "50032": ["rsa-under-2048"],
  "700027": ["cert-not-uploaded", "x5t-hex-text", "key-mismatch", "x5t-other-certificate", "cert-expired", "ps256-with-pkcs1-signature"],
  "700024": ["expired", "clock-skew", "nbf-milliseconds", "not-yet-valid", "exp-missing", "library-regression"],
  "700023": ["aud-other-tenant", "aud-graph-resource", "aud-trailing-slash", "aud-common", "aud-not-token-endpoint", "wrong-cloud"],
  "700021": ["iss-client-id-mismatch"],
  "50048": ["iss-sub-mismatch"],
  "50027": ["segment-standard-base64", "json-bom", "json-not-utf8", "alg-none", "malformed-jwt", "aud-not-token-endpoint", "form-field"],
  "50027-jose": ["json-duplicate-name", "crit-header", "segment-non-canonical", "thumbprints-disagree"],
  "5002738": ["alg-unsupported", "alg-none"],
  "5002723": ["no-thumbprint"],
  "5002730": ["ps256-refused", "ec-key", "key-not-rsa", "library-regression"],
  "90014": ["claim-missing", "form-field"],
  "1002012": ["scope-without-default"],
  "70011": ["scope-without-default", "form-field"],
  "7000216": ["jwt-as-scope", "form-field", "library-regression"],
  "7000218": ["public-client", "form-field", "jwt-as-scope"],
  "900144": ["form-field"],
  "90011": ["form-field"],
  "70003": ["form-field"],
  "700016": ["unknown-client-id", "wrong-tenant", "wrong-cloud"],
  "90002": ["wrong-tenant", "wrong-cloud"],
  "90002-discovery": ["wrong-tenant", "wrong-cloud"],
  "9001023": ["wrong-tenant"],
  "900023": ["wrong-tenant"],
  // Older service: the hex-text x5t was answered with 50012 (AzureAD/azure-activedirectory-library-for-dotnet #309);
  // the same code carried a wrong aud and a wrong secret (the catalog's sources).
  "50012": ["x5t-hex-text", "aud-other-tenant", "secret-wrong", "key-mismatch"],
  "50013": ["key-mismatch", "signature-over-other-input", "ps256-with-pkcs1-signature"],
  "70002": ["cert-not-uploaded", "key-mismatch", "secret-wrong"],
  "70001": ["unknown-client-id", "wrong-tenant"],
  "700025": ["public-client"],
  "700026": ["cert-not-uploaded"],
  "7000215": ["secret-wrong", "secret-expired"],
  "7000222": ["secret-expired"],
  "7000112": ["app-disabled"],
  "1000502": ["cert-expired", "cert-not-yet-valid", "clock-skew"],
  "5002727": ["malformed-jwt"],
  "5002741": ["aud-not-token-endpoint"],
  "700022": ["scope-without-default"],
  "90130": ["wrong-tenant"],
  "50049": ["wrong-cloud"],
  "500011": ["resource-not-in-tenant", "wrong-tenant", "scope-without-default"],
  "900561": ["form-field"],
  "9002313": ["form-field"],
  "9002313-two-credentials": ["two-credentials"],
  "9000411": ["form-duplicate-field"],
  "50000": ["service-problem"],
};

export interface ExplainedError {
  error: DiagnosisError;
  causes: Cause[];
  notes: string[];
}

interface ParsedError {
  /** The code that names the failure (in the two-code form, the second). */
  code: number;
  /** Every code in the answer, when there are several. */
  codes?: number[];
  description: string;
  error?: string;
  traceId?: string;
  correlationId?: string;
  timestamp?: string;
}

/**
 * Codes that only say "the credential was refused" and come first in the older two-code form
 * ("AADSTS70002: Error validating credentials. AADSTS50012: …"): the code after them names the failure.
 */
const LEADING_CODES = new Set([70002, 70000]);

/**
 * Reads the code, the text and the support ids out of what people paste: a JSON body, a Python dict
 * (MSAL Python's result, single quotes), a library's wrapping (MsalServiceException: …,
 * ClientCertificateCredential authentication failed: …), loose text with CRLF or escaped \r\n,
 * form-encoded text (+ for spaces). Undefined when no AADSTS code is in it.
 */
export function parseEntraError(text: string): ParsedError | undefined {
  text = normalisePaste(text);
  const body = readBody(text);
  const description = typeof body?.error_description === "string" ? body.error_description : text;
  const listed = Array.isArray(body?.error_codes) ? (body.error_codes as unknown[]).filter((c): c is number => typeof c === "number") : [];
  const inText = [...description.matchAll(/AADSTS\s*(\d+)/gi)].map((m) => Number(m[1]));
  const codes = listed.length ? listed : inText.length ? inText : [...text.matchAll(/AADSTS\s*(\d+)/gi)].map((m) => Number(m[1]));
  // Several codes: the last names the failure ([70002, 50012], [50027, 90014], an outer 90010 around 9001023).
  const code = codes[codes.length - 1];
  if (code === undefined) return undefined;
  const out: ParsedError = { code, description: cleanDescription(description, code) };
  if (codes.length > 1 && codes.some((c) => c !== code)) out.codes = [...new Set(codes)];
  const str = (name: string) => (typeof body?.[name] === "string" ? (body[name] as string) : undefined);
  if (str("error")) out.error = str("error")!;
  else {
    const oauth = /\b(invalid_client|invalid_request|invalid_grant|unauthorized_client|invalid_scope|invalid_resource|unsupported_grant_type|invalid_tenant|invalid_instance|server_error)\b/.exec(text)?.[1];
    if (oauth) out.error = oauth;
  }
  // Trace and correlation IDs are GUIDs from Entra, but people paste them redacted or mangled: take the word.
  const traceId = str("trace_id") ?? /Trace ID:\s*([^\s,'"\\]+)/i.exec(text)?.[1];
  const correlationId = str("correlation_id") ?? /Correlation ID:\s*([^\s,'"\\]+)/i.exec(text)?.[1];
  const timestamp = str("timestamp") ?? /Timestamp:\s*(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?Z?)/i.exec(text)?.[1];
  if (traceId) out.traceId = traceId;
  if (correlationId) out.correlationId = correlationId;
  if (timestamp) out.timestamp = timestamp;
  return out;
}

/** The description without "AADSTSnnn: " in front and the Trace ID / Correlation ID / Timestamp trailer. */
function cleanDescription(description: string, code: number): string {
  let d = description.replace(/\\r\\n|\\n|\r\n|\r|\n/g, " ");
  const at = d.search(/\s*Trace ID:/i);
  if (at >= 0) d = d.slice(0, at);
  d = d.replace(new RegExp(`^.*?AADSTS${code}\\s*:\\s*`, "is"), "");
  return d.replace(/\s{2,}/g, " ").trim();
}

/** A form-encoded paste ("AADSTS500011:+The+resource…") reads as text; CRLF stays. */
function normalisePaste(text: string): string {
  if (/AADSTS\d+:\+/.test(text) && !/AADSTS\d+: /.test(text)) {
    try {
      return decodeURIComponent(text.replace(/\+/g, " "));
    } catch {
      return text.replace(/\+/g, " ");
    }
  }
  return text;
}

/** The JSON object in the text, or a Python dict's fields (MSAL Python prints its result so). */
function readBody(text: string): Record<string, unknown> | undefined {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start >= 0 && end > start) {
    try {
      const value: unknown = JSON.parse(text.slice(start, end + 1));
      if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // not JSON: maybe a Python dict
    }
  }
  const quoted = (name: string) => new RegExp(`['"]${name}['"]\\s*:\\s*(['"])((?:\\\\.|(?!\\1).)*)\\1`, "s").exec(text)?.[2];
  const description = quoted("error_description");
  if (description === undefined) return undefined;
  const body: Record<string, unknown> = { error_description: description };
  const error = quoted("error");
  if (error !== undefined) body.error = error;
  const codes = /['"]error_codes['"]\s*:\s*\[([\d,\s]*)\]/.exec(text)?.[1];
  if (codes) body.error_codes = codes.split(",").map((c) => Number(c.trim())).filter((c) => Number.isFinite(c) && c > 0);
  for (const name of ["trace_id", "correlation_id", "timestamp"]) {
    const value = quoted(name);
    if (value !== undefined) body[name] = value;
  }
  return body;
}

/** Which catalog entry a text is: for codes with several texts, the reason decides. */
export function matchCatalogEntry(code: number, description: string, error?: string): CatalogEntry | undefined {
  const entries = catalogEntriesFor(code);
  if (entries.length <= 1) return entries[0];
  if (code === 700027) {
    const id: CatalogId | undefined = /key was not found|not registered on application/i.test(description)
      ? /Thumbprint of key used by client:\s*'[0-9A-Fa-f]+'/i.test(description)
        ? "700027-not-registered"
        : "700027-key-not-found"
      : /key used is expired/i.test(description)
        ? "700027-key-expired"
        : /did not match the expected signature|verify the signature failed|signature validation/i.test(description)
            ? "700027-bad-signature"
            : undefined;
    return id ? CATALOG[id] : undefined;
  }
  if (error) {
    const byError = entries.filter((e) => e.error === error);
    if (byError.length === 1) return byError[0];
  }
  // The entry whose longest fixed piece of text appears in the description.
  let best: { entry: CatalogEntry; score: number } | undefined;
  for (const entry of entries) {
    const score = Math.max(0, ...entry.template.split(/\{\w+\}/).map((p) => p.trim()).filter((p) => p.length >= 8 && description.includes(p)).map((p) => p.length));
    if (score > 0 && (!best || score > best.score)) best = { entry, score };
  }
  return best?.entry ?? entries[0];
}

export function explainEntraError(text: string, options: { cert?: CertFacts; registered?: CertFacts[]; clientId?: string; tenant?: string; now: Date }): ExplainedError | undefined {
  const parsed = parseEntraError(text);
  if (!parsed) return undefined;
  const notes: string[] = [];
  // A code with several answers and no text to tell which (or a text that is none of them): all of them.
  const variants = codeVariants(parsed.code).map((v) => ({ ...v, likelyCauses: [...(LIKELY[v.catalogId] ?? [])] }));
  const entry = variants.length && isBareCode(parsed.description) ? undefined : matchCatalogEntry(parsed.code, parsed.description, parsed.error);
  const listed = !entry && variants.length > 0;
  const key = entry?.id ?? String(parsed.code);
  // Listed: the code's own ranking when it has one, else every answer's causes (each answer lists its own).
  const ranking: CauseId[] = [...(LIKELY[key] ?? (listed ? new Set(variants.flatMap((v) => v.likelyCauses)) : LIKELY[String(parsed.code)]) ?? [])];
  const evidence = new Map<CauseId, [string, string][]>();
  const details = new Map<CauseId, string>();
  const promote = (id: CauseId, detail: string, rows: [string, string][] = []) => {
    const at = ranking.indexOf(id);
    if (at >= 0) ranking.splice(at, 1);
    ranking.unshift(id);
    details.set(id, detail);
    evidence.set(id, rows);
  };

  // The thumbprint Entra quotes (700027, "Thumbprint of key used by client: '…'").
  const quoted = /Thumbprint of key used by client:\s*'([0-9A-Fa-f]*)'/i.exec(parsed.description)?.[1];
  if (quoted) explainQuotedThumbprint(quoted.toUpperCase(), options.cert, promote, notes, options.registered);

  if (parsed.code === 700024) explainTimes(parsed, promote);
  if (entry?.id === "700027-key-expired") explainKeyDates(parsed, options.now, promote, options.cert, notes);
  if (parsed.code === 700016) {
    const app = /identifier '([^']+)'/i.exec(parsed.description)?.[1];
    const directory = /directory '([^']+)'/i.exec(parsed.description)?.[1];
    const rows: [string, string][] = [];
    if (app) rows.push(["client id sent", app]);
    if (directory) rows.push(["tenant", directory]);
    if (options.clientId && app && options.clientId.toLowerCase() !== app.toLowerCase()) rows.push(["--client-id", `${options.clientId} (differs from the one sent)`]);
    if (rows.length) promote("unknown-client-id", `No app with client id ${app ?? "?"} is registered in ${directory ?? "that tenant"}: a typo, the object ID instead of the client ID, or the app lives in another tenant.`, rows);
  }
  if (listed)
    notes.push(
      isBareCode(parsed.description)
        ? `Only the code was given: paste Entra's whole answer (its error_description) and the doctor names which of AADSTS${parsed.code}'s ${variants.length} answers it is.`
        : `The text is none of AADSTS${parsed.code}'s ${variants.length} answers word for word; compare it with each answer's tell.`,
    );
  else if (!entry) notes.push(`AADSTS${parsed.code} is not in the kit's catalog; https://login.microsoftonline.com/error?code=${parsed.code} explains it.`);
  if (parsed.codes) {
    const general = parsed.codes.filter((c) => LEADING_CODES.has(c));
    notes.push(`The answer has ${parsed.codes.map((c) => `AADSTS${c}`).join(" and ")}: ${general.length ? `${general.map((c) => `AADSTS${c}`).join(", ")} only says the credential was refused` : "the last one is the most specific"}; AADSTS${parsed.code} says why.`);
  }
  // The time-range text also came under other codes (50012 in the ADAL era): the clock first.
  if (parsed.code !== 700024 && /not within its valid time range/i.test(parsed.description)) {
    promote("clock-skew", "Entra says the assertion is outside its valid time range: the signing machine's clock, or nbf/exp built from local time.");
  }

  const causes = ranking.map((id) =>
    cause(id, details.get(id) ?? `A usual reason for AADSTS${parsed.code}${entry ? ` (${entry.id})` : ""}.`, evidence.get(id) ?? [], { aadsts: parsed.code, ...(entry ? { catalogId: entry.id } : {}), severity: "error" }),
  );
  const error: DiagnosisError = {
    code: parsed.code,
    meaning: entry?.meaning ?? (listed ? `AADSTS${parsed.code} is ${variants.length} different answers in the kit's catalog (${variants.map((v) => v.catalogId).join(", ")}); the text after the code tells which.` : "The kit's catalog does not have this code."),
    fix: entry?.fix ?? (listed ? "Find the answer's tell below in Entra's text, then follow that answer's fix; or paste the whole text." : `Look it up: https://login.microsoftonline.com/error?code=${parsed.code}`),
    likelyCauses: ranking,
    description: parsed.description,
  };
  if (entry) error.catalogId = entry.id;
  if (listed) error.variants = variants;
  if (parsed.correlationId) error.correlationId = parsed.correlationId;
  if (parsed.traceId) error.traceId = parsed.traceId;
  if (parsed.timestamp) error.timestamp = parsed.timestamp;
  if (parsed.error) error.error = parsed.error;
  return { error, causes, notes };
}

type Promote = (id: CauseId, detail: string, rows?: [string, string][]) => void;

/**
 * What the quoted thumbprint is. Entra prints the bytes it decoded from the header as hex: 40 digits
 * for a SHA-1, 64 for a SHA-256, and 80 (or 128) when x5t held base64url of the hex TEXT, whose
 * bytes are ASCII digits: '3834…' is "84…".
 */
function explainQuotedThumbprint(quoted: string, cert: CertFacts | undefined, promote: Promote, notes: string[], registered?: CertFacts[]): void {
  const rows: [string, string][] = [["Entra quotes", quoted]];
  const certRows = (which: "sha1" | "sha256"): [string, string][] =>
    cert ? [[`your certificate's ${which === "sha1" ? "SHA-1" : "SHA-256"}`, windowsThumbprint(which === "sha1" ? cert.sha1 : cert.sha256)], [`its ${which === "sha1" ? "x5t" : "x5t#S256"}`, base64urlEncode(which === "sha1" ? cert.sha1 : cert.sha256)]] : [];
  if (quoted.length % 2 === 0 && quoted.length > 0) {
    const bytes = fromHex(quoted);
    const text = bytes.every((b) => b >= 0x20 && b < 0x7f) ? new TextDecoder().decode(bytes) : undefined;
    if (text && /^(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$/.test(text)) {
      const sameAsCert = cert && (text.toUpperCase() === windowsThumbprint(cert.sha1) || text.toUpperCase() === windowsThumbprint(cert.sha256));
      promote(
        "x5t-hex-text",
        `The quoted thumbprint is ${quoted.length} hex digits: its bytes are the ASCII text "${text.slice(0, 16)}…", so the header carried base64url of the thumbprint's hex text${sameAsCert ? ", and that text is your certificate's thumbprint" : ""}.`,
        [...rows, ["those bytes as text", text.toUpperCase()], ...certRows(text.length === 40 ? "sha1" : "sha256")],
      );
      return;
    }
  }
  if (cert && (quoted === windowsThumbprint(cert.sha1) || quoted === windowsThumbprint(cert.sha256))) {
    // A certificate of the same subject is registered and this one is not: the app was rotated
    // and this machine still signs with the certificate that was removed (inferred from the two facts).
    const successor = registered?.find((r) => r.info.subject === cert.info.subject && !equal(r.sha1, cert.sha1));
    if (successor) {
      promote(
        "old-cert-removed-early",
        `The quoted thumbprint is your certificate's, and the app has another certificate of the same subject (${cert.info.subject}) registered instead: the app's certificate was rotated, and this machine still signs with the one that was removed (inferred from those two facts).`,
        [...rows, ...certRows("sha1"), ["registered instead", `${windowsThumbprint(successor.sha1)}, valid from ${successor.info.notBefore.toISOString().slice(0, 10)}`]],
      );
      return;
    }
    promote("cert-not-uploaded", "The quoted thumbprint is your certificate's: the header is right, but this certificate is not registered on the app (or the request goes to another app or tenant).", [...rows, ...certRows(quoted.length === 40 ? "sha1" : "sha256")]);
    return;
  }
  if (cert && (quoted.length === 40 || quoted.length === 64)) {
    promote("x5t-other-certificate", "The quoted thumbprint is not your certificate's: the assertion names another certificate.", [...rows, ...certRows(quoted.length === 40 ? "sha1" : "sha256")]);
    return;
  }
  if (quoted.length === 64) notes.push("The quoted thumbprint is 64 hex digits, a SHA-256: the header used x5t#S256 (or put a SHA-256 in x5t).");
  else if (quoted.length !== 40) notes.push(`The quoted thumbprint is ${quoted.length} hex digits (${quoted.length / 2} bytes), which is no SHA-1 (40) or SHA-256 (64): the header value was made wrongly.`);
}

/** "Current time: …, assertion valid from …, expiry time of assertion …" (700024). */
function explainTimes(parsed: ParsedError, promote: Promote): void {
  const m = /Current time:\s*(\S+?),\s*assertion valid from\s*(\S+?),\s*expiry time of assertion\s*(\S+?)\.?(?:\s|$)/i.exec(parsed.description);
  if (!m) return;
  const [now, from, until] = [m[1]!, m[2]!, m[3]!].map(dotNetDate);
  if (now === undefined || from === undefined || until === undefined) return;
  const rows: [string, string][] = [
    ["current time", `${utcText(now)}  (${localText(now)})`],
    ["valid from (nbf)", `${utcText(from)}  ${relativeText((from - now) / 1000)}`],
    ["expires (exp)", `${utcText(until)}  ${relativeText((until - now) / 1000)}`],
  ];
  if (from > now) {
    const far = new Date(from).getUTCFullYear() >= 3000;
    if (far) promote("nbf-milliseconds", `The assertion is valid only from ${utcText(from)}: nbf was written in milliseconds and read as seconds.`, rows);
    else promote("not-yet-valid", `nbf is ${durationText((from - now) / 1000)} after the current time: the signing machine's clock runs ahead of Entra's.`, rows);
  } else if (until < now) {
    if (new Date(until).getUTCFullYear() === 1970) promote("exp-missing", "The expiry reads 1970-01-01: the assertion has no exp (or exp is 0).", rows);
    else promote("expired", `The assertion expired ${durationText((now - until) / 1000)} before the request${new Date(from).getUTCFullYear() === 1970 ? " (valid from 1970: it has no nbf, as MSAL Python sends it, which is fine)" : ""}: it is reused, or the clock of the signing machine is behind.`, rows);
  }
}

/** "Found key 'Start=06/29/2021 21:13:15, End=06/29/2023 21:13:15'" against the error's time (700027 expired). */
function explainKeyDates(parsed: ParsedError, fallbackNow: Date, promote: Promote, cert: CertFacts | undefined, notes: string[]): void {
  const m = /Start=(\d\d)\/(\d\d)\/(\d{4}) (\d\d:\d\d:\d\d), End=(\d\d)\/(\d\d)\/(\d{4}) (\d\d:\d\d:\d\d)/.exec(parsed.description);
  if (!m) return;
  const start = Date.parse(`${m[3]}-${m[1]}-${m[2]}T${m[4]}Z`);
  const end = Date.parse(`${m[7]}-${m[5]}-${m[6]}T${m[8]}Z`);
  const at = parsed.timestamp ? Date.parse(parsed.timestamp.replace(" ", "T")) : fallbackNow.getTime();
  const rows: [string, string][] = [
    ["key valid from", utcText(start)],
    ["key valid until", utcText(end)],
    ["error time", utcText(at)],
  ];
  if (cert) rows.push(["your certificate", `${utcText(cert.info.notBefore.getTime())} → ${utcText(cert.info.notAfter.getTime())}`]);
  if (at > end) promote("cert-expired", `The registered certificate expired ${durationText((at - end) / 1000)} before the request.`, rows);
  else if (at < start) promote("cert-not-yet-valid", `The registered certificate starts ${durationText((start - at) / 1000)} after the request.`, rows);
  // The dates disagree with the refusal: at the answer's own timestamp the key was valid. Then a
  // clock decided it (the signing machine's, or a time zone taken for UTC), not the dates.
  else promote("clock-skew", `At the answer's timestamp (${utcText(at)}) the key was within its dates, yet Entra called it expired: a clock or time-zone difference, not the certificate's dates.`, rows);
  if (cert && (Math.abs(cert.info.notBefore.getTime() - start) > 1000 || Math.abs(cert.info.notAfter.getTime() - end) > 1000))
    notes.push(`The key Entra found (Start ${utcText(start)}, End ${utcText(end)}) does not have your certificate's dates: the app has another certificate (or a credential with custom dates) under that thumbprint.`);
}

/** .NET round-trip text ("2025-08-29T05:47:32.1501147Z", up to 9999-12-31) as milliseconds. */
function dotNetDate(text: string): number | undefined {
  const ms = Date.parse(text.replace(/(\.\d{3})\d+/, "$1"));
  return Number.isNaN(ms) ? undefined : ms;
}

/** For tests and the WORKSHOP table: the ranked causes of a catalog id (or code). */
export function likelyCausesFor(catalogIdOrCode: string): CauseId[] {
  return [...(LIKELY[catalogIdOrCode] ?? [])];
}

