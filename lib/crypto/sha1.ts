/**
 * SHA-1, FIPS 180-4 §6.1. Broken for collision resistance and not used for signing here; the kit
 * needs it because a certificate's classic thumbprint (the JWT header's `x5t`) is its SHA-1.
 *
 * Two paths compute the same function:
 *  - the fast path (`Sha1Hasher`), used whenever no trace is passed;
 *  - the traced path (`sha1(data, trace)`), written to be read next to §5.1.1, §5.2.1 and §6.1.2,
 *    which reports padding, blocks, the schedule and every round to the hooks in `Sha1Trace`.
 *
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final
 */
import { BLOCK_BYTES, hashTraced, MdHasher } from "./_md.ts";
import type { BlockInfo, Hasher, PaddingInfo } from "./_md.ts";
import type { HashFunction } from "./hash.ts";

export type { BlockInfo, Hasher, PaddingInfo } from "./_md.ts";

/** SHA-1 output: 160 bits (FIPS 180-4 §1, Figure 1). */
const OUTPUT_BYTES = 20;

/**
 * K_t of §4.2.1, one word per group of twenty rounds. They are ⌊2^30 · √2⌋, ⌊2^30 · √3⌋,
 * ⌊2^30 · √5⌋ and ⌊2^30 · √10⌋ (FIPS 180-4 lists only the hex; test/lib/crypto/hashes.test.ts recomputes them).
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final (§4.2.1)
 */
export const K_SHA1: readonly number[] = Object.freeze([0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6]);

/**
 * H(0), the initial hash value of §5.3.1, five words listed by the spec (no derivation is given).
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final (§5.3.1)
 */
