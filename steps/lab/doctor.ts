/**
 * The lab's one door to the doctor (lib/entra/doctor): what it is shown (the request as a user would
 * paste it, with the app's certificate, or Entra's answer) and what the lab keeps of its diagnosis.
 */
import { labScenarioFor } from "./names.ts";
import { diagnose, diagnoseKeyProof, type Cause, type Check } from "../../lib/entra/doctor/index.ts";
import { DEMO_APP_OBJECT_ID } from "../../mock-aad/registry.ts";
import { registeredFor } from "./entra.ts";
import { requestBody } from "./build-request.ts";
import type { LabContext } from "./context.ts";
import type { EntraAnswer } from "./entra.ts";
import type { Attempt } from "./scenario.ts";

export interface DoctorFinding {
  /** What the doctor was shown. */
  input: "request" | "answer" | "proof";
  /** The causes it named, most likely first. */
  causes: Cause[];
  /** The checks that did not pass (fail or warn). */
  problems: Check[];
  /** The code the doctor says Entra answers: its prediction for a request, the code it read in an answer. */
  predicted?: { aadsts: number; catalogId?: string };
  /** For a Graph key action's proof: what Graph answers. */
  predictedGraph?: { status: number; code: string };
  /** For an answer: the catalog's explanation, the likely causes and the lab scenarios that reproduce it. */
  explained?: { meaning: string; likelyCauses: string[]; labScenarios: string[] };
}

export interface DoctorQuestion {
  input: "request" | "answer" | "proof";
  attempt: Attempt;
  answer: EntraAnswer;
}

/** The tenant in a token endpoint URL (https://login.microsoftonline.com/{tenant}/oauth2/…). */
function tenantOf(url: string): string | undefined {
  return /^https:\/\/[^/]+\/([^/]+)\/oauth2\//.exec(url)?.[1];
}

/**
 * Asks the doctor, offline. For a request it gets the form body, the certificate the app's owner
 * has, and the tenant the request goes to (the client ID comes from the form); for an answer, the
 * JSON body Entra sent.
 */
/** The certificate an addKey body adds (its keyCredential.key, standard base64 DER), when it reads as such. */
function addedCertificate(keyCredential: Record<string, unknown>): { adding?: Uint8Array } {
  return typeof keyCredential.key === "string" ? { adding: new Uint8Array(Buffer.from(keyCredential.key, "base64")) } : {};
}

export function askDoctor(ctx: LabContext, question: DoctorQuestion): DoctorFinding {
  const { attempt, input } = question;
  const registered = registeredFor(ctx, attempt);
  if (input === "proof" && attempt.keyAction) {
    // The proof and the app's certificates, with the dates Entra keeps (what Graph lists in keyCredentials).
    const found = diagnoseKeyProof({
      proof: attempt.keyAction.body.proof,
      applicationObjectId: DEMO_APP_OBJECT_ID,
      appId: ctx.clientId,
      registered: registered.map((k) => ({ der: k.certificateDer, start: k.startDateTime, end: k.endDateTime })),
      ...addedCertificate(attempt.keyAction.body.keyCredential),
      now: ctx.now,
    });
    return { input, causes: found.causes, problems: [], ...(found.predicted ? { predictedGraph: found.predicted } : {}) };
  }
  const text = input === "answer" ? JSON.stringify(question.answer.body) : requestBody(attempt.request);
  const tenant = tenantOf(attempt.request.url);
  const diagnosis = diagnose({
    text,
    certificate: { der: attempt.certificate ?? ctx.current.der },
    // The portal's view of the app's certificates: what tells a rotation from a certificate never uploaded.
    ...(input === "answer" ? { registered: registered.map((k) => ({ der: k.certificateDer })) } : {}),
    ...(tenant ? { tenant } : {}),
    now: ctx.now,
  });
  const finding: DoctorFinding = {
    input,
    causes: diagnosis.causes,
    problems: diagnosis.checks.filter((c) => c.status === "fail" || c.status === "warn"),
  };
  if (diagnosis.predicted) finding.predicted = diagnosis.predicted;
  else if (diagnosis.error) finding.predicted = { aadsts: diagnosis.error.code, ...(diagnosis.error.catalogId ? { catalogId: diagnosis.error.catalogId } : {}) };
  if (diagnosis.error) finding.explained = { meaning: diagnosis.error.meaning, likelyCauses: diagnosis.error.likelyCauses, labScenarios: diagnosis.error.likelyCauses.filter((id) => labScenarioFor(id)) };
  return finding;
}
