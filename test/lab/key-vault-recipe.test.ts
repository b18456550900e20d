/**
 * Seed 001's recipe in the lab: the signature in each request comes from the mock Key Vault and
 * verifies with node:crypto against the app's certificate; the two bugs meet Entra in the order
 * the recipe meets them, and with grant_type alone added Entra would answer AADSTS7000216.
 */
import { verify, X509Certificate } from "node:crypto";
import { beforeAll, expect, test } from "vitest";
import { labContext, type LabContext } from "../../steps/lab/context.ts";
import { sendToEntra } from "../../steps/lab/entra.ts";
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
