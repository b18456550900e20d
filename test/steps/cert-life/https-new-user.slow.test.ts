/**
 * As a new user would, against the HTTPS mock on 127.0.0.1: the real command lines (the npm
 * scripts' entry points, run with tsx in child processes, trusting the mock's local CA through
 * NODE_EXTRA_CA_CERTS as the mock's start-up text says), a real clock, a throwaway certificate.
 * add a profile, a token twice (the second from the cache: no second request reaches the server),
 * check the expiry, rotate; afterwards only the new certificate is registered, the old key gets
 * AADSTS700027, tokens keep coming, and every file under the profile folder is 0600.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockAad } from "../../../mock-aad/core.ts";
import { startMockServer, type MockServer } from "../../../mock-aad/https-server.ts";
import { defaultRegistry, type Registry } from "../../../mock-aad/registry.ts";
import { ensureLocalTls } from "../../../mock-aad/server/local-tls-store.ts";
import { CLIENT_ID, Lab, PASSWORD, PASSWORD_VAR, TENANT, throwawayCert } from "./harness.ts";
import { modesUnder } from "./modes.ts";

const tsx = join(process.cwd(), "node_modules", "tsx", "dist", "cli.mjs");
const DAY = 86_400_000;

let server: MockServer;
let registry: Registry;
let caPath: string;
const home = mkdtempSync(join(tmpdir(), "cert-life-https-home-"));
let tlsDir: string | undefined;
const paths: string[] = [];
let lab: Lab;
let oldSha1: string;

beforeAll(async () => {
  const now = Date.now();
  const cert = await throwawayCert(new Date(now - DAY), new Date(now + 365 * DAY));
  oldSha1 = createHash("sha1").update(cert.der).digest("hex").toUpperCase();
  registry = defaultRegistry({ certificates: [cert.der] });
  lab = new Lab(registry); // only for its throwaway files
  paths.push(await lab.pfx(cert));
  tlsDir = mkdtempSync(join(tmpdir(), "cert-life-tls-"));
  const tls = await ensureLocalTls({ dir: tlsDir });
  caPath = tls.caPath;
  const mock = createMockAad({ registry, onRequest: (e) => void requests.push(e.path) });
  server = await startMockServer({ port: 0, mock, tls: { cert: tls.serverPem, key: tls.serverKeyPem } });
}, 60_000);

afterAll(async () => {
  await server?.close();
  for (const dir of [home, tlsDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const requests: string[] = [];

function run(script: "profile" | "token" | "cert", ...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [tsx, join("steps", script, "cli.ts"), ...args], {
      env: { ...process.env, ENTRA_KIT_HOME: home, NODE_EXTRA_CA_CERTS: caPath, [PASSWORD_VAR]: PASSWORD, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("exit", (code) => done({ code, out, err }));
  });
}

describe("a new user against the HTTPS mock", () => {
  it("profile, token twice, check, rotate: only the new certificate registered, the old key refused, tokens keep coming", async () => {
    const url = server.url;
    const added = await run("profile", "add", "app", "--tenant", TENANT, "--client-id", CLIENT_ID, "--pfx", paths[0]!, "--password-env", PASSWORD_VAR, "--authority", url, "--graph", `${url}/graph/v1.0`);
    expect(added.err).toBe("");
    expect(added.code).toBe(0);
    await run("profile", "add", "straggler", "--tenant", TENANT, "--client-id", CLIENT_ID, "--pfx", paths[0]!, "--password-env", PASSWORD_VAR, "--authority", url, "--graph", `${url}/graph/v1.0`);

    const tokenRequests = () => requests.filter((p) => p.endsWith("/oauth2/v2.0/token")).length;
    const first = await run("token", "--profile", "app");
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    expect(first.out.trim().split(".")).toHaveLength(3);
    expect(tokenRequests()).toBe(1);
    const second = await run("token", "--profile", "app");
    expect(second.out).toBe(first.out);
    expect(tokenRequests()).toBe(1); // from the cache

    const check = await run("cert", "check", "--profile", "app", "--json");
    expect(check.code).toBe(0);
    expect(JSON.parse(check.out)).toMatchObject({ status: "ok", certificate: { thumbprintSha1: oldSha1 } });

    const rotated = await run("cert", "rotate", "--profile", "app", "--yes");
    expect(rotated.err).toBe("");
    expect(rotated.code).toBe(0);
    const registered = registry.applications[0]!.keyCredentials.map((k) => createHash("sha1").update(k.certificateDer).digest("hex").toUpperCase());
    expect(registered).toHaveLength(1);
    expect(registered[0]).not.toBe(oldSha1);

    const old = await run("token", "--profile", "straggler", "--no-cache");
    expect(old.code).toBe(1);
    expect(old.err).toMatch(/AADSTS700027/);
    const after = await run("token", "--profile", "app");
    expect(after.code).toBe(0);
    expect(after.out).not.toBe(first.out);
    if (process.platform !== "win32") for (const m of modesUnder(home)) expect(m.mode, m.path).toBe(m.dir ? 0o700 : 0o600);
  }, 120_000);
});
