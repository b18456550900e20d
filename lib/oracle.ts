/**
 * The independent implementations the kit checks its own work against: node:crypto (OpenSSL),
 * WebCrypto and Buffer. Nothing here builds anything the kit outputs; the steps call these only to
 * print "matches node:crypto ✓". Keeping them in one file keeps crypto out of steps/.
 */
import { constants, createHash, createPrivateKey, createPublicKey, verify, X509Certificate } from "node:crypto";
import { toArrayBuffer, toHex } from "./bytes.ts";

/** What node:crypto says about a certificate and the private key that goes with it. */
export function nodeCertificateChecks(certificateDer: Uint8Array, privateKeyPkcs8: Uint8Array) {
  const x = new X509Certificate(Buffer.from(certificateDer));
  const key = createPrivateKey({ key: Buffer.from(privateKeyPkcs8), format: "der", type: "pkcs8" });
  return {
    /** the subject as RFC 4514 writes it (most specific first), from node's DER-order lines */
    subject: x.subject.split("\n").reverse().join(", "),
    keyMatches: x.checkPrivateKey(key),
    selfSignatureVerifies: x.verify(x.publicKey),
  };
}

/** node:crypto's thumbprints of a certificate (X509Certificate.fingerprint), upper-case hex. */
export function nodeFingerprints(certificateDer: Uint8Array): { sha1: string; sha256: string } {
  const x = new X509Certificate(Buffer.from(certificateDer));
  return { sha1: x.fingerprint.replace(/:/g, ""), sha256: x.fingerprint256.replace(/:/g, "") };
}

/** node:crypto's SHA-256, lower-case hex. */
export function nodeSha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** WebCrypto's SHA-256, lower-case hex. */
export async function webCryptoSha256Hex(data: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", toArrayBuffer(data))));
}

/** Buffer's base64url, to compare with lib/crypto/base64url.ts. */
export function bufferBase64url(data: Uint8Array): string {
  return Buffer.from(data).toString("base64url");
}

/** WebCrypto's RSASSA-PKCS1-v1_5 SHA-256 signature (deterministic, so comparable byte for byte). */
export async function webCryptoSignRs256(privateKeyPkcs8: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("pkcs8", toArrayBuffer(privateKeyPkcs8), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("RSASSA-PKCS1-v1_5", key, toArrayBuffer(data)));
}

/** WebCrypto's verdict on an RSASSA-PSS SHA-256 signature with a 32-byte salt (PS256). */
export async function webCryptoVerifyPs256(spki: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const key = await crypto.subtle.importKey("spki", toArrayBuffer(spki), { name: "RSA-PSS", hash: "SHA-256" }, false, ["verify"]);
  return crypto.subtle.verify({ name: "RSA-PSS", saltLength: 32 }, key, toArrayBuffer(signature), toArrayBuffer(data));
}

/** node:crypto's verdict on an RS256 or PS256 (salt length 32) signature. */
export function nodeVerifyJws(alg: string, spki: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  const pss = alg === "PS256" ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : {};
  return verify("sha256", data, { key, ...pss }, signature);
}

/** node:crypto's base64url of the SHA-1 (x5t) or SHA-256 (x5t#S256) of a certificate. */
export function nodeThumbprintB64url(certificateDer: Uint8Array, header: "x5t" | "x5t#S256"): string {
  return createHash(header === "x5t" ? "sha1" : "sha256").update(certificateDer).digest("base64url");
}
