import { execFileSync, spawnSync } from "node:child_process";
import { X509Certificate, createHmac, createPrivateKey, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSecureContext } from "node:tls";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { afterAll, describe, expect, it } from "vitest";
import { toArrayBuffer, toHex } from "../../../lib/bytes.ts";
import { KitError } from "../../../lib/errors.ts";
import { pkcs12Kdf } from "../../../lib/formats/pkcs12/kdf.ts";
import { DEFAULT_PFX_ITERATIONS, Pkcs12CryptoEngine, readPfx, writePfx } from "../../../lib/formats/pkcs12/index.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/pfx");
const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name)));

const certPem = readFileSync(join(FIXTURES, "fixture-cert.pem"), "utf8");
const certificate = new X509Certificate(certPem);
const certDer = new Uint8Array(certificate.raw);
const keyDer = new Uint8Array(createPrivateKey(readFileSync(join(FIXTURES, "fixture-throwaway-key.pem"))).export({ type: "pkcs8", format: "der" }));

const PBES2_AES = "PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)";
const TDES = "pbeWithSHAAnd3-KeyTripleDES-CBC";
const RC2_40 = "pbeWithSHAAnd40BitRC2-CBC";

/** Runs `fn` and returns the KitError it throws (failing if it throws anything else or nothing). */
async function kitError(fn: () => Promise<unknown>): Promise<KitError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KitError);
    const kit = error as KitError;
    expect(kit.message.length).toBeGreaterThan(10);
    expect(kit.hint?.length ?? 0).toBeGreaterThan(10);
    return kit;
  }
  throw new Error("expected a KitError, but nothing was thrown");
}

/** Counter-based "random" bytes, so writePfx output is reproducible. */
function fixedRandom(): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => Uint8Array.from({ length: n }, () => counter++ & 0xff);
}

