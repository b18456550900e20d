/**
 * The mock Key Vault and the managed identity endpoint on the HTTPS server that `npm run mock-aad`
 * starts: the workshop's certificate and key in the default vault, the startup lines to export, and
 * the seed's flow over TLS, its signature checked with node:crypto and redeemed for a token.
 */
import { createHash, verify, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_CLIENT_ID, DEMO_TENANT_ID } from "../../lib/entra/demo.ts";
import { KitError } from "../../lib/errors.ts";
import { parseMockAadArgs, startMockAadCli } from "../../mock-aad/server/cli.ts";
import { buildRegistry } from "../../mock-aad/server/config-file.ts";
import { makeCertificate } from "./helpers.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function send(url: string, ca: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; json: any }> {
  return new Promise((done, fail) => {
    const req = httpsRequest(url, { method: init.method ?? "GET", headers: init.headers ?? {}, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(Buffer.concat(chunks).toString("utf8") || "null") }));
    });
    req.on("error", fail);
    req.end(init.body);
  });
}

describe("npm run mock-aad: Key Vault and managed identity over HTTPS", () => {
  it("prints the vault URL and the IDENTITY_ENDPOINT / IDENTITY_HEADER lines; the seed's flow over TLS ends in a token", async () => {
    const out = mkdtempSync(join(tmpdir(), "mock-kv-"));
    dirs.push(out);
    const cert = await makeCertificate();
    writeFileSync(join(out, "cert.cer"), cert.der);
    writeFileSync(join(out, "private-key.pem"), cert.privateKey.export({ format: "pem", type: "pkcs8" }));
    let text = "";
    const running = await startMockAadCli(["--port", "0", "--out", out, "--no-color"], { out: (t) => (text += t), err: () => undefined, color: false });
    try {
      const url = running!.server.url;
      const endpoint = /^ {2}\s*IDENTITY_ENDPOINT=(\S+)$/m.exec(text)?.[1];
      const header = /^ {2}\s*IDENTITY_HEADER=(\S+)$/m.exec(text)?.[1];
      expect(endpoint).toBe(`${url}/msi/token`);
      expect(header).toBe("mock-aad-identity-header-not-a-secret");
      expect(text).toMatch(new RegExp(`Key Vault +${url.replace(/[.]/g, "\\.")} \\(workshop-vault: certificate and key workshop-cert;`));
      const ca = readFileSync(join(out, "mock-aad", "ca.pem"), "utf8");

      const identity = await send(`${endpoint}?api-version=2019-08-01&resource=https://vault.azure.net`, ca, { headers: { "X-IDENTITY-HEADER": header! } });
      expect(identity.status).toBe(200);
      const auth = { Authorization: `Bearer ${identity.json.access_token}`, "Content-Type": "application/json" };
      const challenge = await send(`${url}/certificates/workshop-cert?api-version=7.4`, ca);
      expect([challenge.status, challenge.headers["www-authenticate"]]).toEqual([401, `Bearer authorization="${url}/${DEMO_TENANT_ID}", resource="https://vault.azure.net"`]);
      const certificate = await send(`${url}/certificates/workshop-cert?api-version=7.4`, ca, { headers: auth });
      expect(certificate.json.x5t).toBe(cert.x5t);

      const aud = `${url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`;
      const now = Math.floor(Date.now() / 1000);
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
      const signingInput = `${b64({ alg: "RS256", typ: "JWT", x5t: certificate.json.x5t })}.${b64({ aud, iss: DEMO_CLIENT_ID, sub: DEMO_CLIENT_ID, jti: crypto.randomUUID(), nbf: now, exp: now + 600 })}`;
      const digest = createHash("sha256").update(signingInput).digest("base64url");
      const signed = await send(`${certificate.json.kid}/sign?api-version=7.4`, ca, { method: "POST", headers: auth, body: JSON.stringify({ alg: "RS256", value: digest }) });
      expect(signed.status).toBe(200);
      expect(verify("sha256", Buffer.from(signingInput), new X509Certificate(Buffer.from(cert.der)).publicKey, Buffer.from(signed.json.value, "base64url"))).toBe(true);

      const form = new URLSearchParams({
        client_id: DEMO_CLIENT_ID,
        scope: "https://graph.microsoft.com/.default",
        grant_type: "client_credentials",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: `${signingInput}.${signed.json.value}`,
      });
      const token = await send(aud, ca, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form.toString() });
      expect(token.status).toBe(200);
      expect(typeof token.json.access_token).toBe("string");
    } finally {
      await running?.close();
    }
  });

  it("--config adds vaults, their certificates and access policies; a wrong permission is one clear sentence", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mock-kv-config-"));
    dirs.push(dir);
    const cert = await makeCertificate();
    writeFileSync(join(dir, "app.cer"), cert.der);
    writeFileSync(join(dir, "app-key.pem"), cert.privateKey.export({ format: "pem", type: "pkcs8" }));
    const config = (policy: unknown) => {
      writeFileSync(join(dir, "registry.json"), JSON.stringify({ vaults: [{ name: "contoso-signing", certificates: [{ name: "daemon", cert: "app.cer", key: "app-key.pem" }], accessPolicies: [policy] }] }));
      return buildRegistry(parseMockAadArgs(["--out", dir, "--config", join(dir, "registry.json")]));
    };
    const setup = config({ objectId: "11111111-2222-4333-8444-555555555555", keys: ["sign"], certificates: ["get"] });
    const vault = setup.registry.vaults!.find((v) => v.name === "contoso-signing")!;
    expect(vault.keys.map((k) => [k.name, Buffer.from(k.certificateDer!).equals(Buffer.from(cert.der))])).toEqual([["daemon", true]]);
    expect(vault.accessPolicies).toEqual([{ objectId: "11111111-2222-4333-8444-555555555555", keys: ["sign"], certificates: ["get"] }]);
    expect(setup.registry.vaults![0]!.name).toBe("workshop-vault"); // the root still serves the default vault
    let error: unknown;
    try {
      config({ objectId: "x", keys: ["purge"] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KitError);
    expect((error as KitError).message).toMatch(/vaults\[0\]\.accessPolicies\[0\]\.keys may hold get, list, sign, verify; not "purge"\.$/);
  });
});
