/**
 * RSA signatures from RFC 8017 (PKCS #1 v2.2), written out step by step for the workshop.
 *
 * Two schemes matter for Entra ID certificate credentials:
 *  - RSASSA-PKCS1-v1_5 with SHA-256, which JOSE calls "RS256" (RFC 7518 §3.3), and
 *  - RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt, which JOSE calls "PS256" (RFC 7518 §3.5).
 *
 * Every function is named after the RFC 8017 primitive or operation it implements and its comments
 * use the RFC's step numbers and variable names, so the code can be read side by side with the RFC.
 * The hash is always a parameter (RFC 8017's "Hash" option), so the same code runs with SHA-1 or SHA-256.
 *
 * One file per part of the RFC, each building only on the ones above it:
 *   keys.ts               §3     RSA public and private keys, modBits and k
 *   primitives.ts         §4     I2OSP, OS2IP
 *                         §5.2   RSASP1 (with the CRT and a fault check), RSAVP1
 *   emsa-pkcs1-v1_5.ts    §9.2   EMSA-PKCS1-v1_5 and the DigestInfo prefixes of Note 1
 *   emsa-pss.ts           §9.1   EMSA-PSS encode and verify, with MGF1 (Appendix B.2.1)
 *   rsassa-pkcs1-v1_5.ts  §8.2   RSASSA-PKCS1-v1_5 sign and verify (RS256)
 *   rsassa-pss.ts         §8.1   RSASSA-PSS sign and verify (PS256)
 * and ../modular.ts for the modular arithmetic (modPow, modInverse), re-exported here.
 * This file only re-exports them: import from lib/crypto/rsa/index.ts.
 *
 * This is teaching code: BigInt arithmetic in JavaScript does not run in constant time, so these
 * functions leak timing information about the private key. Production code should sign with
 * WebCrypto or node:crypto; the kit's tests check that the bytes here match theirs.
 * @see https://www.rfc-editor.org/rfc/rfc8017
 */
export { modInverse, modPow } from "../modular.ts";
export { modulusBits, modulusLength, type RsaPrivateKey, type RsaPublicKey } from "./keys.ts";
export { i2osp, os2ip, rsasp1, rsasp1Detailed, rsavp1, type Rsasp1Steps } from "./primitives.ts";
export { DIGEST_INFO_PREFIX, emsaPkcs1v15Encode, type Pkcs1v15Encoding } from "./emsa-pkcs1-v1_5.ts";
export { emsaPssEncode, emsaPssVerify, mgf1, randomPssSalt, type PssEncoding, type PssVerification } from "./emsa-pss.ts";
export { rsassaPkcs1v15Sign, rsassaPkcs1v15SignDetailed, rsassaPkcs1v15Verify, type Pkcs1v15SignatureSteps } from "./rsassa-pkcs1-v1_5.ts";
export { rsassaPssSign, rsassaPssSignDetailed, rsassaPssVerify, type PssSignatureSteps } from "./rsassa-pss.ts";
