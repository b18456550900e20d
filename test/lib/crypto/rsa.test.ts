import { constants, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, generatePrimeSync, publicDecrypt, randomBytes, sign as nodeSign, verify as nodeVerify, type KeyObject } from "node:crypto";
import { naiveModPow } from "../../helpers/naive-mod-pow.ts";
import { readFileSync } from "node:fs";
import * as asn1js from "asn1js";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { base64urlDecode, base64urlEncode } from "../../../lib/crypto/base64url.ts";
import { concatBytes, fromHex, toArrayBuffer, toHex, utf8Encode } from "../../../lib/bytes.ts";
import { KitError } from "../../../lib/errors.ts";
import type { HashFunction } from "../../../lib/crypto/hash.ts";
import {
  DIGEST_INFO_PREFIX,
  emsaPkcs1v15Encode,
  emsaPssEncode,
  emsaPssVerify,
  i2osp,
  mgf1,
  modInverse,
  modPow,
  modulusBits,
  modulusLength,
  os2ip,
  randomPssSalt,
  rsasp1,
  rsasp1Detailed,
  rsassaPkcs1v15Sign,
  rsassaPkcs1v15SignDetailed,
  rsassaPkcs1v15Verify,
  rsassaPssSign,
  rsassaPssSignDetailed,
  rsassaPssVerify,
  rsavp1,
  type RsaPrivateKey,
} from "../../../lib/crypto/rsa/index.ts";
import { rsaPrivateKeyFromJwk, rsaPrivateKeyFromPkcs8, rsaPrivateKeyToPkcs8 } from "../../../lib/formats/keys/index.ts";
import { SHA1 } from "../../../lib/crypto/sha1.ts";
import { SHA256 } from "../../../lib/crypto/sha256.ts";

const vector = JSON.parse(readFileSync(new URL("../../fixtures/rfc7515-a2-rs256.json", import.meta.url), "utf8")) as {
  signingInput: string;
  signature: string;
  jwk: Record<string, string>;
};

/** The kit's hashes, cross-checked against node:crypto so a hash bug is reported as such. */
const HASHES: { hash: HashFunction; node: string }[] = [
  { hash: SHA256, node: "sha256" },
  { hash: SHA1, node: "sha1" },
];


function expectKitError(f: () => unknown, code: string, messagePart?: string): KitError {
  let caught: unknown;
  try {
    f();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(KitError);
  const error = caught as KitError;
  expect(error.code).toBe(code);
  if (messagePart) expect(error.message).toContain(messagePart);
  expect(error.hint).toBeTruthy();
  return error;
}

function randomBigint(bytes: number, below: bigint): bigint {
  return os2ip(randomBytes(bytes)) % below;
}

interface TestKey {
  bits: number;
  key: RsaPrivateKey;
  pkcs8: Uint8Array;
  nodePrivate: KeyObject;
  nodePublic: KeyObject;
  pkcs1Private: CryptoKey;
  pkcs1Public: CryptoKey;
  pssPrivate: CryptoKey;
  pssPublic: CryptoKey;
}

async function webCryptoKey(bits: number): Promise<TestKey> {
  const pair = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const spki = await crypto.subtle.exportKey("spki", pair.publicKey);
  const pss = { name: "RSA-PSS", hash: "SHA-256" };
  return {
    bits,
    key: rsaPrivateKeyFromPkcs8(pkcs8),
    pkcs8,
    nodePrivate: createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" }),
    nodePublic: createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }),
    pkcs1Private: pair.privateKey,
    pkcs1Public: pair.publicKey,
    pssPrivate: await crypto.subtle.importKey("pkcs8", toArrayBuffer(pkcs8), pss, false, ["sign"]),
    pssPublic: await crypto.subtle.importKey("spki", spki, pss, false, ["verify"]),
  };
}

const MESSAGES: Uint8Array[] = [
  new Uint8Array(0),
  utf8Encode("abc"),
  utf8Encode(vector.signingInput),
  new Uint8Array(randomBytes(1000)),
];

