/**
 * X.509 v3 certificates (RFC 5280): build the self-signed certificate an app registers in
 * Microsoft Entra ID, and take any certificate apart again.
 *
 *   Certificate  ::=  SEQUENCE  {                         -- RFC 5280 §4.1
 *        tbsCertificate       TBSCertificate,            -- "to be signed": everything below
 *        signatureAlgorithm   AlgorithmIdentifier,       -- §4.1.1.2
 *        signatureValue       BIT STRING  }              -- §4.1.1.3: signature over the TBS DER
 *
 * Building follows what PowerShell does for
 *   New-SelfSignedCertificate -Subject "CN=…" -KeySpec Signature -KeyLength 2048
 *                             -HashAlgorithm SHA256 -NotAfter (Get-Date).AddYears(2)
 * except that the RSA signature comes from a callback: the workshop signs the TBSCertificate with
 * its own RSA code (the same code that later signs the client-assertion JWT).
 *
 * Which extensions, and why (compare with PowerShell's defaults, -Type SSLServerAuthentication):
 *   - keyUsage, critical: digitalSignature. PowerShell's documented default for -KeyUsage is
 *     DigitalSignature + KeyEncipherment (and MicrosoftDocs/windows-powershell-docs issue #66
 *     reports the extension appears even with -KeyUsage None). -KeySpec Signature marks the
 *     private key itself as a signing key (CryptoAPI AT_SIGNATURE), not the extension. This key only ever signs (the certificate and client assertions), so we assert
 *     just digitalSignature; pass `keyEncipherment: true` to get PowerShell's exact bits (0xa0).
 *     Critical because RFC 5280 §4.2.1.3 says conforming CAs SHOULD mark it so.
 *   - extKeyUsage, not critical: clientAuth + serverAuth, the two purposes PowerShell's default
 *     certificate type writes (RFC 5280 §4.2.1.12). Entra ignores EKU for client credentials.
 *   - basicConstraints, critical: cA FALSE (the value is an empty SEQUENCE, because FALSE is the
 *     DEFAULT and DER omits defaults). PowerShell's documentation does not list basicConstraints
 *     among its default extensions (not checked on Windows here); we add it so nothing mistakes
 *     this self-signed end-entity certificate for a CA.
 *     RFC 5280 §4.2.1.9 lets end-entity certificates carry it critical or not; we choose critical.
 *   - subjectKeyIdentifier, not critical: SHA-1 of the subjectPublicKey BIT STRING contents,
 *     method (1) of RFC 5280 §4.2.1.2, which is also what Windows computes.
 *   - No subjectAltName and no authorityKeyIdentifier: Entra matches the certificate by its
 *     thumbprint (x5t / x5t#S256), not by names; a self-signed certificate has no separate
 *     authority key to point at (§4.2.1.1 allows omitting AKI in self-signed certificates).
 *
 * No printing and no file I/O here.
 */

import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { KEY_USAGE_BIT_NAMES } from "../asn1-tree/index.ts";
import { equalBytes, toHex } from "../../bytes.ts";
import { KitError } from "../../errors.ts";
import { nodeDigest } from "../../oracle.ts";
import { parseDerPrefix, parseOneDer, sniffDer, type DerKind } from "../der.ts";
import { OID, oidName } from "../oids.ts";
import { pemDecode } from "../pem.ts";

/** Curve OID → key size in bits (RFC 5480 §2.1.1.1 namedCurve). */
const CURVE_BITS: Readonly<Record<string, number>> = {
  [OID.prime256v1]: 256, // prime256v1 (P-256)
  [OID.secp384r1]: 384, // secp384r1 (P-384)
  [OID.secp521r1]: 521, // secp521r1 (P-521)
  [OID.secp256k1]: 256, // secp256k1
};

/**
 * Distinguished-name attribute keys the subject string may use, with the ASN.1 string type each
 * is encoded as. RFC 5280 §4.1.2.4: new certificates use UTF8String for DirectoryString values;
 * countryName is PrintableString (X.520), emailAddress and domainComponent are IA5String.
 */
