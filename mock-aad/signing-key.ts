/**
 * The key the mock signs access tokens with, and its certificate, published in the JWKS
 * (/discovery/v2.0/keys) the way Entra publishes its own: kid = x5t = base64url(SHA-1 of the
 * certificate DER), n, e, x5c, use "sig".
 *
 * By default a fresh RSA 2048 key and a self-signed certificate are made when the mock is created
 * (node:crypto; the certificate is built by local-ca.ts's synchronous builder). Pass your own for
 * reproducible tokens.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from "node:crypto";
import { buildIssuedCertificate, keyUsageExtension } from "./certificate-builder.ts";

export interface SigningKey {
  /** PKCS#8 PEM of the RSA private key. */
  privateKeyPem: string;
  /** DER of the certificate holding its public key (published as x5c). */
  certificateDer: Uint8Array;
}

export interface LoadedSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  certificateDer: Uint8Array;
  /** base64url(SHA-1(certificate DER)); also the kid, as in Entra's own keys. */
  x5t: string;
  kid: string;
}

export const SIGNING_CERTIFICATE_SUBJECT = "CN=mock-aad token signing (offline workshop)";

/** A 2048-bit RSA key (a new one unless `keyPair` is given) with a self-signed certificate valid from a day before `now` for two years. */
export function createSigningKey(now: Date = new Date(), keyPair: { publicKey: KeyObject; privateKey: KeyObject } = generateKeyPairSync("rsa", { modulusLength: 2048 })): SigningKey {
  const { publicKey, privateKey } = keyPair;
  const day = 24 * 60 * 60 * 1000;
  const certificateDer = buildIssuedCertificate({
    subject: SIGNING_CERTIFICATE_SUBJECT,
    publicKey,
    signingKey: privateKey,
    notBefore: new Date(now.getTime() - day),
    notAfter: new Date(now.getTime() + 730 * day),
    extensions: [keyUsageExtension([0])], // digitalSignature
  });
  return { privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }) as string, certificateDer };
}

/** Checks that key and certificate belong together and prepares what signing and the JWKS need. */
export function loadSigningKey(key: SigningKey): LoadedSigningKey {
  const privateKey = createPrivateKey(key.privateKeyPem);
  const certificate = new X509Certificate(key.certificateDer);
  if (privateKey.asymmetricKeyType !== "rsa") throw new Error("mock-aad: the signing key must be an RSA key");
  if (!certificate.checkPrivateKey(privateKey)) throw new Error("mock-aad: the signing certificate does not hold the signing key's public key");
  const x5t = createHash("sha1").update(key.certificateDer).digest("base64url");
  return { privateKey, publicKey: createPublicKey(privateKey), certificateDer: new Uint8Array(key.certificateDer), x5t, kid: x5t };
}

/** The key as a JWKS entry; `issuer` as Entra writes it in v2 key sets (omitted in v1 key sets). */
export function signingJwk(key: LoadedSigningKey, issuer?: string): Record<string, unknown> {
  const jwk = key.publicKey.export({ format: "jwk" }) as { n: string; e: string };
  const entry: Record<string, unknown> = {
    kty: "RSA",
    use: "sig",
    kid: key.kid,
    x5t: key.x5t,
    n: jwk.n,
    e: jwk.e,
    x5c: [Buffer.from(key.certificateDer).toString("base64")],
  };
  if (issuer !== undefined) entry.issuer = issuer;
  return entry;
}