let keys: TestKey[] = [];
let rfcKey: RsaPrivateKey;

beforeAll(async () => {
  rfcKey = rsaPrivateKeyFromJwk(vector.jwk);
  // The three sizes are generated concurrently: WebCrypto runs them on libuv's thread pool.
  keys = await Promise.all([2048, 3072, 4096].map(webCryptoKey));
}, 60_000);

describe("the kit's hashes (sanity check of the inputs to RSA)", () => {
  it.each(HASHES)("$node matches node:crypto", ({ hash, node }) => {
    for (const m of MESSAGES) expect(toHex(hash.digest(m))).toBe(createHash(node).update(m).digest("hex"));
  });
});

describe("RFC 7515 Appendix A.2 (RS256)", () => {
  it("reproduces the example signature byte for byte", () => {
    const signature = rsassaPkcs1v15Sign(rfcKey, utf8Encode(vector.signingInput), SHA256);
    expect(signature.length).toBe(256);
    expect(base64urlEncode(signature)).toBe(vector.signature);
    expect(rsassaPkcs1v15Verify(rfcKey, utf8Encode(vector.signingInput), base64urlDecode(vector.signature), SHA256)).toBe(true);
  });

  it("gives every intermediate value of §8.2.1, consistent with each other", () => {
    const M = utf8Encode(vector.signingInput);
    const steps = rsassaPkcs1v15SignDetailed(rfcKey, M, SHA256);
    expect(base64urlEncode(steps.signature)).toBe(vector.signature);
    expect(toHex(steps.encoding.H)).toBe(createHash("sha256").update(M).digest("hex"));
    expect(steps.encoding.em.length).toBe(256);
    expect(steps.encoding.ps.length).toBe(256 - 51 - 3);
    expect(steps.m).toBe(os2ip(steps.encoding.em));
    expect(steps.s).toBe(os2ip(steps.signature));
    // CRT (§5.2.1 step 2b): s ≡ s1 (mod p), s ≡ s2 (mod q), s = s2 + q·h.
    expect(steps.s % rfcKey.p).toBe(steps.crt.s1);
    expect(steps.s % rfcKey.q).toBe(steps.crt.s2);
    expect(steps.crt.s2 + rfcKey.q * steps.crt.h).toBe(steps.s);
    expect(steps.s).toBe(naiveModPow(steps.m, rfcKey.d, rfcKey.n));
  });

  it("reports the key size", () => {
    expect(modulusBits(rfcKey)).toBe(2048);
    expect(modulusLength(rfcKey)).toBe(256);
  });
});

describe("I2OSP and OS2IP (§4.1, §4.2)", () => {
  it("encode big-endian with leading zeros", () => {
    expect(toHex(i2osp(0x0102n, 4))).toBe("00000102");
    expect(toHex(i2osp(0n, 3))).toBe("000000");
    expect(i2osp(0n, 0).length).toBe(0);
    expect(os2ip(fromHex("00000102"))).toBe(0x0102n);
    expect(os2ip(new Uint8Array(0))).toBe(0n);
  });

  it("round-trip integers and byte strings", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 600 }), fc.bigInt({ min: 0n, max: (1n << 4800n) - 1n }), (xLen, big) => {
        const x = big % (1n << BigInt(8 * xLen));
        const X = i2osp(x, xLen);
        expect(X.length).toBe(xLen);
        expect(os2ip(X)).toBe(x);
        // Independent check: the hex of x, zero-padded.
        expect(toHex(X)).toBe(xLen === 0 ? "" : x.toString(16).padStart(2 * xLen, "0"));
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (X) => {
        expect(toHex(i2osp(os2ip(X), X.length))).toBe(toHex(X));
      }),
      { numRuns: 200 },
    );
  });

  it('rejects an integer that does not fit with "integer too large"', () => {
    expect(toHex(i2osp(255n, 1))).toBe("ff");
    expectKitError(() => i2osp(256n, 1), "INTEGER_TOO_LARGE", "integer too large");
    expectKitError(() => i2osp(1n, 0), "INTEGER_TOO_LARGE", "integer too large");
    expectKitError(() => i2osp(rfcKey.n, 255), "INTEGER_TOO_LARGE", "integer too large");
    expect(() => i2osp(-1n, 4)).toThrow(RangeError);
  });
});

