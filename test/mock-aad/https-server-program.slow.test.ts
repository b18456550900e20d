/**
 * npm run mock-aad as a program: started with tsx as a user starts it, asked over HTTPS, stopped with
 * SIGTERM, and refused a port that is taken. Each test starts a process (about 1.5 s here), so they
 * live in `npm run test:slow` (.ci/run runs it); the server itself is tested in https-server.test.ts.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TENANT_ID } from "../../lib/entra/demo.ts";
import { ensureLocalTls } from "../../mock-aad/server/local-tls-store.ts";
import { call } from "./https-call.ts";
import { makeCertificate, type TestCertificate } from "./helpers.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mock-https-program-"));
  dirs.push(dir);
  return dir;
}

let registered: TestCertificate;
let busy: Server;
let busyPort: number;

beforeAll(async () => {
  registered = await makeCertificate(2048);
  // A port another program holds: a plain TCP listener on 127.0.0.1.
  busy = createServer();
  await new Promise<void>((done) => busy.listen(0, "127.0.0.1", done));
  busyPort = (busy.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((done) => busy.close(() => done()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe("npm run mock-aad as a program", () => {
  const tsx = join(process.cwd(), "node_modules", "tsx", "dist", "cli.mjs");
  const cli = join(process.cwd(), "mock-aad", "server", "cli.ts");
  // On Windows child.kill("SIGTERM") ends the process "forcefully and abruptly (similar to 'SIGKILL')"
  // (Node's child_process docs, subprocess.kill): no handler runs, so there is no clean stop to see.
  const signals = process.platform !== "win32";

  it("starts, prints the authority and NODE_EXTRA_CA_CERTS, logs requests, and stops cleanly on SIGTERM", async () => {
    const out = tempDir();
    writeFileSync(join(out, "cert.cer"), registered.der);
    const child = spawn(process.execPath, [tsx, cli, "--port", "0", "--out", out], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    try {
      await waitFor(() => /\nRequests\n/.test(stdout), () => `no startup text; stdout: ${stdout} stderr: ${stderr}`);
      const url = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
      expect(stdout).toContain(`Authority      ${url}/${DEMO_TENANT_ID}/`);
      expect(stdout).toContain(`export NODE_EXTRA_CA_CERTS="${join(out, "mock-aad", "ca.pem")}"`);
      expect(stdout).toContain(`$env:NODE_EXTRA_CA_CERTS = "${join(out, "mock-aad", "ca.pem")}"`);
      expect(stdout).toMatch(/cert\.cer registered/);
      expect(stdout).toContain(`knownAuthorities: ["${new URL(url).host}"]`);
      const ca = await ensureLocalTls({ dir: join(out, "mock-aad") });
      expect(ca.created.ca).toBe(false); // the CLI made it; reused here
      const answer = await call(`${url}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`, ca.caPem);
      expect(answer.status).toBe(200);
      await waitFor(() => /GET +\/\S+\/v2\.0\/\.well-known\/openid-configuration {2}200/.test(stdout), () => stdout);
    } finally {
      child.kill("SIGTERM");
    }
    const code = await exited;
    expect(stderr).toBe("");
    if (!signals) return;
    expect(code).toBe(0);
    expect(stdout).toMatch(/Mock Entra ID stopped\./);
  });

  it("--json: stdout holds the one JSON line, even when it stops; the log and the stopping lines go to stderr", async () => {
    const child = spawn(process.execPath, [tsx, cli, "--port", "0", "--out", tempDir(), "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    try {
      await waitFor(() => stdout.includes("\n"), () => `no JSON line; stdout: ${stdout} stderr: ${stderr}`);
      const info = JSON.parse(stdout);
      expect(info.tokenEndpoint).toBe(`${info.url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`);
      expect((await call(`${info.authority}v2.0/.well-known/openid-configuration`, readFileSync(info.caPath, "utf8"))).status).toBe(200);
      await waitFor(() => /openid-configuration {2}200/.test(stderr), () => stderr);
    } finally {
      child.kill("SIGTERM");
    }
    const code = await exited;
    expect(stdout.split("\n")).toEqual([expect.stringMatching(/^\{"url":"https:\/\/127\.0\.0\.1:\d+",.*\}$/), ""]);
    if (!signals) return;
    expect(code).toBe(0);
    expect(stderr).toMatch(/SIGTERM: stopping…\nMock Entra ID stopped\.\n$/);
  });

  it("a port in use ends with one clear sentence and exit code 1, no stack trace", async () => {
    const child = spawn(process.execPath, [tsx, cli, "--port", String(busyPort), "--out", tempDir()], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((done) => child.on("exit", (c) => done(c)));
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`✗ Port ${busyPort} is in use: .*\\n  → .*--port 0 for any free port`));
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

async function waitFor(condition: () => boolean, explain: () => string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(explain());
    await new Promise((r) => setTimeout(r, 25));
  }
}