const DN_KEYS: Readonly<Record<string, { oid: string; kind: "utf8" | "printable" | "ia5" }>> = {
  CN: { oid: OID.commonName, kind: "utf8" }, // commonName
  O: { oid: OID.organizationName, kind: "utf8" }, // organizationName
  OU: { oid: OID.organizationalUnitName, kind: "utf8" }, // organizationalUnitName
  C: { oid: OID.countryName, kind: "printable" }, // countryName
  L: { oid: OID.localityName, kind: "utf8" }, // localityName
  ST: { oid: OID.stateOrProvinceName, kind: "utf8" }, // stateOrProvinceName
  S: { oid: OID.stateOrProvinceName, kind: "utf8" }, // stateOrProvinceName (Windows spelling)
  STREET: { oid: OID.streetAddress, kind: "utf8" }, // streetAddress
  T: { oid: OID.title, kind: "utf8" }, // title
  TITLE: { oid: OID.title, kind: "utf8" }, // title
  G: { oid: OID.givenName, kind: "utf8" }, // givenName
  GIVENNAME: { oid: OID.givenName, kind: "utf8" }, // givenName
  SN: { oid: OID.surname, kind: "utf8" }, // surname
  SERIALNUMBER: { oid: OID.serialNumber, kind: "printable" }, // serialNumber (name attribute)
  DC: { oid: OID.domainComponent, kind: "ia5" }, // domainComponent
  UID: { oid: OID.userId, kind: "utf8" }, // userId
  E: { oid: OID.emailAddress, kind: "ia5" }, // emailAddress
  EMAIL: { oid: OID.emailAddress, kind: "ia5" }, // emailAddress
  EMAILADDRESS: { oid: OID.emailAddress, kind: "ia5" }, // emailAddress
};

/** OID → the short key used when writing a name back out (the first spelling above wins). */
const DN_SHORT: Readonly<Record<string, string>> = {
  [OID.commonName]: "CN", // commonName
  [OID.organizationName]: "O", // organizationName
  [OID.organizationalUnitName]: "OU", // organizationalUnitName
  [OID.countryName]: "C", // countryName
  [OID.localityName]: "L", // localityName
  [OID.stateOrProvinceName]: "ST", // stateOrProvinceName
  [OID.streetAddress]: "STREET", // streetAddress
  [OID.title]: "T", // title
  [OID.givenName]: "G", // givenName
  [OID.surname]: "SN", // surname
  [OID.serialNumber]: "SERIALNUMBER", // serialNumber
  [OID.domainComponent]: "DC", // domainComponent
  [OID.userId]: "UID", // userId
  [OID.emailAddress]: "E", // emailAddress
};

// ── Public types ─────────────────────────────────────────────────────────────────────────────────

