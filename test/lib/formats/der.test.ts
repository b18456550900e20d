import { spawnSync } from "node:child_process";
import { thrownKitError } from "../../helpers/kit-error.ts";
import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as asn1js from "asn1js";
import { describe, expect, test } from "vitest";
import { concatBytes, fromHex } from "../../../lib/bytes.ts";
import { derKindOf, parseDerPrefix, parseOneDer, sniffDer, type DerKind } from "../../../lib/formats/der.ts";

// Real inputs: the PFX fixtures and their certificate, and keys exported by node:crypto (the oracle).
const FIXTURES = join(import.meta.dirname, "../../fixtures/pfx");
const certificate = new Uint8Array(new X509Certificate(readFileSync(join(FIXTURES, "fixture-cert.pem"))).raw);
const pfx = new Uint8Array(readFileSync(join(FIXTURES, "openssl3-default.pfx")));
const legacyPfx = new Uint8Array(readFileSync(join(FIXTURES, "openssl-legacy.pfx")));
const rsaKey = createPrivateKey(readFileSync(join(FIXTURES, "fixture-throwaway-key.pem")));
const pkcs8 = new Uint8Array(rsaKey.export({ type: "pkcs8", format: "der" }));
const pkcs1 = new Uint8Array(rsaKey.export({ type: "pkcs1", format: "der" }));
const encryptedPkcs8 = new Uint8Array(rsaKey.export({ type: "pkcs8", format: "der", cipher: "aes-256-cbc", passphrase: "workshop" }));
const rsaPublic = createPublicKey(rsaKey);
const spki = new Uint8Array(rsaPublic.export({ type: "spki", format: "der" }));
const rsaPublicKey = new Uint8Array(rsaPublic.export({ type: "pkcs1", format: "der" }));
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const ecSec1 = new Uint8Array(ec.privateKey.export({ type: "sec1", format: "der" }));
const ecPkcs8 = new Uint8Array(ec.privateKey.export({ type: "pkcs8", format: "der" }));
const ecSpki = new Uint8Array(ec.publicKey.export({ type: "spki", format: "der" }));
const ed25519Pkcs8 = new Uint8Array(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "der" }));
// DigestInfo for SHA-256 (RFC 8017 §9.2 note 1): the fixed prefix, then the hash.
const digestInfo = concatBytes(fromHex("3031300d060960864801650304020105000420"), new Uint8Array(createHash("sha256").update("abc").digest()));
/** Pseudo-random bytes that are not DER (a fixed pattern, so the test is repeatable). */
const garbage = Uint8Array.from({ length: 300 }, (_, i) => (i * 151 + 7) & 0xff);


describe("parseOneDer", () => {
  test("returns the element of real single-element inputs, ending exactly at their last byte", () => {
    for (const der of [certificate, pfx, pkcs8, pkcs1, spki, ecSec1, encryptedPkcs8]) {
      const block = parseOneDer(der, "test input");
      expect(block).toBeInstanceOf(asn1js.Sequence);
      expect(new Uint8Array(block.toBER())).toEqual(der);
    }
  });

  test("refuses trailing bytes, naming what was expected and how many bytes follow", () => {
    const error = thrownKitError(() => parseOneDer(concatBytes(pkcs8, Uint8Array.of(0, 0)), "PKCS #8 private key"));
    expect(error.code).toBe("BAD_DER");
    expect(error.message).toBe(`The PKCS #8 private key has 2 bytes after the end of its DER encoding (which ends at byte ${pkcs8.length}).`);
    expect(error.hint).toContain("exactly one DER element");
  });

  test("refuses garbage, cut-short DER and empty input with the same wording", () => {
    for (const bytes of [garbage, certificate.subarray(0, certificate.length - 1), new Uint8Array(0)]) {
      const error = thrownKitError(() => parseOneDer(bytes, "certificate"));
      expect(error.code).toBe("BAD_DER");
      expect(error.message).toMatch(/^The certificate is not valid DER \(.+\)\.$/);
      expect(error.hint).toContain("binary DER bytes");
    }
    expect(thrownKitError(() => parseOneDer(new Uint8Array(0), "certificate")).message).toContain("zero length");
  });

  test("the code can be NOT_DER, for the readers whose other errors use it", () => {
    expect(thrownKitError(() => parseOneDer(Uint8Array.of(0x05, 0x00, 0x00), "input", { code: "NOT_DER" })).code).toBe("NOT_DER");
  });
});

