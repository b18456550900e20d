/**
 * A throwaway client certificate for tests: a fresh RSA 2048 key (node:crypto) and a self-signed
 * X.509 certificate for it (certificate-builder.ts: pkijs for the encoding, node:crypto for the
 * signature), ready to register on the mock (`defaultRegistry({ keyCredentials: [certificatePem] })`)
 * and to hand to MSAL or @azure/identity. It lives as long as the test: never upload it anywhere real.
 *
 *   const app = createThrowawayCertificate();
 *   const mock = createMockAad({ registry: defaultRegistry({ keyCredentials: [app.certificatePem] }) });
 */
import { createHash, generateKeyPairSync, X509Certificate } from "node:crypto";
import { buildIssuedCertificate, keyUsageExtension } from "./certificate-builder.ts";

export interface ThrowawayCertificate {
  /** The certificate, PEM: what you would upload to the app registration (here: register on the mock). */
  certificatePem: string;
  /** The same certificate, DER (a .cer file's bytes). */
  certificateDer: Uint8Array;
  /** Its RSA private key, PKCS#8 PEM (RFC 7468 label "PRIVATE KEY"), as msal-node and @azure/identity read it. */
  privateKeyPem: string;
  /** SHA-1 and SHA-256 of the certificate DER, upper-case hex, as the portal and Windows show them. */
  thumbprintSha1: string;
  thumbprintSha256: string;
}

export interface ThrowawayCertificateOptions {
  /** Default "CN=mock-aad throwaway test certificate". */
  subject?: string;
  /** The certificate is valid from a day before `now` (default: the current time)… */
  now?: Date;
  /** …for this many days after it (default 365). */
  days?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function createThrowawayCertificate(options: ThrowawayCertificateOptions = {}): ThrowawayCertificate {
  const now = options.now ?? new Date();
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const certificateDer = buildIssuedCertificate({
    subject: options.subject ?? "CN=mock-aad throwaway test certificate",
    publicKey,
    signingKey: privateKey,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + (options.days ?? 365) * DAY_MS),
    extensions: [keyUsageExtension([0])], // digitalSignature: it signs client assertions
  });
  const thumbprint = (algorithm: string) => createHash(algorithm).update(certificateDer).digest("hex").toUpperCase();
  return {
    certificatePem: new X509Certificate(certificateDer).toString(),
    certificateDer,
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    thumbprintSha1: thumbprint("sha1"),
    thumbprintSha256: thumbprint("sha256"),
  };
}
