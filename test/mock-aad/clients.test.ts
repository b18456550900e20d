/**
 * Real clients against the mock's HTTPS server: @azure/msal-node 7 and @azure/identity 4.13.1.
 *
 * Trust for the local CA:
 *   - in this process, through each library's own options: msal-node's `system.networkClient`
 *     (a small node:https client with `ca`, since msal-node 7 uses the global fetch, which takes no
 *     CA), and @azure/identity's `tlsOptions: { ca }`;
 *   - in child processes, exactly as a user would: the printed snippets, run with
 *     NODE_EXTRA_CA_CERTS (read only at process start) and msal-node's default HTTP client.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from "@azure/msal-node";
import { ClientCertificateCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CLIENT_ID, DEMO_TENANT_ID } from "../../lib/entra/demo.ts";
import { pemEncode } from "../../lib/formats/pem.ts";
import { buildSelfSignedCertificate, randomSerialNumber } from "../../lib/formats/x509/index.ts";
import { snippets } from "../../mock-aad/server/startup-text.ts";
import { startMockServer, type MockServer } from "../../mock-aad/https-server.ts";
import { createMockAad, defaultRegistry } from "../../mock-aad/index.ts";
import { ensureLocalTls, type LocalTls } from "../../mock-aad/server/local-tls-store.ts";

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";

interface ClientCert {
  der: Uint8Array;
  certPem: string;
  keyPem: string;
  sha1: string;
  sha256: string;
}

/** A throwaway client certificate (test-only key), self-signed with lib/formats/x509. */
async function clientCertificate(subject: string): Promise<ClientCert> {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const now = Date.now();
  const { der } = await buildSelfSignedCertificate({
    subject,
    publicKeySpki: new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
    notBefore: new Date(now - 3600_000),
    notAfter: new Date(now + 365 * 86400_000),
    serialNumber: randomSerialNumber(),
    sign: (tbs) => new Uint8Array(sign("sha256", tbs, privateKey as KeyObject)),
  });
  return {
    der,
    certPem: pemEncode("CERTIFICATE", der),
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    sha1: createHash("sha1").update(der).digest("hex").toUpperCase(),
    sha256: createHash("sha256").update(der).digest("hex").toUpperCase(),
  };
}

/** msal-node's INetworkModule over node:https, trusting the given CA. */
function networkClientTrusting(ca: string): INetworkModule {
  const send = <T>(url: string, method: "GET" | "POST", options?: NetworkRequestOptions) =>
    new Promise<NetworkResponse<T>>((done, fail) => {
      const req = httpsRequest(url, { method, headers: options?.headers ?? {}, ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = String(value);
          try {
            done({ headers, status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as T });
          } catch (error) {
            fail(error);
          }
        });
      });
      req.on("error", fail);
      if (method === "POST") req.write(options?.body ?? "");
      req.end();
    });
  return {
    sendGetRequestAsync: (url, options) => send(url, "GET", options),
    sendPostRequestAsync: (url, options) => send(url, "POST", options),
  };
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mock-clients-"));
  dirs.push(dir);
  return dir;
}

let tls: LocalTls;
let server: MockServer;
let registered: ClientCert;
let stranger: ClientCert;
/** The JOSE header of every client assertion the server received. */
const assertionHeaders: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  tls = await ensureLocalTls({ dir: join(tempDir(), "mock-aad") });
  [registered, stranger] = await Promise.all([clientCertificate("CN=registered-app"), clientCertificate("CN=not-registered")]);
  const mock = createMockAad({ registry: defaultRegistry({ certificates: [registered.der] }) });
  // Records what the clients send, then hands the request to the core unchanged.
  const recording = {
    async handle(request: Request): Promise<Response> {
      if (request.method === "POST") {
        const assertion = new URLSearchParams(await request.clone().text()).get("client_assertion");
        if (assertion) assertionHeaders.push(JSON.parse(Buffer.from(assertion.split(".")[0]!, "base64url").toString("utf8")));
      }
      return mock.handle(request);
    },
  };
  server = await startMockServer({ port: 0, host: "127.0.0.1", mock: recording, tls: { cert: tls.serverPem, key: tls.serverKeyPem } });
});

afterAll(async () => {
  await server?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function msalApp(clientCertificate: { thumbprintSha256: string; privateKey: string } | { thumbprint: string; privateKey: string }) {
  return new ConfidentialClientApplication({
    auth: {
      clientId: DEMO_CLIENT_ID,
      authority: `${server.url}/${DEMO_TENANT_ID}/`,
      knownAuthorities: [new URL(server.url).host],
      clientCertificate,
    },
    system: { networkClient: networkClientTrusting(tls.caPem) },
  });
}

function lastHeader(): Record<string, unknown> {
  return assertionHeaders[assertionHeaders.length - 1]!;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));
}

