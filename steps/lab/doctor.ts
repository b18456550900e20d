/**
 * The lab's one door to the doctor (lib/entra/doctor): what it is shown (the request as a user would
 * paste it, with the app's certificate, or Entra's answer) and what the lab keeps of its diagnosis.
 */
import { labScenarioFor } from "./names.ts";
import { diagnose, type Cause, type Check } from "../../lib/entra/doctor/index.ts";
import { requestBody } from "./build-request.ts";
import type { LabContext } from "./context.ts";
import type { EntraAnswer } from "./entra.ts";
import type { Attempt } from "./scenario.ts";

export interface DoctorFinding {
  /** What the doctor was shown. */
  input: "request" | "answer";
  /** The causes it named, most likely first. */
  causes: Cause[];
  /** The checks that did not pass (fail or warn). */
  problems: Check[];
  /** The code the doctor says Entra answers: its prediction for a request, the code it read in an answer. */
  predicted?: { aadsts: number; catalogId?: string };
  /** For an answer: the catalog's explanation, the likely causes and the lab scenarios that reproduce it. */
  explained?: { meaning: string; likelyCauses: string[]; labScenarios: string[] };
}

export interface DoctorQuestion {
  input: "request" | "answer";
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
export function askDoctor(ctx: LabContext, question: DoctorQuestion): DoctorFinding {
  const { attempt, input } = question;
  const text = input === "answer" ? JSON.stringify(question.answer.body) : requestBody(attempt.request);
  const tenant = tenantOf(attempt.request.url);
  const diagnosis = diagnose({
    text,
    certificate: { der: attempt.certificate ?? ctx.current.der },
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
