/**
 * Seed 001's recipe in the lab: the signature in each request comes from the mock Key Vault and
 * verifies with node:crypto against the app's certificate; the two bugs meet Entra in the order
 * the recipe meets them, and with grant_type alone added Entra would answer AADSTS7000216.
 */
import { verify, X509Certificate } from "node:crypto";
import { beforeAll, expect, test } from "vitest";
import { labContext, type LabContext } from "../../steps/lab/context.ts";
import { sendToEntra } from "../../steps/lab/entra.ts";
import { renderRun } from "../../steps/lab/render.ts";
import { runScenario } from "../../steps/lab/run.ts";
import { Ui } from "../../steps/ui.ts";
import { KEY_VAULT_SCENARIOS } from "../../steps/lab/scenarios-key-vault.ts";

let ctx: LabContext;
beforeAll(async () => {
  ctx = await labContext();
});

const field = (fields: [string, string][], name: string) => fields.find(([n]) => n === name)?.[1];

test("the vault's signature covers exactly the bytes sent, standard base64 or not (node:crypto)", async () => {
  const publicKey = new X509Certificate(Buffer.from(ctx.current.der)).publicKey;
  for (const scenario of KEY_VAULT_SCENARIOS)
    for (const attempt of [await scenario.build(ctx), await scenario.fix(ctx)]) {
      const jwt = field(attempt.request.fields, "client_assertion") ?? field(attempt.request.fields, "scope")!;
      const [h, p, s] = jwt.split(".") as [string, string, string];
      expect(verify("sha256", Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s, "base64url")), scenario.name).toBe(true);
    }
});

test("the seed's form with grant_type added: Entra sees no credential (AADSTS7000216)", async () => {
  const faulty = await KEY_VAULT_SCENARIOS[0]!.build(ctx);
  const withGrant = { request: { url: faulty.request.url, fields: [...faulty.request.fields, ["grant_type", "client_credentials"]] as [string, string][] } };
  const answer = await sendToEntra(ctx, withGrant, "keyvault-recipe:grant");
  expect(answer.errorCodes).toEqual([7000216]);
});

test("the first scenario's faulty JWT has the second bug too (standard base64 segments); the second's fix has neither", async () => {
  const first = await KEY_VAULT_SCENARIOS[0]!.build(ctx);
  expect(field(first.request.fields, "scope")!.split(".").slice(0, 2).join(".")).toMatch(/[+/=]/);
  const fixed = await KEY_VAULT_SCENARIOS[1]!.fix(ctx);
  expect(field(fixed.request.fields, "client_assertion")).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
});

