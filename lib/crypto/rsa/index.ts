/**
 * RSA signatures from RFC 8017 (PKCS #1 v2.2), written out step by step for the workshop.
 *
 * Two schemes matter for Entra ID certificate credentials:
 *  - RSASSA-PKCS1-v1_5 with SHA-256, which JOSE calls "RS256" (RFC 7518 §3.3), and
 *  - RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt, which JOSE calls "PS256" (RFC 7518 §3.5).
 *
 * Every function is named after the RFC 8017 primitive or operation it implements and its comments
 * use the RFC's step numbers and variable names, so the code can be read side by side with the RFC.
 * The hash is always a parameter (RFC 8017's "Hash" option), so the same code runs with SHA-1 or SHA-256.
 *
 * This is teaching code: BigInt arithmetic in JavaScript does not run in constant time, so these
 * functions leak timing information about the private key. Production code should sign with
 * WebCrypto or node:crypto; the kit's tests check that the bytes here match theirs.
 */
import { concatBytes, equalBytes, fromHex, toHex } from "../../bytes.ts";
import { KitError } from "../../errors.ts";
import type { HashFunction } from "../hash.ts";
import { mod, modPow } from "../modular.ts";

export { modInverse, modPow } from "../modular.ts";

// ---------------------------------------------------------------------------------------------
// Keys (RFC 8017 §3.1, §3.2)
// ---------------------------------------------------------------------------------------------

/**
 * An RSA public key (RFC 8017 §3.1): the modulus n and the public exponent e.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-3.1
 */
export interface RsaPublicKey {
  /** n, the RSA modulus, a product of two primes p·q. */
  n: bigint;
  /** e, the public exponent (almost always 65537). */
  e: bigint;
}

/**
 * An RSA private key with both of RFC 8017 §3.2's representations: the pair (n, d) and the
 * quintuple (p, q, dP, dQ, qInv) used by the Chinese Remainder Theorem (CRT). Field names follow
 * JWK (RFC 7518 §6.3.2): dp = dP, dq = dQ, qi = qInv. Only two-prime keys (u = 2) are supported.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-3.2
 */
export interface RsaPrivateKey extends RsaPublicKey {
  /** d, the private exponent: e·d ≡ 1 (mod λ(n)). */
  d: bigint;
  /** p, the first prime factor of n. */
  p: bigint;
  /** q, the second prime factor of n. */
  q: bigint;
  /** dP = d mod (p − 1), the first factor's CRT exponent. */
  dp: bigint;
  /** dQ = d mod (q − 1), the second factor's CRT exponent. */
  dq: bigint;
  /** qInv = q⁻¹ mod p, the CRT coefficient. */
  qi: bigint;
}

/**
 * The number of bits in the modulus n ("modBits" in RFC 8017 §8.1.1), e.g. 2048.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-8.1.1
 */
export function modulusBits(key: RsaPublicKey): number {
  if (key.n <= 0n) throw new KitError("BAD_RSA_KEY", "The RSA modulus n is not a positive integer.", "Load the key again from its file; it may be damaged.");
  return key.n.toString(2).length;
}

/**
 * k, "the length in octets of the RSA modulus n" (RFC 8017 §5.2.1), e.g. 256 for a 2048-bit key.
 * Every RSA signature is exactly k bytes long.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-5.2.1
 */
export function modulusLength(key: RsaPublicKey): number {
  return Math.ceil(modulusBits(key) / 8);
}

// ---------------------------------------------------------------------------------------------
// Data conversion primitives (RFC 8017 §4)
// ---------------------------------------------------------------------------------------------

/**
 * I2OSP, Integer-to-Octet-String primitive: the big-endian encoding of x in exactly xLen bytes,
 * with leading zero bytes as needed.
 * @throws KitError INTEGER_TOO_LARGE ("integer too large") when x ≥ 256^xLen (§4.1 step 1).
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-4.1
 */
