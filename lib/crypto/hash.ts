/**
 * The shape of a hash function as RFC 8017 uses it ("Hash: hash function (hLen denotes the length in
 * octets of the hash function output)", §9.1). RSA padding and MGF1 take one of these, so the same
 * code runs with SHA-1 or SHA-256. lib/crypto/sha1.ts and lib/crypto/sha256.ts provide the two (FIPS 180-4).
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-9.1
 */
export interface HashFunction {
  /** WebCrypto / JOSE spelling: "SHA-1", "SHA-256". */
  readonly name: "SHA-1" | "SHA-256";
  /** hLen, the output length in bytes. */
  readonly outputLength: number;
  /** The compression function's block size in bytes (64 for both). */
  readonly blockLength: number;
  digest(data: Uint8Array): Uint8Array;
}
