/**
 * Graph's addKey and removeKey on the mock: proofs signed here with node:crypto (the oracle, not the
 * kit's code), the answers checked against Graph's documented shapes, the token endpoint checked
 * to honour each change (at once, or after the replication delay, on an injected clock).
 */
import { createHash, X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import type { MockAad } from "../../mock-aad/core.ts";
import { defaultRegistry, DEMO_APP_OBJECT_ID, GRAPH_APP_ID, keyCredential, type Registry } from "../../mock-aad/registry.ts";
import { mockAadHelp, parseMockAadArgs } from "../../mock-aad/server/cli.ts";
import { expectGraphError } from "./graph-error.ts";
import { assertion, DEMO_CLIENT_ID, makeCertificate, makeMock, NOW, NOW_S, signParts, tokenForm, tokenRequest, type TestCertificate } from "./helpers.ts";

const GRAPH = "https://graph.microsoft.com";
const PROOF_AUD = "00000002-0000-0000-c000-000000000000";
const OLD_KEY_ID = "11111111-2222-4333-8444-555555555555";
const MALFORMED = /^Access Token missing or malformed\. \(mock-aad: /;

let current: TestCertificate;
let next: TestCertificate;
let lapsed: TestCertificate;
beforeAll(async () => {
  [current, next, lapsed] = await Promise.all([makeCertificate(2048), makeCertificate(2048), makeCertificate(2048)]);
});

/** The demo app with `current` registered (keyId OLD_KEY_ID), and optionally `lapsed` whose registration ended yesterday. */
function registry(options: { lapsed?: boolean } = {}): Registry {
  const r = defaultRegistry();
  r.applications[0]!.keyCredentials = [keyCredential(current.der, { keyId: OLD_KEY_ID })];
  if (options.lapsed) r.applications[0]!.keyCredentials.push(keyCredential(lapsed.der, { end: new Date(NOW.getTime() - 86400_000) }));
  return r;
}

/** A proof as Microsoft's sample makes it (aud, iss, nbf, exp = nbf + 10 min), RS256 + x5t, signed with node:crypto. */
function proof(signer: TestCertificate, claims: Record<string, unknown> = {}, at = NOW_S): string {
  const payload = { aud: PROOF_AUD, iss: DEMO_APP_OBJECT_ID, nbf: at, exp: at + 600, ...claims };
  return signParts(JSON.stringify({ alg: "RS256", typ: "JWT", x5t: signer.x5t }), JSON.stringify(payload), signer.privateKey);
}

async function tokenFor(mock: MockAad, cert: TestCertificate, scope = "https://graph.microsoft.com/.default", at = NOW_S): Promise<Response> {
  return mock.handle(tokenRequest(tokenForm(assertion(cert, { nbf: at, iat: at, exp: at + 600 }), { scope })));
}

async function graphToken(mock: MockAad, cert = current, at = NOW_S): Promise<string> {
  const response = await tokenFor(mock, cert, undefined, at);
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function post(mock: MockAad, path: string, bearer: string, body: unknown): Promise<Response> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return mock.handle(new Request(`${GRAPH}${path}`, { method: "POST", headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" }, body: text }));
}

function addKeyBody(cert: TestCertificate, signedBy: TestCertificate, claims: Record<string, unknown> = {}): Record<string, unknown> {
  return { keyCredential: { type: "AsymmetricX509Cert", usage: "Verify", key: Buffer.from(cert.der).toString("base64") }, passwordCredential: null, proof: proof(signedBy, claims) };
}

async function keysOf(mock: MockAad, bearer: string): Promise<Array<Record<string, unknown>>> {
  const response = await mock.handle(new Request(`${GRAPH}/v1.0/applications/${DEMO_APP_OBJECT_ID}`, { headers: { Authorization: `Bearer ${bearer}` } }));
  expect(response.status).toBe(200);
  return ((await response.json()) as { keyCredentials: Array<Record<string, unknown>> }).keyCredentials;
}

describe("addKey", () => {
  test("a proof signed by the current key adds the new certificate: 200 with the keyCredential, GET shows it, and it gets a token at once", async () => {
    const mock = makeMock(registry());
    const bearer = await graphToken(mock);
    expect((await tokenFor(mock, next)).status).toBe(401); // not registered yet: 700027
    const response = await post(mock, `/v1.0/applications/${DEMO_APP_OBJECT_ID}/addKey`, bearer, addKeyBody(next, current));
    expect(response.status, await response.clone().text()).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    const sha1 = createHash("sha1").update(next.der).digest("hex").toUpperCase();
    expect(body).toEqual({
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.keyCredential",
      customKeyIdentifier: sha1,
      displayName: "CN=mock-aad test 2048",
      endDateTime: "2027-01-01T00:00:00Z",
      key: null,
      keyId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      startDateTime: "2025-01-01T00:00:00Z",
      type: "AsymmetricX509Cert",
      usage: "Verify",
    });
    const keys = await keysOf(mock, bearer);
    expect(keys.map((k) => k.customKeyIdentifier)).toEqual([current.sha1Hex, sha1]);
    const { "@odata.context": _context, ...resource } = body;
    expect(keys[1]).toEqual(resource);
    const token = await tokenFor(mock, next);
    expect(token.status, await token.clone().text()).toBe(200);
  });

  test("the appId address form and /beta answer the same", async () => {
    const mock = makeMock(registry());
    const bearer = await graphToken(mock);
    const response = await post(mock, `/beta/applications(appId='${DEMO_CLIENT_ID}')/addKey`, bearer, addKeyBody(next, current));
    expect(response.status).toBe(200);
    expect(((await response.json()) as Record<string, unknown>)["@odata.context"]).toBe("https://graph.microsoft.com/beta/$metadata#microsoft.graph.keyCredential");
    expect((await tokenFor(mock, next)).status).toBe(200);
  });

  test("the app needs no Graph permission to roll its own keys; another app without Application.ReadWrite.All gets 403", async () => {
    const r = registry();
    r.applications[0]!.appRoleGrants[GRAPH_APP_ID] = [];
    const other = { ...r.applications[0]!, appId: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", objectId: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e", servicePrincipalId: "c3d4e5f6-a7b8-4c9d-8e0f-2a3b4c5d6e7f", keyCredentials: [keyCredential(next.der)], appRoleGrants: { [GRAPH_APP_ID]: ["Application.Read.All"] } };
    r.applications.push(other);
    const mock = makeMock(r);
    const own = await graphToken(mock);
    expect((await post(mock, `/v1.0/applications/${DEMO_APP_OBJECT_ID}/addKey`, own, addKeyBody(lapsed, current))).status).toBe(200);

    const otherAssertion = assertion(next, { iss: other.appId, sub: other.appId });
    const otherToken = (await (await mock.handle(tokenRequest(tokenForm(otherAssertion, { client_id: other.appId, scope: "https://graph.microsoft.com/.default" })))).json()) as { access_token: string };
    const refused = await post(mock, `/v1.0/applications/${DEMO_APP_OBJECT_ID}/addKey`, otherToken.access_token, addKeyBody(next, current));
    await expectGraphError(refused, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  });
});

describe("a bad proof: 401 Authentication_MissingOrMalformed, and nothing changes", () => {
  const cases: Array<[string, (mock: MockAad) => unknown, RegExp]> = [
    ["aud = Microsoft Graph's ID instead of 00000002-…", () => addKeyBody(next, current, { aud: GRAPH_APP_ID }), /aud is "00000003-0000-0000-c000-000000000000".*not Microsoft Graph's/],
    ["iss = the appId instead of the object id", () => addKeyBody(next, current, { iss: DEMO_CLIENT_ID }), /that is its appId/],
    ["exp − nbf over 10 minutes", () => addKeyBody(next, current, { exp: NOW_S + 601 }), /lives 601 s/],
    ["expired an hour ago", () => addKeyBody(next, current, { nbf: NOW_S - 3600, exp: NOW_S - 3000 }), /expired/],
    ["nbf and exp as ISO dates (Graph answered 500: microsoft-graph-docs#15103)", () => addKeyBody(next, current, { nbf: NOW.toISOString(), exp: NOW.toISOString() }), /NumericDate/],
    ["signed by a key the app does not have", () => addKeyBody(next, next), /verifies with none/],
    ["signed by a certificate whose registration has ended", () => addKeyBody(next, lapsed), /registration ended 2025-05-31T12:00:00Z/],
    [
      "= padding in the payload (Microsoft's proof-token page)",
      () => {
        const [h, p, s] = proof(current).split(".");
        return { ...addKeyBody(next, current), proof: `${h}.${p}=.${s}` };
      },
      /= padding/,
    ],
  ];
  for (const [name, body, reason] of cases) {
    test(name, async () => {
      const mock = makeMock(registry({ lapsed: true }));
      const bearer = await graphToken(mock);
      const before = await keysOf(mock, bearer);
      const error = await expectGraphError(await post(mock, `/v1.0/applications/${DEMO_APP_OBJECT_ID}/addKey`, bearer, body(mock)), 401, "Authentication_MissingOrMalformed", MALFORMED);
      expect(error.message).toMatch(reason);
      expect(await keysOf(mock, bearer)).toEqual(before);
      expect((await tokenFor(mock, next)).status).toBe(401);
    });
  }

  test("no proof at all: 403 Authorization_RequestDenied (msgraph-sdk-powershell#779)", async () => {
    const mock = makeMock(registry());
    const bearer = await graphToken(mock);
    const { proof: _, ...body } = addKeyBody(next, current);
    await expectGraphError(await post(mock, `/v1.0/applications/${DEMO_APP_OBJECT_ID}/addKey`, bearer, body), 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  });
});

describe("addKey's body", () => {
  test("a base64url key: 400 Cannot convert … 'Edm.Binary' (microsoft-graph-docs-contrib#4307); not JSON: 400; an expired certificate: Key credential end date is invalid", async () => {
    const mock = makeMock(registry());
    const bearer = await graphToken(mock);
    const path = `/v1.0/applications/${DEMO_APP_OBJECT_ID}/addKey`;
    const b64url = { ...addKeyBody(next, current), keyCredential: { type: "AsymmetricX509Cert", usage: "Verify", key: Buffer.from(next.der).toString("base64url") } };
    // A DER certificate's base64url differs from its base64 in - and _ only when those occur; force one.
    const key = (b64url.keyCredential as { key: string }).key;
    expect(/[-_]/.test(key) || key.length % 4 !== 0).toBe(true);
    await expectGraphError(await post(mock, path, bearer, b64url), 400, "Request_BadRequest", "Cannot convert a primitive value to the expected type 'Edm.Binary'. See the inner exception for more details.");
    await expectGraphError(await post(mock, path, bearer, "{not json"), 400, "BadRequest", /^Unable to read JSON request payload/);
    const old = await makeCertificate(2048, new Date("2023-01-01T00:00:00Z"), new Date("2024-01-01T00:00:00Z"));
    await expectGraphError(await post(mock, path, bearer, addKeyBody(old, current)), 400, "Request_BadRequest", "Key credential end date is invalid.");
    await expectGraphError(await post(mock, path, bearer, addKeyBody(current, current)), 400, "Request_BadRequest", new RegExp(`already registered.*${OLD_KEY_ID}`));
  });
});

describe("removeKey", () => {
  test("after rotation the old key is removed with a proof by the new one: 204, GET no longer lists it, and the old certificate gets 700027", async () => {
    const mock = makeMock(registry());
    const bearer = await graphToken(mock);
    expect((await post(mock, `/v1.0/applications/${DEMO_APP_OBJECT_ID}/addKey`, bearer, addKeyBody(next, current))).status).toBe(200);
    const response = await post(mock, `/v1.0/applications(appId='${DEMO_CLIENT_ID}')/removeKey`, bearer, { keyId: OLD_KEY_ID, proof: proof(next) });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    expect((await keysOf(mock, bearer)).map((k) => k.customKeyIdentifier)).toEqual([next.sha1Hex]);
    const old = await tokenFor(mock, current);
    expect(old.status).toBe(401);
    const body = (await old.json()) as { error_codes: number[]; error_description: string };
    expect(body.error_codes).toEqual([700027]);
    expect(body.error_description).toContain(current.sha1Hex);
    expect((await tokenFor(mock, next)).status).toBe(200);
  });

  test("an unknown keyId: 404 Request_ResourceNotFound; a keyId that is not a GUID: 400 Edm.Guid", async () => {
    const mock = makeMock(registry());
    const bearer = await graphToken(mock);
    const path = `/v1.0/applications/${DEMO_APP_OBJECT_ID}/removeKey`;
    const unknown = "99999999-8888-4777-8666-555555555555";
    await expectGraphError(await post(mock, path, bearer, { keyId: unknown, proof: proof(current) }), 404, "Request_ResourceNotFound", `Resource '${unknown}' does not exist or one of its queried reference-property objects are not present.`);
    await expectGraphError(await post(mock, path, bearer, { keyId: "not-a-guid", proof: proof(current) }), 400, "Request_BadRequest", /'Edm\.Guid'/);
  });

  test("the last valid key: 400, and it stays registered", async () => {
    const mock = makeMock(registry({ lapsed: true }));
    const bearer = await graphToken(mock);
    const response = await post(mock, `/v1.0/applications/${DEMO_APP_OBJECT_ID}/removeKey`, bearer, { keyId: OLD_KEY_ID, proof: proof(current) });
    await expectGraphError(response, 400, "Request_BadRequest", /last valid certificate/);
    expect((await tokenFor(mock, current)).status).toBe(200);
  });
});

describe("replication delay (an injected clock, no sleeping)", () => {
  test("with 30 s, Graph shows each change at once and the token endpoint honours it 30 s later", async () => {
    let now = NOW;
    const mock = makeMock(registry(), { clock: () => now, replicationDelaySeconds: 30 });
    const at = (seconds: number) => {
      now = new Date(NOW.getTime() + seconds * 1000);
      return NOW_S + seconds;
    };
    const bearer = await graphToken(mock);
    expect((await post(mock, `/v1.0/applications/${DEMO_APP_OBJECT_ID}/addKey`, bearer, addKeyBody(next, current))).status).toBe(200);
    expect(await keysOf(mock, bearer)).toHaveLength(2);
    expect((await tokenFor(mock, next, undefined, at(29))).status).toBe(401);
    expect((await tokenFor(mock, next, undefined, at(30))).status).toBe(200);

    at(40);
    expect((await post(mock, `/v1.0/applications/${DEMO_APP_OBJECT_ID}/removeKey`, bearer, { keyId: OLD_KEY_ID, proof: proof(next, {}, NOW_S + 40) })).status).toBe(204);
    expect(await keysOf(mock, bearer)).toHaveLength(1);
    expect((await tokenFor(mock, current, undefined, at(69))).status).toBe(200); // the straggler still gets in…
    expect((await tokenFor(mock, current, undefined, at(70))).status).toBe(401); // …until the replica catches up
  });
});

describe("npm run mock-aad -- --replication-delay", () => {
  test("takes seconds, refuses anything else in one sentence, and --help names it", () => {
    expect(parseMockAadArgs(["--replication-delay", "30"]).replicationDelaySeconds).toBe(30);
    expect(parseMockAadArgs([]).replicationDelaySeconds).toBeUndefined();
    for (const bad of ["soon", "-1", "", "1e9"]) expect(() => parseMockAadArgs([`--replication-delay=${bad}`]), bad).toThrow(/is not a number of seconds/);
    expect(mockAadHelp()).toMatch(/--replication-delay SECONDS/);
  });
});

describe("GET /applications/{id}?$select=keyCredentials", () => {
  test("the added key comes with its certificate (base64 DER, node:crypto reads it back); without $select key is null", async () => {
    const mock = makeMock(registry());
    const bearer = await graphToken(mock);
    expect((await post(mock, `/v1.0/applications/${DEMO_APP_OBJECT_ID}/addKey`, bearer, addKeyBody(next, current))).status).toBe(200);
    const response = await mock.handle(new Request(`${GRAPH}/v1.0/applications/${DEMO_APP_OBJECT_ID}?$select=keyCredentials`, { headers: { Authorization: `Bearer ${bearer}` } }));
    const body = (await response.json()) as { keyCredentials: Array<{ key: string; customKeyIdentifier: string }> };
    expect(Object.keys(body)).toEqual(["@odata.context", "keyCredentials"]);
    expect(body.keyCredentials.map((k) => new X509Certificate(Buffer.from(k.key, "base64")).fingerprint.replace(/:/g, ""))).toEqual([current.sha1Hex, next.sha1Hex]);
    expect((await keysOf(mock, bearer)).map((k) => k.key)).toEqual([null, null]);
  });
});
