/**
 * What the doctor's checks share while they run (checks.ts calls them in Entra's order): the input,
 * the run they append to, what was worked out from the form and the URL, and the assertion as read.
 * `add` is how a check records itself and the causes it found.
 */
import type { CatalogId } from "../aadsts-catalog.ts";
import { CATALOG } from "../aadsts-catalog.ts";
import { cause, type CauseId } from "./causes.ts";
import { endpointOf } from "./read-input.ts";
import type { CertFacts, ThumbprintReading } from "./thumbprints.ts";
import { readJwsTolerantly, type TolerantJws } from "./tolerant-jwt.ts";
import type { Cause, CauseSeverity, Check, Found, ThumbprintRow, TimeReading } from "./types.ts";

export interface CheckRunInput {
  found: Found;
  cert?: CertFacts;
  clientId?: string;
  tenant?: string;
  now: Date;
}

export interface CheckRun {
  checks: Check[];
  causes: Cause[];
  notes: string[];
  /** Checks that could not run fully (no certificate, no client id, unknown tenant). */
  unverified: string[];
  jws?: TolerantJws;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  times: TimeReading[];
  thumbprints: ThumbprintRow[];
}

/**
 * A cause a check found; `severity` overrides the cause's default (a kid that cannot match is an
 * error); `outcome` says what Entra does with a warning when that is not "accepts it today".
 */
/** A cause a check found, before it becomes a Cause (add() fills in its title, fix and code). */
export type FoundCause = { id: CauseId; detail: string; evidence?: [string, string][]; severity?: CauseSeverity; outcome?: string };

/** The state every check gets. */
export interface CheckState {
  input: CheckRunInput;
  run: CheckRun;
  /** Every cause found so far, with the position of the check that found it (checks.ts ranks them). */
  ranked: { cause: Cause; order: number }[];
  /** The form fields, when the input was a form body or a curl command line. */
  form: Record<string, string> | undefined;
  /** The token endpoint the URL names, when there is a URL and it is one. */
  endpoint: ReturnType<typeof endpointOf>;
  /** The tenant in the URL (unless common, organizations or consumers), else --tenant. */
  tenant: string | undefined;
  /** The form's client_id, else --client-id. */
  clientId: string | undefined;
}

/** The state the assertion's checks get: the shared state and the assertion, read tolerantly. */
export interface AssertionState extends CheckState {
  assertion: string;
  jws: TolerantJws;
  header: Record<string, unknown> | undefined;
  payload: Record<string, unknown> | undefined;
  signature: Uint8Array | undefined;
  /** The thumbprint header Entra uses, once check-key.ts has read it; the signature check names it. */
  key?: ThumbprintReading;
}

export { GUID } from "../protocol.ts";

/** The state before the first check: the tenant and client id to check against, and notes on them. */
export function startRun(input: CheckRunInput): CheckState {
  const run: CheckRun = { checks: [], causes: [], notes: [], unverified: [], times: [], thumbprints: [] };
  const form = input.found.formFields;
  const endpoint = input.found.url ? endpointOf(input.found.url) : undefined;
  if (input.found.url && !endpoint) run.notes.push(`The URL ${input.found.url} is not a token endpoint (…/{tenant}/oauth2/v2.0/token).`);
  const urlTenant = endpoint && !/^(common|organizations|consumers)$/i.test(endpoint.tenant) ? endpoint.tenant : undefined;
  if (input.tenant && urlTenant && input.tenant.toLowerCase() !== urlTenant.toLowerCase())
    run.notes.push(`--tenant ${input.tenant} differs from the tenant in the URL (${urlTenant}); the URL is what Entra sees, so the doctor uses it.`);
  const tenant = urlTenant ?? input.tenant;
  const clientId = form?.client_id || input.clientId;
  if (form?.client_id && input.clientId && form.client_id.toLowerCase() !== input.clientId.toLowerCase())
    run.notes.push(`--client-id ${input.clientId} differs from the form's client_id (${form.client_id}); Entra compares iss with the form's.`);
  return { input, run, ranked: [], form, endpoint, tenant, clientId };
}

/** Reads the assertion tolerantly (keeping what was decoded on the run) before the assertion's checks. */
export function readAssertion(s: CheckState): AssertionState {
  const assertion = s.input.found.assertion;
  const jws = readJwsTolerantly(assertion);
  s.run.jws = jws;
  const header = jws.header?.json.value;
  const payload = jws.payload?.json.value;
  if (header) s.run.header = header;
  if (payload) s.run.payload = payload;
  const signature = jws.signature?.bytes;
  return Object.assign(s, { assertion, jws, header, payload, signature });
}

/** Adds a check and the causes it found; a failing check's code goes on its error causes. */
export function add(s: CheckState, check: Omit<Check, "aadsts" | "catalogId">, catalogId: CatalogId | undefined, found: FoundCause[] = []): void {
  const full: Check = { ...check };
  if (check.status === "fail" && catalogId) {
    full.catalogId = catalogId;
    full.aadsts = CATALOG[catalogId].code;
  }
  s.run.checks.push(full);
  const order = s.run.checks.length;
  for (const f of found) {
    const c = cause(f.id, f.detail, f.evidence ?? [], { ...(check.status === "fail" && catalogId ? { aadsts: CATALOG[catalogId].code, catalogId } : {}), ...(f.severity ? { severity: f.severity } : {}) });
    // A warning found by a check that passed (or warned) stays a warning; an error cause found
    // by a check that did not fail (e.g. tolerated) is reported as a warning.
    if (c.severity === "error" && check.status !== "fail") c.severity = "warning";
    if (c.severity === "warning" && f.outcome) c.outcome = f.outcome;
    s.ranked.push({ cause: c, order });
  }
}

export function short(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 12)}…${text.slice(-10)}`;
}

export function shortText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