describe("modPow", () => {
  it("agrees with right-to-left binary exponentiation on random values up to 2100 bits", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(1n << 2100n), max: 1n << 2100n }),
        fc.bigInt({ min: 0n, max: 1n << 2100n }),
        fc.bigInt({ min: 1n, max: 1n << 2100n }),
        (base, exponent, modulus) => {
          expect(modPow(base, exponent, modulus)).toBe(naiveModPow(base, exponent, modulus));
        },
      ),
      { numRuns: 25 }, // more in rsa.slow.test.ts
    );
  });

  it("agrees with repeated multiplication for small exponents, every window width", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1n << 300n }), fc.integer({ min: 0, max: 1500 }), fc.bigInt({ min: 1n, max: 1n << 300n }), (base, exponent, modulus) => {
        let expected = 1n % modulus;
        for (let i = 0; i < exponent; i++) expected = (expected * base) % modulus;
        expect(modPow(base, BigInt(exponent), modulus)).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it("handles the edge cases", () => {
    expect(modPow(5n, 0n, 7n)).toBe(1n);
    expect(modPow(5n, 3n, 1n)).toBe(0n);
    expect(modPow(0n, 5n, 7n)).toBe(0n);
    expect(modPow(-2n, 3n, 7n)).toBe(6n); // -8 ≡ 6 (mod 7)
    expect(modPow(2n, 65537n, rfcKey.n)).toBe(naiveModPow(2n, 65537n, rfcKey.n));
    expect(() => modPow(2n, -1n, 7n)).toThrow(RangeError);
    expect(() => modPow(2n, 1n, 0n)).toThrow(RangeError);
  });

  it("modInverse inverts and rejects non-invertible values", () => {
    expect((modInverse(rfcKey.q, rfcKey.p) * rfcKey.q) % rfcKey.p).toBe(1n);
    expect(modInverse(rfcKey.q, rfcKey.p)).toBe(rfcKey.qi);
    expectKitError(() => modInverse(6n, 9n), "NOT_INVERTIBLE");
  });
});

describe("RSASP1 and RSAVP1 (§5.2)", () => {
  it("RSASP1 with the CRT equals m^d mod n", () => {
    for (const { key } of [{ key: rfcKey }, ...keys.slice(0, 2)]) {
      for (let i = 0; i < 3; i++) {
        const m = randomBigint(modulusLength(key) + 8, key.n);
        const s = rsasp1(key, m);
        expect(s).toBe(naiveModPow(m, key.d, key.n));
        expect(rsavp1(key, s)).toBe(m);
        const detail = rsasp1Detailed(key, m);
        expect(detail.s).toBe(s);
        expect(detail.s1).toBe(naiveModPow(m, key.dp, key.p));
        expect(detail.s2).toBe(naiveModPow(m, key.dq, key.q));
        expect(detail.h).toBe((((detail.s1 - detail.s2) % key.p) + key.p) * key.qi % key.p);
      }
    }
    expect(rsasp1(rfcKey, 0n)).toBe(0n);
    expect(rsasp1(rfcKey, 1n)).toBe(1n);
    expect(rsasp1(rfcKey, rfcKey.n - 1n)).toBe(rfcKey.n - 1n); // (−1)^d = −1 as d is odd
  });

  it('rejects m and s outside [0, n − 1] with "out of range"', () => {
    expectKitError(() => rsasp1(rfcKey, rfcKey.n), "MESSAGE_REPRESENTATIVE_OUT_OF_RANGE", "message representative out of range");
    expectKitError(() => rsasp1(rfcKey, -1n), "MESSAGE_REPRESENTATIVE_OUT_OF_RANGE", "message representative out of range");
    expectKitError(() => rsavp1(rfcKey, rfcKey.n), "SIGNATURE_REPRESENTATIVE_OUT_OF_RANGE", "signature representative out of range");
  });

  it("detects a key whose CRT values do not belong to it (fault check)", () => {
    expectKitError(() => rsasp1({ ...rfcKey, dp: rfcKey.dp + 2n }, 12345n), "RSA_KEY_INCONSISTENT");
    expectKitError(() => rsasp1({ ...rfcKey, qi: rfcKey.qi + 1n }, 12345n), "RSA_KEY_INCONSISTENT");
  });
});

