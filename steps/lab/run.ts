/**
 * Runs one lab scenario from end to end and returns what happened at each stage, as data: the
 * faulty request, Entra's answer, the doctor's diagnosis, the fix, and the fixed request with its
 * answer. Nothing here prints (render.ts does).
 */
import { nodeDigest } from "../../lib/oracle.ts";
import { windowsThumbprint } from "../../lib/formats/x509/index.ts";
import type { KeyCredential } from "../../mock-aad/registry.ts";
import type { LabContext } from "./context.ts";
import { askDoctor, type DoctorFinding } from "./doctor.ts";
import { registeredFor, sendToEntra, type EntraAnswer } from "./entra.ts";
import type { Attempt, FixText, LabRequest, Scenario, ServiceCall } from "./scenario.ts";

/** A JWT found in the request, decoded for display (tolerantly: a faulty one is the point). */
export interface ShownJwt {
  /** The form field it was sent in. */
  field: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  /** Length of the signature segment, in base64url characters (0 for an unsecured JWT). */
  signatureChars: number;
  /** The payload's first bytes, in hex: where a byte-order mark would show. */
  payloadStart: string;
  /** What is odd in the decoding ("the payload starts with a byte-order mark"). */
  notes: string[];
}

export interface RegisteredView {
  /** SHA-1 thumbprint as Windows and the portal show it. */
  thumbprint: string;
  start: Date;
  end: Date;
}

export interface StageView {
  request: LabRequest;
  /** The app's calls to other services before the token request (the managed identity, Key Vault). */
  calls?: ServiceCall[];
  /** A Graph key action after the token request: its URL and body fields (jwt is then its proof). */
  graphCall?: { url: string; fields: [string, string][] };
  jwt?: ShownJwt;
  registered: RegisteredView[];
  answer: EntraAnswer;
}

export interface LabRun {
  name: string;
  /** The doctor's cause the scenario reproduces (its name, unless the scenario says another). */
  cause: string;
  title: string;
  story: string[];
  expectedAadsts?: number;
  focus: string[];
  first: StageView;
  doctor: DoctorFinding;
  fix: FixText;
  second: StageView;
  outcome: {
    /** The first answer is the expected error (or a success, for an info scenario). */
    firstAsExpected: boolean;
    /** The AADSTS code Entra answered first, if any. */
    firstAadsts?: number;
    /** The doctor named this scenario's cause and the code Entra answers (see doctorNamed). */
    doctorNamed: boolean;
    /** The fixed request got a 200 with a token that Microsoft Graph (the mock's) accepts. */
    fixedOk: boolean;
  };
  /** firstAsExpected and fixedOk. */
  ok: boolean;
}

export async function runScenario(ctx: LabContext, scenario: Scenario): Promise<LabRun> {
  const faulty = await scenario.build(ctx);
  const first = await stage(ctx, faulty, `${scenario.name}:first`);
  const input = scenario.doctorInput ?? "request";
  const doctor = askDoctor(ctx, { input, attempt: faulty, answer: first.answer });
  const fixed = await scenario.fix(ctx);
  const second = await stage(ctx, fixed, `${scenario.name}:fixed`);

  const firstAadsts = first.answer.errorCodes?.at(-1); // the code that names the failure comes last ([70002, 50032])
  const graphExpected = scenario.expectedGraphError;
  const firstAsExpected = graphExpected
    ? first.answer.status === graphExpected.status && first.answer.graphError?.code === graphExpected.code
    : scenario.expectedAadsts === undefined
      ? first.answer.status === 200
      : firstAadsts === scenario.expectedAadsts;
  const fixedOk = second.answer.status === 200 && second.answer.graphAccepted === true;
  const outcome: LabRun["outcome"] = { firstAsExpected, doctorNamed: doctorNamed(scenario, doctor), fixedOk };
  if (firstAadsts !== undefined) outcome.firstAadsts = firstAadsts;
  const run: LabRun = {
    name: scenario.name,
    cause: scenario.causeId ?? scenario.name,
    title: scenario.title,
    story: scenario.story,
    focus: scenario.focus,
    first,
    doctor,
    fix: scenario.fixText,
    second,
    outcome,
    ok: firstAsExpected && fixedOk,
  };
  if (scenario.expectedAadsts !== undefined) run.expectedAadsts = scenario.expectedAadsts;
  return run;
}

