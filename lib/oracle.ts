/**
 * The independent implementations the kit checks its own work against: node:crypto (OpenSSL),
 * WebCrypto and Buffer. Nothing here builds anything the kit outputs; the steps call these only to
 * print "matches node:crypto ✓". Keeping them in one file keeps crypto out of steps/.
 *
 * It is also the one door to node:crypto for lib/formats/, which hand-builds no cryptography: the
 * hashes, HMAC, PBKDF2 and CBC ciphers that PKCS#12 files and certificate thumbprints need, and
 * node's reading of a certificate and key, come from the "node…" functions at the end of this file.
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  pbkdf2Sync,
  randomBytes,
  sign,
  verify,
  X509Certificate,
} from "node:crypto";
import { equalBytes, toArrayBuffer, toHex } from "./bytes.ts";

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

// ── node:crypto for lib/formats/ ─────────────────────────────────────────────────────────────────

/** The hash functions lib/formats/ asks node:crypto for (FIPS 180-4), by OpenSSL's names. */
export type NodeHashName = "sha1" | "sha256" | "sha384" | "sha512";

/** node:crypto's digest of `data` (createHash), as a plain Uint8Array. */
export function nodeDigest(hash: NodeHashName, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(hash).update(data).digest());
}

/**
 * node:crypto's hash applied `times` times in a row, H(H(…H(data)…)), as the PKCS#12 KDF does in
 * RFC 7292 Appendix B.2 step 6a. One call instead of `times` keeps that loop as fast as OpenSSL's.
 */
export function nodeDigestRepeated(hash: NodeHashName, data: Uint8Array, times: number): Uint8Array {
  let out: Uint8Array = data;
  for (let i = 0; i < times; i++) out = createHash(hash).update(out).digest();
  return new Uint8Array(out);
}

/** node:crypto's HMAC (RFC 2104) of `data` under `key`. */
export function nodeHmac(hash: NodeHashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac(hash, key).update(data).digest());
}

/** node:crypto's PBKDF2 (RFC 8018 §5.2) with HMAC over `hash`: `length` bytes of derived key. */
export function nodePbkdf2(hash: NodeHashName, password: Uint8Array, salt: Uint8Array, iterations: number, length: number): Uint8Array {
  return new Uint8Array(pbkdf2Sync(password, salt, iterations, length, hash));
}

/** The CBC-mode ciphers lib/formats/ uses: AES-256 (PBES2, RFC 8018 B.2.5) and triple DES (RFC 7292 Appendix C). */
export type NodeCbcCipher = "aes-256-cbc" | "des-ede3-cbc";

/** node:crypto's CBC encryption with PKCS#7 padding (RFC 8018 §6.1.1 step 4; node's default padding). */
export function nodeCbcEncrypt(cipher: NodeCbcCipher, key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = createCipheriv(cipher, key, iv);
  return new Uint8Array(Buffer.concat([c.update(plaintext), c.final()]));
}

/**
 * node:crypto's CBC decryption, removing the PKCS#7 padding. Wrong key material usually shows as
 * bad padding: node then throws its own error ("bad decrypt"), which callers may recognise.
 */
export function nodeCbcDecrypt(cipher: NodeCbcCipher, key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const d = createDecipheriv(cipher, key, iv);
  return new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()]));
}

/** `length` bytes from node:crypto's CSPRNG (randomBytes). */
export function nodeRandomBytes(length: number): Uint8Array {
  return new Uint8Array(randomBytes(length));
}

/**
 * node:crypto's verdict on a certificate and a private key meant to be stored together, checked in
 * this order: the certificate is exactly one DER X.509 certificate (not PEM), the key is unencrypted
 * PKCS#8 DER, and the key is the certificate's (X509Certificate.checkPrivateKey).
 */
export function nodeCertificateKeyPairCheck(certificateDer: Uint8Array, privateKeyPkcs8: Uint8Array): "ok" | "not-der-certificate" | "not-pkcs8-key" | "key-mismatch" {
  let certificate: X509Certificate | undefined;
  try {
    certificate = new X509Certificate(Buffer.from(certificateDer));
  } catch {
    // reported just below
  }
  if (!certificate || !equalBytes(new Uint8Array(certificate.raw), certificateDer)) return "not-der-certificate";
  let key;
  try {
    key = createPrivateKey({ key: Buffer.from(privateKeyPkcs8), format: "der", type: "pkcs8" });
  } catch {
    return "not-pkcs8-key";
  }
  return certificate.checkPrivateKey(key) ? "ok" : "key-mismatch";
}

/** The SubjectPublicKeyInfo DER of a PKCS#8 private key's public half, as node:crypto derives it. Throws for a key node cannot load. */
export function nodePublicKeyOfPrivateKey(privateKeyPkcs8: Uint8Array): Uint8Array {
  const key = createPrivateKey({ key: Buffer.from(privateKeyPkcs8), format: "der", type: "pkcs8" });
  return new Uint8Array(createPublicKey(key).export({ type: "spki", format: "der" }));
}

/** The SubjectPublicKeyInfo DER of a certificate's public key, as node:crypto reads it. Throws for a certificate node cannot read. */
export function nodeCertificatePublicKey(certificateDer: Uint8Array): Uint8Array {
  return new Uint8Array(createPublicKey(new X509Certificate(certificateDer).publicKey).export({ type: "spki", format: "der" }));
}

/** RSASSA-PKCS1-v1_5 with SHA-256 by node:crypto, for certificates the mock and the lab sign with throwaway keys (PEM, PKCS#8). */
export function nodeSignSha256Rsa(privateKeyPem: string): (data: Uint8Array) => Uint8Array {
  const key = createPrivateKey(privateKeyPem);
  return (data) => new Uint8Array(sign("sha256", data, key));
}
