/**
 * SHA-256, FIPS 180-4 §6.2: the hash inside RS256, the JWT signature that proves the app holds
 * its certificate's private key, and inside the certificate thumbprint (x5t#S256).
 *
 * Two paths compute the same function:
 *  - the fast path (`Sha256Hasher`), used whenever no trace is passed: typed arrays, one shared
 *    message-schedule array W, no per-round checks for tracing;
 *  - the traced path (`sha256(data, trace)`), written to be read next to §5.1.1, §5.2.1 and §6.2.2,
 *    which reports padding, blocks, the schedule and every round to the hooks in `Sha256Trace`.
 *
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final
 */
import { BLOCK_BYTES, hashTraced, MdHasher } from "./_md.ts";
import type { BlockInfo, Hasher, PaddingInfo } from "./_md.ts";
import type { HashFunction } from "./hash.ts";

export type { BlockInfo, Hasher, PaddingInfo } from "./_md.ts";

/** SHA-256 output: 256 bits (FIPS 180-4 §1, Figure 1). */
const OUTPUT_BYTES = 32;

/**
 * K, the sixty-four constant words of §4.2.2: "the first thirty-two bits of the fractional parts of
 * the cube roots of the first sixty-four prime numbers" (test/lib/crypto/hashes.test.ts recomputes them).
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final (§4.2.2)
 */
export const K256: readonly number[] = Object.freeze([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/**
 * H(0), the initial hash value of §5.3.3: "the first thirty-two bits of the fractional parts of the
 * square roots of the first eight prime numbers".
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final (§5.3.3)
 */
export const H0_256: readonly number[] = Object.freeze([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** Private typed copy of K for the hot loop (the exported table is frozen, which typed arrays cannot be). */
const K = Uint32Array.from(K256);
/** Private typed copy of H(0), which each new hasher copies. */
const IV = Uint32Array.from(H0_256);

// ---------------------------------------------------------------------------------------------
// §3.2 and §4.1.2: the operations and the six logical functions, on 32-bit words.
// ---------------------------------------------------------------------------------------------

/** ROTR^n(x) = (x >> n) ∨ (x << w − n), w = 32 (§3.2). */
function ROTR(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n));
}
/** Ch(x, y, z) = (x ∧ y) ⊕ (¬x ∧ z) (4.2): x chooses between y and z bit by bit. */
function Ch(x: number, y: number, z: number): number {
  return (x & y) ^ (~x & z);
}
/** Maj(x, y, z) = (x ∧ y) ⊕ (x ∧ z) ⊕ (y ∧ z) (4.3): the majority of each bit position. */
function Maj(x: number, y: number, z: number): number {
  return (x & y) ^ (x & z) ^ (y & z);
}
/** Σ0{256}(x) = ROTR^2 ⊕ ROTR^13 ⊕ ROTR^22 (4.4). */
function Sigma0(x: number): number {
  return ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22);
}
/** Σ1{256}(x) = ROTR^6 ⊕ ROTR^11 ⊕ ROTR^25 (4.5). */
function Sigma1(x: number): number {
  return ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25);
}
/** σ0{256}(x) = ROTR^7 ⊕ ROTR^18 ⊕ SHR^3 (4.6). */
function sigma0(x: number): number {
  return ROTR(x, 7) ^ ROTR(x, 18) ^ (x >>> 3);
}
/** σ1{256}(x) = ROTR^17 ⊕ ROTR^19 ⊕ SHR^10 (4.7). */
function sigma1(x: number): number {
  return ROTR(x, 17) ^ ROTR(x, 19) ^ (x >>> 10);
}

// ---------------------------------------------------------------------------------------------
// The fast path.
// ---------------------------------------------------------------------------------------------

/**
 * The message schedule W0 … W63, shared by every SHA-256 hasher. Compression never yields to other
 * code (it is synchronous), so one array can serve all of them and no block allocates.
 */
const W = new Uint32Array(64);