/**
 * The doctor names this scenario's cause (given the request, or reading Entra's answer) and expects
 * the code Entra answered (none, for a scenario whose first request succeeds).
 */
export function doctorNamed(scenario: Scenario, doctor: DoctorFinding): boolean {
  const cause = scenario.causeId ?? scenario.name;
  const named = doctor.causes.some((c) => c.id === cause);
  if (scenario.expectedGraphError) return named && doctor.predictedGraph?.code === scenario.expectedGraphError.code && doctor.predictedGraph.status === scenario.expectedGraphError.status;
  return named && doctor.predicted?.aadsts === scenario.expectedAadsts;
}

async function stage(ctx: LabContext, attempt: Attempt, label: string): Promise<StageView> {
  const answer = await sendToEntra(ctx, attempt, label);
  const view: StageView = { request: attempt.request, ...(attempt.calls ? { calls: attempt.calls } : {}), registered: registeredView(registeredFor(ctx, attempt)), answer };
  if (attempt.keyAction) {
    const { keyCredential, passwordCredential, proof } = attempt.keyAction.body;
    const fields: [string, string][] = [...Object.entries(keyCredential).map(([k, v]) => [`keyCredential.${k}`, String(v)] as [string, string]), ["passwordCredential", String(passwordCredential)], ["proof", proof]];
    view.graphCall = { url: attempt.keyAction.url, fields };
    view.jwt = shownJwt("proof", proof);
    return view;
  }
  const jwt = findJwt(attempt.request);
  if (jwt) view.jwt = jwt;
  return view;
}

function registeredView(keys: KeyCredential[]): RegisteredView[] {
  return keys.map((k) => ({ thumbprint: windowsThumbprint(nodeDigest("sha1", k.certificateDer)), start: k.startDateTime, end: k.endDateTime }));
}

const JWT_SHAPE = /^[A-Za-z0-9_\-+/=]+\.[A-Za-z0-9_\-+/=]+\.[A-Za-z0-9_\-+/=]*$/;

/** The client_assertion, or a JWT sent in another field by mistake. */
function findJwt(request: LabRequest): ShownJwt | undefined {
  const named = request.fields.find(([name]) => name === "client_assertion");
  const found = named ?? request.fields.find(([, value]) => JWT_SHAPE.test(value));
  if (!found) return undefined;
  return shownJwt(found[0], found[1]);
}

/** A JWT sent in `field`, decoded for display. */
function shownJwt(field: string, value: string): ShownJwt {
  const [h = "", p = "", s = ""] = value.split(".");
  const payloadBytes = Buffer.from(p, "base64url");
  const shown: ShownJwt = { field, signatureChars: s.length, payloadStart: payloadBytes.subarray(0, 6).toString("hex").replace(/(..)(?!$)/g, "$1 "), notes: [] };
  const space = /\s+/.exec(value);
  if (space) shown.notes.push(`the JWT holds whitespace (${JSON.stringify(space[0]).slice(1, -1)}) at position ${space.index}`);
  ([["header", h], ["payload", p], ["signature", s]] as const).forEach(([name, segment]) => {
    const standard = [...new Set(segment.match(/[+/=]/g) ?? [])];
    if (standard.length) shown.notes.push(`the ${name} segment holds ${standard.map((c) => `"${c}"`).join(" and ")}: standard base64, not base64url`);
  });
  const header = decodeJson(h, "header", shown.notes);
  const claims = decodeJson(p, "payload", shown.notes);
  if (header) shown.header = header;
  if (claims) shown.claims = claims;
  return shown;
}

/** A segment's JSON object, read tolerantly (a byte-order mark is noted and skipped). */
function decodeJson(segment: string, name: string, notes: string[]): Record<string, unknown> | undefined {
  let text = Buffer.from(segment, "base64url").toString("utf8");
  if (text.startsWith("\uFEFF")) {
    notes.push(`the ${name} starts with a byte-order mark (EF BB BF)`);
    text = text.slice(1);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // noted below
  }
  notes.push(`the ${name} is not a JSON object`);
  return undefined;
}
