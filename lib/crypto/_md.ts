/**
 * The Merkle–Damgård frame that SHA-1 and SHA-256 share (internal: the underscore says "not part of
 * the kit's public API"; lib/crypto/sha1.ts and lib/crypto/sha256.ts build on it).
 *
 * FIPS 180-4 describes both hashes in the same three stages:
 *   §5.1.1  pad the message M to a multiple of 512 bits,
 *   §5.2.1  parse the padded message into 512-bit blocks M(1) … M(N),
 *   §6.x.2  run the compression function once per block, chaining the hash value H(i-1) → H(i).
 * Only the compression function (and H(0), §5.3) differs between the two algorithms.
 *
 * This file has two versions of that frame:
 *  - `MdHasher`, the fast incremental one: a 64-byte block buffer, `update()` that compresses full
 *    blocks straight out of the caller's array (no copy), and `digest()` that writes the §5.1.1
 *    padding into the same buffer. Nothing is allocated per block.
 *  - `padMessage()`, the literal one: it builds the whole padded message as the spec draws it. Only
 *    the traced (teaching) path uses it, where seeing every byte matters more than memory.
 *
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final
 */
import { mod } from "./modular.ts";

/** 512-bit message blocks (FIPS 180-4 §1, Figure 1: "Block Size (bits)" is 512 for SHA-1 and SHA-256). */
export const BLOCK_BYTES = 64;
/** The 64-bit big-endian length field that ends the padding (§5.1.1: "append the 64-bit block that is equal to the number l"). */
const LENGTH_BYTES = 8;
/** Where the length field starts inside the last block: 512 − 64 = 448 bits = 56 bytes (§5.1.1). */
const LENGTH_OFFSET = BLOCK_BYTES - LENGTH_BYTES;
/** The "1" bit of §5.1.1 followed by seven "0" bits, as one byte: 1000 0000. */
const ONE_BIT_BYTE = 0x80;
/** 2^29: bytes → bits is a multiply by 8 = 2^3, so (byteCount / 2^29) is the high 32-bit word of the 64-bit bit count. */
const TWO_POW_29 = 0x20000000;

/** What §5.1.1 padding did to a message, as reported to a trace hook. */
export interface PaddingInfo {
  /** Message length in bytes. */
  readonly messageBytes: number;
  /** ℓ, the message length in bits (what the last 8 bytes of the padding encode). */
  readonly messageBits: bigint;
  /** k, the number of "0" bits after the "1" bit: the smallest k ≥ 0 with ℓ + 1 + k ≡ 448 (mod 512). */
  readonly k: number;
  /** Whole 0x00 bytes between the 0x80 byte and the length field: (k − 7) / 8. */
  readonly zeroBytes: number;
  /** Length of the padded message in bytes, a multiple of 64. */
  readonly paddedLength: number;
  /** N, the number of 512-bit blocks (§5.2.1). */
  readonly blockCount: number;
  /** The whole padded message: M ‖ 0x80 ‖ 0x00 × zeroBytes ‖ ℓ as 64-bit big-endian. A fresh array. */
  readonly padded: Uint8Array;
}

/** One compression-function call, as reported to a trace hook. */
export interface BlockInfo {
  /** i − 1 in the spec's numbering: 0 for M(1). */
  readonly index: number;
  /** The 64 bytes of the block (a copy). */
  readonly block: Uint8Array;
  /** H(i−1), the hash value going in (a copy). */
  readonly hIn: Uint32Array;
  /** H(i), the hash value coming out (a copy). */
  readonly hOut: Uint32Array;
}

/** An incremental hasher: feed it with `update` any number of times, then call `digest` once. */
export interface Hasher {
  /** Absorbs more message bytes. Returns the hasher so calls can be chained. Throws after `digest()`. */
  update(data: Uint8Array): this;
  /** Pads, finishes and returns the hash value. May be called once; a second call throws. */
  digest(): Uint8Array;
}

/**
 * §5.1.1 padding, done literally: returns the padded message and the numbers behind it.
 *
 * @example
 * padMessage(utf8Encode("abc")).padded  // 61 62 63 80 00 … 00 00 00 00 00 00 00 00 18 (64 bytes)
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final (§5.1.1)
 */
