/**
 * The mock Entra ID over real HTTPS on an ephemeral port: discovery, token, JWKS, a resource call,
 * oversized bodies, a port in use, and `npm run mock-aad` itself (started as a child process).
 */
import { createHash, createPublicKey, generateKeyPairSync, randomUUID, sign, constants, X509Certificate, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifiesAsGraph } from "../helpers/graph-token.ts";
import { DEMO_CLIENT_ID, DEMO_TENANT_ID } from "../../lib/entra/demo.ts";
import { KitError } from "../../lib/errors.ts";
import { buildSelfSignedCertificate, randomSerialNumber } from "../../lib/formats/x509/index.ts";
import { mockAadHelp, parseMockAadArgs, startMockAadCli } from "../../mock-aad/server/cli.ts";
import { applyConfigFile, buildRegistry } from "../../mock-aad/server/config-file.ts";
import { requestLine } from "../../mock-aad/server/startup-text.ts";
import { call } from "./https-call.ts";
import { startMockServer, type MockServer } from "../../mock-aad/https-server.ts";
import { createMockAad, defaultRegistry, keyCredential, type RequestLogEntry } from "../../mock-aad/index.ts";
import { ensureLocalTls, type LocalTls } from "../../mock-aad/server/local-tls-store.ts";
import { Chalk } from "chalk";

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64url");

/** A throwaway client certificate (test-only key), self-signed with lib/formats/x509. */
async function clientCertificate(subject: string): Promise<{ der: Uint8Array; privateKey: KeyObject }> {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const now = Date.now();
  const { der } = await buildSelfSignedCertificate({
    subject,
    publicKeySpki: new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 365 * 86400_000),
    serialNumber: randomSerialNumber(),
    sign: (tbs) => new Uint8Array(sign("sha256", tbs, privateKey)),
  });
  return { der, privateKey };
}

/** A PS256 + x5t#S256 client assertion, made with node:crypto only. */
function clientAssertion(cert: { der: Uint8Array; privateKey: KeyObject }, aud: string, clientId = DEMO_CLIENT_ID): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "PS256", typ: "JWT", "x5t#S256": b64url(createHash("sha256").update(cert.der).digest()) };
  const payload = { aud, iss: clientId, sub: clientId, jti: randomUUID(), nbf: now, iat: now, exp: now + 600 };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign("sha256", Buffer.from(input), { key: cert.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  return `${input}.${b64url(signature)}`;
}

function tokenForm(assertion: string, scope = "https://graph.microsoft.com/.default"): string {
  return new URLSearchParams({
    client_id: DEMO_CLIENT_ID,
    scope,
    grant_type: "client_credentials",
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
  }).toString();
}

const FORM = { "content-type": "application/x-www-form-urlencoded" };

// ── the server ───────────────────────────────────────────────────────────────────────────────────

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mock-https-"));
  dirs.push(dir);
  return dir;
}

let tls: LocalTls;
let server: MockServer;
let registered: { der: Uint8Array; privateKey: KeyObject };
let stranger: { der: Uint8Array; privateKey: KeyObject };
const log: RequestLogEntry[] = [];
let tokenUrl: string;

beforeAll(async () => {
  tls = await ensureLocalTls({ dir: join(tempDir(), "mock-aad") });
  registered = await clientCertificate("CN=registered-app");
  stranger = await clientCertificate("CN=not-registered");
  const mock = createMockAad({ registry: defaultRegistry({ certificates: [registered.der] }), onRequest: (e) => log.push(e) });
  server = await startMockServer({ port: 0, host: "127.0.0.1", mock, tls: { cert: tls.serverPem, key: tls.serverKeyPem } });
  tokenUrl = `${server.url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`;
});

