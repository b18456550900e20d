/**
 * Discovery documents, key sets and instance discovery; and issued tokens verified against the
 * published key set by an independent path (node:crypto from the JWK, and from the x5c
 * certificate), not by the mock's signing code.
 */
import { verifiesAsGraph } from "../helpers/graph-token.ts";
import { createHash, createPublicKey, verify, X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { DEMO_TENANT_DOMAIN } from "../../lib/entra/demo.ts";
import { assertion, DEMO_TENANT_ID, ENTRA, makeCertificate, makeMock, registryWith, tokenForm, tokenRequest, type TestCertificate } from "./helpers.ts";

let app: TestCertificate;
beforeAll(async () => {
  app = await makeCertificate(2048);
});
const mock = () => makeMock(registryWith({ cert: app }));
const get = async (url: string) => {
  const response = await mock().handle(new Request(url));
  expect(response.status, url).toBe(200);
  return (await response.json()) as Record<string, unknown>;
};

describe("OpenID Connect discovery", () => {
  test("v2 at login.microsoftonline.com: the tenant GUID everywhere, by GUID or domain", async () => {
    for (const tenant of [DEMO_TENANT_ID, DEMO_TENANT_DOMAIN, DEMO_TENANT_DOMAIN.toUpperCase()]) {
      const doc = await get(`${ENTRA}/${tenant}/v2.0/.well-known/openid-configuration`);
      expect(doc).toMatchObject({
        issuer: `${ENTRA}/${DEMO_TENANT_ID}/v2.0`,
        token_endpoint: `${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token`,
        authorization_endpoint: `${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`,
        jwks_uri: `${ENTRA}/${DEMO_TENANT_ID}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        id_token_signing_alg_values_supported: ["RS256"],
        cloud_instance_name: "microsoftonline.com",
        msgraph_host: "graph.microsoft.com",
      });
    }
  });

  test("served at https://127.0.0.1:PORT: issuer and endpoints share its scheme, host and port", async () => {
    const origin = "https://127.0.0.1:50123";
    const doc = await get(`${origin}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`);
    for (const name of ["issuer", "token_endpoint", "authorization_endpoint", "jwks_uri", "device_authorization_endpoint", "end_session_endpoint"]) {
      expect(String(doc[name]).startsWith(`${origin}/`), name).toBe(true);
    }
  });

  test("v1: issuer sts.windows.net, token endpoint /oauth2/token, keys at /common/discovery/keys", async () => {
    const doc = await get(`${ENTRA}/${DEMO_TENANT_ID}/.well-known/openid-configuration`);
    expect(doc).toMatchObject({
      issuer: `https://sts.windows.net/${DEMO_TENANT_ID}/`,
      token_endpoint: `${ENTRA}/${DEMO_TENANT_ID}/oauth2/token`,
      jwks_uri: `${ENTRA}/common/discovery/keys`,
    });
  });

  test("/common and /organizations: the {tenantid} placeholder in the issuer", async () => {
    const doc = await get(`${ENTRA}/common/v2.0/.well-known/openid-configuration`);
    expect(doc.issuer).toBe(`${ENTRA}/{tenantid}/v2.0`);
    expect(doc.token_endpoint).toBe(`${ENTRA}/common/oauth2/v2.0/token`);
    expect((await get(`${ENTRA}/organizations/v2.0/.well-known/openid-configuration`)).token_endpoint).toBe(`${ENTRA}/organizations/oauth2/v2.0/token`);
  });

  test("instance discovery, at Entra's host and at a local one", async () => {
    const authorize = encodeURIComponent(`${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`);
    const real = await get(`${ENTRA}/common/discovery/instance?api-version=1.1&authorization_endpoint=${authorize}`);
    expect(real).toEqual({
      tenant_discovery_endpoint: `${ENTRA}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: "login.microsoftonline.com", preferred_cache: "login.windows.net", aliases: ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"] }],
    });
    const origin = "https://127.0.0.1:8443";
    const local = await get(`${origin}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`${origin}/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`)}`);
    expect(local.tenant_discovery_endpoint).toBe(`${origin}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`);
    expect((local.metadata as Array<{ aliases: string[] }>)[0]!.aliases).toEqual(["127.0.0.1:8443"]);
  });

  test("discovery answers with Entra's headers", async () => {
    const response = await mock().handle(new Request(`${ENTRA}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`));
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("x-ms-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("key sets", () => {
  test("v2 keys: kid = x5t = base64url(SHA-1(x5c[0])), n and e match the certificate, issuer", async () => {
    const { keys } = (await get(`${ENTRA}/${DEMO_TENANT_ID}/discovery/v2.0/keys`)) as { keys: Array<Record<string, unknown>> };
    expect(keys).toHaveLength(1);
    const key = keys[0]!;
    const der = Buffer.from((key.x5c as string[])[0]!, "base64");
    expect(key).toMatchObject({ kty: "RSA", use: "sig", e: "AQAB", issuer: `${ENTRA}/${DEMO_TENANT_ID}/v2.0` });
    expect(key.x5t).toBe(createHash("sha1").update(der).digest("base64url"));
    expect(key.kid).toBe(key.x5t);
    const fromCert = new X509Certificate(der).publicKey.export({ format: "jwk" });
    expect(fromCert.n).toBe(key.n);
  });

  test("v1 keys (also under /common) have no issuer; the mock's jwks property is the same key", async () => {
    const v1 = (await get(`${ENTRA}/common/discovery/keys`)) as { keys: Array<Record<string, unknown>> };
    expect(v1.keys[0]).not.toHaveProperty("issuer");
    const m = mock();
    expect((m.jwks.keys[0] as { kid: string }).kid).toBe(v1.keys[0]!.kid);
  });

  test("issued tokens verify with the published key (from the JWK and from x5c), and fail when changed", async () => {
    const m = mock();
    for (const scope of ["https://graph.microsoft.com/.default", "api://entra-workshop-demo-api/.default"]) {
      const body = (await (await m.handle(tokenRequest(tokenForm(assertion(app), { scope })))).json()) as { access_token: string };
      const jwks = (await (await m.handle(new Request(`${ENTRA}/${DEMO_TENANT_ID}/discovery/v2.0/keys`))).json()) as { keys: Array<{ kid: string; kty: string; n: string; e: string; x5c: string[] }> };
      const [h, p, s] = body.access_token.split(".") as [string, string, string];
      const header = JSON.parse(Buffer.from(h, "base64url").toString()) as { kid: string; alg: string };
      expect(header.alg).toBe("RS256");
      const jwk = jwks.keys.find((k) => k.kid === header.kid)!;
      const keyFromJwk = createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: "jwk" });
      const keyFromX5c = new X509Certificate(Buffer.from(jwk.x5c[0]!, "base64")).publicKey;
      for (const key of [keyFromJwk, keyFromX5c]) {
        if (scope.startsWith("https://graph")) {
          // A Graph token: plain JWKS verification fails, as for real Graph tokens; Graph's own check passes.
          expect(verifiesAsGraph(body.access_token, key)).toMatchObject({ plain: false, asGraph: true });
          continue;
        }
        expect(verify("sha256", Buffer.from(`${h}.${p}`), key, Buffer.from(s, "base64url"))).toBe(true);
        const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, "base64url").toString()), roles: ["Directory.ReadWrite.All"] })).toString("base64url");
        expect(verify("sha256", Buffer.from(`${h}.${tampered}`), key, Buffer.from(s, "base64url"))).toBe(false);
      }
    }
  });
});

describe("unknown paths", () => {
  test("404 in Entra's shape (AADSTS9002313, inferred), and the log line names the endpoints", async () => {
    const log: { detail?: string; aadsts?: number }[] = [];
    const m = makeMock(registryWith({ cert: app }), { onRequest: (e) => log.push(e) });
    for (const url of [`${ENTRA}/`, `${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token/`, `${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`, `${ENTRA}//double`]) {
      const response = await m.handle(new Request(url, { method: url.endsWith("token/") ? "POST" : "GET" }));
      expect(response.status, url).toBe(404);
      expect(response.headers.get("cache-control")).toBe("no-store, no-cache");
      const body = (await response.json()) as { error: string; error_codes: number[]; error_description: string; trace_id: string; correlation_id: string; timestamp: string };
      expect(body).toMatchObject({ error: "invalid_request", error_codes: [9002313] });
      expect(body.error_description).toMatch(/^AADSTS9002313: Invalid request\. Request is malformed or invalid\. Trace ID: /);
      expect(body.trace_id && body.correlation_id && body.timestamp).toBeTruthy();
    }
    expect(log.every((e) => e.aadsts === 9002313 && /the mock serves POST \/\{tenant\}\/oauth2\/v2\.0\/token/.test(e.detail ?? ""))).toBe(true);
  });
});
