import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import * as asn1js from "asn1js";
import { beforeAll, describe, expect, it } from "vitest";
import { base64urlDecode } from "../../../lib/crypto/base64url.ts";
import { concatBytes, fromHex, toArrayBuffer, toHex } from "../../../lib/bytes.ts";
import { KitError } from "../../../lib/errors.ts";
import { pemDecode, pemEncode } from "../../../lib/formats/pem.ts";
import { rsassaPkcs1v15Sign, type RsaPrivateKey } from "../../../lib/crypto/rsa/index.ts";
import {
  checkRsaPrivateKey,
  keysMatch,
  publicKeyOf,
  rsaPrivateKeyFromJwk,
  rsaPrivateKeyFromPem,
  rsaPrivateKeyFromPkcs1,
  rsaPrivateKeyFromPkcs8,
  rsaPrivateKeyToJwk,
  rsaPrivateKeyToPkcs1,
  rsaPrivateKeyToPkcs8,
  rsaPublicKeyFromJwk,
  rsaPublicKeyFromPkcs1,
  rsaPublicKeyFromSpki,
  rsaPublicKeyToJwk,
  rsaPublicKeyToPkcs1,
  rsaPublicKeyToSpki,
} from "../../../lib/formats/keys/index.ts";
import { SHA256 } from "../../../lib/crypto/sha256.ts";

/** The label on a PEM text's first line, read independently of lib/formats/pem.ts. */
const pemLabel = (pem: string): string | undefined => /^-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1];

const vector = JSON.parse(readFileSync(new URL("../../fixtures/rfc7515-a2-rs256.json", import.meta.url), "utf8")) as { signingInput: string; signature: string; jwk: Record<string, string> };

function expectKitError(f: () => unknown, code: string): KitError {
  let caught: unknown;
  try {
    f();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KitError);
  expect((caught as KitError).code).toBe(code);
  expect((caught as KitError).message.length).toBeGreaterThan(10);
  expect((caught as KitError).hint).toBeTruthy();
  return caught as KitError;
}

const bigintOf = (b64u: string) => BigInt("0x" + (toHex(base64urlDecode(b64u)) || "0"));

/** The key as node:crypto's own JWK export describes it: the oracle for every import. */
function nodeView(key: KeyObject): RsaPrivateKey {
  const jwk = key.export({ format: "jwk" });
  return {
    n: bigintOf(jwk.n!),
    e: bigintOf(jwk.e!),
    d: bigintOf(jwk.d!),
    p: bigintOf(jwk.p!),
    q: bigintOf(jwk.q!),
    dp: bigintOf(jwk.dp!),
    dq: bigintOf(jwk.dq!),
    qi: bigintOf(jwk.qi!),
  };
}

let nodeKey: KeyObject;
let expected: RsaPrivateKey;
let otherKey: KeyObject;