export function i2osp(x: bigint, xLen: number): Uint8Array {
  if (x < 0n) throw new RangeError("I2OSP is defined for non-negative integers only");
  if (!Number.isSafeInteger(xLen) || xLen < 0) throw new RangeError(`xLen must be a non-negative integer, got ${xLen}`);
  const hex = x === 0n ? "" : x.toString(16);
  const digits = hex.length + (hex.length % 2);
  // Step 1: "If x >= 256^xLen, output 'integer too large' and stop."
  if (digits / 2 > xLen) {
    throw new KitError(
      "INTEGER_TOO_LARGE",
      `integer too large: a ${x.toString(2).length}-bit integer does not fit in ${xLen} bytes (RFC 8017 §4.1 step 1).`,
      "Check that the value and the length belong to the same key; a signature or modulus of k bytes needs xLen = k.",
    );
  }
  // Steps 2-3: the base-256 digits x_(xLen-1) ... x_0, most significant first (X_i = x_(xLen-i)).
  return fromHex(hex.padStart(2 * xLen, "0"));
}

/**
 * OS2IP, Octet-String-to-Integer primitive: reads the bytes X as a big-endian unsigned integer.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-4.2
 */
export function os2ip(X: Uint8Array): bigint {
  // Steps 1-2: x = X_1·256^(xLen-1) + X_2·256^(xLen-2) + ... + X_xLen. Hex is base 16², the same thing.
  return X.length === 0 ? 0n : BigInt("0x" + toHex(X));
}

// ---------------------------------------------------------------------------------------------
// Signature and verification primitives (RFC 8017 §5.2)
// ---------------------------------------------------------------------------------------------

/** The intermediate values of RSASP1 with the CRT (RFC 8017 §5.2.1 step 2b). */
export interface Rsasp1Steps {
  /** s_1 = m^dP mod p (step 2b.i). */
  s1: bigint;
  /** s_2 = m^dQ mod q (step 2b.i). */
  s2: bigint;
  /** h = (s_1 − s_2) · qInv mod p (step 2b.iii). */
  h: bigint;
  /** s = s_2 + q · h, the signature representative (step 2b.iv). */
  s: bigint;
}

/**
 * RSASP1 with every intermediate value of the CRT computation, for the workshop to print.
 *
 * After step 2b the result is checked with RSAVP1 (s^e mod n must give m back). RFC 8017 does not
 * ask for this, but a CRT signature computed with a wrong dP, dQ or qInv (a damaged key, or a
 * hardware fault) reveals a factor of n to anyone who sees it (Boneh, DeMillo and Lipton, 1997);
 * checking costs one cheap exponentiation with e.
 * @throws KitError MESSAGE_REPRESENTATIVE_OUT_OF_RANGE when m is not in [0, n − 1] (step 1).
 * @throws KitError RSA_KEY_INCONSISTENT when the CRT values do not belong to n and e.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-5.2.1
 */
export function rsasp1Detailed(K: RsaPrivateKey, m: bigint): Rsasp1Steps {
  // Step 1: "If the message representative m is not between 0 and n - 1, output
  // 'message representative out of range' and stop."
  if (m < 0n || m >= K.n) {
    throw new KitError(
      "MESSAGE_REPRESENTATIVE_OUT_OF_RANGE",
      "message representative out of range: m must be between 0 and n − 1 (RFC 8017 §5.2.1 step 1).",
      "The encoded message must be shorter than the modulus; encode it for this key's length k.",
    );
  }
  const { p, q, dp: dP, dq: dQ, qi: qInv } = K;
  // Step 2b.i: s_1 = m^dP mod p and s_2 = m^dQ mod q. Two half-size exponentiations instead of one
  // full-size m^d mod n: each is ~8× cheaper (half the bits, numbers half as long).
  const s1 = modPow(m, dP, p);
  const s2 = modPow(m, dQ, q);
  // Step 2b.ii applies only to multi-prime keys (u > 2), which the kit does not support.
  // Step 2b.iii: h = (s_1 - s_2) · qInv mod p. s_1 - s_2 may be negative, so bring it into [0, p).
  const h = (mod(s1 - s2, p) * qInv) % p;
  // Step 2b.iv: s = s_2 + q · h. Then s ≡ s_2 (mod q) and s ≡ s_1 (mod p), so s = m^d mod n.
  const s = s2 + q * h;
  // Fault check (not an RFC step): RSAVP1 must undo RSASP1.
  if (s >= K.n || modPow(s, K.e, K.n) !== m) {
    throw new KitError(
      "RSA_KEY_INCONSISTENT",
      "The private key's CRT values (p, q, dP, dQ, qInv) do not match its modulus and exponent, so the signature would be wrong.",
      "The key file is damaged or was assembled from parts of different keys; export the key again.",
    );
  }
  return { s1, s2, h, s };
}

