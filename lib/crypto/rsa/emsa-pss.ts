/**
 * EMSA-PSS, RFC 8017 §9.1: the probabilistic encoding behind RSASSA-PSS (PS256), with its mask
 * generation function MGF1 (Appendix B.2.1) over the same hash. EM = maskedDB || H || 0xbc, where
 * H = Hash(00…00 || Hash(M) || salt) and maskedDB hides PS || 0x01 || salt under MGF1(H).
 *
 * Verification (§9.1.2) reports which of its checks failed, by step number, rather than only
 * "inconsistent", so a rejected signature can be explained.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-9.1
 * @see https://www.rfc-editor.org/rfc/rfc8017#appendix-B.2.1
 */
import { concatBytes, equalBytes, toHex } from "../../bytes.ts";
import { KitError } from "../../errors.ts";
import type { HashFunction } from "../hash.ts";
import { i2osp } from "./primitives.ts";

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
 * A fresh random salt for RSASSA-PSS from crypto.getRandomValues. PS256 uses sLen = hLen = 32
 * (RFC 7518 §3.5), which is also what Entra ID and WebCrypto's saltLength: 32 expect.
 * It is the salt of EMSA-PSS-ENCODE step 4: "Generate a random octet string salt of length sLen".
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-9.1.1
 */
export function randomPssSalt(sLen = 32): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(sLen));
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
