/**
 * An independent modular exponentiation for the RSA tests: right-to-left square-and-multiply, written
 * without lib/crypto/modular.ts (so it checks it rather than mirrors it).
 */
export function naiveModPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus === 1n) return 0n;
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}
