/**
 * Graph's directory endpoints and ARM over the real HTTPS door (node:https on an ephemeral port):
 * /graph/v1.0/… with OData query options and /arm/subscriptions?api-version=…, query strings intact.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createMockAad } from "../../mock-aad/core.ts";
import { startMockServer, type MockServer } from "../../mock-aad/https-server.ts";
import { GRAPH_APP_ID, keyCredential, defaultRegistry } from "../../mock-aad/registry.ts";
import { ensureLocalTls, type LocalTls } from "../../mock-aad/server/local-tls-store.ts";
import { assertion, DEMO_CLIENT_ID, DEMO_TENANT_ID, tokenForm, makeCertificate, NOW, type TestCertificate } from "./helpers.ts";

let dir: string;
let tls: LocalTls;
let server: MockServer;
let app: TestCertificate;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mock-https-resources-"));
  tls = await ensureLocalTls({ dir: join(dir, "mock-aad") });
  app = await makeCertificate(2048);
  const registry = defaultRegistry();
  registry.applications[0]!.keyCredentials = [keyCredential(app.der)];
  registry.applications[0]!.appRoleGrants[GRAPH_APP_ID] = ["Application.Read.All", "Organization.Read.All"];
  const mock = createMockAad({ registry, clock: () => NOW });
  server = await startMockServer({ port: 0, host: "127.0.0.1", mock, tls: { cert: tls.serverPem, key: tls.serverKeyPem } });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; json: any }> {
  return new Promise((done, fail) => {
    const req = httpsRequest(url, { method: init.method ?? "GET", headers: init.headers ?? {}, ca: tls.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => done({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
    });
    req.on("error", fail);
    if (init.body !== undefined) req.write(init.body);
    req.end();
  });
}

async function token(scope: string): Promise<string> {
  const tokenUrl = `${server.url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`;
  const body = new URLSearchParams(tokenForm(assertion(app, { aud: tokenUrl }), { scope })).toString();
  const answer = await call(tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  return answer.json.access_token as string;
}

test("Graph under /graph/: organization, and applications with $filter and $select", async () => {
  const auth = { authorization: `Bearer ${await token("https://graph.microsoft.com/.default")}` };
  const org = await call(`${server.url}/graph/v1.0/organization`, { headers: auth });
  expect(org.status).toBe(200);
  expect(org.json.value[0].id).toBe(DEMO_TENANT_ID);
  const query = `$filter=${encodeURIComponent(`appId eq '${DEMO_CLIENT_ID}'`)}&$select=appId,keyCredentials`;
  const apps = await call(`${server.url}/graph/v1.0/applications?${query}`, { headers: auth });
  expect(apps.status).toBe(200);
  expect(apps.json["@odata.context"]).toBe("https://graph.microsoft.com/v1.0/$metadata#applications(appId,keyCredentials)");
  expect(apps.json.value).toEqual([{ appId: DEMO_CLIENT_ID, keyCredentials: [expect.objectContaining({ customKeyIdentifier: app.sha1Hex })] }]);
});

test("ARM under /arm/: the Azure CLI's scope opens /subscriptions; no token is ARM's 401", async () => {
  const ok = await call(`${server.url}/arm/subscriptions?api-version=2022-12-01`, { headers: { authorization: `Bearer ${await token("https://management.core.windows.net//.default")}` } });
  expect(ok).toEqual({ status: 200, json: { value: [] } });
  const anonymous = await call(`${server.url}/arm/subscriptions?api-version=2022-12-01`);
  expect(anonymous).toEqual({ status: 401, json: { error: { code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." } } });
});