afterAll(async () => {
  await server?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("mock-aad over HTTPS", () => {
  it("listens on the ephemeral port it reports", () => {
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it("serves discovery with its own origin", async () => {
    const answer = await call(`${server.url}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`, tls.caPem);
    expect(answer.status).toBe(200);
    const doc = answer.json();
    expect(doc.token_endpoint).toBe(tokenUrl);
    expect(doc.jwks_uri).toBe(`${server.url}/${DEMO_TENANT_ID}/discovery/v2.0/keys`);
    expect(new URL(doc.issuer).origin).toBe(server.url);
  });

  it("issues a token for a valid assertion, verifiable with the JWKS, and the token opens Graph", async () => {
    const answer = await call(tokenUrl, tls.caPem, { method: "POST", headers: FORM, body: tokenForm(clientAssertion(registered, tokenUrl)) });
    expect(answer.status).toBe(200);
    const body = answer.json();
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    const [h, p] = (body.access_token as string).split(".");
    const header = JSON.parse(Buffer.from(h!, "base64url").toString());
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
    expect(claims).toMatchObject({ aud: "https://graph.microsoft.com", appid: DEMO_CLIENT_ID, appidacr: "2", tid: DEMO_TENANT_ID, idtyp: "app" });

    // JWKS over HTTPS, checked with node:crypto
    const keys = (await call(`${server.url}/${DEMO_TENANT_ID}/discovery/v2.0/keys`, tls.caPem)).json().keys as Array<Record<string, string>>;
    const jwk = keys.find((k) => k.kid === header.kid);
    expect(jwk).toBeDefined();
    const key = createPublicKey({ key: { kty: jwk!.kty!, n: jwk!.n!, e: jwk!.e! }, format: "jwk" });
    // A Graph token, like the real ones, has a nonce header: it verifies only as Graph checks it.
    expect(verifiesAsGraph(body.access_token as string, key)).toMatchObject({ plain: false, asGraph: true, nonce: expect.any(String) });

    // the resource API under /graph on the same server
    const users = await call(`${server.url}/graph/v1.0/users`, tls.caPem, { headers: { authorization: `Bearer ${body.access_token}` } });
    expect(users.status).toBe(200);
    expect(Array.isArray(users.json().value)).toBe(true);
    const anonymous = await call(`${server.url}/graph/v1.0/users`, tls.caPem);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers["www-authenticate"]).toMatch(/^Bearer/);
  });

  it("answers an unregistered certificate with AADSTS700027 and logs the code", async () => {
    const before = log.length;
    const answer = await call(tokenUrl, tls.caPem, { method: "POST", headers: FORM, body: tokenForm(clientAssertion(stranger, tokenUrl)) });
    expect(answer.status).toBe(401);
    expect(answer.json().error_codes).toEqual([700027]);
    expect(answer.headers["x-ms-request-id"]).toBeDefined();
    expect(log.slice(before)).toEqual([{ method: "POST", path: `/${DEMO_TENANT_ID}/oauth2/v2.0/token`, status: 401, aadsts: 700027 }]);
  });

  it("refuses a body over 1 MiB with AADSTS9002313 and keeps serving (declared length and chunked)", async () => {
    const big = "x=" + "a".repeat(2 * 1024 * 1024);
    for (const chunked of [false, true]) {
      const answer = await call(tokenUrl, tls.caPem, { method: "POST", headers: FORM, body: big, chunked });
      expect(answer.status).toBe(413);
      expect(answer.json().error_codes).toEqual([9002313]);
    }
    const after = await call(`${server.url}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`, tls.caPem);
    expect(after.status).toBe(200);
  });

  it("survives a client that hangs up halfway through a body", async () => {
    await new Promise<void>((done) => {
      const req = httpsRequest(tokenUrl, { method: "POST", headers: { ...FORM, "content-length": "100000" }, ca: tls.caPem });
      req.on("error", () => done());
      req.write("grant_type=client_cre", () => setTimeout(() => req.destroy(), 50));
    });
    const after = await call(`${server.url}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`, tls.caPem);
    expect(after.status).toBe(200);
  });

  it("a port in use is a clear KitError", async () => {
    const mock = createMockAad();
    const error = await startMockServer({ port: server.port, host: "127.0.0.1", mock, tls: { cert: tls.serverPem, key: tls.serverKeyPem } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KitError);
    expect((error as KitError).code).toBe("PORT_IN_USE");
    expect((error as KitError).message).toMatch(new RegExp(`^Port ${server.port} is in use: `));
    expect((error as KitError).hint).toMatch(/--port 0 for any free port/);
  });

  it("close() returns even while a keep-alive connection is open", async () => {
    const other = await startMockServer({ port: 0, mock: createMockAad(), tls: { cert: tls.serverPem, key: tls.serverKeyPem } });
    const agentAnswer = await call(`${other.url}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`, tls.caPem, { headers: { connection: "keep-alive" } });
    expect(agentAnswer.status).toBe(200);
    await other.close();
  });
});

describe("npm run mock-aad options", () => {
  it("parses the options and rejects bad ones clearly", () => {
    expect(parseMockAadArgs([])).toMatchObject({ port: 8443, host: "127.0.0.1", certFiles: [], out: ".workshop", json: false, help: false });
    expect(parseMockAadArgs(["--json", "--no-color"])).toMatchObject({ json: true });
    expect(parseMockAadArgs(["--port", "0", "--cert", "a.cer", "--cert", "b.pem", "--tenant", "contoso.onmicrosoft.com"])).toMatchObject({
      port: 0,
      certFiles: ["a.cer", "b.pem"],
      tenant: "contoso.onmicrosoft.com",
    });
    expect(() => parseMockAadArgs(["--port", "http"])).toThrow(/--port http is not a port number/);
    expect(() => parseMockAadArgs(["--client-id", "my-app"])).toThrow(/not a GUID/);
    expect(() => parseMockAadArgs(["--bogus"])).toThrow(KitError);
    expect(mockAadHelp()).toMatch(/--config FILE/);
    expect(mockAadHelp()).toMatch(/\n {2}--json +print url, tenant, clientId, caPath/);
  });

  it("a mistyped option is told as every command tells it", () => {
    const error = (() => {
      try {
        parseMockAadArgs(["--prot", "0"]);
      } catch (e) {
        return e as KitError;
      }
    })();
    expect(error).toBeInstanceOf(KitError);
    expect([error!.message, error!.hint]).toEqual(["Unknown option '--prot'.", "See npm run mock-aad -- --help for the options."]);
  });

  it("--json: the startup information as one JSON line on stdout, the request log on stderr", async () => {
    const out = tempDir();
    let stdout = "";
    let stderr = "";
    const running = await startMockAadCli(["--json", "--port", "0", "--out", out], { out: (t) => (stdout += t), err: (t) => (stderr += t), color: false });
    try {
      expect(stdout.endsWith("\n")).toBe(true);
      expect(stdout.trimEnd().split("\n")).toHaveLength(1);
      const info = JSON.parse(stdout);
      const url = running!.server.url;
      expect(info).toEqual({
        url,
        tenant: DEMO_TENANT_ID,
        clientId: DEMO_CLIENT_ID,
        caPath: join(out, "mock-aad", "ca.pem"),
        authority: `${url}/${DEMO_TENANT_ID}/`,
        tokenEndpoint: `${url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`,
        graphUrl: `${url}/graph/v1.0`,
        keyVaultUrl: url,
        identityEndpoint: `${url}/msi/token`,
        identityHeader: "mock-aad-identity-header-not-a-secret",
        pid: process.pid,
      });
      expect(isAbsolute(info.caPath)).toBe(true);
      // What a script does with it: trust caPath, ask the endpoints it names.
      const ca = readFileSync(info.caPath, "utf8");
      expect((await call(`${info.authority}v2.0/.well-known/openid-configuration`, ca)).json().token_endpoint).toBe(info.tokenEndpoint);
      expect((await call(`${info.graphUrl}/users`, ca)).status).toBe(401);
      expect(stdout.trimEnd().split("\n")).toHaveLength(1);
      expect(stderr).toMatch(/GET +\/\S+\/v2\.0\/\.well-known\/openid-configuration {2}200\n/);
      expect(stderr).toMatch(/GET +\/graph\/v1\.0\/users {2}401/);
    } finally {
      await running?.close();
    }
  });

  it("--tenant and --client-id rename the demo tenant and app; --cert registers files", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "app.cer"), registered.der);
    const tenant = randomUUID();
    const clientId = randomUUID();
    const setup = buildRegistry(parseMockAadArgs(["--tenant", tenant, "--client-id", clientId, "--cert", join(dir, "app.cer"), "--out", dir]));
    expect(setup.registry.tenants[0]!.id).toBe(tenant);
    expect(setup.registry.applications[0]).toMatchObject({ appId: clientId, tenantId: tenant });
    expect(setup.registry.applications[0]!.keyCredentials).toHaveLength(1);
    expect(() => buildRegistry(parseMockAadArgs(["--cert", join(dir, "missing.cer")]))).toThrow(/Cannot read the certificate/);
  });

  it("--config adds tenants, apps (with certificates relative to the file) and resources", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "app.cer"), registered.der);
    const tenantId = randomUUID();
    const appId = randomUUID();
    const config = {
      tenants: [{ id: tenantId, displayName: "Contoso", domains: ["contoso.onmicrosoft.com"] }],
      resources: [{ appId: randomUUID(), identifierUris: ["api://my-api"], displayName: "My API", accessTokenVersion: 2, appRoles: ["Things.Read"] }],
      applications: [{ appId, tenantId, displayName: "daemon", certificates: ["app.cer"], appRoleGrants: { "api://my-api": ["Things.Read"] } }],
    };
    writeFileSync(join(dir, "registry.json"), JSON.stringify(config));
    const registry = defaultRegistry();
    applyConfigFile(registry, join(dir, "registry.json"));
    expect(registry.tenants.map((t) => t.id)).toContain(tenantId);
    const app = registry.applications.find((a) => a.appId === appId)!;
    expect(app.keyCredentials).toHaveLength(1);
    expect(Object.values(app.appRoleGrants)).toEqual([["Things.Read"]]);

    writeFileSync(join(dir, "bad.json"), JSON.stringify({ applications: [{ appId, tenantId: randomUUID() }] }));
    expect(() => applyConfigFile(defaultRegistry(), join(dir, "bad.json"))).toThrow(/tenantId must be the id of a tenant/);
    writeFileSync(join(dir, "broken.json"), "{ nope");
    expect(() => applyConfigFile(defaultRegistry(), join(dir, "broken.json"))).toThrow(/not valid JSON/);
  });

  it("keyCredentials is the one name for registered certificates, in --config and in-process; the old name certificates still works, with a deprecation line", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "app.cer"), registered.der);
    const tenantId = randomUUID();
    const app = (name: string, extra: Record<string, unknown> = {}) => ({
      tenants: [{ id: tenantId, domains: [] }],
      applications: [{ appId: DEMO_CLIENT_ID, tenantId, [name]: [{ path: "app.cer", keyId: "0b0c0d0e-0000-4000-8000-000000000001", ...extra }] }],
    });
    const keysOf = (name: string, extra?: Record<string, unknown>) => {
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(app(name, extra)));
      const registry = defaultRegistry();
      const warnings = applyConfigFile(registry, join(dir, `${name}.json`));
      return { keys: registry.applications.find((a) => a.tenantId === tenantId)!.keyCredentials, warnings };
    };
    const current = keysOf("keyCredentials", { displayName: "CN=mine" });
    expect(current.warnings).toEqual([]);
    expect(current.keys).toMatchObject([{ keyId: "0b0c0d0e-0000-4000-8000-000000000001", displayName: "CN=mine" }]);
    expect(Buffer.from(current.keys[0]!.certificateDer).equals(registered.der)).toBe(true);
    const old = keysOf("certificates");
    expect(old.keys.map((k) => k.keyId)).toEqual(["0b0c0d0e-0000-4000-8000-000000000001"]);
    expect(old.warnings).toEqual([expect.stringMatching(/applications\[0\]\.certificates is deprecated: rename it "keyCredentials"/)]);
    writeFileSync(join(dir, "both.json"), JSON.stringify({ ...app("keyCredentials"), applications: [{ ...app("keyCredentials").applications[0], certificates: [] }] }));
    expect(() => applyConfigFile(defaultRegistry(), join(dir, "both.json"))).toThrow(/both "keyCredentials" and its old name "certificates"/);

    // In-process: certificates (PEM or DER) or KeyCredential entries; the old option gives the same entries.
    const pem = new X509Certificate(registered.der).toString();
    const byNew = defaultRegistry({ keyCredentials: [pem, keyCredential(registered.der, { keyId: "0b0c0d0e-0000-4000-8000-000000000002" })] }).applications[0]!.keyCredentials;
    expect(byNew.map((k) => k.keyId)).toEqual([keyCredential(registered.der).keyId, "0b0c0d0e-0000-4000-8000-000000000002"]);
    expect(defaultRegistry({ certificates: [pem] }).applications[0]!.keyCredentials).toEqual([byNew[0]]);
  });

  it("one log line per request: method, path, status, AADSTS code", () => {
    const plain = new Chalk({ level: 0 });
    const line = requestLine({ method: "POST", path: "/t/oauth2/v2.0/token", status: 401, aadsts: 700027 }, plain, new Date(2026, 0, 1, 9, 30, 5));
    expect(line).toBe("  09:30:05  POST /t/oauth2/v2.0/token  401  AADSTS700027\n");
  });
});

