/**
 * The password-based encryption a PFX may use, by OID, and what the kit does with each (RFC 7292
 * Appendix C, RFC 8018):
 *   - PBES2 (RFC 8018 §6.2): PBKDF2 with an HMAC, then AES-CBC. pkijs runs these through WebCrypto;
 *     here they are only described and checked, so that an unsupported PRF or cipher is named.
 *   - The PKCS#12 PBE algorithms (RFC 7292 Appendix C): key and IV from the PKCS#12 KDF of ./kdf.ts
 *     with SHA-1, then triple DES (node:crypto's des-ede3-cbc, in OpenSSL 3's default provider,
 *     through lib/oracle.ts) or RC2 (the pure-TypeScript ./rc2.ts: RC2 is only in OpenSSL's
 *     legacy provider, which this kit never asks for). Decryption only: the kit never writes them.
 *   - The MAC digests of a MacData (RFC 7292 §4, Appendix B.4).
 *   - Algorithms recognised but not implemented, so an error can name them.
 *
 * No printing and no I/O here.
 */

import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { KitError } from "../../errors.ts";
import { nodeCbcDecrypt, type NodeHashName } from "../../oracle.ts";
import { OID } from "../oids.ts";
import { PKCS12_KDF_ID, type Pkcs12KdfHash, pkcs12Kdf } from "./kdf.ts";
import { rc2CbcDecrypt } from "./rc2.ts";

/** PBKDF2's pseudo-random functions (RFC 8018 B.1): OID to WebCrypto/display hash name. */
const PBKDF2_PRFS: Record<string, "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512"> = {
  [OID.hmacWithSHA1]: "SHA-1", // hmacWithSHA1
  [OID.hmacWithSHA256]: "SHA-256", // hmacWithSHA256
  [OID.hmacWithSHA384]: "SHA-384", // hmacWithSHA384
  [OID.hmacWithSHA512]: "SHA-512", // hmacWithSHA512
};

/** PBES2 encryption schemes that WebCrypto (and so pkijs) can run (RFC 8018 B.2.5, AES-CBC-Pad). */
const PBES2_CIPHERS: Record<string, string> = {
  [OID.aes128Cbc]: "AES-128-CBC", // aes128-CBC-PAD
  [OID.aes192Cbc]: "AES-192-CBC", // aes192-CBC-PAD
  [OID.aes256Cbc]: "AES-256-CBC", // aes256-CBC-PAD
};

/** Digests allowed in a PKCS#12 MacData (RFC 7292 §4 / Appendix B.4, plus RFC 9579's SHA-2 use). */
export const MAC_DIGESTS: Record<string, { hash: Pkcs12KdfHash; node: NodeHashName; length: number }> = {
  [OID.sha1]: { hash: "SHA-1", node: "sha1", length: 20 }, // id-sha1
  [OID.sha256]: { hash: "SHA-256", node: "sha256", length: 32 }, // id-sha256
  [OID.sha384]: { hash: "SHA-384", node: "sha384", length: 48 }, // id-sha384
  [OID.sha512]: { hash: "SHA-512", node: "sha512", length: 64 }, // id-sha512
};

/**
 * The PKCS#12 password-based encryption algorithms (RFC 7292 Appendix C). All use SHA-1 in the
 * Appendix B KDF: ID 1 for the key, ID 2 for the 8-byte IV.
 */
export interface LegacyPbe {
  name: string;
  keyLength: number;
  /** des-ede3-cbc, or RC2 with this many effective key bits (RFC 2268 §2). */
  cipher: { kind: "3des" } | { kind: "rc2"; effectiveBits: number };
}

/** The Appendix C algorithms the kit decrypts, by OID (RC4 is recognised but not implemented: see KNOWN_UNSUPPORTED). */
export const LEGACY_PBE: Record<string, LegacyPbe> = {
  [OID.pbeWithSHAAnd3KeyTripleDesCbc]: { name: "pbeWithSHAAnd3-KeyTripleDES-CBC", keyLength: 24, cipher: { kind: "3des" } },
  [OID.pbeWithSHAAnd2KeyTripleDesCbc]: { name: "pbeWithSHAAnd2-KeyTripleDES-CBC", keyLength: 16, cipher: { kind: "3des" } },
  [OID.pbeWithSHAAnd128BitRc2Cbc]: { name: "pbeWithSHAAnd128BitRC2-CBC", keyLength: 16, cipher: { kind: "rc2", effectiveBits: 128 } },
  [OID.pbeWithSHAAnd40BitRc2Cbc]: { name: "pbeWithSHAAnd40BitRC2-CBC", keyLength: 5, cipher: { kind: "rc2", effectiveBits: 40 } },
};

/** Algorithms we recognise but do not implement, so an error can name them. */
const KNOWN_UNSUPPORTED: Record<string, string> = {
  [OID.pbeWithSHAAnd128BitRc4]: "pbeWithSHAAnd128BitRC4", // RFC 7292 Appendix C
  [OID.pbeWithSHAAnd40BitRc4]: "pbeWithSHAAnd40BitRC4", // RFC 7292 Appendix C
  [OID.pbeWithMD5AndDesCbc]: "pbeWithMD5AndDES-CBC", // PBES1, RFC 8018 A.3
  [OID.pbeWithSHA1AndDesCbc]: "pbeWithSHA1AndDES-CBC", // PBES1, RFC 8018 A.3
  [OID.desEde3Cbc]: "DES-EDE3-CBC", // des-EDE3-CBC as a PBES2 scheme (RFC 8018 B.2.2)
  [OID.pbmac1]: "PBMAC1", // id-PBMAC1 (RFC 9579), OpenSSL 3.4+ -pbmac1_pbkdf2
  [OID.signedData]: "public-key integrity mode (signedData)", // RFC 7292 §3.1
  [OID.envelopedData]: "public-key privacy mode (envelopedData)", // RFC 7292 §3.1
};