describe("readPfx: the committed fixtures", () => {
  const cases: [file: string, password: string, keyEnc: string, certEnc: string, mac: string][] = [
    ["openssl3-default.pfx", "workshop", PBES2_AES, PBES2_AES, "HMAC-SHA256, 2048 iterations"],
    ["openssl-legacy.pfx", "workshop", TDES, RC2_40, "HMAC-SHA1, 2048 iterations"],
    ["windows-3des.pfx", "workshop", TDES, TDES, "HMAC-SHA1, 2000 iterations"],
    ["non-ascii-password.pfx", "pässwörd", PBES2_AES, PBES2_AES, "HMAC-SHA256, 2048 iterations"],
    ["non-ascii-password-legacy.pfx", "pässwörd", TDES, RC2_40, "HMAC-SHA1, 2048 iterations"],
    ["empty-password.pfx", "", PBES2_AES, PBES2_AES, "HMAC-SHA256, 2048 iterations"],
    ["unencrypted-certs.pfx", "workshop", PBES2_AES, "none", "HMAC-SHA256, 2048 iterations"],
    ["unencrypted.pfx", "workshop", "none", "none", "HMAC-SHA256, 2048 iterations"],
    ["no-mac.pfx", "workshop", PBES2_AES, "none", "none"],
  ];

  for (const [file, password, keyEncryption, certEncryption, mac] of cases) {
    it(`${file}: opens, names its algorithms, and the key matches the certificate`, async () => {
      const contents = await readPfx(fixture(file), password);
      expect({ keyEncryption: contents.keyEncryption, certEncryption: contents.certEncryption, mac: contents.mac }).toEqual({
        keyEncryption,
        certEncryption,
        mac,
      });
      expect(contents.friendlyName).toBe("workshop fixture");
      expect(contents.certificates).toHaveLength(1);
      expect(toHex(contents.certificates[0]!)).toBe(toHex(certDer));
      expect(toHex(contents.privateKeyPkcs8)).toBe(toHex(keyDer));

      // The oracle: node:crypto agrees that this key belongs to this certificate.
      const key = createPrivateKey({ key: Buffer.from(contents.privateKeyPkcs8), format: "der", type: "pkcs8" });
      const cert = new X509Certificate(Buffer.from(contents.certificates[0]!));
      expect(cert.checkPrivateKey(key)).toBe(true);
    });
  }

  it("a wrong password is PFX_PASSWORD for modern, legacy and Windows files alike", async () => {
    for (const file of ["openssl3-default.pfx", "openssl-legacy.pfx", "windows-3des.pfx"]) {
      const error = await kitError(() => readPfx(fixture(file), "Workshop"));
      expect(error.code).toBe("PFX_PASSWORD");
      expect(error.message).toMatch(/password is wrong.*MAC/);
    }
    // The non-ASCII password must be given exactly; its ASCII look-alike is wrong.
    expect((await kitError(() => readPfx(fixture("non-ascii-password.pfx"), "passwort"))).code).toBe("PFX_PASSWORD");
    // An empty password is a password like any other.
    expect((await kitError(() => readPfx(fixture("empty-password.pfx"), "workshop"))).code).toBe("PFX_PASSWORD");
    expect((await kitError(() => readPfx(fixture("openssl3-default.pfx"), ""))).code).toBe("PFX_PASSWORD");
  });

  it("without a MAC, a wrong password is still PFX_PASSWORD (caught when the key does not decrypt)", async () => {
    const error = await kitError(() => readPfx(fixture("no-mac.pfx"), "Workshop"));
    expect(error.code).toBe("PFX_PASSWORD");
    expect(error.message).toMatch(/no MAC/);
  });

  it("a PFX with only certificates is PFX_NO_KEY; one with only a key is PFX_NO_CERT", async () => {
    expect((await kitError(() => readPfx(fixture("certs-only.pfx"), "workshop"))).code).toBe("PFX_NO_KEY");
    expect((await kitError(() => readPfx(fixture("key-only.pfx"), "workshop"))).code).toBe("PFX_NO_CERT");
  });

  it("an algorithm the kit does not implement is PFX_UNSUPPORTED and named with its OID", async () => {
    const error = await kitError(() => readPfx(fixture("pbes2-3des-key.pfx"), "workshop"));
    expect(error.code).toBe("PFX_UNSUPPORTED");
    expect(error.message).toContain("DES-EDE3-CBC (OID 1.2.840.113549.3.7)");
  });

  it("the engine plugs into pkijs's own PFX API and decrypts the legacy RC2/3DES bags there too", async () => {
    const pfx = pkijs.PFX.fromBER(toArrayBuffer(fixture("openssl-legacy.pfx")));
    const password = toArrayBuffer(new TextEncoder().encode("workshop"));
    const engine = new Pkcs12CryptoEngine();
    await pfx.parseInternalValues({ password, checkIntegrity: true }, engine);
    const safe = pfx.parsedValue!.authenticatedSafe!;
    await safe.parseInternalValues({ safeContents: [{ password }, { password }] }, engine);
    const bagIds = safe.parsedValue.safeContents.flatMap((c: { value: pkijs.SafeContents }) => c.value.safeBags.map((b) => b.bagId));
    expect(bagIds).toEqual([
      "1.2.840.113549.1.12.10.1.3", // certBag (was under RC2-40)
      "1.2.840.113549.1.12.10.1.2", // pkcs8ShroudedKeyBag (3DES, decrypted on demand)
    ]);
  });
});

