/**
 * RSA keys in their algorithm wrappers: the PKCS #8 PrivateKeyInfo of a PEM "PRIVATE KEY" file
 * (RFC 5208 §5, RFC 5958 §2) and the SubjectPublicKeyInfo of a PEM "PUBLIC KEY" file and of every
 * certificate (RFC 5280 §4.1.2.7). Both name the algorithm (rsaEncryption, or id-RSASSA-PSS for
 * PSS-only keys) and hold the PKCS #1 key of ./pkcs1.ts.
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { toArrayBuffer } from "../../bytes.ts";
import { KitError } from "../../errors.ts";
import type { RsaPrivateKey, RsaPublicKey } from "../../crypto/rsa/index.ts";
import { parseOneDer, sniffDer } from "../der.ts";
import { OID } from "../oids.ts";
import { ecKeyError, encryptedKeyError, keyAlgorithmError } from "./errors.ts";
import { rsaPrivateKeyFromPkcs1, rsaPrivateKeyToPkcs1, rsaPublicKeyFromPkcs1, rsaPublicKeyToPkcs1 } from "./pkcs1.ts";
import { algorithmOf, matchSchema } from "./schema.ts";

/**
 * Reads a PKCS #8 PrivateKeyInfo (DER) holding an RSA key: SEQUENCE { version, privateKeyAlgorithm
 * (rsaEncryption), privateKey OCTET STRING containing the PKCS #1 RSAPrivateKey }. This is the body
 * of a PEM file labelled "PRIVATE KEY" and what WebCrypto's exportKey("pkcs8") returns.
 * @throws KitError EC_KEY for an EC key (1.2.840.10045.2.1), NOT_RSA_KEY for other algorithms,
 *   ENCRYPTED_KEY for an EncryptedPrivateKeyInfo, NOT_PKCS8 for anything else that is not PKCS #8.
 * @see https://www.rfc-editor.org/rfc/rfc5208#section-5
 */
export function rsaPrivateKeyFromPkcs8(der: Uint8Array): RsaPrivateKey {
  const root = parseOneDer(der, "PKCS #8 private key");
  const fields = matchSchema(
    root,
    pkijs.PrivateKeyInfo.schema({
      names: { version: "version", privateKeyAlgorithm: { names: { algorithmIdentifier: "algorithm" } }, privateKey: "privateKey" },
    }),
  );
  if (!fields) {
    // Not PKCS #8: say which other key file it is, when it is one (judged by its outline, lib/formats/der.ts).
    const kind = sniffDer(der);
    if (kind === "encrypted-pkcs8") throw encryptedKeyError();
    if (kind === "ec-private-key") throw ecKeyError("This key");
    if (kind === "pkcs1") {
      throw new KitError("NOT_PKCS8", "The DER bytes are a PKCS #1 RSAPrivateKey, not a PKCS #8 PrivateKeyInfo.", "Read it with rsaPrivateKeyFromPkcs1 (PEM label \"RSA PRIVATE KEY\").");
    }
    throw new KitError("NOT_PKCS8", "The DER bytes are not a PKCS #8 private key.", "Pass the private key file itself, not the certificate or a PFX.");
  }
  // RFC 5208 §5 version 0; RFC 5958 §2 OneAsymmetricKey (version 1) has the same first three fields.
  const version = (fields.version as asn1js.Integer).valueBlock.valueDec;
  if (version !== 0 && version !== 1) throw new KitError("NOT_PKCS8", `The PKCS #8 version is ${version}; only 0 and 1 exist.`, "The key file is damaged; export the key again.");
  const oid = algorithmOf(fields);
  if (oid !== OID.rsaEncryption && oid !== OID.rsassaPss) throw keyAlgorithmError(oid, "This private key");
  return rsaPrivateKeyFromPkcs1(new Uint8Array((fields.privateKey as asn1js.OctetString).getValue()));
}

/**
 * Encodes a private key as a PKCS #8 PrivateKeyInfo (DER) with algorithm rsaEncryption and NULL
 * parameters: the body of a PEM file labelled "PRIVATE KEY", importable by WebCrypto and OpenSSL.
 * @see https://www.rfc-editor.org/rfc/rfc5208#section-5
 */
export function rsaPrivateKeyToPkcs8(key: RsaPrivateKey): Uint8Array {
  const info = new pkijs.PrivateKeyInfo({
    version: 0,
    privateKeyAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() }),
    privateKey: new asn1js.OctetString({ valueHex: toArrayBuffer(rsaPrivateKeyToPkcs1(key)) }),
  });
  return new Uint8Array(info.toSchema().toBER());
}

/**
 * Reads an RSA public key from a SubjectPublicKeyInfo (DER): SEQUENCE { algorithm (rsaEncryption),
 * subjectPublicKey BIT STRING containing the RSAPublicKey }. Certificates hold one of these, and it is
 * what WebCrypto's exportKey("spki") returns.
 * @throws KitError EC_KEY for an EC key, NOT_RSA_KEY for other algorithms, NOT_SPKI when the bytes
 *   are not a SubjectPublicKeyInfo.
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.7
 */
export function rsaPublicKeyFromSpki(der: Uint8Array): RsaPublicKey {
  const root = parseOneDer(der, "SubjectPublicKeyInfo");
  const fields = matchSchema(
    root,
    pkijs.PublicKeyInfo.schema({ names: { algorithm: { names: { algorithmIdentifier: "algorithm" } }, subjectPublicKey: "subjectPublicKey" } }),
  );
  if (!fields) throw new KitError("NOT_SPKI", "The DER bytes are not a SubjectPublicKeyInfo.", "Pass the public key (PEM label \"PUBLIC KEY\"); to use a certificate, take the SubjectPublicKeyInfo out of it first.");
  const oid = algorithmOf(fields);
  // RFC 3279 §2.3.1: rsaEncryption keys; RFC 4055 §1.2: id-RSASSA-PSS keys carry the same RSAPublicKey.
  if (oid !== OID.rsaEncryption && oid !== OID.rsassaPss) throw keyAlgorithmError(oid, "This public key");
  const bits = fields.subjectPublicKey as asn1js.BitString;
  if (bits.valueBlock.unusedBits !== 0) throw new KitError("BAD_KEY_FILE", "The public key's BIT STRING does not hold whole bytes.", "The key file is damaged; export it again.");
  return rsaPublicKeyFromPkcs1(bits.valueBlock.valueHexView);
}

/**
 * Encodes a public key as a SubjectPublicKeyInfo (DER) with algorithm rsaEncryption and NULL
 * parameters (RFC 3279 §2.3.1), as certificates carry it.
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.7
 */
export function rsaPublicKeyToSpki(key: RsaPublicKey): Uint8Array {
  const info = new pkijs.PublicKeyInfo({
    algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() }),
    subjectPublicKey: new asn1js.BitString({ valueHex: toArrayBuffer(rsaPublicKeyToPkcs1(key)) }),
  });
  return new Uint8Array(info.toSchema().toBER());
}
