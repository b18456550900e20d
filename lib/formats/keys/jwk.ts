/**
 * RSA keys as JSON Web Keys (RFC 7517; the RSA members are RFC 7518 §6.3): { kty: "RSA", n, e } and
 * the private members d, p, q, dp, dq, qi, each a Base64urlUInt.
 */
import { KitError } from "../../errors.ts";
import { modInverse, type RsaPrivateKey, type RsaPublicKey } from "../../crypto/rsa/index.ts";
import { checkRsaPrivateKey, recoverPrimeFactors } from "./check.ts";
import { ecKeyError, inconsistent } from "./errors.ts";
import { base64urlUIntToBigint, bigintToBase64urlUInt } from "./integers.ts";

/** A public key as a JSON Web Key (RFC 7518 §6.3.1). */
export interface RsaPublicJwk {
  kty: "RSA";
  n: string;
  e: string;
}

/** A private key as a JSON Web Key with all of RFC 7518 §6.3.2's members. */
export interface RsaPrivateJwk extends RsaPublicJwk {
  d: string;
  p: string;
  q: string;
  dp: string;
  dq: string;
  qi: string;
}

/**
 * Reads an RSA private key from a JWK (RFC 7518 §6.3.2). Only n, e and d are required: missing
 * dp, dq and qi are derived (dP = d mod (p − 1), dQ = d mod (q − 1), qInv = q⁻¹ mod p), and missing
 * p and q are recovered from n, e and d (NIST SP 800-56B Rev. 2 Appendix C.2).
 * @throws KitError EC_KEY for kty "EC", NOT_RSA_KEY, NOT_PRIVATE_KEY (no "d"), BAD_JWK, MULTI_PRIME_KEY
 *   or RSA_KEY_INCONSISTENT.
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-6.3.2
 */
export function rsaPrivateKeyFromJwk(jwk: object): RsaPrivateKey {
  const members = jwkMembers(jwk, true);
  const value = (name: string) => base64urlUIntToBigint(members, name);
  const n = value("n");
  const e = value("e");
  const d = value("d")!;
  if (n === undefined || e === undefined) throw new KitError("BAD_JWK", "The JWK lacks the modulus \"n\" or the exponent \"e\".", "Export the key again with all its members.");
  if (n <= 1n) throw inconsistent("the modulus n must be greater than 1");
  let p = value("p");
  let q = value("q");
  if (p === undefined && q === undefined) ({ p, q } = recoverPrimeFactors(n, e, d));
  else if (p === undefined) p = q! > 1n ? n / q! : 0n;
  else if (q === undefined) q = p > 1n ? n / p : 0n;
  if (p! <= 1n || q! <= 1n || p! * q! !== n) throw inconsistent("p · q is not n");
  const P = p!;
  const Q = q!;
  const key: RsaPrivateKey = {
    n,
    e,
    d,
    p: P,
    q: Q,
    dp: value("dp") ?? d % (P - 1n),
    dq: value("dq") ?? d % (Q - 1n),
    qi: value("qi") ?? modInverse(Q, P),
  };
  checkRsaPrivateKey(key);
  return key;
}

/**
 * Reads an RSA public key from a JWK (RFC 7518 §6.3.1); private members, if any, are ignored.
 * @throws KitError EC_KEY for kty "EC", NOT_RSA_KEY or BAD_JWK.
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-6.3.1
 */
export function rsaPublicKeyFromJwk(jwk: object): RsaPublicKey {
  const members = jwkMembers(jwk, false);
  const n = base64urlUIntToBigint(members, "n");
  const e = base64urlUIntToBigint(members, "e");
  if (n === undefined || e === undefined) throw new KitError("BAD_JWK", "The JWK lacks the modulus \"n\" or the exponent \"e\".", "Export the key again with all its members.");
  return { n, e };
}

/**
 * A public key as a JWK: { kty: "RSA", n, e } with Base64urlUInt values (RFC 7518 §6.3.1).
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-6.3.1
 */
export function rsaPublicKeyToJwk(key: RsaPublicKey): RsaPublicJwk {
  return { kty: "RSA", n: bigintToBase64urlUInt(key.n), e: bigintToBase64urlUInt(key.e) };
}

/**
 * A private key as a JWK with all the members of RFC 7518 §6.3.2 (d, p, q, dp, dq, qi).
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-6.3.2
 */
export function rsaPrivateKeyToJwk(key: RsaPrivateKey): RsaPrivateJwk {
  return {
    ...rsaPublicKeyToJwk(key),
    d: bigintToBase64urlUInt(key.d),
    p: bigintToBase64urlUInt(key.p),
    q: bigintToBase64urlUInt(key.q),
    dp: bigintToBase64urlUInt(key.dp),
    dq: bigintToBase64urlUInt(key.dq),
    qi: bigintToBase64urlUInt(key.qi),
  };
}

/** The members of a JWK that is an RSA key (kty "RSA", two primes; with "d" when `wantPrivate`), or the KitError that says what it is instead. */
function jwkMembers(jwk: object, wantPrivate: boolean): Record<string, unknown> {
  if (jwk === null || typeof jwk !== "object" || Array.isArray(jwk)) {
    throw new KitError("BAD_JWK", "The JWK is not a JSON object.", "Pass the parsed JSON object of the key.");
  }
  const members = jwk as Record<string, unknown>;
  const kty = members.kty;
  if (kty === "EC") throw ecKeyError("This JWK");
  if (kty !== "RSA") {
    throw new KitError("NOT_RSA_KEY", `The JWK has kty ${JSON.stringify(kty)}, not "RSA".`, "Use the RSA key that belongs to your certificate.");
  }
  if (members.oth !== undefined) {
    throw new KitError("MULTI_PRIME_KEY", "This JWK is a multi-prime RSA key (it has \"oth\"), which the kit does not support.", "Use an ordinary two-prime RSA key.");
  }
  if (wantPrivate && members.d === undefined) {
    throw new KitError("NOT_PRIVATE_KEY", "The JWK has no \"d\" member, so it is a public key, not a private key.", "Export the private key (the JWK with d, p, q, dp, dq and qi).");
  }
  return members;
}
