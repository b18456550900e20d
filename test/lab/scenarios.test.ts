/**
 * Every lab scenario, end to end: the mock answers the faulty request with the scenario's AADSTS
 * code (and, for 700027, the right one of its reasons), the doctor names the cause, and the fixed
 * request gets a 200 whose access token verifies, with node:crypto here, against the mock's JWKS.
 */
import { readFileSync } from "node:fs";
import { createPublicKey, verify, type JsonWebKey } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { CAUSE_IDS } from "../../lib/entra/doctor/index.ts";
import { CATALOG, createMockAad } from "../../mock-aad/index.ts";
import { verifiesAsGraph } from "../helpers/graph-token.ts";
import type { CatalogId } from "../../lib/entra/aadsts-catalog.ts";
import { toJsonValue } from "../../steps/json.ts";
import { labContext, type LabContext } from "../../steps/lab/context.ts";
import { runScenario, type LabRun } from "../../steps/lab/run.ts";
import type { Scenario } from "../../steps/lab/scenario.ts";
import { SCENARIOS } from "../../steps/lab/scenarios.ts";

/** The scenarios the doctor cannot see in the request's bytes: it reads Entra's answer and predicts the code. */
const ANSWER_ONLY = ["cert-not-uploaded", "wrong-tenant", "unknown-client-id", "old-cert-removed-early"];

/** Which of 700027's reasons each 700027 scenario must get (the first words of the catalog's text). */
const REASON_700027: Record<string, string> = {
  "cert-not-uploaded": "700027-not-registered",
  "old-cert-removed-early": "700027-not-registered",
  "cert-expired": "700027-key-expired",
  "cert-not-yet-valid": "700027-key-expired",
  "x5t-hex-text": "700027-not-registered",
  "sha256-in-x5t": "700027-not-registered",
  "sha1-in-x5t-s256": "700027-not-registered",
  "x5t-other-certificate": "700027-not-registered",
  "key-mismatch": "700027-bad-signature",
  "ps256-with-pkcs1-signature": "700027-bad-signature",
  "rs256-with-pss-signature": "700027-bad-signature",
  "pss-salt-length": "700027-bad-signature",
  "signature-over-other-input": "700027-bad-signature",
};

let ctx: LabContext;
let jwks: { keys: object[] };
beforeAll(async () => {
  ctx = await labContext();
  jwks = createMockAad({ signingKey: ctx.signingKey }).jwks;
});

/** Each scenario runs once for the tests that look at it. */
const runs = new Map<string, Promise<LabRun>>();
function runOf(scenario: Scenario): Promise<LabRun> {
  if (!runs.has(scenario.name)) runs.set(scenario.name, runScenario(ctx, scenario));
  return runs.get(scenario.name)!;
}

/** An independent check of an access token: RS256 with the JWKS key its kid names. */
function verifiesAgainstJwks(token: string): boolean {
  const [h, p, s] = token.split(".") as [string, string, string];
  const header = JSON.parse(Buffer.from(h, "base64url").toString()) as { alg: string; kid: string };
  const jwk = jwks.keys.find((k) => (k as { kid?: string }).kid === header.kid) as JsonWebKey | undefined;
  if (header.alg !== "RS256" || !jwk) return false;
  // A Graph token (nonce header) verifies only as Graph checks it, never plainly.
  const graph = verifiesAsGraph(token, createPublicKey({ key: jwk, format: "jwk" }));
  if (graph.nonce !== undefined) return !graph.plain && graph.asGraph;
  return verify("sha256", Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(s, "base64url"));
}

test("there are at least 14 scenarios, with unique names, including every one the issue lists", () => {
  const names = SCENARIOS.map((s) => s.name);
  expect(new Set(names).size).toBe(names.length);
  expect(names.length).toBeGreaterThanOrEqual(14);
  for (const name of [
    "cert-not-uploaded", "x5t-hex-text", "x5t-standard-base64", "key-mismatch", "cert-expired", "ps256-with-pkcs1-signature", "exp-milliseconds",
    "aud-other-tenant", "iss-client-id-mismatch", "scope-without-default", "wrong-tenant", "unknown-client-id", "jwt-as-scope", "alg-none",
  ])
    expect(names).toContain(name);
});