beforeAll(async () => {
  // WebCrypto generates, node:crypto exports the other formats (PKCS #1, encrypted PEM).
  const pair = await crypto.subtle.generateKey({ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, true, ["sign"]);
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  nodeKey = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
  expected = nodeView(nodeKey);
  otherKey = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
}, 30_000);

describe("private key import gives the key node:crypto sees", () => {
  it("PKCS #8 PEM", () => {
    expect(rsaPrivateKeyFromPem(nodeKey.export({ format: "pem", type: "pkcs8" }) as string)).toEqual(expected);
  });

  it("PKCS #8 DER", () => {
    expect(rsaPrivateKeyFromPkcs8(new Uint8Array(nodeKey.export({ format: "der", type: "pkcs8" })))).toEqual(expected);
  });

  it("PKCS #1 PEM and DER", () => {
    const pem = nodeKey.export({ format: "pem", type: "pkcs1" }) as string;
    expect(pemLabel(pem)).toBe("RSA PRIVATE KEY");
    expect(rsaPrivateKeyFromPem(pem)).toEqual(expected);
    expect(rsaPrivateKeyFromPkcs1(new Uint8Array(nodeKey.export({ format: "der", type: "pkcs1" })))).toEqual(expected);
  });

  it("JWK with all CRT members", () => {
    expect(rsaPrivateKeyFromJwk(nodeKey.export({ format: "jwk" }))).toEqual(expected);
  });

  it("JWK without dp, dq and qi: they are derived", () => {
    const { dp: _dp, dq: _dq, qi: _qi, ...jwk } = nodeKey.export({ format: "jwk" });
    expect(Object.keys(jwk).sort()).toEqual(["d", "e", "kty", "n", "p", "q"]);
    expect(rsaPrivateKeyFromJwk(jwk)).toEqual(expected);
  });

  it("JWK with only n, e and d: p and q are recovered", () => {
    const { n, e, d } = nodeKey.export({ format: "jwk" });
    const key = rsaPrivateKeyFromJwk({ kty: "RSA", n, e, d });
    // The order of p and q is a convention; the set and the derived values must agree.
    const swapped = key.p === expected.p ? key : { ...key, p: key.q, q: key.p, dp: key.dq, dq: key.dp };
    expect(new Set([key.p, key.q])).toEqual(new Set([expected.p, expected.q]));
    expect({ ...swapped, qi: expected.qi }).toEqual(expected);
    expect(() => checkRsaPrivateKey(key)).not.toThrow();
    // A signature with the recovered key is the same as with the full key.
    const M = new TextEncoder().encode("recovered");
    expect(toHex(rsassaPkcs1v15Sign(key, M, SHA256))).toBe(toHex(rsassaPkcs1v15Sign(expected, M, SHA256)));
  });

  it("the RFC 7515 A.2 JWK with and without its CRT members", () => {
    const full = rsaPrivateKeyFromJwk(vector.jwk);
    const { dp: _dp, dq: _dq, qi: _qi, p: _p, q: _q, ...bare } = vector.jwk;
    const recovered = rsaPrivateKeyFromJwk(bare);
    expect(new Set([recovered.p, recovered.q])).toEqual(new Set([full.p, full.q]));
    const signature = rsassaPkcs1v15Sign(recovered, new TextEncoder().encode(vector.signingInput), SHA256);
    expect(toHex(signature)).toBe(toHex(base64urlDecode(vector.signature)));
  });
});

describe("export matches node:crypto byte for byte", () => {
  it("PKCS #8 and PKCS #1 DER", () => {
    expect(toHex(rsaPrivateKeyToPkcs8(expected))).toBe(toHex(new Uint8Array(nodeKey.export({ format: "der", type: "pkcs8" }))));
    expect(toHex(rsaPrivateKeyToPkcs1(expected))).toBe(toHex(new Uint8Array(nodeKey.export({ format: "der", type: "pkcs1" }))));
  });

  it("SPKI and PKCS #1 public key DER", () => {
    const nodePublic = createPublicKey(nodeKey);
    expect(toHex(rsaPublicKeyToSpki(expected))).toBe(toHex(new Uint8Array(nodePublic.export({ format: "der", type: "spki" }))));
    expect(toHex(rsaPublicKeyToPkcs1(expected))).toBe(toHex(new Uint8Array(nodePublic.export({ format: "der", type: "pkcs1" }))));
  });

  it("JWK strings", () => {
    const nodeJwk = nodeKey.export({ format: "jwk" });
    expect(rsaPrivateKeyToJwk(expected)).toEqual(nodeJwk);
    expect(rsaPublicKeyToJwk(expected)).toEqual({ kty: "RSA", n: nodeJwk.n, e: nodeJwk.e });
    expect(rsaPublicKeyToJwk({ n: 0x80n, e: 0n })).toEqual({ kty: "RSA", n: "gA", e: "AA" });
  });

  it("round-trips through every format", () => {
    for (const key of [expected, nodeView(otherKey)]) {
      expect(rsaPrivateKeyFromPkcs8(rsaPrivateKeyToPkcs8(key))).toEqual(key);
      expect(rsaPrivateKeyFromPkcs1(rsaPrivateKeyToPkcs1(key))).toEqual(key);
      expect(rsaPrivateKeyFromJwk(rsaPrivateKeyToJwk(key))).toEqual(key);
      expect(rsaPrivateKeyFromPem(pemEncode("PRIVATE KEY", rsaPrivateKeyToPkcs8(key)))).toEqual(key);
      expect(rsaPublicKeyFromSpki(rsaPublicKeyToSpki(key))).toEqual(publicKeyOf(key));
      expect(rsaPublicKeyFromPkcs1(rsaPublicKeyToPkcs1(key))).toEqual(publicKeyOf(key));
      expect(rsaPublicKeyFromJwk(rsaPublicKeyToJwk(key))).toEqual(publicKeyOf(key));
    }
  });
});

describe("public keys", () => {
  it("SPKI (DER and PEM) and PKCS #1 from node:crypto's public key export", () => {
    const nodePublic = createPublicKey(nodeKey);
    const want = publicKeyOf(expected);
    expect(rsaPublicKeyFromSpki(new Uint8Array(nodePublic.export({ format: "der", type: "spki" })))).toEqual(want);
    const [block] = pemDecode(nodePublic.export({ format: "pem", type: "spki" }) as string);
    expect(block!.label).toBe("PUBLIC KEY");
    expect(rsaPublicKeyFromSpki(block!.der)).toEqual(want);
    expect(rsaPublicKeyFromPkcs1(new Uint8Array(nodePublic.export({ format: "der", type: "pkcs1" })))).toEqual(want);
    expect(rsaPublicKeyFromJwk(nodePublic.export({ format: "jwk" }))).toEqual(want);
  });

  it("keysMatch pairs a private key with its public key only", () => {
    const spki = new Uint8Array(createPublicKey(nodeKey).export({ format: "der", type: "spki" }));
    const otherSpki = new Uint8Array(createPublicKey(otherKey).export({ format: "der", type: "spki" }));
    expect(keysMatch(expected, rsaPublicKeyFromSpki(spki))).toBe(true);
    expect(keysMatch(expected, rsaPublicKeyFromSpki(otherSpki))).toBe(false);
    expect(keysMatch(expected, { n: expected.n, e: 3n })).toBe(false);
    expect(publicKeyOf(expected)).toEqual({ n: expected.n, e: expected.e });
    expect(Object.keys(publicKeyOf(expected))).toEqual(["n", "e"]);
  });
});

describe("keys that are not RSA", () => {
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });

  it("EC keys in every format give EC_KEY", () => {
    const pkcs8Pem = ec.privateKey.export({ format: "pem", type: "pkcs8" }) as string;
    const sec1Pem = ec.privateKey.export({ format: "pem", type: "sec1" }) as string;
    expect(pemLabel(sec1Pem)).toBe("EC PRIVATE KEY");
    const error = expectKitError(() => rsaPrivateKeyFromPem(pkcs8Pem), "EC_KEY");
    expect(error.message).toContain("RSA");
    expectKitError(() => rsaPrivateKeyFromPem(sec1Pem), "EC_KEY");
    expectKitError(() => rsaPrivateKeyFromPkcs8(new Uint8Array(ec.privateKey.export({ format: "der", type: "pkcs8" }))), "EC_KEY");
    const sec1Der = new Uint8Array(ec.privateKey.export({ format: "der", type: "sec1" }));
    expectKitError(() => rsaPrivateKeyFromPkcs1(sec1Der), "EC_KEY");
    expectKitError(() => rsaPrivateKeyFromPkcs8(sec1Der), "EC_KEY");
    expectKitError(() => rsaPublicKeyFromSpki(new Uint8Array(ec.publicKey.export({ format: "der", type: "spki" }))), "EC_KEY");
    expectKitError(() => rsaPrivateKeyFromJwk(ec.privateKey.export({ format: "jwk" })), "EC_KEY");
    expectKitError(() => rsaPublicKeyFromJwk(ec.publicKey.export({ format: "jwk" })), "EC_KEY");
  });

  it("Ed25519 and symmetric JWKs give NOT_RSA_KEY", () => {
    const ed = generateKeyPairSync("ed25519");
    const error = expectKitError(() => rsaPrivateKeyFromPem(ed.privateKey.export({ format: "pem", type: "pkcs8" }) as string), "NOT_RSA_KEY");
    expect(error.message).toContain("Ed25519");
    expectKitError(() => rsaPublicKeyFromSpki(new Uint8Array(ed.publicKey.export({ format: "der", type: "spki" }))), "NOT_RSA_KEY");
    expectKitError(() => rsaPrivateKeyFromJwk({ kty: "oct", k: "AAAA" }), "NOT_RSA_KEY");
    expectKitError(() => rsaPrivateKeyFromPem(pemEncode("DSA PRIVATE KEY", new Uint8Array([0x30, 0x00]))), "NOT_RSA_KEY");
    expectKitError(() => rsaPrivateKeyFromJwk({ n: "AQAB", e: "AQAB", d: "AQAB" }), "NOT_RSA_KEY");
  });
});

