import { createPrivateKey, X509Certificate } from "node:crypto";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createThrowawayCertificate } from "../../mock-aad/index.ts";
import { pemDecode } from "../../lib/formats/pem.ts";

const HAS_OPENSSL = spawnSync("openssl", ["version"]).status === 0;

describe("createThrowawayCertificate", () => {
  const now = new Date("2026-03-01T12:00:00Z");
  const made = createThrowawayCertificate({ now, days: 30, subject: "CN=throwaway for a test" });

  it("gives a key and a self-signed certificate that belong together (node:crypto)", () => {
    const x = new X509Certificate(made.certificatePem);
    expect(x.checkPrivateKey(createPrivateKey(made.privateKeyPem))).toBe(true);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.subject).toBe("CN=throwaway for a test");
    expect(new Date(x.validFrom).toISOString()).toBe("2026-02-28T12:00:00.000Z");
    expect(new Date(x.validTo).toISOString()).toBe("2026-03-31T12:00:00.000Z");
    expect(pemDecode(made.privateKeyPem).map((b) => b.label)).toEqual(["PRIVATE KEY"]); // PKCS#8, as msal-node reads it
    expect(Buffer.from(made.certificateDer).equals(x.raw)).toBe(true);
  });

  it("gives the thumbprints node:crypto computes", () => {
    const x = new X509Certificate(made.certificateDer);
    expect(made.thumbprintSha1).toBe(x.fingerprint.replaceAll(":", ""));
    expect(made.thumbprintSha256).toBe(x.fingerprint256.replaceAll(":", ""));
  });

  it.skipIf(!HAS_OPENSSL)("is a certificate openssl reads, with the SHA-256 fingerprint it prints", () => {
    const out = spawnSync("openssl", ["x509", "-noout", "-fingerprint", "-sha256"], { input: made.certificatePem, encoding: "utf8" });
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout.trim().split("=")[1]!.replaceAll(":", "")).toBe(made.thumbprintSha256);
  });

  it("makes a new key every time", () => {
    expect(createThrowawayCertificate().thumbprintSha256).not.toBe(createThrowawayCertificate().thumbprintSha256);
  });
});