/**
 * RSASP1, the RSA signature primitive: s = m^d mod n, computed with the CRT (step 2b).
 * @throws KitError MESSAGE_REPRESENTATIVE_OUT_OF_RANGE when m is not in [0, n − 1] (step 1).
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-5.2.1
 */
export function rsasp1(K: RsaPrivateKey, m: bigint): bigint {
  return rsasp1Detailed(K, m).s;
}

/**
 * RSAVP1, the RSA verification primitive: m = s^e mod n.
 * @throws KitError SIGNATURE_REPRESENTATIVE_OUT_OF_RANGE when s is not in [0, n − 1] (step 1).
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-5.2.2
 */
export function rsavp1(K: RsaPublicKey, s: bigint): bigint {
  // Step 1: "If the signature representative s is not between 0 and n - 1, output
  // 'signature representative out of range' and stop."
  if (s < 0n || s >= K.n) {
    throw new KitError(
      "SIGNATURE_REPRESENTATIVE_OUT_OF_RANGE",
      "signature representative out of range: s must be between 0 and n − 1 (RFC 8017 §5.2.2 step 1).",
      "The signature was not made with this key, or it was damaged in transit.",
    );
  }
  // Step 2: m = s^e mod n.
  return modPow(s, K.e, K.n);
}

// ---------------------------------------------------------------------------------------------
// EMSA-PKCS1-v1_5 (RFC 8017 §9.2)
// ---------------------------------------------------------------------------------------------

/**
 * The DER encodings of DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET
 * STRING } up to the hash value, from RFC 8017 §9.2 Note 1. T = prefix || H.
 *
 * SHA-1:   30 21 (SEQUENCE, 33 bytes) 30 09 (AlgorithmIdentifier) 06 05 2b 0e 03 02 1a (OID
 *          1.3.14.3.2.26, id-sha1) 05 00 (NULL parameters) 04 14 (OCTET STRING, 20 bytes).
 * SHA-256: 30 31 (SEQUENCE, 49 bytes) 30 0d (AlgorithmIdentifier) 06 09 60 86 48 01 65 03 04 02 01
 *          (OID 2.16.840.1.101.3.4.2.1, id-sha256) 05 00 (NULL) 04 20 (OCTET STRING, 32 bytes).
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-9.2
 */
export const DIGEST_INFO_PREFIX: Readonly<Record<HashFunction["name"], Uint8Array>> = Object.freeze({
  "SHA-1": fromHex("3021300906052b0e03021a05000414"),
  "SHA-256": fromHex("3031300d060960864801650304020105000420"),
});

/** The output of EMSA-PKCS1-v1_5-ENCODE with its intermediate values (RFC 8017 §9.2). */
export interface Pkcs1v15Encoding {
  /** H = Hash(M), step 1. */
  H: Uint8Array;
  /** T, the DER-encoded DigestInfo of step 2: the §9.2 Note 1 prefix followed by H. */
  digestInfo: Uint8Array;
  /** PS, the emLen − tLen − 3 bytes of 0xff of step 4 (at least 8). */
  ps: Uint8Array;
  /** EM = 0x00 || 0x01 || PS || 0x00 || T, step 5. */
  em: Uint8Array;
}

function digestInfoPrefix(Hash: HashFunction): Uint8Array {
  const prefix = (DIGEST_INFO_PREFIX as Partial<Record<string, Uint8Array>>)[Hash.name];
  if (!prefix) throw new KitError("UNSUPPORTED_HASH", `No DigestInfo is defined here for the hash "${Hash.name}".`, "Use SHA-256 (RS256) or SHA-1.");
  return prefix;
}

/**
 * EMSA-PKCS1-v1_5-ENCODE: the deterministic padding of RS256.
 * @param M the message to be encoded (for a JWT, the ASCII signing input "header.payload").
 * @param emLen the intended length in octets of the encoded message; k for a signature.
 * @throws KitError EM_TOO_SHORT ("intended encoded message length too short") when emLen < tLen + 11 (step 3).
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-9.2
 */
