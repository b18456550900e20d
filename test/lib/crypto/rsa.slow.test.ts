/**
 * Long property runs for lib/crypto/rsa (`npm run test:slow`): many random messages, salts and odd key
 * sizes against node:crypto, and many more modPow cases than the fast suite.
 */
import { naiveModPow } from "../../helpers/naive-mod-pow.ts";
import { constants, createPrivateKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex } from "../../../lib/bytes.ts";
import { modPow, modulusBits, rsassaPkcs1v15Sign, rsassaPkcs1v15Verify, rsassaPssSign, rsassaPssVerify } from "../../../lib/crypto/rsa/index.ts";
import { rsaPrivateKeyFromPkcs8 } from "../../../lib/formats/keys/index.ts";
import { SHA1 } from "../../../lib/crypto/sha1.ts";
import { SHA256 } from "../../../lib/crypto/sha256.ts";


describe("modPow (long run)", () => {
  it("agrees with right-to-left binary exponentiation", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 2100n), max: 1n << 2100n }), fc.bigInt({ min: 0n, max: 1n << 2100n }), fc.bigInt({ min: 1n, max: 1n << 2100n }), (b, e, m) => {
        expect(modPow(b, e, m)).toBe(naiveModPow(b, e, m));
      }),
      { numRuns: 200 },
    );
  });
});

describe("RSASSA against node:crypto on odd key sizes (long run)", () => {
  // Sizes where k·8 − modBits varies, including modBits − 1 ≡ 0 (mod 8) for PSS.
  const sizes = [1024, 1025, 1031, 1032, 1033, 1536, 2047, 2049, 2056, 2057];

  it("covers a modulus with modBits − 1 ≡ 0 (mod 8)", () => {
    expect(keys.some((k) => (k.bits - 1) % 8 === 0)).toBe(true);
  });
  const keys = sizes.map((bits) => {
    const nodeKey = generateKeyPairSync("rsa", { modulusLength: bits }).privateKey;
    // OpenSSL may make a modulus one bit shorter than asked for odd sizes; node's JWK says what it made.
    const n = BigInt("0x" + Buffer.from(nodeKey.export({ format: "jwk" }).n!, "base64url").toString("hex"));
    return { bits: n.toString(2).length, nodeKey, key: rsaPrivateKeyFromPkcs8(new Uint8Array(nodeKey.export({ format: "der", type: "pkcs8" }))) };
  });

  it("PKCS#1 v1.5 signatures are byte-identical for random messages", () => {
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.uint8Array({ maxLength: 2000 }), fc.constantFrom({ h: SHA256, n: "sha256" }, { h: SHA1, n: "sha1" }), ({ bits, key, nodeKey }, M, { h, n }) => {
        expect(modulusBits(key)).toBe(bits);
        const ours = rsassaPkcs1v15Sign(key, M, h);
        expect(toHex(ours)).toBe(nodeSign(n, M, nodeKey).toString("hex"));
        expect(rsassaPkcs1v15Verify(key, M, ours, h)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("PSS signatures verify both ways for random messages and salt lengths", () => {
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.uint8Array({ maxLength: 2000 }), fc.uint8Array({ minLength: 0, maxLength: 64 }), ({ key, nodeKey }, M, salt) => {
        const ours = rsassaPssSign(key, M, SHA256, salt);
        const pub = createPrivateKey(nodeKey.export({ format: "pem", type: "pkcs8" }));
        expect(nodeVerify("sha256", M, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: salt.length }, ours)).toBe(true);
        const theirs = nodeSign("sha256", M, { key: nodeKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: salt.length });
        expect(rsassaPssVerify(key, M, theirs, SHA256, salt.length)).toBe(true);
        if (salt.length !== 32) expect(rsassaPssVerify(key, M, theirs, SHA256, 32)).toBe(false);
      }),
      { numRuns: 600 },
    );
  });
});
