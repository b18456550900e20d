/**
 * The mock inside a test suite through msw: plain fetch calls to Entra, Graph and Azure Digital
 * Twins are answered in-process; anything else is an error (onUnhandledRequest: "error").
 */
import { setupServer } from "msw/node";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { mockAadHandlers } from "../../mock-aad/msw.ts";
import { assertion, DEMO_TENANT_ID, makeCertificate, makeMock, registryWith, tokenForm, type TestCertificate } from "./helpers.ts";

let app: TestCertificate;
let server: ReturnType<typeof setupServer>;

beforeAll(async () => {
  app = await makeCertificate(2048);
  server = setupServer(...mockAadHandlers(makeMock(registryWith({ cert: app }))));
  server.listen({ onUnhandledRequest: "error" });
});
afterAll(() => server.close());

async function token(scope: string): Promise<string> {
  const response = await fetch(`https://login.microsoftonline.com/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(tokenForm(assertion(app), { scope })),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

test("fetch gets a token from login.microsoftonline.com and Graph answers with it", async () => {
  const response = await fetch("https://graph.microsoft.com/v1.0/users", { headers: { Authorization: `Bearer ${await token("https://graph.microsoft.com/.default")}` } });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { value: unknown[] }).value.length).toBeGreaterThan(0);
});

test("Azure Digital Twins at any *.digitaltwins.azure.net host", async () => {
  const response = await fetch("https://my-twins.api.weu.digitaltwins.azure.net/query?api-version=2023-10-31", {
    method: "POST",
    headers: { Authorization: `Bearer ${await token("https://digitaltwins.azure.net/.default")}`, "Content-Type": "application/json" },
    body: JSON.stringify({ query: "SELECT * FROM DIGITALTWINS" }),
  });
  expect(response.status).toBe(200);
});

test("errors come back as Entra bodies; discovery works through msw too", async () => {
  const bad = await fetch(`https://login.microsoftonline.com/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(tokenForm(assertion(app, { aud: "https://example.com/" }))),
  });
  expect(bad.status).toBe(401);
  expect(((await bad.json()) as { error_codes: number[] }).error_codes).toEqual([700023]);
  const doc = await fetch(`https://login.microsoftonline.com/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`);
  expect(((await doc.json()) as { issuer: string }).issuer).toBe(`https://login.microsoftonline.com/${DEMO_TENANT_ID}/v2.0`);
});

test("other hosts are not intercepted", async () => {
  const quiet = vi.spyOn(console, "error").mockImplementation(() => undefined); // msw reports the unhandled request
  try {
    await expect(fetch("https://example.com/")).rejects.toThrow();
    expect(quiet).toHaveBeenCalled();
  } finally {
    quiet.mockRestore();
  }
});
