import { X509Certificate } from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createServer } from "node:tls";
import { afterAll, describe, expect, it } from "vitest";
import { parseCertificate } from "../../lib/formats/x509/index.ts";
import { SERVER_LIFETIME_DAYS, ipBytes } from "../../mock-aad/server/local-ca.ts";
import { ensureLocalTls } from "../../mock-aad/server/local-tls-store.ts";

const DAY = 24 * 60 * 60 * 1000;
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "local-ca-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;

describe("local CA and server certificate", async () => {
  const dir = tempDir();
  const tls = await ensureLocalTls({ dir });
  const ca = new X509Certificate(tls.caPem);
  const server = new X509Certificate(tls.serverPem);

  it("makes all four files on the first call, keys with mode 0600", () => {
    expect(tls.created.ca).toBe(true);
    expect(tls.created.server).toBe(true);
    for (const path of [tls.caPath, tls.caKeyPath, tls.serverPath, tls.serverKeyPath]) expect(statSync(path).isFile()).toBe(true);
    if (process.platform !== "win32") {
      expect(statSync(tls.caKeyPath).mode & 0o777).toBe(0o600);
      expect(statSync(tls.serverKeyPath).mode & 0o777).toBe(0o600);
    }
  });

  it("the CA is a self-signed CA with the CA extensions", () => {
    expect(ca.ca).toBe(true);
    expect(ca.verify(ca.publicKey)).toBe(true);
    const info = parseCertificate(tls.caPem);
    expect(info.isCA).toBe(true);
    expect(info.keyUsage).toEqual(["keyCertSign", "cRLSign"]);
    const critical = Object.fromEntries(info.extensions.map((e) => [e.name, e.critical]));
    expect(critical).toEqual({ basicConstraints: true, nameConstraints: true, keyUsage: true, subjectKeyIdentifier: false });
    // Name constraints: the CA can only vouch for the local names (checked by openssl's own parser).
    if (hasOpenssl) {
      const text = execFileSync("openssl", ["x509", "-noout", "-text"], { input: tls.caPem, encoding: "utf8" });
      expect(text).toMatch(/Permitted:\s+DNS:localhost\s+IP:127\.0\.0\.1\/255\.255\.255\.255\s+IP:0:0:0:0:0:0:0:1\//);
      expect(text).toContain("pathlen:0");
    }
  });

  it("the server certificate is issued by the CA for localhost, 127.0.0.1 and ::1", () => {
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkHost("localhost")).toBe("localhost");
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(server.checkIP("::1")).toBeDefined();
    expect(server.checkHost("example.com")).toBeUndefined();
    expect(server.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]); // extKeyUsage serverAuth
    const info = parseCertificate(tls.serverPem);
    expect(info.keyUsage).toEqual(["digitalSignature", "keyEncipherment"]);
    expect(info.extensions.map((e) => e.name)).toEqual(
      expect.arrayContaining(["subjectAltName", "authorityKeyIdentifier", "subjectKeyIdentifier", "extKeyUsage"]),
    );
    const days = (info.notAfter.getTime() - info.notBefore.getTime()) / DAY;
    expect(days).toBe(SERVER_LIFETIME_DAYS);
    expect(days).toBeLessThanOrEqual(398);
  });

  it("ipBytes encodes IPv4 and IPv6", () => {
    expect([...ipBytes("127.0.0.1")]).toEqual([127, 0, 0, 1]);
    expect([...ipBytes("::1")]).toEqual([...new Array(15).fill(0), 1]);
    expect([...ipBytes("fe80::1:2")].slice(0, 2)).toEqual([0xfe, 0x80]);
  });

  it.skipIf(!hasOpenssl)("openssl verify accepts the chain for TLS server use (skipped when openssl is missing)", () => {
    const out = execFileSync("openssl", ["verify", "-CAfile", tls.caPath, "-purpose", "sslserver", "-verify_hostname", "localhost", tls.serverPath], { encoding: "utf8" });
    expect(out.trim()).toMatch(/: OK$/);
    const byIp = execFileSync("openssl", ["verify", "-CAfile", tls.caPath, "-verify_ip", "127.0.0.1", tls.serverPath], { encoding: "utf8" });
    expect(byIp.trim()).toMatch(/: OK$/);
  });

  it("node's TLS accepts it: a handshake to 127.0.0.1 trusting only the CA is authorized", async () => {
    const tlsServer = createServer({ cert: tls.serverPem, key: tls.serverKeyPem }, (socket) => socket.end("hi"));
    await new Promise<void>((done) => tlsServer.listen(0, "127.0.0.1", done));
    const port = (tlsServer.address() as { port: number }).port;
    try {
      const authorized = await new Promise<boolean>((done, fail) => {
        const socket = connect({ host: "127.0.0.1", port, ca: tls.caPem }, () => {
          done(socket.authorized);
          socket.end();
        });
        socket.on("error", fail);
      });
      expect(authorized).toBe(true);
    } finally {
      await new Promise((done) => tlsServer.close(done));
    }
  });

  it("reuses the files on the next call", async () => {
    const again = await ensureLocalTls({ dir });
    expect(again.created).toEqual({ ca: false, server: false, reasons: [] });
    expect(again.caPem).toBe(tls.caPem);
    expect(again.serverPem).toBe(tls.serverPem);
    expect(again.serverKeyPem).toBe(tls.serverKeyPem);
  });

  it("reissues an expired server certificate with the same CA", async () => {
    const d = tempDir();
    const first = await ensureLocalTls({ dir: d });
    const later = await ensureLocalTls({ dir: d, now: new Date(Date.now() + 400 * DAY) });
    expect(later.created.ca).toBe(false);
    expect(later.created.server).toBe(true);
    expect(later.created.reasons.join()).toMatch(/server\.pem expired/);
    expect(later.caPem).toBe(first.caPem);
    expect(new X509Certificate(later.serverPem).verify(new X509Certificate(later.caPem).publicKey)).toBe(true);
  });

  it("reissues a server certificate a few days before it ends", async () => {
    const d = tempDir();
    await ensureLocalTls({ dir: d });
    const soon = await ensureLocalTls({ dir: d, now: new Date(Date.now() + (SERVER_LIFETIME_DAYS - 3) * DAY) });
    expect(soon.created).toMatchObject({ ca: false, server: true });
  });

  it("replaces everything when the CA has expired", async () => {
    const d = tempDir();
    const first = await ensureLocalTls({ dir: d });
    const much = await ensureLocalTls({ dir: d, now: new Date(Date.now() + 11 * 365 * DAY) });
    expect(much.created).toMatchObject({ ca: true, server: true });
    expect(much.caPem).not.toBe(first.caPem);
  });

  it("replaces a damaged or mismatched file", async () => {
    const d = tempDir();
    const first = await ensureLocalTls({ dir: d });
    writeFileSync(first.serverKeyPath, first.caPem); // not a key at all
    const fixed = await ensureLocalTls({ dir: d });
    expect(fixed.created).toMatchObject({ ca: false, server: true });
    writeFileSync(fixed.caKeyPath, fixed.serverKeyPem); // a key that does not match ca.pem
    const again = await ensureLocalTls({ dir: d });
    expect(again.created.ca).toBe(true);
    expect(again.created.reasons.join()).toMatch(/does not match/);
  });
});