// npm run mock-aad as a program (started, signalled, its port taken): https-server-program.slow.test.ts.

describe("the origin is the server's, never the client's Host", () => {
  const form = (assertion: string) =>
    new URLSearchParams({ client_id: DEMO_CLIENT_ID, scope: "https://graph.microsoft.com/.default", grant_type: "client_credentials", client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: assertion }).toString();
  const post = (assertion: string, host?: string) =>
    call(tokenUrl, tls.caPem, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...(host === undefined ? {} : { host }) }, body: form(assertion) });

  it("an assertion for another service, sent with Host naming that service, gets no token: 400 in Entra's shape", async () => {
    const evilAud = `https://evil.example/${DEMO_TENANT_ID}/oauth2/v2.0/token`;
    const answer = await post(clientAssertion(registered, evilAud), "evil.example");
    expect(answer.status).toBe(400);
    const body = answer.json();
    expect(body).toMatchObject({ error: "invalid_request", error_codes: [9002313] });
    expect(body.error_description).toMatch(/^AADSTS9002313: Invalid request\. Request is malformed or invalid\. Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: /);
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(answer.headers["cache-control"]).toBe("no-store, no-cache");
    // and with the server's own Host, that aud is still refused (700023): aud is checked against the server's origins
    const honest = await post(clientAssertion(registered, evilAud));
    expect(honest.json().error_codes).toEqual([700023]);
  });

  it("localhost and 127.0.0.1 with the port are the server's own: tokens, and discovery names that origin", async () => {
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`]) {
      const aud = `https://${host.toLowerCase()}/${DEMO_TENANT_ID}/oauth2/v2.0/token`;
      expect((await post(clientAssertion(registered, aud), host)).status, host).toBe(200);
    }
    const doc = (await call(`${server.url}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`, tls.caPem, { headers: { host: `localhost:${server.port}` } })).json();
    expect(doc.token_endpoint).toBe(`https://localhost:${server.port}/${DEMO_TENANT_ID}/oauth2/v2.0/token`);
  });

  it("malformed or foreign Host values: never a 5xx, always Entra's 400 shape, and every one in the request log", async () => {
    const before = log.length;
    const hosts = ["a b", "[", "user@x", "127.0.0.1:99999", "%zz", `127.0.0.1:${server.port}/x`, "127.0.0.1", "127.0.0.1:0"];
    for (const host of hosts) {
      const answer = await call(`${server.url}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`, tls.caPem, { headers: { host } });
      expect(answer.status, JSON.stringify(host)).toBe(400);
      expect(answer.json().error_codes, JSON.stringify(host)).toEqual([9002313]);
    }
    const refused = log.slice(before).filter((e) => e.aadsts === 9002313);
    expect(refused.length).toBe(hosts.length);
  });
});