export function emsaPkcs1v15Encode(M: Uint8Array, emLen: number, Hash: HashFunction): Pkcs1v15Encoding {
  // Step 1: H = Hash(M). ("message too long" concerns inputs of 2^61 bytes and more, unreachable here.)
  const H = Hash.digest(M);
  // Step 2: T is the DER encoding of the DigestInfo value (digestAlgorithm, digest = H); tLen = |T|.
  const T = concatBytes(digestInfoPrefix(Hash), H);
  const tLen = T.length;
  // Step 3: "If emLen < tLen + 11, output 'intended encoded message length too short' and stop."
  if (emLen < tLen + 11) {
    throw new KitError(
      "EM_TOO_SHORT",
      `intended encoded message length too short: emLen = ${emLen} bytes, but ${Hash.name} needs at least tLen + 11 = ${tLen + 11} (RFC 8017 §9.2 step 3).`,
      `Use an RSA key of at least ${(tLen + 11) * 8} bits (Entra ID expects 2048 or more).`,
    );
  }
  // Step 4: PS is emLen - tLen - 3 octets with hexadecimal value 0xff.
  const ps = new Uint8Array(emLen - tLen - 3).fill(0xff);
  // Step 5: EM = 0x00 || 0x01 || PS || 0x00 || T.
  const em = concatBytes(Uint8Array.of(0x00, 0x01), ps, Uint8Array.of(0x00), T);
  return { H, digestInfo: T, ps, em };
}

// ---------------------------------------------------------------------------------------------
// MGF1 (RFC 8017 Appendix B.2.1)
// ---------------------------------------------------------------------------------------------

/**
 * MGF1, the mask generation function built on a hash: T = Hash(mgfSeed || C₀) || Hash(mgfSeed || C₁)
 * || …, cut to maskLen bytes, where C_i is the 4-byte big-endian counter i.
 * @throws KitError MASK_TOO_LONG ("mask too long") when maskLen > 2^32 · hLen (step 1).
 * @see https://www.rfc-editor.org/rfc/rfc8017#appendix-B.2.1
 */
export function mgf1(mgfSeed: Uint8Array, maskLen: number, Hash: HashFunction): Uint8Array {
  const hLen = Hash.outputLength;
  // Step 1: "If maskLen > 2^32 hLen, output 'mask too long' and stop."
  if (maskLen > 2 ** 32 * hLen) throw new KitError("MASK_TOO_LONG", `mask too long: ${maskLen} bytes (RFC 8017 Appendix B.2.1 step 1).`, "Ask for a shorter mask.");
  if (!Number.isSafeInteger(maskLen) || maskLen < 0) throw new RangeError(`maskLen must be a non-negative integer, got ${maskLen}`);
  // Step 2: T is the empty octet string.
  const blocks: Uint8Array[] = [];
  // Step 3: for counter from 0 to ⌈maskLen / hLen⌉ − 1:
  for (let counter = 0; counter < Math.ceil(maskLen / hLen); counter++) {
    // 3a: C = I2OSP(counter, 4).  3b: T = T || Hash(mgfSeed || C).
    const C = i2osp(BigInt(counter), 4);
    blocks.push(Hash.digest(concatBytes(mgfSeed, C)));
  }
  // Step 4: output the leading maskLen octets of T.
  return concatBytes(...blocks).subarray(0, maskLen);
}

// ---------------------------------------------------------------------------------------------
// EMSA-PSS (RFC 8017 §9.1)
// ---------------------------------------------------------------------------------------------

/** The output of EMSA-PSS-ENCODE with its intermediate values (RFC 8017 §9.1.1). */
export interface PssEncoding {
  /** mHash = Hash(M), step 2. */
  mHash: Uint8Array;
  /** The salt of step 4 (sLen bytes). */
  salt: Uint8Array;
  /** M' = 00 00 00 00 00 00 00 00 || mHash || salt, step 5. */
  mPrime: Uint8Array;
  /** H = Hash(M'), step 6. */
  H: Uint8Array;
  /** PS, emLen − sLen − hLen − 2 zero bytes, step 7. */
  ps: Uint8Array;
  /** DB = PS || 0x01 || salt, step 8. */
  db: Uint8Array;
  /** dbMask = MGF(H, emLen − hLen − 1), step 9. */
  dbMask: Uint8Array;
  /** maskedDB = DB ⊕ dbMask with its leftmost 8·emLen − emBits bits cleared, steps 10-11. */
  maskedDb: Uint8Array;
  /** EM = maskedDB || H || 0xbc, step 12. */
  em: Uint8Array;
}

