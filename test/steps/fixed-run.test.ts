/**
 * `--fixed` mode end to end: every artifact of steps 1–6 equals a golden value, and every golden
 * value is also derived here from an independent oracle (node:crypto, WebCrypto).
 */
import { constants, createHash, createPrivateKey, createPublicKey, verify as nodeVerify, X509Certificate } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_KEY_PATH, FIXED_NOW } from "../../steps/fixed.ts";
import { run, tempDir } from "./helpers.ts";

// Golden values of the --fixed run (the published demo key, 2026-01-15T09:00:00Z).
const GOLDEN = {
  thumbprintSha1: "88EBAD3C0AEA1E649482A8B34FC8F3598F7B1860",
  x5t: "iOutPArqHmSUgqizT8jzWY97GGA",
  jti: "f9653a63-8da3-4f54-aa80-340bad5724a8",
  signaturePrefix: "9244d1df2fd1bdbf33896a8099c3cfa0",
};

let dir: string;
const read = (name: string) => readFileSync(join(dir, name));
const text = (name: string) => read(name).toString("utf8");

beforeAll(async () => {
  dir = tempDir("fixed-");
  const result = await run("--all", "--fixed", "--out", dir);
  if (result.code !== 0) throw new Error(result.err || result.out);
}, 60_000);

describe("--fixed run of steps 1–6", () => {
  it("step 1: the certificate holds the demo key, is self-signed and verifies in node:crypto", () => {
    const cert = new X509Certificate(read("cert.cer"));
    const demoKey = createPrivateKey(readFileSync(DEMO_KEY_PATH, "utf8"));
    expect(cert.checkPrivateKey(demoKey)).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.subject).toBe("CN=entra-workshop-app");
    expect(new Date(cert.validFrom).getTime()).toBe(FIXED_NOW.getTime());
    expect(new Date(cert.validTo).toISOString()).toBe("2028-01-15T09:00:00.000Z");
    expect(cert.raw.equals(new X509Certificate(text("cert.pem")).raw)).toBe(true);
    expect(cert.fingerprint.replace(/:/g, "")).toBe(GOLDEN.thumbprintSha1);
  });

  it("step 1: private key and PFX are written with mode 0600", () => {
    if (process.platform === "win32") return;
    expect(statSync(join(dir, "private-key.pem")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "cert.pfx")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "cert.cer")).mode & 0o777).toBe(0o644);
  });

  it("step 2: thumbprints equal node:crypto's hashes of cert.cer", () => {
    const t = JSON.parse(text("thumbprints.json"));
    expect(t.sha1).toBe(createHash("sha1").update(read("cert.cer")).digest("hex").toUpperCase());
    expect(t.sha256).toBe(createHash("sha256").update(read("cert.cer")).digest("hex").toUpperCase());
    expect(t.x5t).toBe(createHash("sha1").update(read("cert.cer")).digest("base64url"));
    expect(t.x5t).toBe(GOLDEN.x5t);
    expect(t["x5t#S256"]).toBe(createHash("sha256").update(read("cert.cer")).digest("base64url"));
  });

  it("step 3: header and payload are what Entra expects; the signing input is their base64url", () => {
    const header = JSON.parse(text("header.json"));
    const payload = JSON.parse(text("payload.json"));
    expect(header).toEqual({ alg: "RS256", typ: "JWT", x5t: GOLDEN.x5t });
    const now = FIXED_NOW.getTime() / 1000;
    expect(payload).toEqual({
      aud: "https://login.microsoftonline.com/4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f/oauth2/v2.0/token",
      iss: "8a7b6c5d-4e3f-4a2b-9c1d-0e1f2a3b4c5d",
      sub: "8a7b6c5d-4e3f-4a2b-9c1d-0e1f2a3b4c5d",
      jti: GOLDEN.jti,
      nbf: now,
      iat: now,
      exp: now + 600,
    });
    const b64 = (name: string) => Buffer.from(text(name).replace(/\n$/, "")).toString("base64url");
    expect(text("signing-input.txt")).toBe(`${b64("header.json")}.${b64("payload.json")}`);
  });

  it("step 4: the hash equals node:crypto's SHA-256 of the signing input", () => {
    expect(text("signing-input.sha256").trim()).toBe(createHash("sha256").update(read("signing-input.txt")).digest("hex"));
  });

  it("step 5: the RS256 signature is byte-identical to WebCrypto's with the demo key", async () => {
    const pkcs8 = createPrivateKey(readFileSync(DEMO_KEY_PATH, "utf8")).export({ format: "der", type: "pkcs8" });
    const key = await crypto.subtle.importKey("pkcs8", pkcs8, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
    const theirs = Buffer.from(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, read("signing-input.txt")));
    expect(read("signature.bin").equals(theirs)).toBe(true);
    expect(theirs.toString("hex").slice(0, 32)).toBe(GOLDEN.signaturePrefix);
  });

  it("step 6: the client assertion verifies with node:crypto and the certificate's key", () => {
    const jwt = text("client-assertion.jwt").trim();
    const [h, p, s] = jwt.split(".");
    expect(`${h}.${p}`).toBe(text("signing-input.txt"));
    const publicKey = createPublicKey(text("cert.pem"));
    expect(nodeVerify("sha256", Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s!, "base64url"))).toBe(true);
  });

  it("is reproducible: a second run in another folder gives the same bytes", async () => {
    const other = tempDir("fixed2-");
    expect((await run("--all", "--fixed", "--out", other)).code).toBe(0);
    for (const name of ["cert.cer", "cert.pfx", "client-assertion.jwt"]) expect(readFileSync(join(other, name)).equals(read(name))).toBe(true);
  }, 60_000);

  it("PS256: step 3 with --alg PS256, then 5 and 6 produce a token node:crypto verifies as PSS", async () => {
    const other = tempDir("ps256-");
    expect((await run("3", "--fixed", "--alg", "PS256", "--out", other)).code).toBe(0);
    const r = await run("6", "--fixed", "--out", other);
    expect(r.code).toBe(0);
    const jwt = readFileSync(join(other, "client-assertion.jwt"), "utf8").trim();
    const [h, p, s] = jwt.split(".");
    expect(JSON.parse(Buffer.from(h!, "base64url").toString())).toMatchObject({ alg: "PS256", "x5t#S256": expect.any(String) });
    const publicKey = createPublicKey(readFileSync(join(other, "cert.pem"), "utf8"));
    expect(nodeVerify("sha256", Buffer.from(`${h}.${p}`), { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(s!, "base64url"))).toBe(true);
    expect(r.out).toContain("signature.bin was missing, so step 5 (Signature) ran first");
  }, 60_000);
});