describe("@azure/msal-node 7 against the HTTPS mock", () => {
  it("clientCertificate { thumbprintSha256, privateKey } gets a token (PS256 + x5t#S256)", async () => {
    const result = await msalApp({ thumbprintSha256: registered.sha256, privateKey: registered.keyPem }).acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    expect(result?.accessToken).toBeTruthy();
    expect(result?.tokenType).toBe("Bearer");
    expect(claimsOf(result!.accessToken)).toMatchObject({ appid: DEMO_CLIENT_ID, appidacr: "2", aud: "https://graph.microsoft.com" });
    expect(lastHeader()).toMatchObject({ alg: "PS256", "x5t#S256": Buffer.from(registered.sha256, "hex").toString("base64url") });
  });

  it("clientCertificate { thumbprint, privateKey } (SHA-1, deprecated) gets a token (RS256 + x5t)", async () => {
    const result = await msalApp({ thumbprint: registered.sha1, privateKey: registered.keyPem }).acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
    expect(result?.accessToken).toBeTruthy();
    expect(lastHeader()).toMatchObject({ alg: "RS256", x5t: Buffer.from(registered.sha1, "hex").toString("base64url") });
  });

  it("an unregistered certificate fails with AADSTS700027", async () => {
    const error = await msalApp({ thumbprintSha256: stranger.sha256, privateKey: stranger.keyPem })
      .acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/AADSTS700027/);
  });
});

describe("@azure/identity 4.13.1 against the HTTPS mock", () => {
  function pemFile(cert: ClientCert): string {
    const path = join(tempDir(), "cert-and-key.pem");
    writeFileSync(path, cert.certPem + cert.keyPem, { mode: 0o600 });
    return path;
  }
  const options = () => ({ authorityHost: server.url, disableInstanceDiscovery: true, tlsOptions: { ca: tls.caPem } });

  it("ClientCertificateCredential with a PEM path gets a token (PS256 + x5t#S256)", async () => {
    const credential = new ClientCertificateCredential(DEMO_TENANT_ID, DEMO_CLIENT_ID, pemFile(registered), options());
    const token = await credential.getToken(GRAPH_SCOPE);
    expect(token.token).toBeTruthy();
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3000_000);
    expect(claimsOf(token.token)).toMatchObject({ appid: DEMO_CLIENT_ID, appidacr: "2" });
    expect(lastHeader()).toMatchObject({ alg: "PS256", "x5t#S256": Buffer.from(registered.sha256, "hex").toString("base64url") });
  });

  it("an unregistered certificate fails with AADSTS700027", async () => {
    const credential = new ClientCertificateCredential(DEMO_TENANT_ID, DEMO_CLIENT_ID, pemFile(stranger), options());
    const error = await credential.getToken(GRAPH_SCOPE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/AADSTS700027/);
  });
});

describe("the snippets npm run mock-aad prints, run as a user would (NODE_EXTRA_CA_CERTS)", () => {
  it("msal-node and @azure/identity snippets each print an access token", async () => {
    const work = tempDir();
    mkdirSync(join(work, ".workshop"));
    writeFileSync(join(work, ".workshop", "cert.pem"), registered.certPem);
    writeFileSync(join(work, ".workshop", "private-key.pem"), registered.keyPem, { mode: 0o600 });
    // Bare imports resolve from the script's folder: point it at the kit's node_modules.
    symlinkSync(join(process.cwd(), "node_modules"), join(work, "node_modules"), "junction");
    const text = snippets({
      url: server.url,
      tenant: DEMO_TENANT_ID,
      clientId: DEMO_CLIENT_ID,
      caPath: tls.caPath,
      caPathAbsolute: tls.caPath,
      certPemPath: ".workshop/cert.pem",
      privateKeyPath: ".workshop/private-key.pem",
      assertionPath: ".workshop/client-assertion.jwt",
      thumbprintSha256: registered.sha256,
    });
    writeFileSync(join(work, "token-msal.mjs"), text.msalNode);
    writeFileSync(join(work, "token-identity.mjs"), text.identity);
    const run = (script: string) =>
      new Promise<string>((done, fail) =>
        execFile(process.execPath, [script], { cwd: work, env: { ...process.env, NODE_EXTRA_CA_CERTS: tls.caPath }, timeout: 10_000 }, (error, stdout, stderr) =>
          error ? fail(new Error(`${script}: ${stderr || error.message}`)) : done(stdout.trim()),
        ),
      );
    const [msalToken, identityToken] = await Promise.all([run("token-msal.mjs"), run("token-identity.mjs")]);
    expect(claimsOf(msalToken)).toMatchObject({ appid: DEMO_CLIENT_ID, appidacr: "2" });
    expect(claimsOf(identityToken)).toMatchObject({ appid: DEMO_CLIENT_ID, appidacr: "2" });
  });
});
