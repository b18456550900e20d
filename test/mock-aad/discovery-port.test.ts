/**
 * Instance discovery when the client drops the port: MSAL Python asks a mock at
 * https://127.0.0.1:8443 for authorization_endpoint=https://127.0.0.1/<tenant>/oauth2/v2.0/authorize
 * (api-version=1.0). The mock answers for its own host name, and the document it points at carries
 * the real port: the origin the core was given, not a Host header.
 */
import { describe, expect, test } from "vitest";
import { DEMO_TENANT_ID, ENTRA, expectAadError, makeMock } from "./helpers.ts";
import { defaultRegistry } from "../../mock-aad/registry.ts";

const ORIGIN = "https://127.0.0.1:8443";
const mock = () => makeMock(defaultRegistry());

function instance(origin: string, authorizationEndpoint: string, init: RequestInit = {}): Promise<Response> {
  const query = new URLSearchParams({ authorization_endpoint: authorizationEndpoint, "api-version": "1.0" });
  return mock().handle(new Request(`${origin}/common/discovery/instance?${query}`, init));
}

describe("instance discovery at a local origin", () => {
  test("the port dropped (as MSAL Python asks): 200, tenant_discovery_endpoint at the real port", async () => {
    const response = await instance(ORIGIN, `https://127.0.0.1/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { tenant_discovery_endpoint: string; metadata: Array<{ aliases: string[] }> };
    expect(body.tenant_discovery_endpoint).toBe(`${ORIGIN}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`);
    expect(body.metadata[0]!.aliases).toEqual(["127.0.0.1:8443"]);
    // …and that document answers, with the issuer at the real port.
    const doc = await mock().handle(new Request(body.tenant_discovery_endpoint));
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { issuer: string }).issuer).toBe(`${ORIGIN}/${DEMO_TENANT_ID}/v2.0`);
  });

  test("with the port, or the host in upper case: the same answer", async () => {
    for (const endpoint of [`${ORIGIN}/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`, `https://LOCALHOST/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`]) {
      const origin = endpoint.includes("LOCALHOST") ? "https://localhost:8443" : ORIGIN;
      const response = await instance(origin, endpoint);
      expect(response.status, endpoint).toBe(200);
      expect(((await response.json()) as { tenant_discovery_endpoint: string }).tenant_discovery_endpoint).toBe(`${origin}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`);
    }
  });

  test("another explicit port, another host name, or another host: AADSTS50049", async () => {
    for (const endpoint of [
      `https://127.0.0.1:9999/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`,
      `https://localhost/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`,
      `https://127.0.0.2/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`,
      `${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`,
    ]) {
      const response = await instance(ORIGIN, endpoint);
      expect(response.status, endpoint).toBe(400);
      expect(((await response.clone().json()) as { error_codes: number[] }).error_codes, endpoint).toEqual([50049]);
    }
    await expectAadError(await instance(ORIGIN, `https://127.0.0.1:9999/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`), 400, "invalid_instance", 50049, "Unknown or invalid instance.");
  });

  test("the origin counts, not the Host header: a Host naming another port changes nothing", async () => {
    const response = await instance(ORIGIN, `https://127.0.0.1/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`, { headers: { Host: "127.0.0.1:9999" } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { tenant_discovery_endpoint: string }).tenant_discovery_endpoint.startsWith(`${ORIGIN}/`)).toBe(true);
  });

  test("at login.microsoftonline.com nothing changes: the public cloud's aliases only", async () => {
    const response = await instance(ENTRA, `https://login.windows.net/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { tenant_discovery_endpoint: string }).tenant_discovery_endpoint).toBe(`${ENTRA}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`);
  });
});