/**
 * EMSA-PSS-ENCODE with MGF1 over the same hash (as PS256 uses). The salt is a parameter so that the
 * workshop can fix it and show reproducible bytes; for real signatures draw it with {@link randomPssSalt}.
 * @param M the message to be encoded.
 * @param emBits the maximal bit length of OS2IP(EM); modBits − 1 for a signature. emLen = ⌈emBits / 8⌉.
 * @param salt the salt of step 4; its length is sLen (32 for PS256, RFC 7518 §3.5).
 * @throws KitError PSS_ENCODING_ERROR ("encoding error") when emLen < hLen + sLen + 2 (step 3).
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-9.1.1
 */
export function emsaPssEncode(M: Uint8Array, emBits: number, Hash: HashFunction, salt: Uint8Array): PssEncoding {
  const hLen = Hash.outputLength;
  const sLen = salt.length;
  const emLen = Math.ceil(emBits / 8);
  // Step 1: "message too long" concerns inputs of 2^61 bytes and more, unreachable here.
  // Step 2: mHash = Hash(M), an octet string of length hLen.
  const mHash = Hash.digest(M);
  // Step 3: "If emLen < hLen + sLen + 2, output 'encoding error' and stop."
  if (emLen < hLen + sLen + 2) {
    throw new KitError(
      "PSS_ENCODING_ERROR",
      `encoding error: emLen = ${emLen} bytes is less than hLen + sLen + 2 = ${hLen + sLen + 2} (RFC 8017 §9.1.1 step 3).`,
      "Use a larger RSA key or a shorter salt.",
    );
  }
  // Step 4: the salt (given by the caller).
  // Step 5: M' = (0x)00 00 00 00 00 00 00 00 || mHash || salt.
  const mPrime = concatBytes(new Uint8Array(8), mHash, salt);
  // Step 6: H = Hash(M').
  const H = Hash.digest(mPrime);
  // Step 7: PS is emLen - sLen - hLen - 2 zero octets (possibly none).
  const ps = new Uint8Array(emLen - sLen - hLen - 2);
  // Step 8: DB = PS || 0x01 || salt, emLen - hLen - 1 octets.
  const db = concatBytes(ps, Uint8Array.of(0x01), salt);
  // Step 9: dbMask = MGF(H, emLen - hLen - 1).
  const dbMask = mgf1(H, emLen - hLen - 1, Hash);
  // Step 10: maskedDB = DB xor dbMask.
  const maskedDb = db.map((byte, i) => byte ^ dbMask[i]!);
  // Step 11: set the leftmost 8emLen - emBits bits of the leftmost octet of maskedDB to zero,
  // so that OS2IP(EM) < 2^emBits ≤ n.
  maskedDb[0] = maskedDb[0]! & (0xff >> (8 * emLen - emBits));
  // Step 12: EM = maskedDB || H || 0xbc.
  const em = concatBytes(maskedDb, H, Uint8Array.of(0xbc));
  return { mHash, salt, mPrime, H, ps, db, dbMask, maskedDb, em };
}

/**
 * The result of EMSA-PSS-VERIFY: "consistent", or "inconsistent" with the RFC 8017 §9.1.2 step
 * that failed (step 0 is the precondition that EM is emLen = ⌈emBits / 8⌉ octets long).
 */
export type PssVerification =
  | { consistent: true; salt: Uint8Array; H: Uint8Array }
  | { consistent: false; step: number; reason: string };

/**
 * EMSA-PSS-VERIFY with MGF1 over the same hash, returning which check failed.
 * @param M the message to be verified.
 * @param EM the encoded message recovered from the signature, emLen = ⌈emBits / 8⌉ octets.
 * @param emBits modBits − 1 for a signature.
 * @param sLen the expected salt length (32 for PS256).
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-9.1.2
 */