describe("aud is accepted only for the real authority host and the origin the request was served at", () => {
  // The rule (mock-aad/check-assertion.ts acceptedAudiences): login.microsoftonline.com, or the
  // request's own origin, which the HTTPS door only ever takes from the hosts it serves (its
  // address and port, localhost and the loopback names, configured host names).
  it("a configured host name, the bound address and Entra's host pass; any other origin is 700023", async () => {
    const named = await startMockServer({ port: 0, mock: createMockAad({ registry: defaultRegistry({ certificates: [registered.der] }) }), hostnames: ["entra.test"], tls: { cert: tls.serverPem, key: tls.serverKeyPem } });
    try {
      const url = `${named.url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`;
      const aud = (origin: string) => `${origin}/${DEMO_TENANT_ID}/oauth2/v2.0/token`;
      const post = (audience: string, host?: string) =>
        call(url, tls.caPem, { method: "POST", headers: { ...FORM, ...(host ? { host } : {}) }, body: tokenForm(clientAssertion(registered, audience, DEMO_CLIENT_ID)) });
      const codes = async (audience: string, host?: string) => {
        const answer = await post(audience, host);
        return answer.status === 200 ? "token" : (answer.json().error_codes as number[]).join(",");
      };
      const own = `entra.test:${named.port}`;
      expect(await codes(aud("https://login.microsoftonline.com"))).toBe("token");
      expect(await codes(aud(named.url))).toBe("token");
      expect(await codes(aud(`https://${own}`), own)).toBe("token"); // the configured name, when the request came to it
      for (const foreign of [
        "https://evil.example",
        `https://127.0.0.1:${named.port + 1}`, // another port
        `http://127.0.0.1:${named.port}`, // another scheme
        "https://login.windows.net", // an alias of Entra's: not accepted by the mock (inferred: Entra's rule for aliases is not known)
        `https://${own}`, // a served name, but not the one this request came to
      ]) expect(await codes(aud(foreign)), foreign).toBe("700023");
      // A Host naming a host the server does not serve never reaches the aud check (400 before routing).
      expect(await codes(aud("https://evil.example"), "evil.example")).toBe("9002313");
    } finally {
      await named.close();
    }
  });
});