describe("EMSA-PKCS1-v1_5 (§9.2)", () => {
  it("the DigestInfo prefixes are the DER of DigestInfo built with asn1js", () => {
    const oids = { "SHA-1": "1.3.14.3.2.26", "SHA-256": "2.16.840.1.101.3.4.2.1" } as const;
    for (const { hash } of HASHES) {
      const H = hash.digest(utf8Encode("abc"));
      const digestInfo = new asn1js.Sequence({
        value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oids[hash.name] }), new asn1js.Null()] }), new asn1js.OctetString({ valueHex: toArrayBuffer(H) })],
      });
      expect(toHex(concatBytes(DIGEST_INFO_PREFIX[hash.name], H))).toBe(toHex(new Uint8Array(digestInfo.toBER())));
      expect(toHex(emsaPkcs1v15Encode(utf8Encode("abc"), 128, hash).digestInfo)).toBe(toHex(new Uint8Array(digestInfo.toBER())));
    }
  });

  it("EM has the layout 00 01 FF…FF 00 T", () => {
    const enc = emsaPkcs1v15Encode(utf8Encode("abc"), 256, SHA256);
    expect(enc.em.length).toBe(256);
    expect(toHex(enc.em.subarray(0, 2))).toBe("0001");
    expect(enc.ps.length).toBe(256 - 51 - 3);
    expect(enc.ps.every((b) => b === 0xff)).toBe(true);
    expect(enc.em[2 + enc.ps.length]).toBe(0);
    expect(toHex(enc.em.subarray(256 - 51))).toBe(toHex(enc.digestInfo));
  });

  it("EM equals what node:crypto's signature decrypts to without padding", () => {
    for (const { hash, node } of HASHES) {
      for (const M of MESSAGES) {
        const nodeKey = createPrivateKey({ key: Buffer.from(rsaPrivateKeyToPkcs8(rfcKey)), format: "der", type: "pkcs8" });
        const S = nodeSign(node, M, nodeKey);
        const recovered = publicDecrypt({ key: nodeKey, padding: constants.RSA_NO_PADDING }, S);
        expect(toHex(emsaPkcs1v15Encode(M, 256, hash).em)).toBe(recovered.toString("hex"));
      }
    }
  });

  it('rejects emLen < tLen + 11 with "intended encoded message length too short"', () => {
    expect(emsaPkcs1v15Encode(utf8Encode("x"), 62, SHA256).ps.length).toBe(8);
    expectKitError(() => emsaPkcs1v15Encode(utf8Encode("x"), 61, SHA256), "EM_TOO_SHORT", "intended encoded message length too short");
    expect(emsaPkcs1v15Encode(utf8Encode("x"), 46, SHA1).ps.length).toBe(8);
    expectKitError(() => emsaPkcs1v15Encode(utf8Encode("x"), 45, SHA1), "EM_TOO_SHORT");
  });
});