test("every scenario is named after one of the doctor's causes (lib/ knows no scenario: the lab names itself after the causes)", () => {
  const names = SCENARIOS.map((s) => s.name);
  for (const name of names) expect(CAUSE_IDS as readonly string[]).toContain(name);
  expect(new Set(names).size).toBe(names.length);
});

test("lib/ does not know the lab's names: no file under lib/ mentions steps/lab or a scenario list", async () => {
  const { readdirSync, readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
  const offenders = walk("lib").filter((f) => /steps\/lab|LAB_SCENARIOS|labScenario/.test(readFileSync(f, "utf8")));
  expect(offenders).toEqual([]);
});

describe.each(SCENARIOS.map((s) => [s.name, s] as const))("%s", (_name, scenario) => {
  test("Entra's first answer is the expected one, and the fixed request gets a verifiable token", async () => {
    const run = await runOf(scenario);
    const first = run.first.answer;
    if (scenario.expectedGraphError) {
      // A Graph key action refused: Graph's status, code and text (mock-aad/graph-keys.ts grades them).
      expect({ status: first.status, code: first.graphError?.code }).toEqual(scenario.expectedGraphError);
      expect(first.graphError?.message).toMatch(/^Access Token missing or malformed\. \(mock-aad: /);
      expect(first.errorCodes).toBeUndefined();
      expect(run.second.answer.keyAdded?.thumbprint).toMatch(/^[0-9A-F]{40}$/);
    } else if (scenario.expectedAadsts === undefined) {
      expect(first.status).toBe(200);
    } else {
      expect(first.errorCodes?.at(-1)).toBe(scenario.expectedAadsts); // last: [70002, 50032] names the failure second
      // 700027 has several reasons, each with its own text: the scenario must get its own.
      const catalogId = scenario.expectedAadsts === 700027 ? REASON_700027[scenario.name] : String(scenario.expectedAadsts);
      expect(catalogId, `which 700027 reason ${scenario.name} gets`).toBeDefined();
      expect(first.status).toBe(CATALOG[catalogId as CatalogId].status);
      expect(first.errorDescription).toContain(`AADSTS${scenario.expectedAadsts}: ${CATALOG[catalogId as CatalogId].template.split("{")[0]!.slice(0, 40)}`);
    }

    const second = run.second.answer;
    expect(second.status).toBe(200);
    expect(second.tokenType).toBe("Bearer");
    expect(verifiesAgainstJwks(second.accessToken!)).toBe(true);
    expect(run.ok).toBe(true);
  });

  test("the doctor names the cause and the code Entra answers", async () => {
    const run = await runOf(scenario);
    const doctor = run.doctor;
    expect(doctor.input).toBe(ANSWER_ONLY.includes(scenario.name) ? "answer" : scenario.expectedGraphError ? "proof" : "request");
    // Given the request, the doctor finds the cause in its bytes; given Entra's answer, it ranks the usual causes.
    expect(doctor.causes.map((c) => c.id)).toContain(scenario.name);
    if (ANSWER_ONLY.includes(scenario.name)) expect(doctor.causes[0]!.id).toBe(scenario.name);
    expect(doctor.predicted?.aadsts).toBe(scenario.expectedAadsts);
    if (scenario.expectedGraphError) expect(doctor.predictedGraph).toEqual(scenario.expectedGraphError);
    if (REASON_700027[scenario.name]) expect(doctor.predicted?.catalogId).toBe(REASON_700027[scenario.name]);
    expect(run.outcome.doctorNamed).toBe(true);
  });
});

test("a scenario's run is the same every time, byte for byte", async () => {
  const scenario = SCENARIOS.find((s) => s.name === "ps256-with-pkcs1-signature")!;
  const a = JSON.stringify(toJsonValue(await runScenario(ctx, scenario)));
  const b = JSON.stringify(toJsonValue(await runScenario(ctx, scenario)));
  expect(a).toBe(b);
});

test("the lab's certificate is the one `npm run step 1 -- --fixed` makes (WORKSHOP.md shows its thumbprint)", () => {
  const thumbprint = Buffer.from(ctx.current.info.thumbprintSha1).toString("hex").toUpperCase();
  expect(readFileSync("WORKSHOP.md", "utf8")).toContain(`Windows ($cert.Thumbprint)  ${thumbprint}`);
});
