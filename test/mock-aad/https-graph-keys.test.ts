/**
 * `npm run mock-aad -- --replication-delay` end to end over HTTPS: addKey through the server's
 * /graph door, then the new certificate is refused at the token endpoint while the replica lags
 * (an hour, so the answer cannot depend on how fast the machine is) though Graph already lists it.
 * Throwaway keys, a temporary folder, port 0; the server is stopped at the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, test } from "vitest";
import { DEMO_APP_OBJECT_ID } from "../../mock-aad/registry.ts";
import { startMockAadCli, type RunningMockAad } from "../../mock-aad/server/cli.ts";
import { assertion, makeCertificate, signParts, tokenForm, type TestCertificate } from "./helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "mock-aad-keys-"));
let running: RunningMockAad | undefined;
afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

function call(url: string, ca: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; json: () => any }> {
  return new Promise((done, fail) => {
    const req = httpsRequest(url, { method: init.method ?? "GET", headers: init.headers ?? {}, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        done({ status: res.statusCode ?? 0, json: () => JSON.parse(text) });
      });
    });
    req.on("error", fail);
    req.end(init.body);
  });
}

test("with --replication-delay 3600, Graph lists the added key at once and the token endpoint does not know it yet", async () => {
  const day = 86_400_000;
  const validNow = () => makeCertificate(2048, new Date(Date.now() - day), new Date(Date.now() + 365 * day));
  const [current, next]: TestCertificate[] = await Promise.all([validNow(), validNow()]);
  writeFileSync(join(dir, "cert.cer"), current!.der);
  running = await startMockAadCli(["--port", "0", "--out", dir, "--replication-delay", "3600"], { out: () => undefined, err: () => undefined, color: false });
  const { url, tenant } = running!.info;
  const ca = running!.info.tls.caPem;
  const now = Math.floor(Date.now() / 1000);
  const token = (cert: TestCertificate) =>
    call(`${url}/${tenant}/oauth2/v2.0/token`, ca, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(tokenForm(assertion(cert, { nbf: now, iat: now, exp: now + 600 }), { scope: "https://graph.microsoft.com/.default" })).toString(),
    });

  const first = await token(current!);
  expect(first.status).toBe(200);
  const bearer = first.json().access_token as string;
  const proof = signParts(JSON.stringify({ alg: "RS256", typ: "JWT", x5t: current!.x5t }), JSON.stringify({ aud: "00000002-0000-0000-c000-000000000000", iss: DEMO_APP_OBJECT_ID, nbf: now, exp: now + 600 }), current!.privateKey);
  const added = await call(`${url}/graph/v1.0/applications/${DEMO_APP_OBJECT_ID}/addKey`, ca, {
    method: "POST",
    headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
    body: JSON.stringify({ keyCredential: { type: "AsymmetricX509Cert", usage: "Verify", key: Buffer.from(next!.der).toString("base64") }, passwordCredential: null, proof }),
  });
  expect(added.status).toBe(200);
  expect(added.json().customKeyIdentifier).toBe(next!.sha1Hex);

  const listed = await call(`${url}/graph/v1.0/applications/${DEMO_APP_OBJECT_ID}`, ca, { headers: { authorization: `Bearer ${bearer}` } });
  expect(listed.json().keyCredentials.map((k: { customKeyIdentifier: string }) => k.customKeyIdentifier)).toEqual([current!.sha1Hex, next!.sha1Hex]);
  const early = await token(next!);
  expect(early.status).toBe(401);
  expect(early.json().error_codes).toEqual([700027]);
  expect((await token(current!)).status).toBe(200);
});