export function emsaPssVerify(M: Uint8Array, EM: Uint8Array, emBits: number, Hash: HashFunction, sLen: number): PssVerification {
  const hLen = Hash.outputLength;
  const emLen = Math.ceil(emBits / 8);
  const inconsistent = (step: number, reason: string): PssVerification => ({ consistent: false, step, reason });
  if (EM.length !== emLen) return inconsistent(0, `EM is ${EM.length} bytes, not emLen = ${emLen}`);
  // Step 1: "message too long" (2^61 bytes and more) is unreachable here.
  // Step 2: mHash = Hash(M).
  const mHash = Hash.digest(M);
  // Step 3: "If emLen < hLen + sLen + 2, output 'inconsistent' and stop."
  if (emLen < hLen + sLen + 2) return inconsistent(3, `emLen = ${emLen} is less than hLen + sLen + 2 = ${hLen + sLen + 2}`);
  // Step 4: "If the rightmost octet of EM does not have hexadecimal value 0xbc, output 'inconsistent'."
  if (EM[emLen - 1] !== 0xbc) return inconsistent(4, `the rightmost octet of EM is 0x${toHex(EM.subarray(emLen - 1))}, not 0xbc`);
  // Step 5: maskedDB is the leftmost emLen - hLen - 1 octets of EM, H the next hLen octets.
  const maskedDb = EM.subarray(0, emLen - hLen - 1);
  const H = EM.slice(emLen - hLen - 1, emLen - 1);
  // Step 6: the leftmost 8emLen - emBits bits of the leftmost octet of maskedDB must all be zero.
  const topBits = 8 * emLen - emBits;
  const topMask = (0xff << (8 - topBits)) & 0xff;
  if ((maskedDb[0]! & topMask) !== 0) return inconsistent(6, `the leftmost ${topBits} bit(s) of maskedDB are not zero`);
  // Step 7: dbMask = MGF(H, emLen - hLen - 1).
  const dbMask = mgf1(H, emLen - hLen - 1, Hash);
  // Step 8: DB = maskedDB xor dbMask.
  const DB = maskedDb.map((byte, i) => byte ^ dbMask[i]!);
  // Step 9: set the leftmost 8emLen - emBits bits of the leftmost octet of DB to zero.
  DB[0] = DB[0]! & (0xff >> topBits);
  // Step 10: the emLen - hLen - sLen - 2 leftmost octets of DB must be zero, and the octet at
  // position emLen - hLen - sLen - 1 (positions counted from 1) must be 0x01.
  const psLen = emLen - hLen - sLen - 2;
  let psNonZero = 0;
  for (let i = 0; i < psLen; i++) psNonZero |= DB[i]!;
  if (psNonZero !== 0) return inconsistent(10, `the ${psLen} leftmost octets of DB (PS) are not all zero: the salt is longer than ${sLen} bytes or the key is wrong`);
  if (DB[psLen] !== 0x01) return inconsistent(10, `the octet at position ${psLen + 1} of DB is 0x${toHex(DB.subarray(psLen, psLen + 1))}, not 0x01: the salt is not ${sLen} bytes or the key is wrong`);
  // Step 11: salt = the last sLen octets of DB.
  const salt = DB.slice(DB.length - sLen);
  // Step 12: M' = (0x)00 00 00 00 00 00 00 00 || mHash || salt.
  const mPrime = concatBytes(new Uint8Array(8), mHash, salt);
  // Step 13: H' = Hash(M').
  const HPrime = Hash.digest(mPrime);
  // Step 14: "If H = H', output 'consistent'. Otherwise, output 'inconsistent'."
  if (!equalBytes(H, HPrime)) return inconsistent(14, "H' = Hash(M') differs from H: the message is not the one that was signed");
  return { consistent: true, salt, H };
}

// ---------------------------------------------------------------------------------------------
// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) — RS256
// ---------------------------------------------------------------------------------------------

/** Every value computed by RSASSA-PKCS1-V1_5-SIGN (RFC 8017 §8.2.1), for the workshop to print. */
export interface Pkcs1v15SignatureSteps {
  /** Step 1: EM = EMSA-PKCS1-V1_5-ENCODE(M, k) and its parts. */
  encoding: Pkcs1v15Encoding;
  /** Step 2a: m = OS2IP(EM). */
  m: bigint;
  /** Step 2b: RSASP1's CRT intermediates. */
  crt: { s1: bigint; s2: bigint; h: bigint };
  /** Step 2b: s = RSASP1(K, m). */
  s: bigint;
  /** Step 2c: S = I2OSP(s, k), the k-byte signature. */
  signature: Uint8Array;
}

