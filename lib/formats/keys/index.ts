/**
 * RSA key files in and out: PKCS #8 and PKCS #1 DER/PEM private keys, SubjectPublicKeyInfo public
 * keys and JSON Web Keys, all read into the plain bigint records of lib/crypto/rsa.
 *
 *   pkcs1.ts            RSAPrivateKey and RSAPublicKey (RFC 8017 Appendix A.1)
 *   pkcs8.ts            PrivateKeyInfo (RFC 5208 §5, RFC 5958) and SubjectPublicKeyInfo (RFC 5280 §4.1.2.7)
 *   private-key-pem.ts  the key in a PEM file (RFC 7468)
 *   jwk.ts              JSON Web Keys (RFC 7517, RFC 7518 §6.3)
 *   check.ts            checkRsaPrivateKey, publicKeyOf, keysMatch (RFC 8017 §3)
 *   generate.ts         generateRsaPrivateKey (WebCrypto)
 *   errors.ts, integers.ts, schema.ts: what those share
 */

export { checkRsaPrivateKey, keysMatch, publicKeyOf } from "./check.ts";
export { generateRsaPrivateKey } from "./generate.ts";
export { rsaPrivateKeyFromJwk, rsaPrivateKeyToJwk, rsaPublicKeyFromJwk, rsaPublicKeyToJwk, type RsaPrivateJwk, type RsaPublicJwk } from "./jwk.ts";
export { rsaPrivateKeyFromPkcs1, rsaPrivateKeyToPkcs1, rsaPublicKeyFromPkcs1, rsaPublicKeyToPkcs1 } from "./pkcs1.ts";
export { rsaPrivateKeyFromPkcs8, rsaPrivateKeyToPkcs8, rsaPublicKeyFromSpki, rsaPublicKeyToSpki } from "./pkcs8.ts";
export { rsaPrivateKeyFromPem } from "./private-key-pem.ts";
