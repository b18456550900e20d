/**
 * Azure Resource Manager as a registered resource: tokens for it (the Azure CLI's double-slash
 * scope, the SDKs' management.azure.com scope, the v1 resource), and the mock ARM answering GET
 * /subscriptions, with ARM's error shape {"error":{"code","message"}} for every refusal.
 */
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { MockAad } from "../../mock-aad/core.ts";
import { mockAadHandlers } from "../../mock-aad/msw.ts";
import { ARM_APP_ID, DEMO_API_APP_ID } from "../../mock-aad/registry.ts";
import { assertion, DEMO_TENANT_ID, decodeJwt, tokenForm, makeCertificate, makeMock, NOW, registryWith, tokenRequest, V1_AUD, type TestCertificate } from "./helpers.ts";

const ARM = "https://management.azure.com";
const CLI_SCOPE = "https://management.core.windows.net//.default";
const SDK_SCOPE = "https://management.azure.com/.default";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALLOWED = "'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'";

let app: TestCertificate;
beforeAll(async () => {
  app = await makeCertificate(2048);
});
const mock = () => makeMock(registryWith({ cert: app }));

async function tokenResponse(m: MockAad, scope: string): Promise<Record<string, unknown>> {
  const response = await m.handle(tokenRequest(tokenForm(assertion(app), { scope })));
  const body = (await response.json()) as Record<string, unknown>;
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body;
}
const token = async (m: MockAad, scope: string) => String((await tokenResponse(m, scope)).access_token);

function subscriptions(m: MockAad, bearer?: string, init: RequestInit & { base?: string; query?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (bearer !== undefined) headers.set("Authorization", `Bearer ${bearer}`);
  return m.handle(new Request(`${init.base ?? ARM}/subscriptions${init.query ?? "?api-version=2022-12-01"}`, { ...init, headers }));
}

/** ARM's error shape, exactly, with its headers; a 401 also carries the Bearer challenge and x-ms-failure-cause. */
async function expectArmError(response: Response, status: number, code: string, message: string | RegExp): Promise<void> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect({ status: response.status, code: body.error?.code }).toEqual({ status, code });
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error)).toEqual(["code", "message"]);
  if (typeof message === "string") expect(body.error.message).toBe(message);
  else expect(body.error.message).toMatch(message);
  expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(response.headers.get("x-ms-request-id")).toMatch(GUID);
  if (status === 401) {
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer authorization_uri="https:\/\/[^"]+\/", error="invalid_token", error_description="[^"]+"$/);
    expect(response.headers.get("x-ms-failure-cause")).toBe("gateway");
  } else {
    expect(response.headers.get("www-authenticate")).toBeNull();
  }
}

describe("tokens for Azure Resource Manager", () => {
  test("the Azure CLI's double-slash scope: a v1 token with aud https://management.core.windows.net/ and no roles (ARM uses RBAC)", async () => {
    const { claims, header } = decodeJwt(await token(mock(), CLI_SCOPE));
    expect(claims).toMatchObject({ aud: "https://management.core.windows.net/", ver: "1.0", iss: `https://sts.windows.net/${DEMO_TENANT_ID}/`, tid: DEMO_TENANT_ID });
    expect(claims).not.toHaveProperty("roles");
    expect(header).toHaveProperty("x5t");
    // rh carries tenant, resource and client as 16 bytes each: the resource is ARM's well-known app.
    const rh = Buffer.from(String(claims.rh).slice(2, -1), "base64url");
    expect(rh.subarray(16, 32).toString("hex")).toBe(ARM_APP_ID.replace(/-/g, ""));
  });

  test("the SDKs' scope https://management.azure.com/.default, and the v1 endpoint's resource", async () => {
    expect(decodeJwt(await token(mock(), SDK_SCOPE)).claims.aud).toBe("https://management.azure.com");
    const form = tokenForm(assertion(app, { aud: V1_AUD }), { scope: undefined, resource: "https://management.core.windows.net/" });
    const response = await mock().handle(tokenRequest(form, { version: "v1" }));
    const body = (await response.json()) as { resource: string; access_token: string };
    expect(response.status).toBe(200);
    expect(body.resource).toBe("https://management.core.windows.net/");
    expect(decodeJwt(body.access_token).claims.aud).toBe("https://management.core.windows.net/");
  });

  test("Graph lists ARM's service principal with both identifier URIs", async () => {
    const m = mock();
    const t = await token(m, "https://graph.microsoft.com/.default");
    const response = await m.handle(new Request(`https://graph.microsoft.com/v1.0/servicePrincipals(appId='${ARM_APP_ID}')`, { headers: { Authorization: `Bearer ${t}` } }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ appId: ARM_APP_ID, displayName: "Windows Azure Service Management API", servicePrincipalNames: ["https://management.core.windows.net", "https://management.azure.com", ARM_APP_ID], appRoles: [] });
  });
});

