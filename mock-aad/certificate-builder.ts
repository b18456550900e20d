/**
 * Building one X.509 v3 certificate for the mock's own use (its token-signing certificate, the local CA
 * and the TLS server certificate): pkijs/asn1js for the encoding (RFC 5280 §4.1), node:crypto for the
 * signature (sha256WithRSAEncryption). This is plumbing for the mock, not part of the lesson, and it
 * never touches the kit's hand-built lib/crypto/.
 */
import { createHash, sign, type KeyObject } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { encodeDistinguishedName, randomSerialNumber } from "../lib/formats/x509/index.ts";

const OID_SHA256_WITH_RSA = "1.2.840.113549.1.1.11"; // sha256WithRSAEncryption
const OID_KEY_USAGE = "2.5.29.15"; // keyUsage
const OID_BASIC_CONSTRAINTS = "2.5.29.19"; // basicConstraints

export interface IssuedCertificateOptions {
  /** Distinguished name, most specific first: "CN=localhost, O=…". */
  subject: string;
  /** DER Name of the issuer, byte for byte as in the issuer's certificate; omit for self-signed. */
  issuerNameDer?: Uint8Array;
  /** The subject's public key. */
  publicKey: KeyObject;
  /** The key that signs: the issuer's private key (or the subject's own when self-signed). */
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  serialNumber?: Uint8Array;
  /** Extensions in the order they are written. */
  extensions: pkijs.Extension[];
}

/**
 * Builds an X.509 v3 certificate (RFC 5280 §4.1) and signs its TBSCertificate with node:crypto,
 * sha256WithRSAEncryption. Returns the certificate DER.
 */
export function buildIssuedCertificate(options: IssuedCertificateOptions): Uint8Array {
  const subjectDer = encodeDistinguishedName(options.subject);
  const issuerDer = options.issuerNameDer ?? subjectDer;
  const spkiDer = new Uint8Array(options.publicKey.export({ type: "spki", format: "der" }));

  const certificate = new pkijs.Certificate();
  certificate.version = 2; // v3 (§4.1.2.1)
  certificate.serialNumber = new asn1js.Integer({ valueHex: (options.serialNumber ?? randomSerialNumber()).slice() }); // §4.1.2.2
  certificate.signature = sha256WithRsa(); // §4.1.2.3
  certificate.issuer = pkijs.RelativeDistinguishedNames.fromBER(issuerDer.slice()); // §4.1.2.4
  certificate.subject = pkijs.RelativeDistinguishedNames.fromBER(subjectDer.slice()); // §4.1.2.6
  certificate.notBefore = x509Time(options.notBefore); // §4.1.2.5
  certificate.notAfter = x509Time(options.notAfter);
  certificate.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(spkiDer.slice()); // §4.1.2.7
  certificate.extensions = options.extensions; // §4.1.2.9

  const tbsDer = new Uint8Array(certificate.encodeTBS().toBER());
  certificate.tbsView = tbsDer.slice();
  const signature = sign("sha256", tbsDer, options.signingKey); // RSASSA-PKCS1-v1_5 with SHA-256
  certificate.signatureAlgorithm = sha256WithRsa(); // §4.1.1.2
  certificate.signatureValue = new asn1js.BitString({ valueHex: new Uint8Array(signature).slice() }); // §4.1.1.3
  return new Uint8Array(certificate.toSchema(false).toBER());
}

/** basicConstraints (§4.2.1.9), always critical here; a CA gets pathLenConstraint 0 (it may issue only end-entity certificates). */
export function basicConstraintsExtension(cA: boolean): pkijs.Extension {
  return new pkijs.Extension({
    extnID: OID_BASIC_CONSTRAINTS,
    critical: true,
    extnValue: new pkijs.BasicConstraints(cA ? { cA, pathLenConstraint: 0 } : { cA }).toSchema().toBER(),
  });
}

/** keyUsage (§4.2.1.3), critical, from bit numbers (0 = digitalSignature … 8 = decipherOnly). */
export function keyUsageExtension(bits: number[]): pkijs.Extension {
  const bytes = new Uint8Array(2);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  // DER named BIT STRING: no trailing zero bits (X.690 §11.2.2), so count and drop them.
  const highest = Math.max(...bits);
  const used = highest + 1;
  const content = bytes.slice(0, Math.ceil(used / 8));
  const unusedBits = content.length * 8 - used;
  return new pkijs.Extension({
    extnID: OID_KEY_USAGE,
    critical: true,
    extnValue: new asn1js.BitString({ valueHex: content, unusedBits }).toBER(),
  });
}

/** subjectKeyIdentifier (§4.2.1.2 method 1): SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifierOf(publicKey: KeyObject): Uint8Array {
  const spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
  const info = pkijs.PublicKeyInfo.fromBER(spki.slice());
  return new Uint8Array(createHash("sha1").update(info.subjectPublicKey.valueBlock.valueHexView).digest());
}

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
export function x509Time(date: Date): pkijs.Time {
  const year = date.getUTCFullYear();
  return new pkijs.Time({ type: year < 2050 ? 0 : 1, value: date });
}

function sha256WithRsa(): pkijs.AlgorithmIdentifier {
  return new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA256_WITH_RSA, algorithmParams: new asn1js.Null() });
}