/** Signs the DER bytes of a TBSCertificate; returns the raw RSASSA-PKCS1-v1_5 SHA-256 signature. */
export type SignCallback = (tbsDer: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** Hash functions used for thumbprints and the subject key identifier. */
export interface CertificateHashes {
  sha1(data: Uint8Array): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
}

export interface SelfSignedCertificateOptions {
  /** Distinguished name, most specific first as Windows writes it: "CN=workshop-app, O=Contoso". */
  subject: string;
  /** DER SubjectPublicKeyInfo of the RSA public key (RFC 5280 §4.1.2.7). */
  publicKeySpki: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** Serial number as unsigned big-endian bytes (1–20 bytes once leading zeros go; not zero). */
  serialNumber: Uint8Array;
  /** Signs the TBSCertificate DER with the private key (sha256WithRSAEncryption). */
  sign: SignCallback;
  /** Also set keyEncipherment in keyUsage, exactly like PowerShell's default. Default false. */
  keyEncipherment?: boolean;
  /** SHA-1 for the subject key identifier; default node:crypto. */
  sha1?: (data: Uint8Array) => Uint8Array;
}

export interface BuiltCertificate {
  /** The whole certificate, DER. */
  der: Uint8Array;
  /** The TBSCertificate DER that was signed (a slice of `der`). */
  tbsDer: Uint8Array;
  /** The signature the callback returned (the signatureValue BIT STRING contents). */
  signature: Uint8Array;
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

export interface DistinguishedNameAttribute {
  /** As written: "CN", "O", … or a dotted OID. */
  key: string;
  oid: string;
  value: string;
}

// ── Building ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Builds and signs a self-signed X.509 v3 certificate for an RSA key, the way
 * New-SelfSignedCertificate does (see the file comment for the extensions). Issuer = subject.
 * Times are truncated to whole seconds (RFC 5280 §4.1.2.5.1/§4.1.2.5.2 allow no fractions).
 */
export async function buildSelfSignedCertificate(options: SelfSignedCertificateOptions): Promise<BuiltCertificate> {
  const sha1 = options.sha1 ?? nodeSha1;

  // Step 1: check the inputs a user can get wrong.
  const notBefore = wholeSeconds(options.notBefore, "notBefore");
  const notAfter = wholeSeconds(options.notAfter, "notAfter");
  if (notAfter.getTime() < notBefore.getTime()) {
    throw new KitError(
      "BAD_VALIDITY",
      `notAfter (${notAfter.toISOString()}) is before notBefore (${notBefore.toISOString()}).`,
      "Swap the two dates; RFC 5280 §4.1.2.5 validity runs from notBefore to notAfter.",
    );
  }
  const serialContent = serialIntegerContent(options.serialNumber);
  const spki = parseRsaSpki(options.publicKeySpki);

  // Step 2: the subject name; a self-signed certificate names itself as issuer (RFC 5280 §4.1.2.4).
  const nameDer = encodeDistinguishedName(options.subject);

  // Step 3: the TBSCertificate fields (RFC 5280 §4.1.2).
  const certificate = new pkijs.Certificate();
  certificate.version = 2; // v3, needed for extensions (§4.1.2.1)
  certificate.serialNumber = new asn1js.Integer({ valueHex: serialContent.slice() }); // §4.1.2.2
  certificate.signature = sha256WithRsaAlgorithm(); // §4.1.2.3: must equal signatureAlgorithm
  certificate.issuer = pkijs.RelativeDistinguishedNames.fromBER(nameDer.slice());
  certificate.subject = pkijs.RelativeDistinguishedNames.fromBER(nameDer.slice());
  certificate.notBefore = encodeTime(notBefore); // §4.1.2.5
  certificate.notAfter = encodeTime(notAfter);
  certificate.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(options.publicKeySpki.slice()); // §4.1.2.7

  // Step 4: the extensions (RFC 5280 §4.2), in the order openssl and Windows list them.
  const keyUsageBits = options.keyEncipherment ? 0b1010_0000 : 0b1000_0000; // bit 0 digitalSignature, bit 2 keyEncipherment
  certificate.extensions = [
    new pkijs.Extension({
      extnID: OID.keyUsage, // keyUsage, §4.2.1.3
      critical: true,
      extnValue: berOf(namedBitString(keyUsageBits)),
    }),
    new pkijs.Extension({
      extnID: OID.extKeyUsage, // extKeyUsage, §4.2.1.12
      critical: false,
      extnValue: berOf(new pkijs.ExtKeyUsage({ keyPurposes: [OID.clientAuth, OID.serverAuth] }).toSchema()),
    }),
    new pkijs.Extension({
      extnID: OID.basicConstraints, // basicConstraints, §4.2.1.9: cA FALSE → empty SEQUENCE
      critical: true,
      extnValue: berOf(new pkijs.BasicConstraints({ cA: false }).toSchema()),
    }),
    new pkijs.Extension({
      extnID: OID.subjectKeyIdentifier, // subjectKeyIdentifier, §4.2.1.2 method (1)
      critical: false,
      extnValue: berOf(new asn1js.OctetString({ valueHex: sha1(spki.subjectPublicKey).slice() })),
    }),
  ];

  // Step 5: encode the TBSCertificate to DER; these are the exact bytes that get signed.
  const tbsDer = new Uint8Array(certificate.encodeTBS().toBER());
  certificate.tbsView = tbsDer.slice();

  // Step 6: sign it with the caller's RSA code (RSASSA-PKCS1-v1_5 with SHA-256, RFC 8017 §8.2.1).
  const signature = new Uint8Array(await options.sign(tbsDer.slice()));
  if (signature.length !== spki.modulusBytes) {
    throw new KitError(
      "BAD_SIGNATURE_LENGTH",
      `The signature is ${signature.length} bytes but a ${spki.modulusBits}-bit key makes ${spki.modulusBytes}-byte signatures.`,
      "An RSA signature is always exactly as long as the modulus (RFC 8017 §8.2.1: I2OSP(s, k)); keep leading zero bytes.",
    );
  }

  // Step 7: signatureAlgorithm and signatureValue (RFC 5280 §4.1.1.2, §4.1.1.3), then the whole DER.
  certificate.signatureAlgorithm = sha256WithRsaAlgorithm();
  certificate.signatureValue = new asn1js.BitString({ valueHex: signature.slice() });
  const der = new Uint8Array(certificate.toSchema(false).toBER());

  // Step 8: check the result: it parses, and it holds exactly the bytes that were signed.
  const parsed = parseCertificate(der, { sha1, sha256: nodeSha256 });
  if (!equalBytes(parsed.tbsDer, tbsDer) || !equalBytes(parsed.signature, signature)) {
    throw new Error("internal error: the encoded certificate does not contain the signed TBSCertificate");
  }
  return { der, tbsDer, signature };
}

/**
 * 16 random bytes for a serial number, as PowerShell uses (its -SerialNumber help: "a
 * pseudo-randomly generated 16 byte value"). RFC 5280 §4.1.2.2: a positive INTEGER of at most
 * 20 octets. The top bit is cleared so the INTEGER is positive without a 00 sign byte, and a
 * zero first byte is avoided so the DER INTEGER stays exactly 16 bytes (DER forbids a redundant
 * leading 00).
 */
export function randomSerialNumber(random: (length: number) => Uint8Array = defaultRandom): Uint8Array {
  const bytes = new Uint8Array(random(16)).slice(0, 16); // a copy, even when given a Buffer
  if (bytes.length !== 16) throw new Error("the random source returned fewer than 16 bytes");
  bytes[0] = bytes[0]! & 0x7f;
  if (bytes[0] === 0) bytes[0] = 0x01;
  return bytes;
}

// ── Parsing ──────────────────────────────────────────────────────────────────────────────────────

/**
 * Reads a certificate from DER bytes, PEM text (the first "CERTIFICATE" block; CRLF and text
 * around it are fine), bytes holding PEM text, or bare base64 of the DER (as in x5c).
 * Throws KitError NOT_CERTIFICATE for anything else, naming what it looks like when it can.
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

  const extensions: CertificateExtensionInfo[] = [];
  let keyUsage: string[] | undefined;
  let extKeyUsage: string[] | undefined;
  let isCA: boolean | undefined;
  let subjectKeyIdentifier: Uint8Array | undefined;
  let authorityKeyIdentifier: Uint8Array | undefined;
  for (const extension of certificate.extensions ?? []) {
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

/** A thumbprint as Windows shows it ($cert.Thumbprint): upper-case hex, no separators. */
export function windowsThumbprint(bytes: Uint8Array): string {
  return toHex(bytes).toUpperCase();
}

// ── Distinguished names ──────────────────────────────────────────────────────────────────────────

/**
 * Splits a DN string such as `CN=workshop-app, O="Contoso, Ltd", OU=Dev` into attributes, in the
 * order written. Commas or semicolons separate attributes; a value may be double-quoted or use
 * backslash escapes (`\,`). As PowerShell does, a string without any "=" means "CN=<string>".
 * Keys: CN, O, OU, C, L, ST (or S), STREET, T, G, SN, SERIALNUMBER, DC, UID, E, or a dotted OID.
 */
export function parseDistinguishedName(dn: string): DistinguishedNameAttribute[] {
  const text = dn.trim();
  if (text === "") throw badSubject(dn, "The subject is empty.");
  if (!text.includes("=")) return [{ key: "CN", oid: DN_KEYS.CN!.oid, value: text }];

  const out: DistinguishedNameAttribute[] = [];
  let i = 0;
  while (i < text.length) {
    // key
    const eq = text.indexOf("=", i);
    if (eq < 0) throw badSubject(dn, `"${text.slice(i).trim()}" has no "=".`);
    const key = text.slice(i, eq).trim();
    i = eq + 1;
    // value
    while (text[i] === " ") i++;
    let value = "";
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      if (i >= text.length) throw badSubject(dn, `The quoted value of ${key} has no closing quote.`);
      i++;
      while (text[i] === " ") i++;
      if (i < text.length && text[i] !== "," && text[i] !== ";") throw badSubject(dn, `Unexpected text after the quoted value of ${key}.`);
    } else {
      let pendingSpaces = "";
      while (i < text.length && text[i] !== "," && text[i] !== ";") {
        if (text[i] === "\\" && i + 1 < text.length) {
          value += pendingSpaces + text[i + 1];
          pendingSpaces = "";
          i += 2;
          continue;
        }
        if (text[i] === " ") pendingSpaces += " ";
        else {
          value += pendingSpaces + text[i];
          pendingSpaces = "";
        }
        i++;
      }
    }
    i++; // skip the separator
    while (text[i] === " ") i++;

    const upper = key.toUpperCase();
    const known = Object.hasOwn(DN_KEYS, upper) ? DN_KEYS[upper] : undefined;
    const oid = known?.oid ?? (/^\d+(\.\d+)+$/.test(key) ? key : undefined);
    if (!oid) {
      throw badSubject(dn, `"${key}" is not a name attribute this kit knows.`);
    }
    if (value === "") throw badSubject(dn, `${key} has an empty value.`);
    out.push({ key: known ? upper : key, oid, value });
  }
  return out;
}

/**
 * DER Name (RFC 5280 §4.1.2.4) for a DN string. The string is written most specific first
 * ("CN=app, O=Contoso"), as Windows and RFC 4514 write names, so the RDNSequence is encoded in the
 * reverse order (O first, CN last). Each attribute is its own single-valued RDN.
 */
export function encodeDistinguishedName(dn: string): Uint8Array {
  const attributes = parseDistinguishedName(dn);
  const rdns = attributes.reverse().map((attribute) => {
    const kind = Object.values(DN_KEYS).find((k) => k.oid === attribute.oid)?.kind ?? "utf8";
    let value: asn1js.Utf8String | asn1js.PrintableString | asn1js.IA5String;
    if (kind === "printable") {
      if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(attribute.value)) {
        throw badSubject(dn, `${attribute.key}=${attribute.value} has characters a PrintableString cannot hold.`);
      }
      if (attribute.oid === OID.countryName && !/^[A-Za-z]{2}$/.test(attribute.value)) {
        throw badSubject(dn, `C=${attribute.value} is not a two-letter country code.`);
      }
      value = new asn1js.PrintableString({ value: attribute.value });
    } else if (kind === "ia5") {
      if (!/^[\x00-\x7f]*$/.test(attribute.value)) throw badSubject(dn, `${attribute.key}=${attribute.value} must be ASCII.`);
      value = new asn1js.IA5String({ value: attribute.value });
    } else {
      value = new asn1js.Utf8String({ value: attribute.value });
    }
    // RelativeDistinguishedName ::= SET OF AttributeTypeAndValue; AttributeTypeAndValue ::= SEQUENCE { type, value }
    return new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: attribute.oid }), value] })] });
  });
  return new Uint8Array(new asn1js.Sequence({ value: rdns }).toBER());
}

