/**
 * Reading a certificate from whatever a participant passes: DER bytes, PEM text (RFC 7468), bytes
 * holding PEM text, or bare base64 of the DER (as in a JWS x5c header, RFC 7515 §4.1.6); and, when
 * it is something else, a NOT_CERTIFICATE error that says what it is instead.
 *
 * No printing and no I/O here.
 */

import { KitError } from "../../errors.ts";
import { sniffDer, type DerKind } from "../der.ts";
import { pemDecode } from "../pem.ts";

const NOT_CERT_HINT =
  "Pass the certificate itself: a .cer/.crt file (DER) or PEM text starting with -----BEGIN CERTIFICATE-----. " +
  "On Windows: Export-Certificate -Cert $cert -FilePath app.cer; with OpenSSL: openssl x509 -in file -out app.pem.";

/** The certificate DER in `input` (a copy), or KitError NOT_CERTIFICATE when text holds no CERTIFICATE block and is not base64. */
export function certificateDerFrom(input: Uint8Array | string): Uint8Array {
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

/** KitError NOT_CERTIFICATE naming what the DER looks like (sniffDer, lib/formats/der.ts), when the shape is a familiar one. */
export function notCertificate(der: Uint8Array): KitError {
  const kind = sniffDer(der);
  const what = WHAT_THE_DER_IS[kind];
  const message = what
    ? `These bytes are ${what}, not an X.509 certificate.`
    : der.length === 0
      ? "The input is empty, not an X.509 certificate."
      : "These bytes are not an X.509 certificate (not a DER Certificate SEQUENCE).";
  const hint = kind === "pfx"
    ? "Take the certificate out of the PFX first (the kit's PFX step, or openssl pkcs12 -in app.pfx -nokeys -out app.pem), or export the .cer from Windows with Export-Certificate."
    : NOT_CERT_HINT;
  return new KitError("NOT_CERTIFICATE", message, hint);
}

/** How a NOT_CERTIFICATE message names the DER a participant passed instead; other kinds get the plain message. */
const WHAT_THE_DER_IS: Readonly<Partial<Record<DerKind, string>>> = {
  pfx: "a PKCS#12 / PFX file (certificate and private key in one password-protected bundle)",
  pkcs8: "a PKCS#8 private key",
  pkcs1: "a PKCS#1 RSA private key",
  "encrypted-pkcs8": "an encrypted PKCS#8 private key",
  spki: "a bare public key (SubjectPublicKeyInfo)",
  csr: "a certificate signing request (PKCS#10)",
};
