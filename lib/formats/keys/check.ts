/**
 * The relations between an RSA key's numbers (RFC 8017 §3.1-3.2): checking a private key, the
 * public half of one, whether a private and a public key are one pair, and recovering p and q
 * from n, e and d (NIST SP 800-56B Rev. 2 Appendix C.2) for JWKs that leave them out.
 */
import { modPow, type RsaPrivateKey, type RsaPublicKey } from "../../crypto/rsa/index.ts";
import { inconsistent } from "./errors.ts";

/**
 * Checks the relations RFC 8017 §3.1-3.2 requires between a private key's numbers: n = p·q,
 * 3 ≤ e < n odd, e·d ≡ 1 (mod p − 1) and (mod q − 1) (so mod λ(n)), e·dP ≡ 1 (mod p − 1) with
 * 0 < dP < p − 1, the same for dQ, and q·qInv ≡ 1 (mod p) with 0 < qInv < p. It does not test that
 * p and q are prime.
 * @throws KitError RSA_KEY_INCONSISTENT naming the first relation that fails.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-3.2
 */
export function checkRsaPrivateKey(key: RsaPrivateKey): void {
  const { n, e, d, p, q, dp, dq, qi } = key;
  if (n <= 0n || p <= 1n || q <= 1n) throw inconsistent("n, p and q must be positive and p, q greater than 1");
  if (p * q !== n) throw inconsistent("p · q is not n");
  if (e < 3n || e >= n || e % 2n === 0n) throw inconsistent("e must be an odd integer between 3 and n − 1");
  if (d <= 0n || d >= n) throw inconsistent("d must be between 1 and n − 1");
  if ((e * d) % (p - 1n) !== 1n || (e * d) % (q - 1n) !== 1n) throw inconsistent("e · d is not 1 modulo λ(n)");
  if (dp <= 0n || dp >= p - 1n || (e * dp) % (p - 1n) !== 1n) throw inconsistent("e · dP is not 1 modulo p − 1");
  if (dq <= 0n || dq >= q - 1n || (e * dq) % (q - 1n) !== 1n) throw inconsistent("e · dQ is not 1 modulo q − 1");
  if (qi <= 0n || qi >= p || (q * qi) % p !== 1n) throw inconsistent("q · qInv is not 1 modulo p");
}

/**
 * The public half (n, e) of a private key.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-3.1
 */
export function publicKeyOf(key: RsaPrivateKey): RsaPublicKey {
  return { n: key.n, e: key.e };
}

/**
 * Whether a private key and a public key (from a certificate, say) are the same RSA key pair: equal
 * modulus n and public exponent e.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-3.1
 */
export function keysMatch(privateKey: RsaPrivateKey, publicKey: RsaPublicKey): boolean {
  return privateKey.n === publicKey.n && privateKey.e === publicKey.e;
}

/**
 * Recovers p and q from (n, e, d), following NIST SP 800-56B Rev. 2 Appendix C.2: write e·d − 1 =
 * 2^t · r with r odd; for a base g, the sequence g^r, g^2r, …, g^(2^t·r) = 1 (mod n) usually meets a
 * square root y of 1 other than ±1, and then gcd(y − 1, n) is a factor. Each base works with
 * probability at least 1/2; the bases 2, 3, 4, … are tried in turn so the result is deterministic.
 */
export function recoverPrimeFactors(n: bigint, e: bigint, d: bigint): { p: bigint; q: bigint } {
  const k = d * e - 1n;
  if (k <= 0n || k % 2n !== 0n) throw inconsistent("e · d − 1 must be even and positive");
  let r = k;
  let t = 0;
  while (r % 2n === 0n) {
    r /= 2n;
    t++;
  }
  const wrongD = () => inconsistent("d is not the private exponent for n and e, so p and q cannot be recovered");
  // SP 800-56B Appendix C.2 step 3: up to 100 bases.
  for (let g = 2n; g < 102n; g++) {
    let y = modPow(g, r, n);
    if (y === 1n || y === n - 1n) continue; // a trivial root: try the next base
    let trivial = false;
    for (let i = 0; i < t; i++) {
      const x = (y * y) % n;
      if (x === 1n) {
        // y² ≡ 1 with y ≢ ±1: y − 1 shares exactly one prime with n (step 5).
        const p = gcd(y - 1n, n);
        const q = n / p;
        return p > q ? { p, q } : { p: q, q: p };
      }
      if (x === n - 1n) {
        trivial = true;
        break;
      }
      y = x;
    }
    // Without reaching 1, g^(e·d − 1) ≢ 1 (mod n): d cannot be the private exponent.
    if (!trivial) throw wrongD();
  }
  throw wrongD();
}

/** Greatest common divisor (Euclid), non-negative. */
function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}