describe("MGF1 (Appendix B.2.1)", () => {
  function nodeMgf1(seed: Uint8Array, maskLen: number, node: string): string {
    let T = Buffer.alloc(0);
    for (let counter = 0; T.length < maskLen; counter++) {
      const C = Buffer.alloc(4);
      C.writeUInt32BE(counter);
      T = Buffer.concat([T, createHash(node).update(seed).update(C).digest()]);
    }
    return T.subarray(0, maskLen).toString("hex");
  }

  it("matches node:crypto hashing the counter blocks", () => {
    for (const { hash, node } of HASHES) {
      for (const maskLen of [0, 1, 19, 20, 21, 31, 32, 33, 100, 223, 513]) {
        const seed = new Uint8Array(randomBytes(32));
        const mask = mgf1(seed, maskLen, hash);
        expect(mask.length).toBe(maskLen);
        expect(toHex(mask)).toBe(nodeMgf1(seed, maskLen, node));
      }
    }
  });

  it("matches the published MGF1 examples", () => {
    expect(toHex(mgf1(utf8Encode("foo"), 3, SHA1))).toBe("1ac907");
    expect(toHex(mgf1(utf8Encode("foo"), 5, SHA1))).toBe("1ac9075cd4");
    expect(toHex(mgf1(utf8Encode("bar"), 5, SHA1))).toBe("bc0c655e01");
    expect(toHex(mgf1(utf8Encode("bar"), 50, SHA256))).toBe(
      "382576a7841021cc28fc4c0948753fb8312090cea942ea4c4e735d10dc724b155f9f6069f289d61daca0cb814502ef04eae1",
    );
  });
});