describe("readPfx: files that are not a PFX", () => {
  const pfx = fixture("openssl3-default.pfx");

  it("a DER certificate (.cer) is NOT_PFX and says it is a certificate", async () => {
    const error = await kitError(() => readPfx(certDer, "workshop"));
    expect(error.code).toBe("NOT_PFX");
    expect(error.message).toMatch(/X\.509 certificate/);
  });

  it("PEM files are NOT_PFX and say what they are", async () => {
    const cert = await kitError(() => readPfx(new TextEncoder().encode(certPem), "workshop"));
    expect(cert.code).toBe("NOT_PFX");
    expect(cert.message).toMatch(/PEM certificate/);
    const key = await kitError(() => readPfx(fixture("fixture-throwaway-key.pem"), "workshop"));
    expect(key.code).toBe("NOT_PFX");
    expect(key.message).toMatch(/PEM private key/);
  });

  it("a bare PKCS#8 key, a base64 PFX, an empty file and random bytes are NOT_PFX", async () => {
    expect((await kitError(() => readPfx(keyDer, "x"))).message).toMatch(/PKCS#8/);
    const base64 = new TextEncoder().encode(Buffer.from(pfx).toString("base64"));
    expect((await kitError(() => readPfx(base64, "workshop"))).message).toMatch(/base64/);
    expect((await kitError(() => readPfx(new Uint8Array(0), "x"))).code).toBe("NOT_PFX");
    expect((await kitError(() => readPfx(new Uint8Array(64).fill(0x41), "x"))).code).toBe("NOT_PFX");
  });

  it("a truncated PFX is NOT_PFX at every cut, never a raw error", async () => {
    for (let length = 1; length < pfx.length; length += 97) {
      const error = await kitError(() => readPfx(pfx.slice(0, length), "workshop"));
      expect(error.code).toBe("NOT_PFX");
    }
    expect((await kitError(() => readPfx(pfx.slice(0, pfx.length - 1), "workshop"))).message).toMatch(/cut short|damaged/);
  });

  it("flipped bytes give a KitError (damaged, wrong MAC or unsupported), never a raw error", async () => {
    for (let position = 0; position < pfx.length; position += 53) {
      const damaged = pfx.slice();
      damaged[position]! ^= 0x5a;
      try {
        await readPfx(damaged, "workshop");
      } catch (error) {
        expect(error).toBeInstanceOf(KitError);
        expect(["NOT_PFX", "PFX_PASSWORD", "PFX_UNSUPPORTED"]).toContain((error as KitError).code);
      }
    }
  });
});

describe("writePfx", () => {
  const scratch = mkdtempSync(join(tmpdir(), "pkcs12-test-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it("round trip: readPfx gives back the same certificate and key bytes, and names OpenSSL 3's algorithms", async () => {
    const pfx = await writePfx({ certificateDer: certDer, privateKeyPkcs8Der: keyDer, password: "workshop", friendlyName: "round trip" });
    const contents = await readPfx(pfx, "workshop");
    expect(toHex(contents.certificates[0]!)).toBe(toHex(certDer));
    expect(toHex(contents.privateKeyPkcs8)).toBe(toHex(keyDer));
    expect(contents).toMatchObject({
      keyEncryption: PBES2_AES,
      certEncryption: PBES2_AES,
      mac: `HMAC-SHA256, ${DEFAULT_PFX_ITERATIONS} iterations`,
      friendlyName: "round trip",
    });
    expect((await kitError(() => readPfx(pfx, "workshop!"))).code).toBe("PFX_PASSWORD");
  });

  it("is deterministic with an injected random source, and different with another", async () => {
    const options = { certificateDer: certDer, privateKeyPkcs8Der: keyDer, password: "workshop", iterations: 10 };
    const a = await writePfx({ ...options, random: fixedRandom() });
    const b = await writePfx({ ...options, random: fixedRandom() });
    const c = await writePfx(options);
    expect(toHex(a)).toBe(toHex(b));
    expect(toHex(a)).not.toBe(toHex(c));
    expect((await readPfx(a, "workshop")).mac).toBe("HMAC-SHA256, 10 iterations");
  });

  it("works with an empty and with a non-ASCII password", async () => {
    for (const password of ["", "pässwörd 🔑"]) {
      const pfx = await writePfx({ certificateDer: certDer, privateKeyPkcs8Der: keyDer, password, iterations: 100 });
      expect(toHex((await readPfx(pfx, password)).privateKeyPkcs8)).toBe(toHex(keyDer));
    }
  });

  it("node:tls accepts the written file (createSecureContext with pfx + passphrase)", async () => {
    const pfx = await writePfx({ certificateDer: certDer, privateKeyPkcs8Der: keyDer, password: "workshop" });
    expect(() => createSecureContext({ pfx: Buffer.from(pfx), passphrase: "workshop" })).not.toThrow();
  });

  it("converts a legacy RC2/3DES file into one node:tls can load", async () => {
    const old = await readPfx(fixture("openssl-legacy.pfx"), "workshop");
    const modern = await writePfx({ certificateDer: old.certificates[0]!, privateKeyPkcs8Der: old.privateKeyPkcs8, password: "workshop" });
    expect(() => createSecureContext({ pfx: Buffer.from(modern), passphrase: "workshop" })).not.toThrow();
  });

  const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;
  it.skipIf(!hasOpenssl)("openssl pkcs12 opens it WITHOUT -legacy and prints the same certificate and key (skipped: openssl not on PATH)", async () => {
    const pfx = await writePfx({ certificateDer: certDer, privateKeyPkcs8Der: keyDer, password: "pässwörd", friendlyName: "from the kit" });
    const file = join(scratch, "kit.pfx");
    writeFileSync(file, pfx);
    const out = execFileSync("openssl", ["pkcs12", "-in", file, "-passin", "pass:pässwörd", "-nodes"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const pemCert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(out)?.[0];
    expect(pemCert).toBeDefined();
    expect(toHex(new Uint8Array(new X509Certificate(pemCert!).raw))).toBe(toHex(certDer));
    // node:crypto (OpenSSL's PEM reader) finds the key block in openssl's output by itself.
    expect(toHex(new Uint8Array(createPrivateKey(out).export({ type: "pkcs8", format: "der" })))).toBe(toHex(keyDer));
    expect(out).toMatch(/friendlyName: from the kit/);
    expect(out).toMatch(/localKeyID: 36 CD 87 57/); // the SHA-1 of the certificate, as OpenSSL writes it
  });

  it("rejects inputs that would make a useless PFX", async () => {
    const pemBytes = new TextEncoder().encode(certPem);
    expect((await kitError(() => writePfx({ certificateDer: pemBytes, privateKeyPkcs8Der: keyDer, password: "x" }))).code).toBe("PFX_NO_CERT");
    expect((await kitError(() => writePfx({ certificateDer: certDer, privateKeyPkcs8Der: certDer, password: "x" }))).code).toBe("PFX_NO_KEY");
    const otherKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "der" });
    const mismatch = await kitError(() => writePfx({ certificateDer: certDer, privateKeyPkcs8Der: new Uint8Array(otherKey), password: "x" }));
    expect(mismatch.code).toBe("PFX_KEY_MISMATCH");
  });
});

describe("readPfx: the two spellings of an empty password", () => {
  it("accepts a MAC computed from NO password bytes (RFC 7292 B.2 with empty P), as older tools write", async () => {
    // Re-MAC a kit-written, empty-password file the other way, then read it with "".
    const written = await writePfx({ certificateDer: certDer, privateKeyPkcs8Der: keyDer, password: "", iterations: 50, random: fixedRandom() });
    const pfx = pkijs.PFX.fromBER(toArrayBuffer(written));
    const authSafe = new Uint8Array((pfx.authSafe.content as asn1js.OctetString).getValue());
    const salt = new Uint8Array(pfx.macData!.macSalt.getValue());
    const key = pkcs12Kdf({ password: new Uint8Array(0), salt, id: 3, iterations: 50, length: 32, hash: "SHA-256" });
    pfx.macData!.mac.digest = new asn1js.OctetString({ valueHex: toArrayBuffer(new Uint8Array(createHmac("sha256", key).update(authSafe).digest())) });
    const remacced = new Uint8Array(pfx.toSchema().toBER(false));
    expect(toHex(remacced)).not.toBe(toHex(written));

    const contents = await readPfx(remacced, "");
    expect(toHex(contents.privateKeyPkcs8)).toBe(toHex(keyDer));
    expect((await kitError(() => readPfx(remacced, "x"))).code).toBe("PFX_PASSWORD");
  });
});
