/**
 * The mock Graph and Azure Digital Twins APIs: a good token gets data; a missing, forged,
 * misdirected or expired token gets 401 with a Bearer challenge; a missing permission gets 403.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { DEMO_APP_OBJECT_ID } from "../../mock-aad/registry.ts";
import { assertion, DEMO_CLIENT_ID, decodeJwt, makeCertificate, makeMock, NOW, registryWith, tokenForm, tokenRequest, type TestCertificate } from "./helpers.ts";
import type { MockAad } from "../../mock-aad/core.ts";

let app: TestCertificate;
beforeAll(async () => {
  app = await makeCertificate(2048);
});

const GRAPH = "https://graph.microsoft.com";
const ADT = "https://workshop-twins.api.weu.digitaltwins.azure.net";

async function tokenFrom(mock: MockAad, scope: string): Promise<string> {
  const response = await mock.handle(tokenRequest(tokenForm(assertion(app), { scope })));
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function call(mock: MockAad, url: string, token?: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set("Authorization", `Bearer ${token}`);
  return mock.handle(new Request(url, { ...init, headers }));
}

async function expectChallenge(response: Response, status: 401 | 403, code: string, message: RegExp) {
  expect(response.status).toBe(status);
  const challenge = response.headers.get("www-authenticate") ?? "";
  expect(challenge).toMatch(/^Bearer /);
  expect(challenge).toContain(status === 401 ? 'error="invalid_token"' : 'error="insufficient_scope"');
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(message);
}

describe("Microsoft Graph", () => {
  test("GET /v1.0/users with a good token: 200 and the fake users", async () => {
    const mock = makeMock(registryWith({ cert: app }));
    const response = await call(mock, `${GRAPH}/v1.0/users`, await tokenFrom(mock, "https://graph.microsoft.com/.default"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { "@odata.context": string; value: Array<{ userPrincipalName: string }> };
    expect(body["@odata.context"]).toBe("https://graph.microsoft.com/v1.0/$metadata#users");
    expect(body.value.length).toBeGreaterThanOrEqual(3);
  });

  test("the application by appId, by object ID and as applications(appId='…'): keyCredentials show the thumbprint", async () => {
    const mock = makeMock(registryWith({ cert: app }));
    const token = await tokenFrom(mock, "https://graph.microsoft.com/.default");
    for (const path of [`/v1.0/applications/${DEMO_CLIENT_ID}`, `/v1.0/applications/${DEMO_APP_OBJECT_ID}`, `/v1.0/applications(appId='${DEMO_CLIENT_ID}')`, `/beta/applications(appId=%27${DEMO_CLIENT_ID}%27)`]) {
      const response = await call(mock, `${GRAPH}${path}`, token);
      expect(response.status, path).toBe(200);
      const body = (await response.json()) as { appId: string; keyCredentials: Array<{ customKeyIdentifier: string; type: string }> };
      expect(body.appId).toBe(DEMO_CLIENT_ID);
      expect(body.keyCredentials).toEqual([expect.objectContaining({ customKeyIdentifier: app.sha1Hex, type: "AsymmetricX509Cert", usage: "Verify" })]);
    }
    const missing = await call(mock, `${GRAPH}/v1.0/applications/00000000-0000-4000-8000-00000000dead`, token);
    expect(missing.status).toBe(404);
  });

  test("no token: 401 InvalidAuthenticationToken with a Bearer challenge", async () => {
    const mock = makeMock(registryWith({ cert: app }));
    await expectChallenge(await call(mock, `${GRAPH}/v1.0/users`), 401, "InvalidAuthenticationToken", /Access token is empty/);
  });

  test("a forged signature: 401", async () => {
    const mock = makeMock(registryWith({ cert: app }));
    const [h, p, s] = (await tokenFrom(mock, "https://graph.microsoft.com/.default")).split(".") as [string, string, string];
    const claims = { ...decodeJwt(`${h}.${p}.${s}`).claims, roles: ["Directory.ReadWrite.All"] };
    const forged = `${h}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${s}`;
    await expectChallenge(await call(mock, `${GRAPH}/v1.0/users`, forged), 401, "InvalidAuthenticationToken", /Invalid signature/);
  });

  test("a token from another mock (another signing key): 401", async () => {
    const mock = makeMock(registryWith({ cert: app }));
    const stranger = makeMock(registryWith({ cert: app }), { signingKey: undefined });
    await expectChallenge(await call(mock, `${GRAPH}/v1.0/users`, await tokenFrom(stranger, "https://graph.microsoft.com/.default")), 401, "InvalidAuthenticationToken", /not found in the issuer's key set/);
  });

  test("a token for another audience: 401", async () => {
    const mock = makeMock(registryWith({ cert: app }));
    const adtToken = await tokenFrom(mock, "https://digitaltwins.azure.net/.default");
    await expectChallenge(await call(mock, `${GRAPH}/v1.0/users`, adtToken), 401, "InvalidAuthenticationToken", /Invalid audience/);
  });

  test("an expired token: 401", async () => {
    const registry = registryWith({ cert: app });
    const early = makeMock(registry);
    const token = await tokenFrom(early, "https://graph.microsoft.com/.default");
    const later = makeMock(registry, { clock: () => new Date(NOW.getTime() + 2 * 3600 * 1000) });
    await expectChallenge(await call(later, `${GRAPH}/v1.0/users`, token), 401, "InvalidAuthenticationToken", /expired/);
  });

  test("no User.Read.All granted: 403 Authorization_RequestDenied", async () => {
    const registry = registryWith({ cert: app });
    registry.applications[0]!.appRoleGrants = {};
    const mock = makeMock(registry);
    const token = await tokenFrom(mock, "https://graph.microsoft.com/.default");
    expect(decodeJwt(token).claims).not.toHaveProperty("roles");
    await expectChallenge(await call(mock, `${GRAPH}/v1.0/users`, token), 403, "Authorization_RequestDenied", /Insufficient privileges/);
  });

  test("on a local server, Graph lives under /graph/", async () => {
    const origin = "https://127.0.0.1:8443";
    const mock = makeMock(registryWith({ cert: app }));
    const response = await call(mock, `${origin}/graph/v1.0/users`, await tokenFrom(mock, "https://graph.microsoft.com/.default"));
    expect(response.status).toBe(200);
    const challenge = (await call(mock, `${origin}/graph/v1.0/users`)).headers.get("www-authenticate");
    expect(challenge).toContain(`authorization_uri="${origin}/common/oauth2/authorize"`);
  });
});

describe("Azure Digital Twins", () => {
  const query = (mock: MockAad, base: string, token?: string, body: unknown = { query: "SELECT * FROM DIGITALTWINS" }) =>
    call(mock, `${base}/query?api-version=2023-10-31`, token, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

  test("the seed recipes' query: 200 and the fake twins", async () => {
    const mock = makeMock(registryWith({ cert: app }));
    const response = await query(mock, ADT, await tokenFrom(mock, "https://digitaltwins.azure.net/.default"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { value: Array<{ $dtId: string }>; continuationToken: null };
    expect(body.value.map((t) => t.$dtId)).toContain("workshop-room-101");
    expect(body.continuationToken).toBeNull();
  });

  test("on a local server at /adt/query", async () => {
    const mock = makeMock(registryWith({ cert: app }));
    expect((await query(mock, "https://127.0.0.1:8443/adt", await tokenFrom(mock, "https://digitaltwins.azure.net/.default"))).status).toBe(200);
  });

  test("a Graph token: 401; no token: 401", async () => {
    const mock = makeMock(registryWith({ cert: app }));
    await expectChallenge(await query(mock, ADT, await tokenFrom(mock, "https://graph.microsoft.com/.default")), 401, "Unauthorized", /Invalid audience/);
    await expectChallenge(await query(mock, ADT), 401, "Unauthorized", /empty/);
  });

  test("no Azure Digital Twins Data Reader role: 403", async () => {
    const registry = registryWith({ cert: app });
    registry.applications[0]!.azureRoles = [];
    const mock = makeMock(registry);
    await expectChallenge(await query(mock, ADT, await tokenFrom(mock, "https://digitaltwins.azure.net/.default")), 403, "Forbidden", /Data Reader/);
  });

  test("another query or no api-version: 400", async () => {
    const mock = makeMock(registryWith({ cert: app }));
    const token = await tokenFrom(mock, "https://digitaltwins.azure.net/.default");
    expect((await query(mock, ADT, token, { query: "SELECT * FROM RELATIONSHIPS" })).status).toBe(400);
    const noVersion = await call(mock, `${ADT}/query`, token, { method: "POST", body: JSON.stringify({ query: "SELECT * FROM DIGITALTWINS" }) });
    expect(noVersion.status).toBe(400);
  });
});