/**
 * Writes a DER Name as text, most specific first ("CN=app, O=Contoso"), the order Windows shows
 * (the reverse of the encoding). Multi-valued RDNs are joined with "+"; unknown attribute types
 * appear as their OID; ",", "+", '"', "\", "<", ">", ";" and "=" in values are backslash-escaped.
 */
export function formatDistinguishedName(nameDer: Uint8Array): string {
  const name = parseDerPrefix(nameDer)?.block;
  if (!(name instanceof asn1js.Sequence)) {
    throw new KitError("NOT_A_NAME", "These bytes are not a DER Name (RDNSequence).", "A Name is a SEQUENCE of SETs of {OID, value} (RFC 5280 §4.1.2.4).");
  }
  const rdnTexts: string[] = [];
  for (const rdn of name.valueBlock.value) {
    const parts: string[] = [];
    for (const atv of (rdn as asn1js.Set).valueBlock.value ?? []) {
      const [type, value] = (atv as asn1js.Sequence).valueBlock.value;
      const oid = (type as asn1js.ObjectIdentifier).getValue();
      const key = DN_SHORT[oid] ?? oid;
      parts.push(`${key}=${escapeDnValue(attributeValueText(value!))}`);
    }
    rdnTexts.push(parts.join("+"));
  }
  return rdnTexts.reverse().join(", ");
}