/** The incremental SHA-256 behind `sha256()` and `createSha256()`. */
class Sha256Hasher extends MdHasher {
  constructor() {
    super(IV);
  }

  /** §6.2.2, steps 1–4, for one block. Words live in int32 locals; `| 0` is "addition modulo 2^32" (§3.2). */
  protected compress(view: DataView, offset: number): void {
    const H = this.H;
    // 1. Prepare the message schedule: W_t = M_t(i) for 0 ≤ t ≤ 15, then
    //    W_t = σ1(W_{t−2}) + W_{t−7} + σ0(W_{t−15}) + W_{t−16} for 16 ≤ t ≤ 63.
    for (let t = 0; t < 16; t++) W[t] = view.getUint32(offset + 4 * t, false);
    for (let t = 16; t < 64; t++) W[t] = (sigma1(W[t - 2]!) + W[t - 7]! + sigma0(W[t - 15]!) + W[t - 16]!) | 0;
    // 2. Initialize the eight working variables with H(i−1).
    let a = H[0]! | 0, b = H[1]! | 0, c = H[2]! | 0, d = H[3]! | 0;
    let e = H[4]! | 0, f = H[5]! | 0, g = H[6]! | 0, h = H[7]! | 0;
    // 3. Sixty-four rounds.
    for (let t = 0; t < 64; t++) {
      const T1 = (h + Sigma1(e) + Ch(e, f, g) + K[t]! + W[t]!) | 0;
      const T2 = (Sigma0(a) + Maj(a, b, c)) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + T1) | 0;
      d = c;
      c = b;
      b = a;
      a = (T1 + T2) | 0;
    }
    // 4. H(i) = H(i−1) + working variables (Uint32Array stores reduce modulo 2^32 by themselves).
    H[0] = H[0]! + a; H[1] = H[1]! + b; H[2] = H[2]! + c; H[3] = H[3]! + d;
    H[4] = H[4]! + e; H[5] = H[5]! + f; H[6] = H[6]! + g; H[7] = H[7]! + h;
  }
}

// ---------------------------------------------------------------------------------------------
// The traced path.
// ---------------------------------------------------------------------------------------------

/** The working variables a … h after a round, each an unsigned 32-bit number. */
export interface Sha256WorkingVariables {
  readonly a: number; readonly b: number; readonly c: number; readonly d: number;
  readonly e: number; readonly f: number; readonly g: number; readonly h: number;
}

/** The message schedule of one block (§6.2.2 step 1). */
export interface Sha256ScheduleInfo {
  /** Block index, 0 for M(1). */
  readonly block: number;
  /** W0 … W63 (a copy). */
  readonly W: Uint32Array;
}

/** One round of §6.2.2 step 3, reported after its assignments. All words unsigned 32-bit. */
export interface Sha256RoundInfo {
  /** Block index, 0 for M(1). */
  readonly block: number;
  /** Round number t, 0 … 63. */
  readonly t: number;
  /** W_t, the schedule word this round mixed in. */
  readonly W: number;
  /** K_t{256}, this round's constant. */
  readonly K: number;
  /** T1 = h + Σ1(e) + Ch(e, f, g) + K_t + W_t. */
  readonly T1: number;
  /** T2 = Σ0(a) + Maj(a, b, c). */
  readonly T2: number;
  /** a … h after the round. */
  readonly vars: Sha256WorkingVariables;
}

/**
 * Hooks that `sha256(data, trace)` calls while it works; every hook is optional. Call order:
 * `padding` once; then for each block i: `schedule`, `round` for t = 0 … 63, `block`.
 * Hooks receive copies, so they may keep or modify what they get.
 */
export interface Sha256Trace {
  padding?(info: PaddingInfo): void;
  schedule?(info: Sha256ScheduleInfo): void;
  round?(info: Sha256RoundInfo): void;
  block?(info: BlockInfo): void;
}