/**
 * RSASSA-PKCS1-V1_5-SIGN returning every intermediate value (EM, m, s1, s2, h, s, S).
 * @throws KitError MODULUS_TOO_SHORT ("RSA modulus too short") when the key is too small for the hash (step 1).
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-8.2.1
 */
export function rsassaPkcs1v15SignDetailed(K: RsaPrivateKey, M: Uint8Array, Hash: HashFunction): Pkcs1v15SignatureSteps {
  const k = modulusLength(K);
  // Step 1: EM = EMSA-PKCS1-V1_5-ENCODE(M, k); "intended encoded message length too short"
  // becomes "RSA modulus too short".
  let encoding: Pkcs1v15Encoding;
  try {
    encoding = emsaPkcs1v15Encode(M, k, Hash);
  } catch (error) {
    if (error instanceof KitError && error.code === "EM_TOO_SHORT") {
      throw new KitError("MODULUS_TOO_SHORT", `RSA modulus too short: a ${modulusBits(K)}-bit key cannot hold an RSASSA-PKCS1-v1_5 ${Hash.name} signature (RFC 8017 §8.2.1 step 1).`, error.hint);
    }
    throw error;
  }
  // Step 2a: m = OS2IP(EM).
  const m = os2ip(encoding.em);
  // Step 2b: s = RSASP1(K, m).
  const { s1, s2, h, s } = rsasp1Detailed(K, m);
  // Step 2c: S = I2OSP(s, k).
  const signature = i2osp(s, k);
  // Step 3: output S.
  return { encoding, m, crt: { s1, s2, h }, s, signature };
}

/**
 * RSASSA-PKCS1-V1_5-SIGN: the k-byte signature S of message M (RS256 when Hash is SHA-256).
 * @throws KitError MODULUS_TOO_SHORT ("RSA modulus too short") when the key is too small for the hash.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-8.2.1
 */
export function rsassaPkcs1v15Sign(K: RsaPrivateKey, M: Uint8Array, Hash: HashFunction): Uint8Array {
  return rsassaPkcs1v15SignDetailed(K, M, Hash).signature;
}

/**
 * RSASSA-PKCS1-V1_5-VERIFY: true for "valid signature", false for "invalid signature".
 * Verifies by encoding M again and comparing the whole EM (step 4) in constant time, never by
 * parsing the DigestInfo out of the signature (parsing verifiers have been fooled by forged padding).
 * @throws KitError MODULUS_TOO_SHORT ("RSA modulus too short") when the key is too small for the hash (step 3).
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-8.2.2
 */
export function rsassaPkcs1v15Verify(K: RsaPublicKey, M: Uint8Array, S: Uint8Array, Hash: HashFunction): boolean {
  const k = modulusLength(K);
  // Step 1: "If the length of the signature S is not k octets, output 'invalid signature'."
  if (S.length !== k) return false;
  // Step 2a: s = OS2IP(S).
  const s = os2ip(S);
  // Step 2b: m = RSAVP1((n, e), s); "signature representative out of range" means "invalid signature".
  if (s >= K.n) return false;
  const m = rsavp1(K, s);
  // Step 2c: EM = I2OSP(m, k); m < n < 256^k, so "integer too large" cannot happen.
  const EM = i2osp(m, k);
  // Step 3: EM' = EMSA-PKCS1-V1_5-ENCODE(M, k).
  let EMPrime: Uint8Array;
  try {
    EMPrime = emsaPkcs1v15Encode(M, k, Hash).em;
  } catch (error) {
    if (error instanceof KitError && error.code === "EM_TOO_SHORT") {
      throw new KitError("MODULUS_TOO_SHORT", `RSA modulus too short: a ${modulusBits(K)}-bit key cannot hold an RSASSA-PKCS1-v1_5 ${Hash.name} signature (RFC 8017 §8.2.2 step 3).`, error.hint);
    }
    throw error;
  }
  // Step 4: compare EM and EM'.
  return equalBytes(EM, EMPrime);
}

// ---------------------------------------------------------------------------------------------
// RSASSA-PSS (RFC 8017 §8.1) — PS256
// ---------------------------------------------------------------------------------------------