// ── Helpers ──────────────────────────────────────────────────────────────────────────────────────

/** node:crypto's SHA-1 (through lib/oracle.ts): the default for thumbprints and the key identifier. */
function nodeSha1(data: Uint8Array): Uint8Array {
  return nodeDigest("sha1", data);
}

/** node:crypto's SHA-256 (through lib/oracle.ts): the default for the x5t#S256 thumbprint. */
function nodeSha256(data: Uint8Array): Uint8Array {
  return nodeDigest("sha256", data);
}

function defaultRandom(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

function berOf(block: { toBER(): ArrayBuffer }): ArrayBuffer {
  return block.toBER();
}

/**
 * The DER value inside an extension's extnValue OCTET STRING (RFC 5280 §4.1), as asn1js reads it:
 * a damaged value comes back as a block that fails to read as the expected type, and the caller
 * then lists the extension without interpreting it.
 */
function extensionValue(extnValue: Uint8Array): asn1js.AsnType {
  return asn1js.fromBER(extnValue.slice()).result;
}

/** AlgorithmIdentifier { sha256WithRSAEncryption, NULL } (RFC 8017 Appendix A.2.4: parameters NULL). */
function sha256WithRsaAlgorithm(): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier({
    algorithmId: OID.sha256WithRSAEncryption, // sha256WithRSAEncryption
    algorithmParams: new asn1js.Null(),
  });
}

