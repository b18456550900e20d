/**
 * PKCS #1 RSA keys (RFC 8017 Appendix A.1): RSAPrivateKey, the body of a PEM "RSA PRIVATE KEY"
 * file, and RSAPublicKey, what a SubjectPublicKeyInfo's BIT STRING holds.
 *
 *   RSAPublicKey  ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
 *   RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, privateExponent, prime1, prime2,
 *                                exponent1, exponent2, coefficient, otherPrimeInfos OPTIONAL }
 *
 * The DER structures are parsed and built with asn1js against pkijs's schemas.
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { KitError } from "../../errors.ts";
import type { RsaPrivateKey, RsaPublicKey } from "../../crypto/rsa/index.ts";
import { parseOneDer, sniffDer } from "../der.ts";
import { checkRsaPrivateKey } from "./check.ts";
import { ecKeyError } from "./errors.ts";
import { bigintToDerInteger, derIntegerToBigint } from "./integers.ts";
import { matchSchema } from "./schema.ts";

/**
 * Reads a PKCS #1 RSAPrivateKey (DER): SEQUENCE { version, modulus, publicExponent,
 * privateExponent, prime1, prime2, exponent1, exponent2, coefficient, otherPrimeInfos OPTIONAL }.
 * This is the body of a PEM file labelled "RSA PRIVATE KEY".
 * @throws KitError NOT_PKCS1, EC_KEY, MULTI_PRIME_KEY, BAD_DER, BAD_KEY_FILE or RSA_KEY_INCONSISTENT.
 * @see https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2
 */
export function rsaPrivateKeyFromPkcs1(der: Uint8Array): RsaPrivateKey {
  const where = "the PKCS #1 RSAPrivateKey";
  const root = parseOneDer(der, "PKCS #1 RSAPrivateKey");
  const fields = matchSchema(
    root,
    pkijs.RSAPrivateKey.schema({
      names: { version: "version", modulus: "n", publicExponent: "e", privateExponent: "d", prime1: "p", prime2: "q", exponent1: "dp", exponent2: "dq", coefficient: "qi", otherPrimeInfosName: "oth" },
    }),
  );
  if (!fields) {
    if (sniffDer(der) === "ec-private-key") throw ecKeyError("This key");
    throw new KitError("NOT_PKCS1", "The DER bytes are not a PKCS #1 RSAPrivateKey.", "If the PEM label was \"PRIVATE KEY\", read it as PKCS #8 (rsaPrivateKeyFromPkcs8) instead.");
  }
  // Appendix A.1.2: version is 0 for two-prime keys and 1 when otherPrimeInfos is present.
  const version = (fields.version as asn1js.Integer).valueBlock.valueDec;
  if (version !== 0 || fields.oth !== undefined) {
    throw new KitError("MULTI_PRIME_KEY", "This is a multi-prime RSA key (more than two primes), which the kit does not support.", "Use an ordinary two-prime RSA key, as every common tool generates.");
  }
  const get = (name: string, label: string) => derIntegerToBigint(fields[name] as asn1js.Integer, label, where);
  const key: RsaPrivateKey = {
    n: get("n", "modulus"),
    e: get("e", "publicExponent"),
    d: get("d", "privateExponent"),
    p: get("p", "prime1"),
    q: get("q", "prime2"),
    dp: get("dp", "exponent1"),
    dq: get("dq", "exponent2"),
    qi: get("qi", "coefficient"),
  };
  checkRsaPrivateKey(key);
  return key;
}

/**
 * Encodes a private key as a PKCS #1 RSAPrivateKey (DER), version 0 (two primes).
 * @see https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2
 */
export function rsaPrivateKeyToPkcs1(key: RsaPrivateKey): Uint8Array {
  const structure = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      bigintToDerInteger(key.n),
      bigintToDerInteger(key.e),
      bigintToDerInteger(key.d),
      bigintToDerInteger(key.p),
      bigintToDerInteger(key.q),
      bigintToDerInteger(key.dp),
      bigintToDerInteger(key.dq),
      bigintToDerInteger(key.qi),
    ],
  });
  return new Uint8Array(structure.toBER());
}

/**
 * Reads a PKCS #1 RSAPublicKey (DER): SEQUENCE { modulus INTEGER, publicExponent INTEGER }.
 * @throws KitError NOT_RSA_PUBLIC_KEY, BAD_DER or BAD_KEY_FILE.
 * @see https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.1
 */
export function rsaPublicKeyFromPkcs1(der: Uint8Array): RsaPublicKey {
  const where = "the RSAPublicKey";
  const root = parseOneDer(der, "PKCS #1 RSAPublicKey");
  const fields = matchSchema(root, pkijs.RSAPublicKey.schema({ names: { modulus: "n", publicExponent: "e" } }));
  if (!fields) throw new KitError("NOT_RSA_PUBLIC_KEY", "The DER bytes are not a PKCS #1 RSAPublicKey.", "Pass an RSA public key, such as the one in your certificate.");
  return { n: derIntegerToBigint(fields.n as asn1js.Integer, "modulus", where), e: derIntegerToBigint(fields.e as asn1js.Integer, "publicExponent", where) };
}

/**
 * Encodes a public key as a PKCS #1 RSAPublicKey (DER).
 * @see https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.1
 */
export function rsaPublicKeyToPkcs1(key: RsaPublicKey): Uint8Array {
  return new Uint8Array(new asn1js.Sequence({ value: [bigintToDerInteger(key.n), bigintToDerInteger(key.e)] }).toBER());
}
