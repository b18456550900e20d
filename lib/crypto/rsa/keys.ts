/**
 * RSA keys, RFC 8017 §3: the public key (n, e) of §3.1, the private key of §3.2 in both of its
 * representations, and the two sizes every scheme starts from, modBits and k.
 *
 * The kit keeps keys as plain records of bigints; lib/formats/keys reads them from PKCS #8, PKCS #1,
 * PKCS #12 and JWK.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-3
 */
import { KitError } from "../../errors.ts";

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