/** A DER named-bit BIT STRING for bits in one byte (bit 0 = 0x80): trailing zero bits are dropped (X.690 §11.2.2). */
function namedBitString(byte: number): asn1js.BitString {
  let unused = 0;
  while (unused < 7 && ((byte >> unused) & 1) === 0) unused++;
  return new asn1js.BitString({ valueHex: new Uint8Array([byte]), unusedBits: unused });
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
 * UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5: "CAs conforming to this
 * profile MUST always encode certificate validity dates through the year 2049 as UTCTime;
 * certificate validity dates in 2050 or later MUST be encoded as GeneralizedTime").
 */
function encodeTime(date: Date): pkijs.Time {
  const year = date.getUTCFullYear();
  const type = year >= 1950 && year < 2050 ? pkijs.TimeType.UTCTime : pkijs.TimeType.GeneralizedTime;
  return new pkijs.Time({ type, value: date });
}

function wholeSeconds(date: Date, field: string): Date {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new KitError("BAD_VALIDITY", `${field} is not a valid date.`, "Pass a JavaScript Date, e.g. new Date() or new Date(\"2027-01-01T00:00:00Z\").");
  }
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) {
    throw new KitError("BAD_VALIDITY", `${field} (${date.toISOString()}) is outside the years 0001–9999.`, "RFC 5280 §4.1.2.5.2 uses 99991231235959Z for \"no expiry\".");
  }
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** Content bytes of the serial's DER INTEGER: minimal, positive (RFC 5280 §4.1.2.2). */
function serialIntegerContent(serial: Uint8Array): Uint8Array {
  const magnitude = stripLeadingZeros(serial);
  if (magnitude.length === 0) {
    throw new KitError("BAD_SERIAL", "The serial number is zero (or empty).", "RFC 5280 §4.1.2.2 needs a positive integer; use randomSerialNumber().");
  }
  const content = magnitude[0]! & 0x80 ? Uint8Array.of(0, ...magnitude) : magnitude.slice();
  if (content.length > 20) {
    throw new KitError(
      "BAD_SERIAL",
      `The serial number encodes to ${content.length} bytes; RFC 5280 §4.1.2.2 allows at most 20.`,
      "Use 16 random bytes with the top bit clear: randomSerialNumber().",
    );
  }
  return content;
}

function stripLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.slice(i);
}

function bitLength(magnitude: Uint8Array): number {
  const m = stripLeadingZeros(magnitude);
  if (m.length === 0) return 0;
  return (m.length - 1) * 8 + (32 - Math.clz32(m[0]!));
}

interface RsaSpki {
  subjectPublicKey: Uint8Array;
  modulusBits: number;
  modulusBytes: number;
}

/** Checks that the SPKI is DER of an rsaEncryption key; returns the BIT STRING contents and modulus size. */
function parseRsaSpki(spkiDer: Uint8Array): RsaSpki {
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

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1). */
function rsaModulusBits(rsaPublicKeyDer: Uint8Array): number {
  const parsed = parseDerPrefix(rsaPublicKeyDer)?.block as asn1js.Sequence | undefined;
  const modulus = parsed?.valueBlock.value?.[0];
  if (!(modulus instanceof asn1js.Integer)) {
    throw new KitError("BAD_PUBLIC_KEY", "The RSA public key inside the SubjectPublicKeyInfo is malformed.", "Export the key again as SPKI DER.");
  }
  return bitLength(modulus.valueBlock.valueHexView);
}

function describePublicKey(spkiDer: Uint8Array): { keyType: string; keyBits: number } {
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

function attributeValueText(block: asn1js.AsnType): string {
  const valueBlock = (block as { valueBlock?: { value?: unknown; valueHexView?: Uint8Array } }).valueBlock;
  if (valueBlock && typeof valueBlock.value === "string") return valueBlock.value;
  // Not a string type we know: show the DER as #hex, as RFC 4514 §2.4 does.
  return `#${toHex(new Uint8Array(block.toBER()))}`;
}

function escapeDnValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith(" ") || out.startsWith("#")) out = `\\${out}`;
  if (out.endsWith(" ")) out = `${out.slice(0, -1)}\\ `;
  return out;
}

function badSubject(dn: string, message: string): KitError {
  return new KitError(
    "BAD_SUBJECT",
    `Cannot read the subject "${dn}": ${message}`,
    'Write it like PowerShell -Subject: "CN=workshop-app" or "CN=workshop-app, O=Contoso, C=US" (keys CN, O, OU, C, L, ST, E…).',
  );
}

// ── Telling a certificate from other things ──────────────────────────────────────────────────────

const NOT_CERT_HINT =
  "Pass the certificate itself: a .cer/.crt file (DER) or PEM text starting with -----BEGIN CERTIFICATE-----. " +
  "On Windows: Export-Certificate -Cert $cert -FilePath app.cer; with OpenSSL: openssl x509 -in file -out app.pem.";