export function padMessage(message: Uint8Array): PaddingInfo {
  const messageBytes = message.length;
  const messageBits = BigInt(messageBytes) * 8n; // ℓ
  // ℓ + 1 + k ≡ 448 (mod 512), smallest k ≥ 0. ℓ is a multiple of 8, so k ≡ 7 (mod 8).
  const k = Number(mod(448n - messageBits - 1n, 512n));
  const zeroBytes = (k - 7) / 8;
  const paddedLength = messageBytes + 1 + zeroBytes + LENGTH_BYTES;
  const padded = new Uint8Array(paddedLength); // new arrays are all zeros: the k zero bits are already there
  padded.set(message, 0);
  padded[messageBytes] = ONE_BIT_BYTE;
  new DataView(padded.buffer).setBigUint64(paddedLength - LENGTH_BYTES, messageBits, false);
  return { messageBytes, messageBits, k, zeroBytes, paddedLength, blockCount: paddedLength / BLOCK_BYTES, padded };
}

/**
 * One block-sized scratch area, shared by every hasher: buffered bytes (a block assembled from several
 * `update` calls, and the padded final block) are copied here and compressed from `SCRATCH_VIEW`.
 * Compression is synchronous, so no two hashers can be using it at once.
 *
 * Why not give each hasher its own DataView over its own buffer? Measured on Node 20.20 / V8 11.3
 * (2-core Xeon, `npm run bench`), three designs of the block input:
 *   A. per-hasher buffer + DataView, output written through a DataView: 64 B message ≈ 2.0 µs per
 *      hash, 1 MiB ≈ 210 MB/s. V8 keeps typed arrays of ≤ 64 bytes on its own heap and must move them
 *      out the first time `.buffer` is touched (a DataView needs it), so every hash paid for two
 *      such moves plus their garbage: a 0-byte hash spent two thirds of its time outside compression (CPU profile).
 *   B. no DataViews at all, words assembled from four byte loads: 64 B ≈ 0.76 µs, but 1 MiB fell to
 *      ≈ 197 MB/s (SHA-1: 385 → 340 MB/s); 16 × 4 bounds-checked byte loads cost more than
 *      16 `getUint32`.
 *   C. this one: DataView over the caller's array for whole blocks, one module-level DataView for
 *      buffered blocks, output written byte by byte: 64 B ≈ 0.85 µs, 1 MiB ≈ 205 MB/s (SHA-1 385).
 * @noble/hashes 2.4 on the same machine: 64 B ≈ 1.5 µs, 1 MiB ≈ 185 MB/s (SHA-1 240).
 */
const SCRATCH = new Uint8Array(BLOCK_BYTES);
const SCRATCH_VIEW = new DataView(SCRATCH.buffer);

/**
 * The fast frame. A subclass supplies H(0) and `compress`, which reads one 64-byte block from `view`
 * at `offset` and updates `this.H` in place (§6.1.2 / §6.2.2 for one i).
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final (§5.1.1, §5.2.1, §6.1.2, §6.2.2)
 */
export abstract class MdHasher implements Hasher {
  /** The current hash value H(i), one 32-bit word per entry. */
  protected readonly H: Uint32Array;
  /** Holds a partial block between `update` calls, and the final padded block(s) in `digest`. */
  private readonly buffer = new Uint8Array(BLOCK_BYTES);
  /** How many bytes of `buffer` are filled (always < 64 between calls). */
  private bufferLength = 0;
  /** Message bytes absorbed so far. A JS number is exact up to 2^53 bytes, far past anything hashed here. */
  private messageBytes = 0;
  private finished = false;

  /** `H0` is copied, never modified. */
  protected constructor(H0: Uint32Array) {
    this.H = H0.slice();
  }

  /** Runs the compression function on the 64 bytes at `view[offset … offset+63]`, updating `this.H`. */
  protected abstract compress(view: DataView, offset: number): void;