/** A JWT's header and payload as the bytes they decode to, whichever base64 alphabet they use. */
function decodedSegments(jwt: string): [string, string] {
  const [h, p] = jwt.split(".") as [string, string];
  const bytes = (segment: string) => Buffer.from(segment.replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("hex");
  return [bytes(h), bytes(p)];
}

test("each fixed attempt differs from the first only in what its fix names", async () => {
  const [asScope, standard] = KEY_VAULT_SCENARIOS as [(typeof KEY_VAULT_SCENARIOS)[0], (typeof KEY_VAULT_SCENARIOS)[0]];
  for (const scenario of [asScope, standard]) {
    const first = await scenario.build(ctx);
    const fixed = await scenario.fix(ctx);
    const jwt1 = field(first.request.fields, "client_assertion") ?? field(first.request.fields, "scope")!;
    const jwt2 = field(fixed.request.fields, "client_assertion")!;
    // The same header and claims, byte for byte (jti included): only the alphabet changed, standard
    // base64 with = padding before, base64url after (Node's own decoder reads both, the oracle here).
    expect(decodedSegments(jwt2), scenario.name).toEqual(decodedSegments(jwt1));
    expect(jwt1.split(".").slice(0, 2).join("."), scenario.name).toMatch(/[+/=]/);
    expect(jwt2, scenario.name).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(Buffer.from(jwt2.split(".")[1]!, "base64url").equals(Buffer.from(jwt1.split(".")[1]!, "base64")), scenario.name).toBe(true);
  }
  // keyvault-jwt-as-scope: the form (client_id kept; scope, grant_type, client_assertion_type, client_assertion)
  // and the base64 alphabet; its fix text names both.
  const first = await asScope.build(ctx);
  const fixed = await asScope.fix(ctx);
  expect(fixed.request.url).toBe(first.request.url);
  expect(field(fixed.request.fields, "client_id")).toBe(field(first.request.fields, "client_id"));
  expect(fixed.request.fields.map(([n]) => n)).toEqual(["client_id", "scope", "grant_type", "client_assertion_type", "client_assertion"]);
  const what = asScope.fixText.what.join(" ");
  for (const named of ["client_assertion", "client_assertion_type", "grant_type", "/.default", "base64url"]) expect(what).toContain(named);
  expect(what).toMatch(/With 1 alone, Entra answers AADSTS50027/);
  // keyvault-segment-standard-base64: the form as it was, only the JWT re-encoded; its fix text names only that.
  const sFirst = await standard.build(ctx);
  const sFixed = await standard.fix(ctx);
  expect(sFixed.request.fields.map(([n, v]) => (n === "client_assertion" ? [n, "…"] : [n, v]))).toEqual(sFirst.request.fields.map(([n, v]) => (n === "client_assertion" ? [n, "…"] : [n, v])));
  expect(standard.fixText.what.join(" ")).not.toMatch(/client_assertion_type|grant_type/);
});

test("with only the form fixed, the standard-base64 JWT gets AADSTS50027: the second scenario's first answer", async () => {
  const faulty = await KEY_VAULT_SCENARIOS[0]!.build(ctx);
  const fixed = await KEY_VAULT_SCENARIOS[0]!.fix(ctx);
  const formOnly = { request: { url: fixed.request.url, fields: fixed.request.fields.map(([n, v]) => [n, n === "client_assertion" ? field(faulty.request.fields, "scope")! : v] as [string, string]) } };
  expect((await sendToEntra(ctx, formOnly, "keyvault-recipe:form-only")).errorCodes).toEqual([50027]);
  expect(KEY_VAULT_SCENARIOS[1]!.expectedAadsts).toBe(50027);
});

test("the lab shows the Function's calls to the managed identity and the vault, a line each, and the doctor says each finding once", async () => {
  const ui = new Ui(false);
  for (const scenario of KEY_VAULT_SCENARIOS) {
    const run = await runScenario(ctx, scenario);
    const text = renderRun(run, ui).join("\n");
    expect(run.first.calls?.map((c) => `${c.method} ${c.status}`), scenario.name).toEqual(["GET 200", "GET 200", "POST 200"]);
    // App Service's protocol (the recipe's 2017-09-01 with its Secret header) at App Service's kind of address.
    expect(text).toMatch(/\n {4}GET  http:\/\/127\.0\.0\.1:41741\/msi\/token\?api-version=2017-09-01&resource=https%3A%2F%2Fvault\.azure\.net  Secret: \S+  ← 200\n/);
    expect(text).toMatch(/\n {4}GET  https:\/\/workshop-vault\.vault\.azure\.net\/certificates\/workshop-cert\?api-version=7\.4  Authorization: Bearer eyJ\S+… \(\d+ chars\)  ← 200\n/);
    expect(text).toMatch(/\n {4}POST https:\/\/workshop-vault\.vault\.azure\.net\/keys\/workshop-cert\/[0-9a-f]{32}\/sign\?api-version=7\.4  Authorization: Bearer eyJ\S+… \(\d+ chars\)  ← 200\n/);
    expect(text).toContain("the Function's 3 calls again (GET token, GET workshop-cert, POST sign): ← 200 200 200");
    // No line of the doctor's section is printed twice.
    const doctor = text.slice(text.indexOf("3 · the doctor"), text.indexOf("4 · the fix")).split("\n").map((l) => l.trim().replace(/\.$/, "").replace(/^segment\s+/, "")).filter(Boolean);
    expect(doctor.length, scenario.name).toBe(new Set(doctor).size);
  }
});
