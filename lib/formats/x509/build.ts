/**
 * Building the self-signed X.509 v3 certificate (RFC 5280) an app registers in Microsoft Entra ID.
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
import { equalBytes } from "../../bytes.ts";
import { KitError } from "../../errors.ts";
import { nodeDigest } from "../../oracle.ts";
import { OID } from "../oids.ts";
import { encodeDistinguishedName } from "./names.ts";
import { parseCertificate } from "./parse.ts";
import { parseRsaSpki, stripLeadingZeros } from "./public-key.ts";

/** Signs the DER bytes of a TBSCertificate; returns the raw RSASSA-PKCS1-v1_5 SHA-256 signature. */
export type SignCallback = (tbsDer: Uint8Array) => Uint8Array | Promise<Uint8Array>;

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
  /** SHA-1 for the subject key identifier; default node:crypto (through lib/oracle.ts). */
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

/**
 * Builds and signs a self-signed X.509 v3 certificate for an RSA key, the way
 * New-SelfSignedCertificate does (see the file comment for the extensions). Issuer = subject.
 * Times are truncated to whole seconds (RFC 5280 §4.1.2.5.1/§4.1.2.5.2 allow no fractions).
 * @throws KitError BAD_VALIDITY, BAD_SERIAL, BAD_PUBLIC_KEY, NOT_RSA_KEY, BAD_SUBJECT or BAD_SIGNATURE_LENGTH
 *   for inputs a user can get wrong.
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1
 */
export async function buildSelfSignedCertificate(options: SelfSignedCertificateOptions): Promise<BuiltCertificate> {
  const sha1 = options.sha1 ?? ((data: Uint8Array) => nodeDigest("sha1", data)); // node:crypto, through lib/oracle.ts

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
  certificate.extensions = selfSignedExtensions(options.keyEncipherment ?? false, spki.subjectPublicKey, sha1);

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
  const parsed = parseCertificate(der, { sha1 }); // SHA-256: node:crypto, parseCertificate's default
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
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.2
 */
export function randomSerialNumber(random: (length: number) => Uint8Array = defaultRandom): Uint8Array {
  const bytes = new Uint8Array(random(16)).slice(0, 16); // a copy, even when given a Buffer
  if (bytes.length !== 16) throw new Error("the random source returned fewer than 16 bytes");
  bytes[0] = bytes[0]! & 0x7f;
  if (bytes[0] === 0) bytes[0] = 0x01;
  return bytes;
}

/**
 * Step 4 of buildSelfSignedCertificate: keyUsage, extKeyUsage, basicConstraints and
 * subjectKeyIdentifier, in the order openssl and Windows list them (the file comment says why
 * these four). `subjectPublicKey` is the BIT STRING contents the key identifier hashes.
 */
function selfSignedExtensions(keyEncipherment: boolean, subjectPublicKey: Uint8Array, sha1: (data: Uint8Array) => Uint8Array): pkijs.Extension[] {
  const keyUsageBits = keyEncipherment ? 0b1010_0000 : 0b1000_0000; // bit 0 digitalSignature, bit 2 keyEncipherment
  return [
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
      extnValue: berOf(new asn1js.OctetString({ valueHex: sha1(subjectPublicKey).slice() })),
    }),
  ];
}

/** WebCrypto's CSPRNG, the default source of serial numbers. */
function defaultRandom(length: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/** The DER of an asn1js block or pkijs schema, as pkijs.Extension wants an extnValue. */
function berOf(block: { toBER(): ArrayBuffer }): ArrayBuffer {
  return block.toBER();
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

/** The date cut to whole seconds, or KitError BAD_VALIDITY when it is no date or outside the years 0001–9999. */
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