/**
 * A fresh random salt for RSASSA-PSS from crypto.getRandomValues. PS256 uses sLen = hLen = 32
 * (RFC 7518 §3.5), which is also what Entra ID and WebCrypto's saltLength: 32 expect.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-9.1.1
 */
export function randomPssSalt(sLen = 32): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(sLen));
}

/** Every value computed by RSASSA-PSS-SIGN (RFC 8017 §8.1.1), for the workshop to print. */
export interface PssSignatureSteps {
  /** emBits = modBits − 1, the EM bit length used in step 1. */
  emBits: number;
  /** Step 1: EM = EMSA-PSS-ENCODE(M, modBits − 1) and its parts. */
  encoding: PssEncoding;
  /** Step 2a: m = OS2IP(EM). */
  m: bigint;
  /** Step 2b: RSASP1's CRT intermediates. */
  crt: { s1: bigint; s2: bigint; h: bigint };
  /** Step 2b: s = RSASP1(K, m). */
  s: bigint;
  /** Step 2c: S = I2OSP(s, k), the k-byte signature. */
  signature: Uint8Array;
}

/**
 * RSASSA-PSS-SIGN returning every intermediate value.
 * @param salt the salt (sLen = salt.length; 32 bytes for PS256). Use {@link randomPssSalt} for real signatures.
 * @throws KitError PSS_ENCODING_ERROR ("encoding error") when the key is too small for hash and salt.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-8.1.1
 */
export function rsassaPssSignDetailed(K: RsaPrivateKey, M: Uint8Array, Hash: HashFunction, salt: Uint8Array): PssSignatureSteps {
  const modBits = modulusBits(K);
  const k = modulusLength(K);
  // Step 1: EM = EMSA-PSS-ENCODE(M, modBits - 1). EM is k - 1 octets when modBits - 1 is a multiple
  // of 8 (e.g. 2049-bit moduli), k octets otherwise.
  const emBits = modBits - 1;
  const encoding = emsaPssEncode(M, emBits, Hash, salt);
  // Step 2a: m = OS2IP(EM).
  const m = os2ip(encoding.em);
  // Step 2b: s = RSASP1(K, m).
  const { s1, s2, h, s } = rsasp1Detailed(K, m);
  // Step 2c: S = I2OSP(s, k).
  const signature = i2osp(s, k);
  // Step 3: output S.
  return { emBits, encoding, m, crt: { s1, s2, h }, s, signature };
}

/**
 * RSASSA-PSS-SIGN with MGF1 over the same hash: the k-byte signature S (PS256 when Hash is SHA-256
 * and the salt is 32 bytes).
 * @param salt the salt (sLen = salt.length). Use {@link randomPssSalt} for real signatures.
 * @throws KitError PSS_ENCODING_ERROR ("encoding error") when the key is too small for hash and salt.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-8.1.1
 */
export function rsassaPssSign(K: RsaPrivateKey, M: Uint8Array, Hash: HashFunction, salt: Uint8Array): Uint8Array {
  return rsassaPssSignDetailed(K, M, Hash, salt).signature;
}

/**
 * RSASSA-PSS-VERIFY with MGF1 over the same hash: true for "valid signature", false for "invalid signature".
 * @param sLen the salt length the signer used (32 for PS256).
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-8.1.2
 */
export function rsassaPssVerify(K: RsaPublicKey, M: Uint8Array, S: Uint8Array, Hash: HashFunction, sLen: number): boolean {
  const modBits = modulusBits(K);
  const k = modulusLength(K);
  // Step 1: "If the length of the signature S is not k octets, output 'invalid signature'."
  if (S.length !== k) return false;
  // Step 2a: s = OS2IP(S).
  const s = os2ip(S);
  // Step 2b: m = RSAVP1((n, e), s); "signature representative out of range" means "invalid signature".
  if (s >= K.n) return false;
  const m = rsavp1(K, s);
  // Step 2c: emLen = ⌈(modBits - 1)/8⌉; EM = I2OSP(m, emLen); "integer too large" means "invalid signature".
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (m >= 1n << BigInt(8 * emLen)) return false;
  const EM = i2osp(m, emLen);
  // Steps 3-4: Result = EMSA-PSS-VERIFY(M, EM, modBits - 1); "consistent" means "valid signature".
  return emsaPssVerify(M, EM, emBits, Hash, sLen).consistent;
}
