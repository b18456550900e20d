/**
 * Taking an X.509 certificate apart (RFC 5280 §4.1): its names, validity, key, extensions, the
 * exact TBSCertificate bytes and signature, and its thumbprints.
 *
 *   Certificate  ::=  SEQUENCE  {                         -- RFC 5280 §4.1
 *        tbsCertificate       TBSCertificate,            -- "to be signed": everything below
 *        signatureAlgorithm   AlgorithmIdentifier,       -- §4.1.1.2
 *        signatureValue       BIT STRING  }              -- §4.1.1.3: signature over the TBS DER
 *
 * asn1js gives the raw byte slices, pkijs the field meanings. Thumbprints hash with node:crypto
 * (through lib/oracle.ts) unless the caller passes its own SHA-1 and SHA-256, as the workshop does.
 * No printing and no I/O here.
 */

import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { KEY_USAGE_BIT_NAMES } from "../asn1-tree/index.ts";
import { equalBytes, toHex } from "../../bytes.ts";
import { nodeDigest } from "../../oracle.ts";
import { parseOneDer } from "../der.ts";
import { OID, oidName } from "../oids.ts";
import { certificateDerFrom, notCertificate } from "./input.ts";
import { formatDistinguishedName } from "./names.ts";
import { describePublicKey, stripLeadingZeros } from "./public-key.ts";

/** Hash functions used for thumbprints and the subject key identifier. */
export interface CertificateHashes {
  sha1(data: Uint8Array): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
}

export interface CertificateExtensionInfo {
  oid: string;
  /** Short name from lib/oids.ts, or the OID itself when unknown. */
  name: string;
  critical: boolean;
}

export interface CertificateInfo {
  der: Uint8Array;
  /** X.509 version number as people say it: 1, 2 or 3 (the DER holds 0, 1 or 2). */
  version: number;
  /** "CN=workshop-app, O=Contoso": most specific first, like Windows' $cert.Subject. */
  subject: string;
  issuer: string;
  /** Lower-case hex of the serial's unsigned value (no 00 sign byte), e.g. "3f9a…". */
  serialNumberHex: string;
  notBefore: Date;
  notAfter: Date;
  /**
   * Issuer name equals subject name (byte for byte), and where both key identifiers are present
   * they agree. The signature itself is not checked here.
   */
  selfSigned: boolean;
  /** "RSA", "EC", "RSA-PSS", "Ed25519", "Ed448", or the key algorithm OID. */
  keyType: string;
  /** RSA: modulus bits; EC: curve size; Ed25519: 256; Ed448: 448; 0 when unknown. */
  keyBits: number;
  /** DER SubjectPublicKeyInfo, exactly as it appears in the certificate. */
  publicKeySpki: Uint8Array;
  /** Short name of the signature algorithm ("sha256WithRSAEncryption"), or its OID. */
  signatureAlgorithm: string;
  signatureAlgorithmOid: string;
  /** TBSCertificate DER, exactly as it appears in the certificate. */
  tbsDer: Uint8Array;
  /** signatureValue BIT STRING contents. */
  signature: Uint8Array;
  extensions: CertificateExtensionInfo[];
  /** keyUsage bit names, when the extension is present. */
  keyUsage?: string[];
  /** extKeyUsage purposes as short names (or OIDs), when present. */
  extKeyUsage?: string[];
  /** basicConstraints cA, when present. */
  isCA?: boolean;
  subjectKeyIdentifier?: Uint8Array;
  /** SHA-1 of the whole DER: Windows' Thumbprint, JOSE x5t (RFC 7515 §4.1.7). */
  thumbprintSha1: Uint8Array;
  /** SHA-256 of the whole DER: JOSE x5t#S256 (RFC 7515 §4.1.8). */
  thumbprintSha256: Uint8Array;
}

/**
 * Reads a certificate from DER bytes, PEM text (the first "CERTIFICATE" block; CRLF and text
 * around it are fine), bytes holding PEM text, or bare base64 of the DER (as in x5c).
 * Thumbprints use `hashes` when given, else node:crypto's SHA-1 and SHA-256 (through lib/oracle.ts).
 * @throws KitError NOT_CERTIFICATE for anything else, naming what it looks like when it can.
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1
 */