describe("encrypted keys", () => {
  it("ENCRYPTED PRIVATE KEY, legacy encrypted PKCS #1 and encrypted PKCS #8 DER give ENCRYPTED_KEY", () => {
    const pkcs8 = nodeKey.export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "secret" }) as string;
    expect(pemLabel(pkcs8)).toBe("ENCRYPTED PRIVATE KEY");
    const error = expectKitError(() => rsaPrivateKeyFromPem(pkcs8), "ENCRYPTED_KEY");
    expect(error.hint).toMatch(/pfx|PFX/);
    const legacy = nodeKey.export({ format: "pem", type: "pkcs1", cipher: "aes-128-cbc", passphrase: "secret" }) as string;
    expect(legacy).toContain("Proc-Type: 4,ENCRYPTED");
    expectKitError(() => rsaPrivateKeyFromPem(legacy), "ENCRYPTED_KEY");
    const der = new Uint8Array(nodeKey.export({ format: "der", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "secret" }));
    expectKitError(() => rsaPrivateKeyFromPkcs8(der), "ENCRYPTED_KEY");
  });
});

describe("garbage and damaged keys", () => {
  const pkcs8 = () => new Uint8Array(nodeKey.export({ format: "der", type: "pkcs8" }));
  const pkcs1 = () => new Uint8Array(nodeKey.export({ format: "der", type: "pkcs1" }));

  it("random bytes, empty input, truncated and padded DER", () => {
    for (const bytes of [new Uint8Array(randomBytes(300)), new Uint8Array(0), pkcs8().subarray(0, 500)]) {
      let caught: unknown;
      try {
        rsaPrivateKeyFromPkcs8(bytes);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(KitError);
      expect(["BAD_DER", "NOT_PKCS8"]).toContain((caught as KitError).code);
    }
    expectKitError(() => rsaPrivateKeyFromPkcs8(pkcs8().subarray(0, 500)), "BAD_DER");
    expectKitError(() => rsaPrivateKeyFromPkcs8(concatBytes(pkcs8(), Uint8Array.of(0))), "BAD_DER");
    expectKitError(() => rsaPrivateKeyFromPkcs1(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])), "NOT_PKCS1");
    expectKitError(() => rsaPublicKeyFromSpki(new Uint8Array([0x30, 0x00])), "NOT_SPKI");
  });

  it("PKCS #1 given as PKCS #8 says which format it is", () => {
    const error = expectKitError(() => rsaPrivateKeyFromPkcs8(pkcs1()), "NOT_PKCS8");
    expect(error.message).toContain("PKCS #1");
  });

  it("text that is not a key file", () => {
    expectKitError(() => rsaPrivateKeyFromPem("hello, this is not a key"), "NOT_PEM");
    expectKitError(() => rsaPrivateKeyFromPem(pemEncode("CERTIFICATE", new Uint8Array([0x30, 0x00]))), "NO_PRIVATE_KEY");
    const two = (nodeKey.export({ format: "pem", type: "pkcs8" }) as string) + (otherKey.export({ format: "pem", type: "pkcs8" }) as string);
    expectKitError(() => rsaPrivateKeyFromPem(two), "MULTIPLE_PRIVATE_KEYS");
    expectKitError(() => rsaPrivateKeyFromPem(pemEncode("OPENSSH PRIVATE KEY", new Uint8Array(10))), "UNSUPPORTED_KEY_FORMAT");
    expectKitError(() => rsaPrivateKeyFromPem(pemEncode("PRIVATE KEY", new Uint8Array(randomBytes(64)))), "BAD_DER");
  });

  it("a certificate and its key in one file: the key is found", () => {
    const text = "subject=CN=demo\n" + pemEncode("CERTIFICATE", new Uint8Array([0x30, 0x00])) + "\n" + (nodeKey.export({ format: "pem", type: "pkcs1" }) as string).replace(/\n/g, "\r\n");
    expect(rsaPrivateKeyFromPem(text)).toEqual(expected);
  });

  it("numbers that do not fit together give RSA_KEY_INCONSISTENT", () => {
    const jwk = rsaPrivateKeyToJwk(expected);
    const other = rsaPrivateKeyToJwk(nodeView(otherKey));
    expectKitError(() => rsaPrivateKeyFromJwk({ ...jwk, qi: other.qi }), "RSA_KEY_INCONSISTENT");
    expectKitError(() => rsaPrivateKeyFromJwk({ ...jwk, dp: jwk.dq }), "RSA_KEY_INCONSISTENT");
    expectKitError(() => rsaPrivateKeyFromJwk({ ...jwk, d: other.d }), "RSA_KEY_INCONSISTENT");
    expectKitError(() => rsaPrivateKeyFromJwk({ ...jwk, p: other.p }), "RSA_KEY_INCONSISTENT");
    expectKitError(() => rsaPrivateKeyFromJwk({ kty: "RSA", n: jwk.n, e: jwk.e, d: other.d }), "RSA_KEY_INCONSISTENT");
    expectKitError(() => rsaPrivateKeyFromPkcs1(rsaPrivateKeyToPkcs1({ ...expected, e: 3n })), "RSA_KEY_INCONSISTENT");
  });

  it("JWK problems: public only, bad base64url, missing n, multi-prime", () => {
    const jwk = rsaPrivateKeyToJwk(expected);
    expectKitError(() => rsaPrivateKeyFromJwk(rsaPublicKeyToJwk(expected)), "NOT_PRIVATE_KEY");
    expectKitError(() => rsaPrivateKeyFromJwk({ ...jwk, d: jwk.d + "=" }), "BAD_JWK");
    expectKitError(() => rsaPrivateKeyFromJwk({ ...jwk, n: jwk.n.replace(/-|_/g, "+") + "+" }), "BAD_JWK");
    expectKitError(() => rsaPrivateKeyFromJwk({ ...jwk, e: 65537 }), "BAD_JWK");
    const { n: _n, ...noN } = jwk;
    expectKitError(() => rsaPrivateKeyFromJwk(noN), "BAD_JWK");
    expectKitError(() => rsaPrivateKeyFromJwk({ ...jwk, oth: [{ r: "AQ", d: "AQ", t: "AQ" }] }), "MULTI_PRIME_KEY");
  });

  it("a negative INTEGER or a multi-prime version in PKCS #1 is refused", () => {
    const int = (hex: string) => new asn1js.Integer({ valueHex: toArrayBuffer(fromHex(hex)) });
    const der = (version: string, modulus: string) =>
      new Uint8Array(new asn1js.Sequence({ value: [int(version), int(modulus), int("010001"), int("05"), int("07"), int("0b"), int("01"), int("01"), int("01")] }).toBER());
    expectKitError(() => rsaPrivateKeyFromPkcs1(der("00", "8d")), "BAD_KEY_FILE");
    expectKitError(() => rsaPrivateKeyFromPkcs1(der("01", "4d")), "MULTI_PRIME_KEY");
  });
});