function certificateDerFrom(input: Uint8Array | string): Uint8Array {
  if (typeof input !== "string") {
    if (looksLikeText(input)) return certificateDerFrom(new TextDecoder().decode(input));
    return new Uint8Array(input); // a plain copy, also when given a Buffer
  }
  const text = input;
  if (text.includes("-----BEGIN")) {
    const blocks = pemDecode(text);
    const cert = blocks.find((b) => b.label === "CERTIFICATE" || b.label === "X509 CERTIFICATE");
    if (cert) return cert.der.slice();
    const labels = blocks.map((b) => b.label);
    const first = labels[0] ?? "";
    throw new KitError(
      "NOT_CERTIFICATE",
      labels.length === 0
        ? "The text has a -----BEGIN line but no complete PEM block."
        : `This PEM text holds ${labels.map((l) => `a "${l}" block`).join(", ")}, not a "CERTIFICATE" block${pemLabelMeaning(first)}.`,
      NOT_CERT_HINT,
    );
  }
  const compact = text.replace(/\s+/g, "");
  if (compact.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact) && compact.length % 4 === 0) {
    return Uint8Array.from(atob(compact), (c) => c.charCodeAt(0));
  }
  throw new KitError("NOT_CERTIFICATE", "This text is neither PEM nor base64, so it cannot be a certificate.", NOT_CERT_HINT);
}

function pemLabelMeaning(label: string): string {
  if (label === "PRIVATE KEY") return " (an unencrypted PKCS#8 private key)";
  if (label === "ENCRYPTED PRIVATE KEY") return " (a password-encrypted PKCS#8 private key)";
  if (label === "RSA PRIVATE KEY") return " (a PKCS#1 RSA private key)";
  if (label === "EC PRIVATE KEY") return " (an EC private key)";
  if (label === "PUBLIC KEY") return " (a bare public key: a certificate wraps one with a name and a signature)";
  if (label === "CERTIFICATE REQUEST" || label === "NEW CERTIFICATE REQUEST") return " (a certificate signing request, PKCS#10)";
  if (label === "PKCS12") return " (a PKCS#12 bundle)";
  return "";
}

/** Printable ASCII (plus tab, CR, LF) throughout: text rather than DER (DER certificates start 30 82). */
function looksLikeText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (const b of bytes) {
    if (!(b === 9 || b === 10 || b === 13 || (b >= 0x20 && b < 0x7f))) return false;
  }
  return true;
}

/** KitError NOT_CERTIFICATE naming what the DER looks like, when the shape is a familiar one. */
function notCertificate(der: Uint8Array): KitError {
  const what = WHAT_THE_DER_IS[sniffDer(der)];
  const message = what
    ? `These bytes are ${what}, not an X.509 certificate.`
    : der.length === 0
      ? "The input is empty, not an X.509 certificate."
      : "These bytes are not an X.509 certificate (not a DER Certificate SEQUENCE).";
  const hint = what?.startsWith("a PKCS#12")
    ? "Take the certificate out of the PFX first (the kit's PFX step, or openssl pkcs12 -in app.pfx -nokeys -out app.pem), or export the .cer from Windows with Export-Certificate."
    : NOT_CERT_HINT;
  return new KitError("NOT_CERTIFICATE", message, hint);
}

/** How a NOT_CERTIFICATE message names the DER a participant passed instead (sniffDer, lib/formats/der.ts). */
const WHAT_THE_DER_IS: Readonly<Partial<Record<DerKind, string>>> = {
  pfx: "a PKCS#12 / PFX file (certificate and private key in one password-protected bundle)",
  pkcs8: "a PKCS#8 private key",
  pkcs1: "a PKCS#1 RSA private key",
  "encrypted-pkcs8": "an encrypted PKCS#8 private key",
  spki: "a bare public key (SubjectPublicKeyInfo)",
  csr: "a certificate signing request (PKCS#10)",
};