/** §6.2.2 for one block, word for word as the spec writes it, reporting to `trace`. Updates `H` in place. */
function compressTraced(H: Uint32Array, block: Uint8Array, index: number, trace: Sha256Trace): void {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const add = (...words: number[]): number => words.reduce((sum, w) => (sum + w) >>> 0, 0); // + modulo 2^32
  // 1. Prepare the message schedule {W_t} (Wt here: a fresh array, not the fast path's shared W).
  const Wt = new Uint32Array(64);
  for (let t = 0; t < 16; t++) Wt[t] = view.getUint32(4 * t, false);
  for (let t = 16; t < 64; t++) Wt[t] = add(sigma1(Wt[t - 2]!), Wt[t - 7]!, sigma0(Wt[t - 15]!), Wt[t - 16]!);
  trace.schedule?.({ block: index, W: Wt.slice() });
  // 2. Initialize the eight working variables with the (i−1)st hash value.
  let a = H[0]!, b = H[1]!, c = H[2]!, d = H[3]!, e = H[4]!, f = H[5]!, g = H[6]!, h = H[7]!;
  // 3. For t = 0 to 63:
  for (let t = 0; t < 64; t++) {
    const T1 = add(h, Sigma1(e), Ch(e, f, g), K[t]!, Wt[t]!);
    const T2 = add(Sigma0(a), Maj(a, b, c));
    h = g;
    g = f;
    f = e;
    e = add(d, T1);
    d = c;
    c = b;
    b = a;
    a = add(T1, T2);
    trace.round?.({ block: index, t, W: Wt[t]!, K: K[t]!, T1, T2, vars: { a, b, c, d, e, f, g, h } });
  }
  // 4. Compute the ith intermediate hash value H(i).
  const vars = [a, b, c, d, e, f, g, h];
  for (let j = 0; j < 8; j++) H[j] = add(H[j]!, vars[j]!);
}

function sha256Traced(M: Uint8Array, trace: Sha256Trace): Uint8Array {
  // H(0) is §5.3.3; padding, parsing and chaining are the shared frame of _md.ts.
  return hashTraced(M, H0_256, (H, block, index) => compressTraced(H, block, index, trace), trace);
}

// ---------------------------------------------------------------------------------------------
// Public API.
// ---------------------------------------------------------------------------------------------

/**
 * SHA-256 of `data` (32 bytes). Pass a `trace` to watch the padding, blocks, schedule and rounds;
 * the result is the same either way, and without a trace none of the tracing code runs.
 *
 * @example
 * toHex(sha256(utf8Encode("abc")))
 * // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 *
 * sha256(utf8Encode("abc"), { round: (r) => { if (r.t === 63) console.log(r.vars) } });
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final (§6.2)
 */
export function sha256(data: Uint8Array, trace?: Sha256Trace): Uint8Array {
  if (trace !== undefined) return sha256Traced(data, trace);
  return new Sha256Hasher().update(data).digest();
}

/**
 * An incremental SHA-256: call `update` with pieces of the message in order, then `digest` once.
 * The result equals `sha256` of all the pieces joined.
 *
 * @example
 * const hasher = createSha256();
 * hasher.update(utf8Encode("a")).update(utf8Encode("bc"));
 * toHex(hasher.digest()); // "ba7816bf…20015ad", the same as sha256(utf8Encode("abc"))
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final (§6.2)
 */
export function createSha256(): Hasher {
  return new Sha256Hasher();
}

/**
 * SHA-256 as a `HashFunction`, for code that works with either hash (RSASSA-PKCS1-v1_5, MGF1).
 *
 * @example
 * rsassaPkcs1v15Sign(key, message, SHA256);
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final
 */
export const SHA256: HashFunction = Object.freeze({
  name: "SHA-256",
  outputLength: OUTPUT_BYTES,
  blockLength: BLOCK_BYTES,
  digest: (data: Uint8Array): Uint8Array => sha256(data),
});
