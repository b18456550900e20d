/** Thumbprint hex ↔ x5t / x5t#S256, checked against the worked example of Microsoft's certificate-credentials page and node:crypto. */
import { createHash, generateKeyPairSync, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { convertThumbprint } from "../../../lib/entra/thumbprint-forms.ts";

const cert = new X509Certificate(readFileSync(new URL("../../fixtures/pfx/fixture-cert.pem", import.meta.url)));

describe("convertThumbprint", () => {
  it("the workshop's worked example: 84E05C1D98BCE3A5421D225B140B36E86A3D5534 → hOBcHZi846VCHSJbFAs26Go9VTQ, and back", () => {
    expect(convertThumbprint("84E05C1D98BCE3A5421D225B140B36E86A3D5534")).toMatchObject({ ok: true, from: "hex", algorithm: "SHA-1", header: "x5t", headerValue: "hOBcHZi846VCHSJbFAs26Go9VTQ" });
    expect(convertThumbprint("hOBcHZi846VCHSJbFAs26Go9VTQ")).toMatchObject({ ok: true, from: "base64url", hex: "84E05C1D98BCE3A5421D225B140B36E86A3D5534" });
    // the padded form an old docs example showed (azure-docs #84446): read, with a note
    const padded = convertThumbprint("hOBcHZi846VCHSJbFAs26Go9VTQ=");
    expect(padded).toMatchObject({ ok: true, hex: "84E05C1D98BCE3A5421D225B140B36E86A3D5534" });
    expect(padded.ok && padded.note).toMatch(/MSAL Python/);
  });

  it("a real certificate: node:crypto's fingerprints (with colons, as openssl prints them) become its x5t and x5t#S256", () => {
    const sha1 = convertThumbprint(cert.fingerprint);
    const sha256 = convertThumbprint(cert.fingerprint256.toLowerCase());
    expect(sha1).toMatchObject({ ok: true, header: "x5t", headerValue: createHash("sha1").update(cert.raw).digest("base64url") });
    expect(sha256).toMatchObject({ ok: true, header: "x5t#S256", algorithm: "SHA-256", headerValue: createHash("sha256").update(cert.raw).digest("base64url") });
    // and standard base64 (msal4j, MSAL Go) back to the same hex
    const std = createHash("sha256").update(cert.raw).digest("base64");
    expect(convertThumbprint(std)).toMatchObject({ ok: true, hex: cert.fingerprint256.replaceAll(":", "") });
  });

  it("spaces and certmgr's invisible mark are ignored", () => {
    const spaced = cert.fingerprint.replaceAll(":", " ");
    expect(convertThumbprint(`\u200e${spaced}`)).toMatchObject({ ok: true, hex: cert.fingerprint.replaceAll(":", "") });
  });

  it("names the classic mistake: base64url of the hex text", () => {
    const wrong = Buffer.from("84E05C1D98BCE3A5421D225B140B36E86A3D5534").toString("base64url");
    const r = convertThumbprint(wrong);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/hex TEXT 84E05C1D98BCE3A5421D225B140B36E86A3D5534/);
  });

  it("refuses what no thumbprint is, with a reason", () => {
    for (const bad of ["not a thumbprint!", "abcde", Buffer.from(generateKeyPairSync("ed25519").publicKey.export({ format: "der", type: "spki" })).toString("hex")]) {
      const r = convertThumbprint(bad);
      expect(r.ok, bad).toBe(false);
      expect(!r.ok && r.reason.length).toBeGreaterThan(20);
    }
  });
});
