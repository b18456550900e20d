/**
 * `diagnose`: the doctor's one entry point. Give it what the user pasted (a client assertion, a form
 * body, a curl command line, or an Entra error) and, when there is one, the registered certificate;
 * it returns Entra's checks in Entra's order, the named causes (most likely first), and the AADSTS
 * code the real service, and the mock, would answer. Data only: steps/doctor/ prints it.
 *
 * @example
 * const d = diagnose({ text: jwt, certificate: { der }, clientId, tenant, now: new Date() });
 * d.predicted; // { aadsts: 700027, catalogId: "700027-not-registered" }
 * d.causes[0].id; // "x5t-hex-text"
 */
import { KitError } from "../../errors.ts";
import { runChecks } from "./checks.ts";
import { explainEntraError } from "./error-text.ts";
import { readInput } from "./read-input.ts";
import { certFacts, certificateSummary, type CertFacts } from "./thumbprints.ts";
import type { Diagnosis, DoctorInput } from "./types.ts";

export type { Cause, CauseSeverity, CertificateSummary, Check, CheckStatus, CurlFileRef, Diagnosis, DiagnosisError, DoctorInput, Found, ThumbprintRow, TimeReading } from "./types.ts";
export { CAUSES, CAUSE_IDS, type CauseId } from "./causes.ts";
export { MAX_INPUT_CHARS, curlEscape, readInput } from "./read-input.ts";
export { explainEntraError, likelyCausesFor, parseEntraError } from "./error-text.ts";
export { diagnoseKeyProof, type KeyProofDiagnosis, type KeyProofInput } from "./key-proof.ts";
export { CLOCK_SKEW_SECONDS, ADVISED_MAX_LIFETIME_SECONDS } from "./times.ts";

export function diagnose(input: DoctorInput): Diagnosis {
  const notes: string[] = [];
  let cert: CertFacts | undefined;
  if (input.certificate) {
    try {
      cert = certFacts(input.certificate.der, input.certificate.source);
    } catch (error) {
      notes.push(`The certificate could not be read (${error instanceof KitError ? error.message : String(error)}); the key checks were skipped.`);
    }
  }
  const base = { notes, now: input.now.toISOString(), ...(cert ? { certificate: certificateSummary(cert) } : {}) };
  const read = readInput(input.text, input.textSource, input.files);
  notes.push(...read.notes);

  if (read.kind === "entra-error") {
    const explained = explainEntraError(read.text, { ...(cert ? { cert } : {}), ...(input.registered ? { registered: registeredFacts(input.registered, notes) } : {}), ...(input.clientId ? { clientId: input.clientId } : {}), ...(input.tenant ? { tenant: input.tenant } : {}), now: input.now });
    if (explained) {
      notes.push(...explained.notes);
      return { kind: "entra-error", checks: [], causes: explained.causes, verdict: "explained", error: explained.error, ...base };
    }
  }
  if (read.kind === "no-error-code") {
    const oauth = /\b(invalid_client|invalid_request|invalid_grant|unauthorized_client|invalid_scope|invalid_resource|unsupported_grant_type)\b/.exec(read.text)?.[1];
    notes.push(
      oauth
        ? `The text says ${oauth} but holds no AADSTS code, so the doctor cannot tell which of Entra's checks refused it. Paste the whole answer (error_description and error_codes), or the assertion itself.`
        : "The text holds no AADSTS code and no JWT: it is not an answer from Entra's token endpoint (a network, proxy or library error?). Paste Entra's whole JSON answer, the assertion, or the curl command.",
    );
    return { kind: "no-error-code", checks: [], causes: [], verdict: "not-understood", ...base };
  }
  const found = read.kind === "assertion" ? read.found : { from: "jwt" as const, assertion: read.text.trim() };
  const run = runChecks({ found, ...(cert ? { cert } : {}), ...(input.clientId ? { clientId: input.clientId } : {}), ...(input.tenant ? { tenant: input.tenant } : {}), now: input.now });
  notes.push(...run.notes);
  const firstFailure = run.checks.find((c) => c.status === "fail" && c.aadsts !== undefined);
  const diagnosis: Diagnosis = {
    kind: "assertion",
    found,
    checks: run.checks,
    causes: run.causes,
    verdict: firstFailure ? "rejected" : run.unverified.length ? "not-verified" : "accepted",
    ...base,
  };
  if (firstFailure) diagnosis.predicted = { aadsts: firstFailure.aadsts!, catalogId: firstFailure.catalogId! };
  if (run.jws) {
    diagnosis.decoded = { segments: run.jws.parts };
    if (run.header) diagnosis.decoded.header = run.header;
    if (run.payload) diagnosis.decoded.payload = run.payload;
    if (run.jws.header?.json.text !== undefined) diagnosis.decoded.headerJson = run.jws.header.json.text;
    if (run.jws.payload?.json.text !== undefined) diagnosis.decoded.payloadJson = run.jws.payload.json.text;
    if (run.jws.signature?.bytes) diagnosis.decoded.signatureBytes = run.jws.signature.bytes.length;
  }
  if (run.times.length) diagnosis.times = run.times;
  if (run.thumbprints.length) diagnosis.thumbprints = run.thumbprints;
  if (run.unverified.length && !firstFailure) notes.push(`Not checked: ${describeUnverified(run.unverified)}.`);
  return diagnosis;
}

/** The registered certificates the doctor can read; the others are noted. */
function registeredFacts(registered: { der: Uint8Array }[], notes: string[]): CertFacts[] {
  return registered.flatMap((r, i) => {
    try {
      return [certFacts(r.der)];
    } catch {
      notes.push(`Registered certificate ${i + 1} could not be read; it was left out.`);
      return [];
    }
  });
}

function describeUnverified(ids: string[]): string {
  const words: Record<string, string> = {
    "iss-client-id": "iss against the client id (give --client-id)",
    aud: "the tenant in aud (give --tenant)",
    "key-registered": "the thumbprint against the certificate (give --cert)",
    "key-dates": "the certificate's dates",
    "key-type": "the key type",
    "key-size": "the key size",
    signature: "the signature (give --cert)",
    "form-file": "the form fields curl reads from files it was not given",
  };
  return [...new Set(ids)].map((id) => words[id] ?? id).join(", ");
}