/** PFX_UNSUPPORTED naming the algorithm and its OID, e.g. "uses pbeWithSHAAnd128BitRC4 (OID ...) for its encryption". */
export function unsupported(role: string, oid: string): KitError {
  const name = LEGACY_PBE[oid]?.name ?? KNOWN_UNSUPPORTED[oid];
  const algorithm = name ? `${name} (OID ${oid})` : `an algorithm the kit does not know (OID ${oid})`;
  return new KitError(
    "PFX_UNSUPPORTED",
    `This PFX uses ${algorithm} for ${role}, which the kit cannot read.`,
    "Re-export it with the defaults of OpenSSL 3 (openssl pkcs12 -export, no -legacy) or Windows (Export-PfxCertificate -CryptoAlgorithmOption AES256_SHA256).",
  );
}

/** RFC 7292 Appendix C: pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }. */
function readPbeParams(params: unknown): { salt: Uint8Array; iterations: number } {
  if (params instanceof asn1js.Sequence) {
    const [salt, iterations] = params.valueBlock.value;
    if (salt instanceof asn1js.OctetString && iterations instanceof asn1js.Integer && iterations.valueBlock.valueDec >= 1) {
      return { salt: new Uint8Array(salt.getValue()), iterations: iterations.valueBlock.valueDec };
    }
  }
  throw new KitError("NOT_PFX", "The PFX is damaged: its encryption parameters (salt and iteration count) do not parse.", "Export the PFX again.");
}

/** Decrypts with one of the Appendix C algorithms; `password` is already formatted (B.1). */
export function decryptLegacyPbe(pbe: LegacyPbe, params: unknown, password: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const { salt, iterations } = readPbeParams(params);
  // RFC 7292 B.2 with SHA-1: ID 1 gives the key, ID 2 the IV (B.3).
  const key = pkcs12Kdf({ password, salt, id: PKCS12_KDF_ID.KEY, iterations, length: pbe.keyLength });
  const iv = pkcs12Kdf({ password, salt, id: PKCS12_KDF_ID.IV, iterations, length: 8 });
  if (pbe.cipher.kind === "rc2") return rc2CbcDecrypt(key, pbe.cipher.effectiveBits, iv, ciphertext);
  // Two-key triple DES is three-key triple DES with K3 = K1.
  const key3 = pbe.keyLength === 16 ? new Uint8Array([...key, ...key.subarray(0, 8)]) : key;
  return nodeCbcDecrypt("des-ede3-cbc", key3, iv, ciphertext); // removes the PKCS#7 padding too
}

/** "PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)" from a PBES2 AlgorithmIdentifier (RFC 8018 A.4). */
export function describePbes2(algorithm: pkijs.AlgorithmIdentifier): string {
  let pbes2: pkijs.PBES2Params;
  let pbkdf2: pkijs.PBKDF2Params;
  try {
    pbes2 = new pkijs.PBES2Params({ schema: algorithm.algorithmParams });
  } catch {
    throw new KitError("NOT_PFX", "The PFX is damaged: its PBES2 parameters do not parse.", "Export the PFX again.");
  }
  if (pbes2.keyDerivationFunc.algorithmId !== OID.pbkdf2) throw unsupported("its key derivation", pbes2.keyDerivationFunc.algorithmId);
  try {
    pbkdf2 = new pkijs.PBKDF2Params({ schema: pbes2.keyDerivationFunc.algorithmParams });
  } catch {
    throw new KitError("NOT_PFX", "The PFX is damaged: its PBKDF2 parameters do not parse.", "Export the PFX again.");
  }
  // RFC 8018 A.2: the PRF defaults to hmacWithSHA1 when absent.
  const prfOid = pbkdf2.prf?.algorithmId ?? OID.hmacWithSHA1;
  const prf = PBKDF2_PRFS[prfOid];
  if (!prf) throw unsupported("its PBKDF2 pseudo-random function", prfOid);
  const cipher = PBES2_CIPHERS[pbes2.encryptionScheme.algorithmId];
  if (!cipher) throw unsupported("its PBES2 cipher", pbes2.encryptionScheme.algorithmId);
  return `PBES2 (PBKDF2-HMAC-${hashLabel(prf)}, ${cipher})`;
}

/** "SHA-256" as people write it in algorithm names: "SHA256" (HMAC-SHA256, PBKDF2-HMAC-SHA256). */
export function hashLabel(hash: string): string {
  return hash.replace("-", "");
}

/** The human name of a bag's or container's encryption algorithm. */
export function describeEncryption(algorithm: pkijs.AlgorithmIdentifier): string {
  if (algorithm.algorithmId === OID.pbes2) return describePbes2(algorithm);
  const legacy = LEGACY_PBE[algorithm.algorithmId];
  if (legacy) return legacy.name;
  throw unsupported("its encryption", algorithm.algorithmId);
}
