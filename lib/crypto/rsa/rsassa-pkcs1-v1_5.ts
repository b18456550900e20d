/**
 * RSASSA-PKCS1-v1_5, RFC 8017 §8.2: the signature scheme JOSE calls "RS256" when the hash is SHA-256
 * (RFC 7518 §3.3). Signing is EMSA-PKCS1-v1_5 (§9.2), OS2IP and RSASP1; verifying recomputes EM and
 * compares it whole.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-8.2
 */
import { equalBytes } from "../../bytes.ts";
import { KitError } from "../../errors.ts";
import type { HashFunction } from "../hash.ts";
import { emsaPkcs1v15Encode, type Pkcs1v15Encoding } from "./emsa-pkcs1-v1_5.ts";
import { modulusBits, modulusLength, type RsaPrivateKey, type RsaPublicKey } from "./keys.ts";
import { i2osp, os2ip, rsasp1Detailed, rsavp1 } from "./primitives.ts";

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
