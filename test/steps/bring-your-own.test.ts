/**
 * Bring your own certificate: PFX files written by OpenSSL 3 (defaults), by `openssl pkcs12 -legacy`
 * and in Windows' TripleDES-SHA1 layout, and a PEM pair, all work with step 1; the following steps
 * then sign with that key (checked with node:crypto against the fixture's certificate). And the
 * kit's own output opens in openssl.
 */
import { execFileSync } from "node:child_process";
import { createHash, createPublicKey, verify as nodeVerify, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { run, tempDir } from "./helpers.ts";

const fixtures = new URL("../fixtures/pfx/", import.meta.url);
const fixture = (name: string) => fileURLToPath(new URL(name, fixtures));
const fixtureCert = new X509Certificate(readFileSync(fixture("fixture-cert.pem")));

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function signsWithFixtureKey(dir: string) {
  const r = await run("6", "--out", dir);
  expect(r.code, r.err).toBe(0);
  const [h, p, s] = readFileSync(join(dir, "client-assertion.jwt"), "utf8").trim().split(".");
  expect(nodeVerify("sha256", Buffer.from(`${h}.${p}`), fixtureCert.publicKey, Buffer.from(s!, "base64url"))).toBe(true);
  expect(JSON.parse(Buffer.from(h!, "base64url").toString()).x5t).toBe(createHash("sha1").update(fixtureCert.raw).digest("base64url"));
}

describe("step 1 with your own certificate", () => {
  it.each([
    ["openssl3-default.pfx", "workshop", "PBES2"],
    ["openssl-legacy.pfx", "workshop", "pbeWithSHAAnd40BitRC2-CBC"],
    ["windows-3des.pfx", "workshop", "pbeWithSHAAnd3-KeyTripleDES-CBC"],
    ["non-ascii-password-legacy.pfx", "pässwörd", "pbeWithSHAAnd3-KeyTripleDES-CBC"],
  ])("--pfx %s: steps 2–6 sign with its key", async (file, password, scheme) => {
    const dir = tempDir("pfx-");
    const r = await run("1", "--out", dir, "--pfx", fixture(file), "--password", password);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(scheme);
    expect(readFileSync(join(dir, "cert.cer")).equals(fixtureCert.raw)).toBe(true);
    await signsWithFixtureKey(dir);
  }, 30_000);

  it("--pem with --key", async () => {
    const dir = tempDir("pem-");
    const r = await run("1", "--out", dir, "--pem", fixture("fixture-cert.pem"), "--key", fixture("fixture-throwaway-key.pem"));
    expect(r.code, r.err).toBe(0);
    await signsWithFixtureKey(dir);
  }, 30_000);
});

describe.skipIf(!hasOpenssl())("openssl reads what step 1 writes (skipped when openssl is not installed)", () => {
  it("parses cert.pem, its SHA-1 fingerprint is step 2's thumbprint, and opens cert.pfx without -legacy", async () => {
    const dir = tempDir("openssl-");
    expect((await run("2", "--fixed", "--out", dir)).code).toBe(0);
    const text = execFileSync("openssl", ["x509", "-in", join(dir, "cert.pem"), "-noout", "-text"], { encoding: "utf8" });
    expect(text).toContain("Subject: CN = entra-workshop-app");
    const fingerprint = execFileSync("openssl", ["x509", "-in", join(dir, "cert.pem"), "-noout", "-fingerprint", "-sha1"], { encoding: "utf8" });
    const thumbprints = JSON.parse(readFileSync(join(dir, "thumbprints.json"), "utf8"));
    expect(fingerprint.trim().split("=")[1]!.replace(/:/g, "")).toBe(thumbprints.sha1);
    // The openssl pipeline step 2 prints, run as printed, gives the same x5t.
    const step2 = (await run("2", "--fixed", "--out", dir)).out;
    const pipeline = step2.split("\n").map((l) => l.trim()).find((l) => l.startsWith("openssl dgst -sha1"))!;
    if (process.platform !== "win32") expect(execFileSync("bash", ["-c", pipeline], { encoding: "utf8" }).trim()).toBe(thumbprints.x5t);
    const opened = execFileSync("openssl", ["pkcs12", "-in", join(dir, "cert.pfx"), "-passin", "pass:workshop", "-nodes"], { encoding: "utf8" });
    // node:crypto (OpenSSL's PEM reader) finds the key block in openssl's output by itself.
    expect(createPublicKey(opened).export({ format: "jwk" })).toEqual(new X509Certificate(readFileSync(join(dir, "cert.pem"))).publicKey.export({ format: "jwk" }));
  }, 30_000);
});
