/**
 * RSASSA-PSS, RFC 8017 §8.1: the signature scheme JOSE calls "PS256" with SHA-256, MGF1-SHA-256 and a
 * 32-byte salt (RFC 7518 §3.5). Signing is EMSA-PSS (§9.1) over modBits − 1 bits, OS2IP and RSASP1;
 * verifying is RSAVP1 and EMSA-PSS-VERIFY.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-8.1
 */
import type { HashFunction } from "../hash.ts";
import { emsaPssEncode, emsaPssVerify, type PssEncoding } from "./emsa-pss.ts";
import { modulusBits, modulusLength, type RsaPrivateKey, type RsaPublicKey } from "./keys.ts";
import { i2osp, os2ip, rsasp1Detailed, rsavp1 } from "./primitives.ts";

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
 * @param salt the salt (sLen = salt.length; 32 bytes for PS256). Use randomPssSalt (emsa-pss.ts) for real signatures.
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
 * @param salt the salt (sLen = salt.length). Use randomPssSalt (emsa-pss.ts) for real signatures.
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
