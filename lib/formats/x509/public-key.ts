/**
 * The public key inside a certificate, SubjectPublicKeyInfo (RFC 5280 §4.1.2.7): which kind of key
 * it is and how big, and, for building, that it is an RSA key (RFC 8017 Appendix A.1.1).
 *
 *   SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
 *
 * No printing and no I/O here.
 */

import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { KitError } from "../../errors.ts";
import { parseDerPrefix, parseOneDer } from "../der.ts";
import { OID, oidName } from "../oids.ts";

/** Curve OID → key size in bits (RFC 5480 §2.1.1.1 namedCurve). */
const CURVE_BITS: Readonly<Record<string, number>> = {
  [OID.prime256v1]: 256, // prime256v1 (P-256)
  [OID.secp384r1]: 384, // secp384r1 (P-384)
  [OID.secp521r1]: 521, // secp521r1 (P-521)
  [OID.secp256k1]: 256, // secp256k1
};

export interface RsaSpki {
  subjectPublicKey: Uint8Array;
  modulusBits: number;
  modulusBytes: number;
}

/** Checks that the SPKI is DER of an rsaEncryption key; returns the BIT STRING contents and modulus size. */
export function parseRsaSpki(spkiDer: Uint8Array): RsaSpki {
  let info: pkijs.PublicKeyInfo;
  try {
    info = new pkijs.PublicKeyInfo({ schema: parseOneDer(spkiDer, "SubjectPublicKeyInfo") });
  } catch {
    throw new KitError(
      "BAD_PUBLIC_KEY",
      "publicKeySpki is not a DER SubjectPublicKeyInfo.",
      "Pass the DER of the public key (RFC 5280 §4.1.2.7), e.g. createPublicKey(pem).export({ type: \"spki\", format: \"der\" }).",
    );
  }
  if (info.algorithm.algorithmId !== OID.rsaEncryption) {
    const alg = info.algorithm.algorithmId;
    throw new KitError(
      "NOT_RSA_KEY",
      `The public key is ${oidName(alg) ?? alg}, but this certificate is signed with sha256WithRSAEncryption and needs an RSA key.`,
      "Generate an RSA key (2048 bits, like New-SelfSignedCertificate -KeyLength 2048).",
    );
  }
  const subjectPublicKey = info.subjectPublicKey.valueBlock.valueHexView.slice();
  const modulusBits = rsaModulusBits(subjectPublicKey);
  return { subjectPublicKey, modulusBits, modulusBytes: Math.ceil(modulusBits / 8) };
}

/** The key type ("RSA", "EC", "Ed25519"…, or the algorithm's name or OID) and size in bits of a SubjectPublicKeyInfo; 0 bits when unknown. */
export function describePublicKey(spkiDer: Uint8Array): { keyType: string; keyBits: number } {
  let alg = "";
  try {
    const info = pkijs.PublicKeyInfo.fromBER(spkiDer.slice());
    alg = info.algorithm.algorithmId;
    const keyBytes = info.subjectPublicKey.valueBlock.valueHexView;
    switch (alg) {
      case OID.rsaEncryption:
        return { keyType: "RSA", keyBits: rsaModulusBits(keyBytes) };
      case OID.rsassaPss:
        return { keyType: "RSA-PSS", keyBits: rsaModulusBits(keyBytes) };
      case OID.ecPublicKey: {
        const params = info.algorithm.algorithmParams;
        const curve = params instanceof asn1js.ObjectIdentifier ? params.getValue() : "";
        // An uncompressed point is 04 || X || Y; fall back to that when the curve is not named.
        const fromPoint = keyBytes[0] === 0x04 ? ((keyBytes.length - 1) / 2) * 8 : 0;
        return { keyType: "EC", keyBits: CURVE_BITS[curve] ?? fromPoint };
      }
      case OID.ed25519:
        return { keyType: "Ed25519", keyBits: 256 };
      case OID.ed448:
        return { keyType: "Ed448", keyBits: 448 };
    }
  } catch {
    // fall through: unknown shape
  }
  return { keyType: alg ? (oidName(alg) ?? alg) : "unknown", keyBits: 0 };
}

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1). */
function rsaModulusBits(rsaPublicKeyDer: Uint8Array): number {
  const parsed = parseDerPrefix(rsaPublicKeyDer)?.block as asn1js.Sequence | undefined;
  const modulus = parsed?.valueBlock.value?.[0];
  if (!(modulus instanceof asn1js.Integer)) {
    throw new KitError("BAD_PUBLIC_KEY", "The RSA public key inside the SubjectPublicKeyInfo is malformed.", "Export the key again as SPKI DER.");
  }
  return bitLength(modulus.valueBlock.valueHexView);
}

/** The bytes without their leading zero bytes: the unsigned magnitude of a big-endian number. */
export function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.slice(i);
}

/** How many bits a big-endian unsigned number needs. */
function bitLength(magnitude: Uint8Array): number {
  const m = stripLeadingZeros(magnitude);
  if (m.length === 0) return 0;
  return (m.length - 1) * 8 + (32 - Math.clz32(m[0]!));
}