describe("EMSA-PSS (§9.1)", () => {
  const salt = fromHex("5e".repeat(32));

  it("a fixed-salt EM is exactly what RSA_NO_PADDING public decryption of the signature returns", () => {
    const M = utf8Encode(vector.signingInput);
    const steps = rsassaPssSignDetailed(rfcKey, M, SHA256, salt);
    expect(steps.emBits).toBe(2047);
    const nodeKey = createPublicKey({ key: { ...vector.jwk, kty: "RSA" }, format: "jwk" });
    const recovered = publicDecrypt({ key: nodeKey, padding: constants.RSA_NO_PADDING }, steps.signature);
    expect(toHex(steps.encoding.em)).toBe(recovered.toString("hex"));
    // And node accepts it as a PSS signature with a 32-byte salt.
    expect(nodeVerify("sha256", M, { key: nodeKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, steps.signature)).toBe(true);
    // Same salt, same signature: PSS is deterministic once the salt is fixed.
    expect(toHex(rsassaPssSign(rfcKey, M, SHA256, salt))).toBe(toHex(steps.signature));
  });

  it("the intermediate values fit §9.1.1", () => {
    const M = utf8Encode("abc");
    const e = emsaPssEncode(M, 2047, SHA256, salt);
    expect(toHex(e.mHash)).toBe(createHash("sha256").update(M).digest("hex"));
    expect(toHex(e.mPrime)).toBe("00".repeat(8) + toHex(e.mHash) + toHex(salt));
    expect(toHex(e.H)).toBe(createHash("sha256").update(e.mPrime).digest("hex"));
    expect(e.ps.length).toBe(256 - 32 - 32 - 2);
    expect(toHex(e.db)).toBe("00".repeat(e.ps.length) + "01" + toHex(salt));
    expect(toHex(e.dbMask)).toBe(toHex(mgf1(e.H, 256 - 32 - 1, SHA256)));
    expect(e.maskedDb[0]! & 0x80).toBe(0); // step 11: 8·emLen − emBits = 1 bit cleared
    expect(toHex(e.maskedDb.subarray(1))).toBe(toHex(e.db.subarray(1).map((b, i) => b ^ e.dbMask[i + 1]!)));
    expect(toHex(e.em)).toBe(toHex(e.maskedDb) + toHex(e.H) + "bc");
    expect(emsaPssVerify(M, e.em, 2047, SHA256, 32)).toEqual({ consistent: true, salt, H: e.H });
  });

  it("reports each inconsistent check of §9.1.2 with its step number", () => {
    const M = utf8Encode("abc");
    const { em } = emsaPssEncode(M, 2047, SHA256, salt);
    const step = (EM: Uint8Array, emBits = 2047, sLen = 32, message = M) => {
      const result = emsaPssVerify(message, EM, emBits, SHA256, sLen);
      return result.consistent ? "consistent" : result.step;
    };
    expect(step(em)).toBe("consistent");
    expect(step(em.subarray(1))).toBe(0); // not emLen octets
    expect(step(new Uint8Array(65), 8 * 65, 32)).toBe(3); // emLen < hLen + sLen + 2
    expect(step(concatBytes(em.subarray(0, 255), Uint8Array.of(0xbd)))).toBe(4);
    const topBit = em.slice();
    topBit[0] = topBit[0]! | 0x80;
    expect(step(topBit)).toBe(6);
    expect(step(em, 2047, 20)).toBe(10); // salt shorter than expected: PS would cover 0x01 and salt
    expect(step(em, 2047, 48)).toBe(10); // salt longer than expected: position of 0x01 holds 0x00
    expect(step(em, 2047, 32, utf8Encode("abd"))).toBe(14);
    // A changed PS byte leaves salt and H intact, so only the step 10 zero check catches it.
    const dirtyPs = em.slice();
    dirtyPs[5] = dirtyPs[5]! ^ 0x10;
    expect(step(dirtyPs)).toBe(10);
    const flippedH = em.slice();
    flippedH[240] = flippedH[240]! ^ 1;
    expect(step(flippedH)).not.toBe("consistent");
  });

  it('rejects emLen < hLen + sLen + 2 with "encoding error"', () => {
    expect(emsaPssEncode(utf8Encode("x"), 8 * 66, SHA256, salt).ps.length).toBe(0);
    expectKitError(() => emsaPssEncode(utf8Encode("x"), 8 * 65, SHA256, salt), "PSS_ENCODING_ERROR", "encoding error");
  });

  it("works when modBits − 1 is a multiple of 8 (EM is k − 1 bytes)", () => {
    const node = generateKeyPairSync("rsa", { modulusLength: 1025 }).privateKey;
    const key = rsaPrivateKeyFromPkcs8(new Uint8Array(node.export({ format: "der", type: "pkcs8" })));
    expect(modulusBits(key)).toBe(1025);
    expect(modulusLength(key)).toBe(129);
    const M = utf8Encode("edge");
    const steps = rsassaPssSignDetailed(key, M, SHA256, randomPssSalt());
    expect(steps.encoding.em.length).toBe(128);
    expect(steps.signature.length).toBe(129);
    expect(nodeVerify("sha256", M, { key: node, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, steps.signature)).toBe(true);
    const theirs = nodeSign("sha256", M, { key: node, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    expect(rsassaPssVerify(key, M, theirs, SHA256, 32)).toBe(true);
    // PKCS#1 v1.5 too.
    expect(rsassaPkcs1v15Sign(key, M, SHA256)).toEqual(new Uint8Array(nodeSign("sha256", M, node)));
  });
});

describe("RSASSA against WebCrypto with 2048, 3072 and 4096-bit keys", () => {
  it("PKCS#1 v1.5 signatures are byte-identical to WebCrypto's", async () => {
    for (const k of keys) {
      expect(modulusBits(k.key)).toBe(k.bits);
      for (const M of MESSAGES) {
        const ours = rsassaPkcs1v15Sign(k.key, M, SHA256);
        const theirs = new Uint8Array(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", k.pkcs1Private, toArrayBuffer(M)));
        expect(toHex(ours)).toBe(toHex(theirs));
        expect(rsassaPkcs1v15Verify(k.key, M, theirs, SHA256)).toBe(true);
      }
    }
  });

  it("PKCS#1 v1.5 with SHA-1 matches node:crypto", () => {
    for (const k of keys.slice(0, 1)) {
      for (const M of MESSAGES) {
        expect(toHex(rsassaPkcs1v15Sign(k.key, M, SHA1))).toBe(nodeSign("sha1", M, k.nodePrivate).toString("hex"));
      }
    }
  });

  it("PSS: ours verify in WebCrypto (saltLength 32) and WebCrypto's verify in ours", async () => {
    for (const k of keys) {
      for (const M of MESSAGES) {
        const ours = rsassaPssSign(k.key, M, SHA256, randomPssSalt(32));
        expect(ours.length).toBe(k.bits / 8);
        expect(await crypto.subtle.verify({ name: "RSA-PSS", saltLength: 32 }, k.pssPublic, toArrayBuffer(ours), toArrayBuffer(M))).toBe(true);
        const theirs = new Uint8Array(await crypto.subtle.sign({ name: "RSA-PSS", saltLength: 32 }, k.pssPrivate, toArrayBuffer(M)));
        expect(rsassaPssVerify(k.key, M, theirs, SHA256, 32)).toBe(true);
      }
    }
  });

  it("the detailed variants give the same signatures", () => {
    const k = keys[1]!;
    const M = MESSAGES[2]!;
    const salt = randomPssSalt();
    const pss = rsassaPssSignDetailed(k.key, M, SHA256, salt);
    expect(toHex(pss.signature)).toBe(toHex(rsassaPssSign(k.key, M, SHA256, salt)));
    expect(pss.m).toBe(os2ip(pss.encoding.em));
    expect(pss.s).toBe(os2ip(pss.signature));
    expect(pss.crt.s2 + k.key.q * pss.crt.h).toBe(pss.s);
    const v15 = rsassaPkcs1v15SignDetailed(k.key, M, SHA256);
    expect(toHex(v15.signature)).toBe(toHex(rsassaPkcs1v15Sign(k.key, M, SHA256)));
  });
});

describe("rejections", () => {
  const M = utf8Encode(vector.signingInput);
  let v15: Uint8Array;
  let pss: Uint8Array;
  beforeAll(() => {
    v15 = rsassaPkcs1v15Sign(rfcKey, M, SHA256);
    pss = rsassaPssSign(rfcKey, M, SHA256, randomPssSalt());
  });

  it("both signatures verify before tampering", () => {
    expect(rsassaPkcs1v15Verify(rfcKey, M, v15, SHA256)).toBe(true);
    expect(rsassaPssVerify(rfcKey, M, pss, SHA256, 32)).toBe(true);
  });

  it("a flipped bit anywhere fails", () => {
    for (const position of [0, 1, 100, 128, 254, 255]) {
      for (const [S, verify] of [
        [v15, (x: Uint8Array) => rsassaPkcs1v15Verify(rfcKey, M, x, SHA256)],
        [pss, (x: Uint8Array) => rsassaPssVerify(rfcKey, M, x, SHA256, 32)],
      ] as const) {
        const tampered = S.slice();
        tampered[position] = tampered[position]! ^ 0x01;
        expect(verify(tampered)).toBe(false);
      }
    }
  });

  it("a changed message fails", () => {
    const other = utf8Encode(vector.signingInput + " ");
    expect(rsassaPkcs1v15Verify(rfcKey, other, v15, SHA256)).toBe(false);
    expect(rsassaPssVerify(rfcKey, other, pss, SHA256, 32)).toBe(false);
  });

  it("another key of the same size fails", () => {
    const other = keys[0]!.key;
    expect(rsassaPkcs1v15Verify(other, M, v15, SHA256)).toBe(false);
    expect(rsassaPssVerify(other, M, pss, SHA256, 32)).toBe(false);
  });

  it("a signature one byte short or long fails, even with a leading zero", () => {
    for (const S of [v15, pss]) {
      expect(rsassaPkcs1v15Verify(rfcKey, M, S.subarray(1), SHA256)).toBe(false);
      expect(rsassaPssVerify(rfcKey, M, S.subarray(1), SHA256, 32)).toBe(false);
      expect(rsassaPkcs1v15Verify(rfcKey, M, concatBytes(Uint8Array.of(0), S), SHA256)).toBe(false);
      expect(rsassaPssVerify(rfcKey, M, concatBytes(Uint8Array.of(0), S), SHA256, 32)).toBe(false);
    }
  });

  it("a signature value ≥ n fails without throwing", () => {
    const big = new Uint8Array(256).fill(0xff);
    expect(rsassaPkcs1v15Verify(rfcKey, M, big, SHA256)).toBe(false);
    expect(rsassaPssVerify(rfcKey, M, big, SHA256, 32)).toBe(false);
    expect(rsassaPkcs1v15Verify(rfcKey, M, i2osp(rfcKey.n, 256), SHA256)).toBe(false);
  });

  it("PS256 checked as RS256 fails, and RS256 checked as PS256", () => {
    expect(rsassaPkcs1v15Verify(rfcKey, M, pss, SHA256)).toBe(false);
    expect(rsassaPssVerify(rfcKey, M, v15, SHA256, 32)).toBe(false);
  });

  it("the wrong salt length or hash fails", () => {
    expect(rsassaPssVerify(rfcKey, M, pss, SHA256, 20)).toBe(false);
    expect(rsassaPssVerify(rfcKey, M, pss, SHA256, 0)).toBe(false);
    expect(rsassaPssVerify(rfcKey, M, pss, SHA256, 64)).toBe(false);
    expect(rsassaPssVerify(rfcKey, M, pss, SHA1, 32)).toBe(false);
    expect(rsassaPkcs1v15Verify(rfcKey, M, v15, SHA1)).toBe(false);
  });
});

describe("small keys (any size signs; too small for the hash is an error)", () => {
  // A 384-bit key from two 192-bit primes: fine for SHA-1 PKCS#1 v1.5 (needs 46 bytes), too short for SHA-256 (62).
  function smallKey(): RsaPrivateKey {
    for (;;) {
      const p = generatePrimeSync(192, { bigint: true });
      const q = generatePrimeSync(192, { bigint: true });
      if (p === q) continue;
      const e = 65537n;
      const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
      if (gcd(e, lambda) !== 1n) continue;
      const d = modInverse(e, lambda);
      return { n: p * q, e, d, p, q, dp: d % (p - 1n), dq: d % (q - 1n), qi: modInverse(q, p) };
    }
  }
  function gcd(a: bigint, b: bigint): bigint {
    return b === 0n ? a : gcd(b, a % b);
  }

  it("signs and verifies with SHA-1, refuses SHA-256 with RSA modulus too short", () => {
    const key = smallKey();
    expect(modulusBits(key)).toBeGreaterThanOrEqual(383);
    const M = utf8Encode("tiny");
    const S = rsassaPkcs1v15Sign(key, M, SHA1);
    expect(S.length).toBe(modulusLength(key));
    expect(rsassaPkcs1v15Verify(key, M, S, SHA1)).toBe(true);
    expectKitError(() => rsassaPkcs1v15Sign(key, M, SHA256), "MODULUS_TOO_SHORT", "RSA modulus too short");
    expectKitError(() => rsassaPkcs1v15Verify(key, M, S, SHA256), "MODULUS_TOO_SHORT");
    // PSS with a 32-byte salt needs emLen ≥ 66; without a salt it fits.
    expectKitError(() => rsassaPssSign(key, M, SHA256, randomPssSalt(32)), "PSS_ENCODING_ERROR");
    const pss = rsassaPssSign(key, M, SHA256, new Uint8Array(0));
    expect(rsassaPssVerify(key, M, pss, SHA256, 0)).toBe(true);
  });
});

describe("randomPssSalt", () => {
  it("draws fresh random bytes of the asked length", () => {
    const a = randomPssSalt();
    const b = randomPssSalt();
    expect(a.length).toBe(32);
    expect(toHex(a)).not.toBe(toHex(b));
    expect(randomPssSalt(20).length).toBe(20);
  });
});