describe("GET /subscriptions", () => {
  test('a token for either identifier URI: 200 {"value":[]}', async () => {
    const m = mock();
    for (const scope of [CLI_SCOPE, SDK_SCOPE]) {
      const response = await subscriptions(m, await token(m, scope));
      expect(response.status, scope).toBe(200);
      expect(await response.text()).toBe('{"value":[]}');
      expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(response.headers.get("x-ms-request-id")).toMatch(GUID);
    }
  });

  test("on the local server under /arm/, with the challenge pointing at the mock's own origin", async () => {
    const m = mock();
    const base = "https://127.0.0.1:8443/arm";
    expect((await subscriptions(m, await token(m, CLI_SCOPE), { base })).status).toBe(200);
    const anonymous = await subscriptions(m, undefined, { base });
    expect(anonymous.headers.get("www-authenticate")).toContain('authorization_uri="https://127.0.0.1:8443/"');
    await expectArmError(anonymous, 401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
  });

  test("the caller's x-ms-correlation-request-id comes back", async () => {
    const m = mock();
    const id = "c0ffee00-1234-4abc-8def-0123456789ab";
    const response = await subscriptions(m, await token(m, SDK_SCOPE), { headers: { "x-ms-correlation-request-id": id } });
    expect(response.headers.get("x-ms-correlation-request-id")).toBe(id);
  });
});

describe("ARM's refusals", () => {
  test("no Authorization header, or not a Bearer one: 401 AuthenticationFailed", async () => {
    const m = mock();
    await expectArmError(await subscriptions(m), 401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
    for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b"]) {
      const response = await m.handle(new Request(`${ARM}/subscriptions?api-version=2022-12-01`, { headers: { Authorization: authorization } }));
      await expectArmError(response, 401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.");
    }
  });

  test("a token for another resource: 401 InvalidAuthenticationTokenAudience naming its aud and ARM's four audiences", async () => {
    const m = mock();
    await expectArmError(await subscriptions(m, await token(m, "https://graph.microsoft.com/.default")), 401, "InvalidAuthenticationTokenAudience",
      `The access token has been obtained for wrong audience or resource 'https://graph.microsoft.com'. It should exactly match with one of the allowed audiences ${ALLOWED}.`);
    await expectArmError(await subscriptions(m, await token(m, "api://entra-workshop-demo-api/.default")), 401, "InvalidAuthenticationTokenAudience",
      `The access token has been obtained for wrong audience or resource '${DEMO_API_APP_ID}'. It should exactly match with one of the allowed audiences ${ALLOWED}.`);
  });

  test("…and the other way round, an ARM token at Graph gets Graph's own error shape", async () => {
    const m = mock();
    const response = await m.handle(new Request("https://graph.microsoft.com/v1.0/users", { headers: { Authorization: `Bearer ${await token(m, CLI_SCOPE)}` } }));
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(Object.keys(body.error)).toEqual(["code", "message", "innerError"]);
    expect(body.error.code).toBe("InvalidAuthenticationToken");
  });

  test("expired: 401 ExpiredAuthenticationToken with both times as ARM writes them", async () => {
    const registry = registryWith({ cert: app });
    const t = await token(makeMock(registry), CLI_SCOPE);
    expect(decodeJwt(t).claims.exp).toBe(NOW.getTime() / 1000 + 3599); // 12:59:59 UTC
    const later = makeMock(registry, { clock: () => new Date(NOW.getTime() + 2 * 3600 * 1000) }); // 14:00:00 UTC
    await expectArmError(await subscriptions(later, t), 401, "ExpiredAuthenticationToken", "The access token expiry UTC time '6/1/2025 12:59:59 PM' is earlier than current UTC time '6/1/2025 2:00:00 PM'.");
  });

  test("forged, signed by another key, or not a JWT: 401 InvalidAuthenticationToken (also when forged and expired)", async () => {
    const registry = registryWith({ cert: app });
    const m = makeMock(registry);
    const [h, p, s] = (await token(m, CLI_SCOPE)).split(".") as [string, string, string];
    const forge = (changes: Record<string, unknown>) => `${h}.${Buffer.from(JSON.stringify({ ...decodeJwt(`${h}.${p}.${s}`).claims, ...changes })).toString("base64url")}.${s}`;
    await expectArmError(await subscriptions(m, forge({ tid: "0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d" })), 401, "InvalidAuthenticationToken", /^The access token is invalid\. .*Invalid signature/);
    await expectArmError(await subscriptions(m, forge({ exp: NOW.getTime() / 1000 - 7200 })), 401, "InvalidAuthenticationToken", /^The access token is invalid\./);
    const stranger = makeMock(registryWith({ cert: app }), { signingKey: undefined });
    await expectArmError(await subscriptions(m, await token(stranger, CLI_SCOPE)), 401, "InvalidAuthenticationToken", /key set/);
    await expectArmError(await subscriptions(m, "not-a-jwt"), 401, "InvalidAuthenticationToken", /^The access token is invalid\./);
  });

  test("no api-version, or one that is not a date: 400", async () => {
    const m = mock();
    const t = await token(m, SDK_SCOPE);
    await expectArmError(await subscriptions(m, t, { query: "" }), 400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
    await expectArmError(await subscriptions(m, t, { query: "?api-version=latest" }), 400, "InvalidApiVersionParameter", /^The api-version 'latest' is invalid\./);
    expect((await subscriptions(m, t, { query: "?api-version=2016-06-01-preview" })).status).toBe(200);
  });

  test("a subscription by ID: 404 SubscriptionNotFound; another path: 404; another method: 405", async () => {
    const m = mock();
    const t = await token(m, SDK_SCOPE);
    const id = "291bba3f-e0a5-47bc-a099-3bdcb2a50a05";
    const at = (path: string, method = "GET") => m.handle(new Request(`${ARM}${path}?api-version=2022-12-01`, { method, headers: { Authorization: `Bearer ${t}` } }));
    await expectArmError(await at(`/subscriptions/${id}`), 404, "SubscriptionNotFound", `The subscription '${id}' could not be found.`);
    await expectArmError(await at(`/subscriptions/${id}/resourceGroups`), 404, "SubscriptionNotFound", `The subscription '${id}' could not be found.`);
    await expectArmError(await at("/tenants"), 404, "NotFound", /GET \/subscriptions only/);
    await expectArmError(await at("/subscriptions", "POST"), 405, "MethodNotAllowed", "The requested resource does not support http method 'POST'.");
  });
});

describe("through msw", () => {
  let server: ReturnType<typeof setupServer>;
  let m: MockAad;
  beforeAll(() => {
    m = mock();
    server = setupServer(...mockAadHandlers(m));
    server.listen({ onUnhandledRequest: "error" });
  });
  afterAll(() => server.close());

  test("fetch to management.azure.com is answered in-process", async () => {
    const t = await token(m, CLI_SCOPE);
    const response = await fetch(`${ARM}/subscriptions?api-version=2022-12-01`, { headers: { Authorization: `Bearer ${t}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ value: [] });
    expect((await fetch(`${ARM}/subscriptions?api-version=2022-12-01`)).status).toBe(401);
  });
});