export const H0_SHA1: readonly number[] = Object.freeze([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);

/**
 * K_t for 0 ≤ t ≤ 19, 20 ≤ t ≤ 39, 40 ≤ t ≤ 59 and 60 ≤ t ≤ 79 (§4.2.1), as int32 for the hot loop.
 * Module-level `const` on purpose: V8 can then treat them (and W below) as constants in the optimized
 * compress. Measured (Node 20.20, 1 MiB): reading them into locals at the top of `compress` instead
 * took SHA-1 from ≈ 380 to ≈ 305 MB/s; a bundle that rewrites `const` as `var` dropped it to ≈ 95.
 */
const K0 = K_SHA1[0]! | 0, K20 = K_SHA1[1]! | 0, K40 = K_SHA1[2]! | 0, K60 = K_SHA1[3]! | 0;
/** Private typed copy of H(0), which each new hasher copies. */
const IV = Uint32Array.from(H0_SHA1);

// ---------------------------------------------------------------------------------------------
// §3.2 and §4.1.1: the rotation and the three logical functions f_t.
// ---------------------------------------------------------------------------------------------

/** ROTL^n(x) = (x << n) ∨ (x >> w − n), w = 32 (§3.2). */
function ROTL(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}
/** Ch(x, y, z) = (x ∧ y) ⊕ (¬x ∧ z), f_t for 0 ≤ t ≤ 19 (4.1). */
function Ch(x: number, y: number, z: number): number {
  return (x & y) ^ (~x & z);
}
/** Parity(x, y, z) = x ⊕ y ⊕ z, f_t for 20 ≤ t ≤ 39 and 60 ≤ t ≤ 79 (4.1). */
function Parity(x: number, y: number, z: number): number {
  return x ^ y ^ z;
}
/** Maj(x, y, z) = (x ∧ y) ⊕ (x ∧ z) ⊕ (y ∧ z), f_t for 40 ≤ t ≤ 59 (4.1). */
function Maj(x: number, y: number, z: number): number {
  return (x & y) ^ (x & z) ^ (y & z);
}

// ---------------------------------------------------------------------------------------------
// The fast path.
// ---------------------------------------------------------------------------------------------

/** The message schedule W0 … W79, shared by every SHA-1 hasher (compression is synchronous). */
const W = new Uint32Array(80);

/** The incremental SHA-1 behind `sha1()` and `createSha1()`. */
class Sha1Hasher extends MdHasher {
  constructor() {
    super(IV);
  }

  /** §6.1.2, steps 1–4, for one block. `| 0` is addition modulo 2^32 (§3.2). */
  protected compress(view: DataView, offset: number): void {
    const H = this.H;
    // 1. Prepare the message schedule: W_t = M_t(i) for 0 ≤ t ≤ 15, then
    //    W_t = ROTL^1(W_{t−3} ⊕ W_{t−8} ⊕ W_{t−14} ⊕ W_{t−16}) for 16 ≤ t ≤ 79.
    for (let t = 0; t < 16; t++) W[t] = view.getUint32(offset + 4 * t, false);
    for (let t = 16; t < 80; t++) W[t] = ROTL(W[t - 3]! ^ W[t - 8]! ^ W[t - 14]! ^ W[t - 16]!, 1);
    // 2. Initialize the five working variables with H(i−1).
    let a = H[0]! | 0, b = H[1]! | 0, c = H[2]! | 0, d = H[3]! | 0, e = H[4]! | 0;
    // 3. Eighty rounds: T = ROTL^5(a) + f_t(b, c, d) + e + K_t + W_t; e = d; d = c; c = ROTL^30(b); b = a; a = T.
    //    The four ranges of t have their own f_t and K_t, so they get their own loops. One loop with
    //    an if/else chain per round to pick f_t and K_t measured about 25% slower at 1 MiB
    //    (≈ 255 against ≈ 340 MB/s, measured side by side, Node 20.20 on a 2-core Xeon).
    for (let t = 0; t < 20; t++) {
      const T = (ROTL(a, 5) + Ch(b, c, d) + e + K0 + W[t]!) | 0;
      e = d; d = c; c = ROTL(b, 30); b = a; a = T;
    }
    for (let t = 20; t < 40; t++) {
      const T = (ROTL(a, 5) + Parity(b, c, d) + e + K20 + W[t]!) | 0;
      e = d; d = c; c = ROTL(b, 30); b = a; a = T;
    }
    for (let t = 40; t < 60; t++) {
      const T = (ROTL(a, 5) + Maj(b, c, d) + e + K40 + W[t]!) | 0;
      e = d; d = c; c = ROTL(b, 30); b = a; a = T;
    }
    for (let t = 60; t < 80; t++) {
      const T = (ROTL(a, 5) + Parity(b, c, d) + e + K60 + W[t]!) | 0;
      e = d; d = c; c = ROTL(b, 30); b = a; a = T;
    }
    // 4. H(i) = H(i−1) + working variables (Uint32Array stores reduce modulo 2^32).
    H[0] = H[0]! + a; H[1] = H[1]! + b; H[2] = H[2]! + c; H[3] = H[3]! + d; H[4] = H[4]! + e;
  }
}

// ---------------------------------------------------------------------------------------------
// The traced path.
// ---------------------------------------------------------------------------------------------

/** The working variables a … e after a round, each an unsigned 32-bit number. */
export interface Sha1WorkingVariables {
  readonly a: number; readonly b: number; readonly c: number; readonly d: number; readonly e: number;
}

/** The message schedule of one block (§6.1.2 step 1). */
export interface Sha1ScheduleInfo {
  /** Block index, 0 for M(1). */
  readonly block: number;
  /** W0 … W79 (a copy). */
  readonly W: Uint32Array;
}

/** One round of §6.1.2 step 3, reported after its assignments. All words unsigned 32-bit. */
export interface Sha1RoundInfo {
  /** Block index, 0 for M(1). */
  readonly block: number;
  /** Round number t, 0 … 79. */
  readonly t: number;
  /** W_t, the schedule word this round mixed in. */
  readonly W: number;
  /** K_t, this round's constant. */
  readonly K: number;
  /** Which §4.1.1 function is f_t in this round. */
  readonly fName: "Ch" | "Parity" | "Maj";
  /** f_t(b, c, d), computed from b, c, d as they were before the round. */
  readonly f: number;
  /** T = ROTL^5(a) + f_t(b, c, d) + e + K_t + W_t (the new a). */
  readonly T: number;
  /** a … e after the round. */
  readonly vars: Sha1WorkingVariables;
}

/**
 * Hooks that `sha1(data, trace)` calls while it works; every hook is optional. Call order:
 * `padding` once; then for each block i: `schedule`, `round` for t = 0 … 79, `block`.
 * Hooks receive copies, so they may keep or modify what they get.
 */
export interface Sha1Trace {
  padding?(info: PaddingInfo): void;
  schedule?(info: Sha1ScheduleInfo): void;
  round?(info: Sha1RoundInfo): void;
  block?(info: BlockInfo): void;
}

/** f_t and K_t of §4.1.1 and §4.2.1 for round t. */
function roundFunction(t: number): { fName: Sha1RoundInfo["fName"]; f: typeof Ch; K: number } {
  if (t <= 19) return { fName: "Ch", f: Ch, K: K_SHA1[0]! };
  if (t <= 39) return { fName: "Parity", f: Parity, K: K_SHA1[1]! };
  if (t <= 59) return { fName: "Maj", f: Maj, K: K_SHA1[2]! };
  return { fName: "Parity", f: Parity, K: K_SHA1[3]! };
}

/** §6.1.2 for one block, as the spec writes it, reporting to `trace`. Updates `H` in place. */
function compressTraced(H: Uint32Array, block: Uint8Array, index: number, trace: Sha1Trace): void {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const add = (...words: number[]): number => words.reduce((sum, w) => (sum + w) >>> 0, 0); // + modulo 2^32
  // 1. Prepare the message schedule {W_t} (Wt here: a fresh array, not the fast path's shared W).
  const Wt = new Uint32Array(80);
  for (let t = 0; t < 16; t++) Wt[t] = view.getUint32(4 * t, false);
  for (let t = 16; t < 80; t++) Wt[t] = ROTL(Wt[t - 3]! ^ Wt[t - 8]! ^ Wt[t - 14]! ^ Wt[t - 16]!, 1);
  trace.schedule?.({ block: index, W: Wt.slice() });
  // 2. Initialize the five working variables with the (i−1)st hash value.
  let a = H[0]!, b = H[1]!, c = H[2]!, d = H[3]!, e = H[4]!;
  // 3. For t = 0 to 79:
  for (let t = 0; t < 80; t++) {
    const { fName, f: fn, K } = roundFunction(t);
    const f = fn(b, c, d) >>> 0;
    const T = add(ROTL(a, 5), f, e, K, Wt[t]!);
    e = d;
    d = c;
    c = ROTL(b, 30) >>> 0;
    b = a;
    a = T;
    trace.round?.({ block: index, t, W: Wt[t]!, K, fName, f, T, vars: { a, b, c, d, e } });
  }
  // 4. Compute the ith intermediate hash value H(i).
  const vars = [a, b, c, d, e];
  for (let j = 0; j < 5; j++) H[j] = add(H[j]!, vars[j]!);
}

function sha1Traced(M: Uint8Array, trace: Sha1Trace): Uint8Array {
  // H(0) is §5.3.1; padding, parsing and chaining are the shared frame of _md.ts.
  return hashTraced(M, H0_SHA1, (H, block, index) => compressTraced(H, block, index, trace), trace);
}

// ---------------------------------------------------------------------------------------------
// Public API.
// ---------------------------------------------------------------------------------------------

/**
 * SHA-1 of `data` (20 bytes). Pass a `trace` to watch the padding, blocks, schedule and rounds;
 * the result is the same either way, and without a trace none of the tracing code runs.
 *
 * @example
 * toHex(sha1(utf8Encode("abc")))  // "a9993e364706816aba3e25717850c26c9cd0d89d"
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final (§6.1)
 */
export function sha1(data: Uint8Array, trace?: Sha1Trace): Uint8Array {
  if (trace !== undefined) return sha1Traced(data, trace);
  return new Sha1Hasher().update(data).digest();
}

/**
 * An incremental SHA-1: call `update` with pieces of the message in order, then `digest` once.
 *
 * @example
 * toHex(createSha1().update(utf8Encode("ab")).update(utf8Encode("c")).digest())
 * // "a9993e364706816aba3e25717850c26c9cd0d89d"
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final (§6.1)
 */
export function createSha1(): Hasher {
  return new Sha1Hasher();
}

/**
 * SHA-1 as a `HashFunction` (for example for RSASSA-PKCS1-v1_5 or MGF1 with SHA-1).
 *
 * @example
 * SHA1.digest(certificateDer)  // the 20 bytes behind the x5t thumbprint
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final
 */
export const SHA1: HashFunction = Object.freeze({
  name: "SHA-1",
  outputLength: OUTPUT_BYTES,
  blockLength: BLOCK_BYTES,
  digest: (data: Uint8Array): Uint8Array => sha1(data),
});
