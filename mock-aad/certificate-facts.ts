/**
 * What the mock needs to know about a registered certificate on every token request: its public
 * key (with its type and size) and its SHA-1 and SHA-256 thumbprints. Working them out means
 * parsing the certificate (node:crypto's X509Certificate) and hashing it, which profiling showed
 * was the largest cost of a token request after the RSA signature itself (measured: X509Certificate
 * alone 15% of the CPU of an in-process request loop; bench/README.md).
 *
 * So they are worked out once per certificate and remembered, keyed on the certificate's bytes
 * object (a WeakMap: a credential removed from the registry takes its entry with it). The registry
 * is mutable (tests, --config, Graph's addKey/removeKey): a credential added later gets its own
 * entry on first use, and one whose bytes were changed in place is noticed, because every hit
 * compares the remembered copy with the bytes as they are now (about 100 ns for a 1 KB certificate).
 */
import { createHash, X509Certificate, type KeyObject } from "node:crypto";

export interface CertificateFacts {
  publicKey: KeyObject;
  /** "rsa", "ec", … (KeyObject.asymmetricKeyType). */
  keyType: string | undefined;
  /** RSA modulus length in bits; 0 when not RSA. */
  bits: number;
  sha1: Buffer;
  sha256: Buffer;
}

interface Remembered {
  bytes: Buffer;
  facts: CertificateFacts;
}

const remembered = new WeakMap<Uint8Array, Remembered>();

/** The facts of a registered certificate's DER, from the cache when its bytes have not changed. */
export function certificateFacts(der: Uint8Array): CertificateFacts {
  const hit = remembered.get(der);
  if (hit && hit.bytes.equals(der)) return hit.facts;
  const bytes = Buffer.from(der); // a copy: later changes to `der` cannot change it
  const publicKey = new X509Certificate(bytes).publicKey;
  const facts: CertificateFacts = {
    publicKey,
    keyType: publicKey.asymmetricKeyType,
    bits: publicKey.asymmetricKeyType === "rsa" ? (publicKey.asymmetricKeyDetails?.modulusLength ?? 0) : 0,
    sha1: createHash("sha1").update(bytes).digest(),
    sha256: createHash("sha256").update(bytes).digest(),
  };
  remembered.set(der, { bytes, facts });
  return facts;
}

/** A registered certificate's thumbprint by hash name (x5t is SHA-1, x5t#S256 SHA-256). */
export function thumbprintOf(der: Uint8Array, hash: "sha1" | "sha256"): Buffer {
  return certificateFacts(der)[hash];
}