export function parseCertificate(input: Uint8Array | string, hashes?: Partial<CertificateHashes>): CertificateInfo {
  const der = certificateDerFrom(input);
  const sha1 = hashes?.sha1 ?? nodeSha1;
  const sha256 = hashes?.sha256 ?? nodeSha256;

  // Structure: asn1js for the raw byte slices, pkijs for the field meanings.
  let top: asn1js.AsnType;
  let certificate: pkijs.Certificate;
  try {
    top = parseOneDer(der, "certificate");
    certificate = new pkijs.Certificate({ schema: top });
  } catch {
    throw notCertificate(der);
  }
  const tbsBlock = (top as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
  const tbsDer = tbsBlock.valueBeforeDecodeView.slice();
  const tbsFields = tbsBlock.valueBlock.value;
  const shift = tbsFields[0]!.idBlock.tagClass === 3 ? 1 : 0; // [0] version present?
  const issuerDer = tbsFields[2 + shift]!.valueBeforeDecodeView.slice();
  const subjectDer = tbsFields[4 + shift]!.valueBeforeDecodeView.slice();
  const publicKeySpki = tbsFields[5 + shift]!.valueBeforeDecodeView.slice();

  const key = describePublicKey(publicKeySpki);

  const { extensions, keyUsage, extKeyUsage, isCA, subjectKeyIdentifier, authorityKeyIdentifier } = readExtensions(certificate.extensions ?? []);

  const sameName = equalBytes(issuerDer, subjectDer);
  const keyIdsAgree = !subjectKeyIdentifier || !authorityKeyIdentifier || equalBytes(subjectKeyIdentifier, authorityKeyIdentifier);
  const signatureAlgorithmOid = certificate.signatureAlgorithm.algorithmId;

  const info: CertificateInfo = {
    der,
    version: certificate.version + 1,
    subject: formatDistinguishedName(subjectDer),
    issuer: formatDistinguishedName(issuerDer),
    serialNumberHex: toHex(stripLeadingZeros(certificate.serialNumber.valueBlock.valueHexView)),
    notBefore: certificate.notBefore.value,
    notAfter: certificate.notAfter.value,
    selfSigned: sameName && keyIdsAgree,
    keyType: key.keyType,
    keyBits: key.keyBits,
    publicKeySpki,
    signatureAlgorithm: oidName(signatureAlgorithmOid) ?? signatureAlgorithmOid,
    signatureAlgorithmOid,
    tbsDer,
    signature: certificate.signatureValue.valueBlock.valueHexView.slice(),
    extensions,
    thumbprintSha1: sha1(der),
    thumbprintSha256: sha256(der),
  };
  if (keyUsage) info.keyUsage = keyUsage;
  if (extKeyUsage) info.extKeyUsage = extKeyUsage;
  if (isCA !== undefined) info.isCA = isCA;
  if (subjectKeyIdentifier) info.subjectKeyIdentifier = subjectKeyIdentifier;
  return info;
}

/**
 * A thumbprint as Windows shows it ($cert.Thumbprint): upper-case hex, no separators.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-4.1.7 (x5t, the same SHA-1 in base64url)
 */
export function windowsThumbprint(bytes: Uint8Array): string {
  return toHex(bytes).toUpperCase();
}

/** What readExtensions finds: every extension's name and criticality, and the values of the ones the kit interprets. */
interface ExtensionValues {
  extensions: CertificateExtensionInfo[];
  keyUsage?: string[] | undefined;
  extKeyUsage?: string[] | undefined;
  isCA?: boolean | undefined;
  subjectKeyIdentifier?: Uint8Array | undefined;
  authorityKeyIdentifier?: Uint8Array | undefined;
}

/**
 * Lists the extensions (RFC 5280 §4.1.2.9) and reads keyUsage (§4.2.1.3), extKeyUsage (§4.2.1.12),
 * basicConstraints (§4.2.1.9), subjectKeyIdentifier (§4.2.1.2) and authorityKeyIdentifier (§4.2.1.1).
 */
function readExtensions(certificateExtensions: pkijs.Extension[]): ExtensionValues {
  const extensions: CertificateExtensionInfo[] = [];
  let keyUsage: string[] | undefined;
  let extKeyUsage: string[] | undefined;
  let isCA: boolean | undefined;
  let subjectKeyIdentifier: Uint8Array | undefined;
  let authorityKeyIdentifier: Uint8Array | undefined;
  for (const extension of certificateExtensions) {
    extensions.push({ oid: extension.extnID, name: oidName(extension.extnID) ?? extension.extnID, critical: extension.critical });
    const value = extension.extnValue.valueBlock.valueHexView;
    try {
      switch (extension.extnID) {
        case OID.keyUsage:
          keyUsage = decodeKeyUsage(value);
          break;
        case OID.extKeyUsage:
          extKeyUsage = new pkijs.ExtKeyUsage({ schema: extensionValue(value) }).keyPurposes.map((oid) => oidName(oid) ?? oid);
          break;
        case OID.basicConstraints:
          isCA = new pkijs.BasicConstraints({ schema: extensionValue(value) }).cA;
          break;
        case OID.subjectKeyIdentifier:
          subjectKeyIdentifier = (extensionValue(value) as asn1js.OctetString).valueBlock.valueHexView.slice();
          break;
        case OID.authorityKeyIdentifier: {
          const aki = new pkijs.AuthorityKeyIdentifier({ schema: extensionValue(value) });
          if (aki.keyIdentifier) authorityKeyIdentifier = aki.keyIdentifier.valueBlock.valueHexView.slice();
          break;
        }
      }
    } catch {
      // A malformed extension value is shown in the list but not interpreted.
    }
  }
  return { extensions, keyUsage, extKeyUsage, isCA, subjectKeyIdentifier, authorityKeyIdentifier };
}

/** Names of the bits set in a keyUsage extension value (RFC 5280 §4.2.1.3). */
function decodeKeyUsage(extnValue: Uint8Array): string[] {
  const bits = (extensionValue(extnValue) as asn1js.BitString).valueBlock.valueHexView;
  const names: string[] = [];
  KEY_USAGE_BIT_NAMES.forEach((name, index) => {
    const byte = bits[index >> 3] ?? 0;
    if (byte & (0x80 >> (index & 7))) names.push(name);
  });
  return names;
}

/**
 * The DER value inside an extension's extnValue OCTET STRING (RFC 5280 §4.1), as asn1js reads it:
 * a damaged value comes back as a block that fails to read as the expected type, and the caller
 * then lists the extension without interpreting it.
 */
function extensionValue(extnValue: Uint8Array): asn1js.AsnType {
  return asn1js.fromBER(extnValue.slice()).result;
}

/** node:crypto's SHA-1 (through lib/oracle.ts): the default for thumbprints and the key identifier. */
function nodeSha1(data: Uint8Array): Uint8Array {
  return nodeDigest("sha1", data);
}

/** node:crypto's SHA-256 (through lib/oracle.ts): the default for the x5t#S256 thumbprint. */
function nodeSha256(data: Uint8Array): Uint8Array {
  return nodeDigest("sha256", data);
}
