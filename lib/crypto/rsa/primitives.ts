/**
 * The RSA primitives of RFC 8017:
 *  - §4, the data conversion primitives I2OSP and OS2IP, which turn integers into octet strings of a
 *    given length and back (big-endian);
 *  - §5.2, the signature primitive RSASP1 (s = m^d mod n, computed with the Chinese Remainder
 *    Theorem and checked against a fault) and the verification primitive RSAVP1 (m = s^e mod n).
 * The schemes of §8 call these on the encoded messages of §9.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-4
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-5.2
 */
import { fromHex, toHex } from "../../bytes.ts";
import { KitError } from "../../errors.ts";
import { mod, modPow } from "../modular.ts";
import type { RsaPrivateKey, RsaPublicKey } from "./keys.ts";

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