  update(data: Uint8Array): this {
    if (this.finished) throw new Error("this hasher has already produced its digest; create a new one");
    const length = data.length;
    let position = 0;
    this.messageBytes += length;
    // 1. Top up a partly filled buffer first.
    if (this.bufferLength > 0) {
      const take = Math.min(BLOCK_BYTES - this.bufferLength, length);
      this.buffer.set(data.subarray(0, take), this.bufferLength);
      this.bufferLength += take;
      position = take;
      if (this.bufferLength < BLOCK_BYTES) return this;
      SCRATCH.set(this.buffer);
      this.compress(SCRATCH_VIEW, 0);
      this.bufferLength = 0;
    }
    // 2. Whole blocks straight from the caller's bytes: one DataView per call, no copying.
    if (length - position >= BLOCK_BYTES) {
      const view = new DataView(data.buffer, data.byteOffset, length);
      for (; length - position >= BLOCK_BYTES; position += BLOCK_BYTES) this.compress(view, position);
    }
    // 3. Keep the tail (fewer than 64 bytes) for later.
    if (position < length) {
      this.buffer.set(data.subarray(position), 0);
      this.bufferLength = length - position;
    }
    return this;
  }

  digest(): Uint8Array {
    if (this.finished) throw new Error("digest() may be called only once per hasher");
    this.finished = true;
    const buffer = this.buffer;
    // §5.1.1: append the bit "1" (with seven "0" bits after it: one 0x80 byte) …
    let used = this.bufferLength;
    buffer[used++] = ONE_BIT_BYTE;
    // … then k "0" bits. If the 64-bit length no longer fits in this block, the zeros run to the end
    // of it, it is compressed, and the length goes at the end of one more block of zeros.
    if (used > LENGTH_OFFSET) {
      buffer.fill(0, used);
      SCRATCH.set(buffer);
      this.compress(SCRATCH_VIEW, 0);
      used = 0;
    }
    buffer.fill(0, used, LENGTH_OFFSET);
    // … then ℓ, the length in bits, as a 64-bit big-endian integer, written as two 32-bit words.
    const bytes = this.messageBytes;
    writeWord(buffer, LENGTH_OFFSET, Math.floor(bytes / TWO_POW_29));
    writeWord(buffer, LENGTH_OFFSET + 4, (bytes % TWO_POW_29) * 8);
    SCRATCH.set(buffer);
    this.compress(SCRATCH_VIEW, 0);
    // §6.1.2 / §6.2.2 end: the digest is H(N) written out as big-endian words.
    return wordsToBytes(this.H);
  }
}

/**
 * Stores `word` at `bytes[offset … offset+3]`, big-endian (FIPS 180-4 §3.1: the most significant byte
 * comes first). Byte stores rather than a DataView: see SCRATCH above. Uint8Array keeps the low 8 bits.
 */
export function writeWord(bytes: Uint8Array, offset: number, word: number): void {
  bytes[offset] = word >>> 24;
  bytes[offset + 1] = word >>> 16;
  bytes[offset + 2] = word >>> 8;
  bytes[offset + 3] = word;
}

/** The words of `H` written out big-endian, one after another: the digest H0 ‖ H1 ‖ … (§6.1.2, §6.2.2). */
export function wordsToBytes(H: Uint32Array): Uint8Array {
  const out = new Uint8Array(H.length * 4);
  for (let i = 0; i < H.length; i++) writeWord(out, 4 * i, H[i]!);
  return out;
}

/** The hooks of the traced path that the frame itself calls (the compression functions add their own). */
export interface FrameTrace {
  padding?(info: PaddingInfo): void;
  block?(info: BlockInfo): void;
}

/**
 * The frame done literally, for the traced (teaching) path: §5.1.1 pad the whole message, §5.2.1 parse
 * it into N blocks, then the algorithm's compression function once per block, from H(0) to H(N).
 * `compress` updates H in place for one block, reporting its own schedule and rounds.
 */
export function hashTraced(
  M: Uint8Array,
  H0: readonly number[],
  compress: (H: Uint32Array, block: Uint8Array, index: number) => void,
  trace: FrameTrace,
): Uint8Array {
  const padding = padMessage(M);
  trace.padding?.({ ...padding, padded: padding.padded.slice() });
  const H = Uint32Array.from(H0);
  for (let i = 0; i < padding.blockCount; i++) {
    const block = padding.padded.subarray(i * BLOCK_BYTES, (i + 1) * BLOCK_BYTES);
    const hIn = H.slice();
    compress(H, block, i);
    trace.block?.({ index: i, block: block.slice(), hIn, hOut: H.slice() });
  }
  // The digest is H(N)0 ‖ H(N)1 ‖ … (§6.1.2 / §6.2.2).
  return wordsToBytes(H);
}
