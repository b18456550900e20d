/**
 * Assertions the mock must accept, in every shape real clients send, and the tokens it issues.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { assertionClaims, assertionHeader } from "../../lib/entra/assertion.ts";
import { createJwt } from "../../lib/crypto/jws.ts";
import { rsaPrivateKeyFromPem } from "../../lib/formats/keys/index.ts";
import { DEMO_API_APP_ID, DEMO_SERVICE_PRINCIPAL_ID } from "../../mock-aad/registry.ts";
import {
  assertion,
  claims,
  DEMO_CLIENT_ID,
  DEMO_TENANT_ID,
  decodeJwt,
  ENTRA,
  makeCertificate,
  makeMock,
  NOW_S,
  registryWith,
  signParts,
  tokenForm,
  tokenRequest,
  V1_AUD,
  type TestCertificate,
} from "./helpers.ts";

let app: TestCertificate;
beforeAll(async () => {
  app = await makeCertificate(2048);
});

const mock = () => makeMock(registryWith({ cert: app }));

async function expectToken(response: Response): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  expect(body.error_description ?? "", String(body.error_description)).toBe("");
  expect(response.status).toBe(200);
  return body;
}

describe("accepted assertion shapes", () => {
  test("RS256 + x5t at the v2 endpoint: integers, four fields", async () => {
    const response = await mock().handle(tokenRequest(tokenForm(assertion(app))));
    const body = await expectToken(response);
    expect(Object.keys(body)).toEqual(["token_type", "expires_in", "ext_expires_in", "access_token"]);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    expect(response.headers.get("cache-control")).toBe("no-store, no-cache");
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
  });

  test("PS256 + x5t#S256 (msal-node with thumbprintSha256, @azure/identity)", async () => {
    const jwt = assertion(app, { aud: `${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token`.toLowerCase() }, { alg: "PS256", x5t: undefined, "x5t#S256": app.x5tS256 });
    await expectToken(await mock().handle(tokenRequest(tokenForm(jwt))));
  });

  test("MSAL's mixes: RS256 + x5t#S256, PS256 + x5t, both thumbprints, plus x5c", async () => {
    const x5c = [Buffer.from(app.der).toString("base64")];
    for (const header of [
      { alg: "RS256", x5t: undefined, "x5t#S256": app.x5tS256 },
      { alg: "PS256", x5t: app.x5t },
      { alg: "PS256", x5t: app.x5t, "x5t#S256": app.x5tS256, x5c },
      { alg: "RS256", x5t: undefined, x5c },
    ]) {
      await expectToken(await mock().handle(tokenRequest(tokenForm(assertion(app, {}, header)))));
    }
  });

  test("RS384 (listed by Entra's own 5002738 text)", async () => {
    await expectToken(await mock().handle(tokenRequest(tokenForm(assertion(app, {}, { alg: "RS384" })))));
  });

  test("shaped like MSAL.NET's: nbf and exp as JSON strings, no iat, x5c", async () => {
    const header = JSON.stringify({ alg: "PS256", typ: "JWT", "x5t#S256": app.x5tS256, x5c: [Buffer.from(app.der).toString("base64")] });
    const payload = JSON.stringify({ aud: `${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, iss: DEMO_CLIENT_ID, sub: DEMO_CLIENT_ID, jti: "a-jti", nbf: String(NOW_S), exp: String(NOW_S + 600) });
    await expectToken(await mock().handle(tokenRequest(tokenForm(signParts(header, payload, app.privateKey, "PS256")))));
  });

  test("shaped like MSAL Python's: no nbf, iat and exp, RS256 + x5t, client_info=1", async () => {
    const jwt = assertion(app, { nbf: undefined, iat: NOW_S, exp: NOW_S + 600 });
    await expectToken(await mock().handle(tokenRequest(tokenForm(jwt, { client_info: "1" }))));
  });

  test("msal-node's extra fields and ?client-request-id are ignored; the correlation ID echoes it", async () => {
    const requestId = "c0ffee00-1234-4abc-8def-0123456789ab";
    const extra = {
      "x-client-SKU": "msal.js.node",
      "x-client-VER": "3.8.1",
      "x-client-OS": "linux",
      "x-client-CPU": "x64",
      "x-ms-lib-capability": "retry-after, h429",
      "x-client-current-telemetry": "5|771,2,,,|,",
      "x-client-last-telemetry": "5|0|||0,0",
      "client-request-id": requestId,
    };
    const response = await mock().handle(tokenRequest(tokenForm(assertion(app, { aud: `${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token` }), extra), { query: `?client-request-id=${requestId}` }));
    await expectToken(response);
    expect(response.headers.get("client-request-id")).toBe(requestId);
  });

  test("the tenant by domain (URL and aud) and by upper-case GUID (URL)", async () => {
    const domainAud = `${ENTRA}/workshop-demo.onmicrosoft.com/oauth2/v2.0/token`;
    await expectToken(await mock().handle(tokenRequest(tokenForm(assertion(app, { aud: domainAud })), { tenant: "Workshop-Demo.onmicrosoft.com" })));
    await expectToken(await mock().handle(tokenRequest(tokenForm(assertion(app)), { tenant: DEMO_TENANT_ID.toUpperCase() })));
    await expectToken(await mock().handle(tokenRequest(tokenForm(assertion(app, { aud: `HTTPS://LOGIN.MICROSOFTONLINE.COM/${DEMO_TENANT_ID.toUpperCase()}/oauth2/v2.0/token` })))));
  });

  test("served at a local origin: aud at that origin or at login.microsoftonline.com", async () => {
    const origin = "https://127.0.0.1:8443";
    for (const aud of [`${origin}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, `${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, `${origin}/${DEMO_TENANT_ID}/oauth2/token`]) {
      await expectToken(await mock().handle(tokenRequest(tokenForm(assertion(app, { aud })), { origin })));
    }
    // …but not another local port.
    const wrong = await mock().handle(tokenRequest(tokenForm(assertion(app, { aud: `https://127.0.0.1:9999/${DEMO_TENANT_ID}/oauth2/v2.0/token` })), { origin }));
    expect(((await wrong.json()) as { error_codes: number[] }).error_codes).toEqual([700023]);
  });

  test("clock skew: nbf 4 minutes ahead and exp 4 minutes ago are still accepted", async () => {
    await expectToken(await mock().handle(tokenRequest(tokenForm(assertion(app, { nbf: NOW_S + 240, exp: NOW_S + 840 })))));
    await expectToken(await mock().handle(tokenRequest(tokenForm(assertion(app, { nbf: NOW_S - 840, exp: NOW_S - 240 })))));
  });

  test("exp in milliseconds is, literally, far in the future: accepted", async () => {
    await expectToken(await mock().handle(tokenRequest(tokenForm(assertion(app, { exp: (NOW_S + 600) * 1000 })))));
  });

  test("assertions made by the kit's own lib/ (hand-built RSA and JWT) are accepted, RS256 and PS256", async () => {
    const key = rsaPrivateKeyFromPem(app.privateKey.export({ type: "pkcs8", format: "pem" }) as string);
    const claimSet = assertionClaims({ tenant: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, now: NOW_S, jti: "kit-jti" });
    for (const alg of ["RS256", "PS256"] as const) {
      const jwt = createJwt(assertionHeader(alg, app.der), claimSet, key, new Uint8Array(randomBytes(32))).compact;
      await expectToken(await mock().handle(tokenRequest(tokenForm(jwt))));
    }
  });
});

describe("the v1 endpoint", () => {
  test("resource instead of scope; strings, expires_on, not_before, resource", async () => {
    const form = tokenForm(assertion(app, { aud: V1_AUD }), { scope: undefined, resource: "https://graph.microsoft.com" });
    const body = await expectToken(await mock().handle(tokenRequest(form, { version: "v1" })));
    expect(body).toEqual({
      token_type: "Bearer",
      expires_in: "3599",
      ext_expires_in: "3599",
      expires_on: String(NOW_S + 3599),
      not_before: String(NOW_S - 300),
      resource: "https://graph.microsoft.com",
      access_token: expect.any(String),
    });
  });

  test("a v2 audience is accepted at the v1 endpoint and the other way round", async () => {
    const v1 = tokenForm(assertion(app), { scope: undefined, resource: "https://graph.microsoft.com" });
    await expectToken(await mock().handle(tokenRequest(v1, { version: "v1" })));
    await expectToken(await mock().handle(tokenRequest(tokenForm(assertion(app, { aud: V1_AUD })))));
  });
});

describe("the access token", () => {
  async function tokenFor(scope: string) {
    const body = await expectToken(await mock().handle(tokenRequest(tokenForm(assertion(app), { scope }))));
    return decodeJwt(String(body.access_token));
  }

  test("Graph: a v1 app-only token with the granted roles", async () => {
    const { header, claims: c } = await tokenFor("https://graph.microsoft.com/.default");
    // Like Graph's real tokens, a nonce header (base64url of 16 bytes): only Graph can validate it.
    expect(header).toEqual({ typ: "JWT", nonce: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), alg: "RS256", x5t: expect.any(String), kid: header.x5t });
    expect(c).toEqual({
      aud: "https://graph.microsoft.com",
      iss: `https://sts.windows.net/${DEMO_TENANT_ID}/`,
      iat: NOW_S - 300,
      nbf: NOW_S - 300,
      exp: NOW_S + 3599,
      aio: expect.any(String),
      app_displayname: "Entra workshop demo app",
      appid: DEMO_CLIENT_ID,
      appidacr: "2",
      idp: `https://sts.windows.net/${DEMO_TENANT_ID}/`,
      idtyp: "app",
      oid: DEMO_SERVICE_PRINCIPAL_ID,
      rh: expect.stringMatching(/^0\.[A-Za-z0-9_-]+\.$/),
      roles: ["Application.Read.All", "Organization.Read.All", "User.Read.All"],
      sub: DEMO_SERVICE_PRINCIPAL_ID,
      tid: DEMO_TENANT_ID,
      uti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      ver: "1.0",
      xms_tcdt: Date.parse("2024-01-15T09:30:00Z") / 1000,
    });
  });

  test("Azure Digital Twins: v1, aud the resource, no roles claim (RBAC decides)", async () => {
    const { claims: c } = await tokenFor("https://digitaltwins.azure.net/.default");
    expect(c.aud).toBe("https://digitaltwins.azure.net");
    expect(c.ver).toBe("1.0");
    expect(c).not.toHaveProperty("roles");
  });

  test("the demo API: a v2 token, aud = its app ID, azp and azpacr", async () => {
    const { header, claims: c } = await tokenFor("api://entra-workshop-demo-api/.default");
    expect(header).toEqual({ typ: "JWT", alg: "RS256", kid: expect.any(String) });
    expect(c).toMatchObject({ aud: DEMO_API_APP_ID, iss: `${ENTRA}/${DEMO_TENANT_ID}/v2.0`, azp: DEMO_CLIENT_ID, azpacr: "2", ver: "2.0", roles: ["Demo.Read"], idtyp: "app" });
    expect(c).not.toHaveProperty("appid");
  });

  test("by app ID and with a trailing slash, the v1 aud is what was asked for", async () => {
    expect((await tokenFor("00000003-0000-0000-c000-000000000000/.default")).claims.aud).toBe("00000003-0000-0000-c000-000000000000");
    expect((await tokenFor("https://graph.microsoft.com//.default")).claims.aud).toBe("https://graph.microsoft.com/");
  });

  test("fixed clock, IDs and key: identical answers", async () => {
    const a = await (await mock().handle(tokenRequest(tokenForm(assertion(app))))).text();
    const b = await (await mock().handle(tokenRequest(tokenForm(assertion(app))))).text();
    expect(a).toBe(b);
  });

  test("claims() helper sanity: the default assertion is what Entra documents", () => {
    expect(claims()).toMatchObject({ iss: DEMO_CLIENT_ID, sub: DEMO_CLIENT_ID, exp: NOW_S + 600 });
  });
});