describe("parseDerPrefix", () => {
  test("reads the first element and where it ends, ignoring what follows", () => {
    const prefix = parseDerPrefix(concatBytes(certificate, Uint8Array.of(0x0a)))!;
    expect(prefix.end).toBe(certificate.length);
    expect(new Uint8Array(prefix.block.toBER())).toEqual(certificate);
  });

  test("is undefined for garbage, cut-short DER and empty input", () => {
    expect(parseDerPrefix(garbage)).toBeUndefined();
    expect(parseDerPrefix(pfx.subarray(0, 100))).toBeUndefined();
    expect(parseDerPrefix(new Uint8Array(0))).toBeUndefined();
  });
});

describe("sniffDer", () => {
  const cases: [name: string, bytes: Uint8Array, kind: DerKind][] = [
    ["a certificate", certificate, "certificate"],
    ["a PFX (OpenSSL 3 default)", pfx, "pfx"],
    ["a PFX (OpenSSL -legacy)", legacyPfx, "pfx"],
    ["an RSA PKCS#8 key", pkcs8, "pkcs8"],
    ["an EC PKCS#8 key", ecPkcs8, "pkcs8"],
    ["an Ed25519 PKCS#8 key", ed25519Pkcs8, "pkcs8"],
    ["an encrypted PKCS#8 key", encryptedPkcs8, "encrypted-pkcs8"],
    ["a PKCS#1 RSA private key", pkcs1, "pkcs1"],
    ["a PKCS#1 RSA public key", rsaPublicKey, "rsa-public-key"],
    ["a SEC 1 EC private key", ecSec1, "ec-private-key"],
    ["an RSA SubjectPublicKeyInfo", spki, "spki"],
    ["an EC SubjectPublicKeyInfo", ecSpki, "spki"],
    ["a DigestInfo", digestInfo, "digest-info"],
  ];
  test.each(cases)("%s", (_name, bytes, kind) => {
    expect(sniffDer(bytes)).toBe(kind);
    expect(derKindOf(parseOneDer(bytes, "test input"))).toBe(kind);
  });

  test("looks at the first element only: trailing bytes do not change the answer", () => {
    expect(sniffDer(concatBytes(certificate, Uint8Array.of(0x0d, 0x0a)))).toBe("certificate");
    expect(sniffDer(concatBytes(pkcs8, new Uint8Array(16)))).toBe("pkcs8");
  });

  test("garbage, cut-short DER, empty input and other DER are unknown", () => {
    expect(sniffDer(garbage)).toBe("unknown");
    expect(sniffDer(pfx.subarray(0, pfx.length - 1))).toBe("unknown");
    expect(sniffDer(new Uint8Array(0))).toBe("unknown");
    expect(sniffDer(Uint8Array.of(0x30, 0x00))).toBe("unknown"); // an empty SEQUENCE
    expect(sniffDer(Uint8Array.of(0x02, 0x01, 0x05))).toBe("unknown"); // INTEGER 5, not a SEQUENCE
    expect(sniffDer(new TextEncoder().encode("-----BEGIN CERTIFICATE-----"))).toBe("unknown"); // PEM text, not DER
  });

  const HAS_OPENSSL = spawnSync("openssl", ["version"], { encoding: "utf8" }).status === 0;
  test.skipIf(!HAS_OPENSSL)("a PKCS#10 request is told apart from a certificate, whose outline it shares (skipped: openssl not on PATH)", () => {
    const request = spawnSync("openssl", ["req", "-new", "-key", join(FIXTURES, "fixture-throwaway-key.pem"), "-subj", "/CN=sniff", "-outform", "DER"]);
    if (request.status !== 0) throw new Error(request.stderr.toString());
    expect(sniffDer(new Uint8Array(request.stdout))).toBe("csr");
  });
});
