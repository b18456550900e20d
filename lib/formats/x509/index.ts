/**
 * X.509 v3 certificates (RFC 5280): build the self-signed certificate an app registers in
 * Microsoft Entra ID, and take any certificate apart again.
 *
 *   build.ts       buildSelfSignedCertificate, randomSerialNumber (RFC 5280 §4.1, §4.2)
 *   parse.ts       parseCertificate, windowsThumbprint (RFC 5280 §4.1; thumbprints RFC 7515 §4.1.7-8)
 *   names.ts       distinguished names: parse, encode, format (RFC 5280 §4.1.2.4, RFC 4514)
 *   public-key.ts  the SubjectPublicKeyInfo inside: key type and size (RFC 5280 §4.1.2.7)
 *   input.ts       DER, PEM or base64 in; NOT_CERTIFICATE naming what else it is
 */

export {
  buildSelfSignedCertificate,
  randomSerialNumber,
  type BuiltCertificate,
  type SelfSignedCertificateOptions,
  type SignCallback,
} from "./build.ts";
export { encodeDistinguishedName, formatDistinguishedName, parseDistinguishedName, type DistinguishedNameAttribute } from "./names.ts";
export { parseCertificate, windowsThumbprint, type CertificateExtensionInfo, type CertificateHashes, type CertificateInfo } from "./parse.ts";
