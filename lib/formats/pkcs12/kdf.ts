/**
 * The PKCS#12 key-derivation function (RFC 7292, Appendix B).
 *
 * PKCS#12 predates PBKDF2-everywhere, so it has its own password-based KDF. It is still used in
 * every PFX file today for the integrity MAC (RFC 7292 §5.1 / Appendix B.4: the MAC key is derived
 * with ID 3), and in older files also for the encryption key and IV of the "pbeWithSHAAnd..."
 * algorithms (Appendix C; ID 1 = key, ID 2 = IV). Modern files encrypt with PBES2/PBKDF2
 * (RFC 8018) instead, which does NOT use this function.
 *
 * Hashing uses node:crypto, through lib/oracle.ts. No printing and no I/O.
 */

import { concatBytes } from "../../bytes.ts";
import { nodeDigestRepeated, type NodeHashName } from "../../oracle.ts";

/** RFC 7292 Appendix B.3: which kind of material the caller wants. The ID becomes the diversifier D. */
export const PKCS12_KDF_ID = {
  /** ID 1: key material for encryption or decryption. */
  KEY: 1,
  /** ID 2: an initialisation vector (IV) for encryption or decryption. */
  IV: 2,
  /** ID 3: the key for the integrity MAC. */
  MAC: 3,
} as const;

export type Pkcs12KdfId = (typeof PKCS12_KDF_ID)[keyof typeof PKCS12_KDF_ID];

/** The hash functions this KDF is used with in practice. SHA-1 is the original; OpenSSL 3's MAC uses SHA-256. */
export type Pkcs12KdfHash = "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512";

/** u = output length and v = block length of each hash, in bytes (RFC 7292 Appendix B.2, first paragraph). */
const HASH_SIZES: Record<Pkcs12KdfHash, { node: NodeHashName; u: number; v: number }> = {
  "SHA-1": { node: "sha1", u: 20, v: 64 },
  "SHA-256": { node: "sha256", u: 32, v: 64 },
  "SHA-384": { node: "sha384", u: 48, v: 128 },
  "SHA-512": { node: "sha512", u: 64, v: 128 },
};

/**
 * RFC 7292 Appendix B.1: the password as a BMPString: each character as two bytes, big-endian,
 * followed by two zero bytes. So "ab" becomes 00 61 00 62 00 00, and "" becomes 00 00.
 *
 * A JavaScript string is already a sequence of UTF-16 code units, so a character outside the
 * Basic Multilingual Plane (an emoji, say) becomes its two surrogates, which is also what OpenSSL
 * does when it converts a UTF-8 password.
 */
export function passwordToBmpString(password: string): Uint8Array {
  const out = new Uint8Array(password.length * 2 + 2); // the last two bytes stay 0: the terminator
  for (let i = 0; i < password.length; i++) {
    const unit = password.charCodeAt(i);
    out[2 * i] = unit >> 8;
    out[2 * i + 1] = unit & 0xff;
  }
  return out;
}

/** Repeats `bytes` to fill v * ceil(len / v) bytes (empty stays empty), as B.2 steps 2 and 3 do for S and P. */
function stretchToMultiple(bytes: Uint8Array, v: number): Uint8Array {
  const out = new Uint8Array(v * Math.ceil(bytes.length / v));
  for (let i = 0; i < out.length; i++) out[i] = bytes[i % bytes.length]!;
  return out;
}

export interface Pkcs12KdfInput {
  /**
   * The password bytes, already formatted: normally passwordToBmpString(text). Pass an empty array
   * for "no password at all", which is different from the empty password "" (00 00); some tools
   * write the one and some the other.
   */
  password: Uint8Array;
  salt: Uint8Array;
  /** ID 1 (key), 2 (IV) or 3 (MAC key); see PKCS12_KDF_ID. */
  id: Pkcs12KdfId;
  /** The iteration count r: how many times each block is hashed. */
  iterations: number;
  /** n: how many bytes to produce. */
  length: number;
  /** Defaults to SHA-1, the hash of every legacy PBE algorithm. */
  hash?: Pkcs12KdfHash;
}

/** RFC 7292 Appendix B.2: derives `length` bytes from a password and salt. */
export function pkcs12Kdf(input: Pkcs12KdfInput): Uint8Array {
  const { password, salt, id, iterations, length } = input;
  const { node, u, v } = HASH_SIZES[input.hash ?? "SHA-1"];
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`iteration count must be a positive integer, not ${iterations}`);
  if (!Number.isInteger(length) || length < 0) throw new Error(`output length must be a non-negative integer, not ${length}`);

  // Step 1: the diversifier D is v copies of the ID byte.
  const D = new Uint8Array(v).fill(id);
  // Steps 2-4: S and P are the salt and password stretched to whole v-byte blocks; I = S || P.
  const I = concatBytes(stretchToMultiple(salt, v), stretchToMultiple(password, v));
  // Step 5: c = ceil(n / u) hash outputs are needed.
  const c = Math.ceil(length / u);
  const A: Uint8Array[] = [];

  for (let i = 1; i <= c; i++) {
    // Step 6a: A_i = H^r(D || I), the hash applied r times.
    const Ai = nodeDigestRepeated(node, concatBytes(D, I), iterations);
    A.push(Ai);
    if (i === c) break; // step 6c only feeds the next round

    // Step 6b: B = A_i repeated to v bytes.
    const B = new Uint8Array(v);
    for (let j = 0; j < v; j++) B[j] = Ai[j % u]!;
    // Step 6c: for each v-byte block I_j of I, I_j = (I_j + B + 1) mod 2^(8v), as big-endian integers.
    for (let start = 0; start < I.length; start += v) {
      let carry = 1;
      for (let j = v - 1; j >= 0; j--) {
        const sum = I[start + j]! + B[j]! + carry;
        I[start + j] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }

  // Steps 7-8: A = A_1 || ... || A_c; the output is its first n bytes.
  return concatBytes(...A).slice(0, length);
}
