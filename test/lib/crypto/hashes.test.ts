/**
 * SHA-1 and SHA-256 (lib/crypto/sha1.ts, lib/crypto/sha256.ts), one table-driven suite.
 *
 * Every test in the `describe.each` blocks runs once per row of HASHES: the published example
 * messages, the cross-checks against node:crypto (OpenSSL), incremental hashing, the trace hooks of
 * the shared Merkle–Damgård frame (lib/crypto/_md.ts) and the constants recomputed from their
 * definitions. What only one algorithm has (its round function, how its H(0) is defined) is in a
 * row's fields or in the small per-hash describes at the end.
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final
 * @see https://csrc.nist.gov/projects/cryptographic-standards-and-guidelines/example-values
 */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex, utf8Encode } from "../../../lib/bytes.ts";
import type { BlockInfo, Hasher, PaddingInfo } from "../../../lib/crypto/_md.ts";
import type { HashFunction } from "../../../lib/crypto/hash.ts";
import { H0_SHA1, K_SHA1, SHA1, createSha1, sha1, type Sha1RoundInfo } from "../../../lib/crypto/sha1.ts";
import { H0_256, K256, SHA256, createSha256, sha256, type Sha256RoundInfo } from "../../../lib/crypto/sha256.ts";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Reproducible pseudo-random bytes (xorshift32), so a failing length can be rerun as is. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** ⌊x^(1/k)⌋ for x ≥ 0, by Newton's method on integers (exact, no floating point). */
function integerRoot(x: bigint, k: bigint): bigint {
  if (x < 2n) return x;
  let r = 1n << (BigInt(x.toString(2).length) / k + 1n); // a power of two above the root
  for (;;) {
    const next = ((k - 1n) * r + x / r ** (k - 1n)) / k;
    if (next >= r) return r;
    r = next;
  }
}

/** The first `count` primes, by trial division. */
function firstPrimes(count: number): bigint[] {
  const primes: bigint[] = [];
  for (let n = 2n; primes.length < count; n++) if (primes.every((p) => n % p !== 0n)) primes.push(n);
  return primes;
}

const MASK_32 = 0xffffffffn;
const words = (hex: string): number[] => hex.split(" ").map((w) => parseInt(w, 16));
const hex32 = (w: number): string => w.toString(16).padStart(8, "0");
const rotl = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;
const rotr = (x: number, n: number): number => ((x >>> n) | (x << (32 - n))) >>> 0;

const ABC = utf8Encode("abc");
const TWO_BLOCK_MESSAGE = utf8Encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
const MILLION_A = new Uint8Array(1_000_000).fill(0x61);

/** What the trace hooks saw during one traced call. */
interface Traced<R> {
  digest: Uint8Array;
  paddings: PaddingInfo[];
  blocks: BlockInfo[];
  schedules: { block: number; W: Uint32Array }[];
  rounds: R[];
  /** The working variables after each round, a … e (SHA-1) or a … h (SHA-256), in that order. */
  vars: number[][];
}

/** The round fields both algorithms report. */
interface RoundBase {
  readonly block: number;
  readonly t: number;
  readonly W: number;
  readonly K: number;
}

/** Runs one traced hash with every hook, recording what the hooks saw. */
function record<R extends RoundBase>(
  run: (hooks: { padding(p: PaddingInfo): void; block(b: BlockInfo): void; schedule(s: { block: number; W: Uint32Array }): void; round(r: R): void }) => Uint8Array,
  varsOf: (r: R) => number[],
): Traced<R> {
  const traced: Omit<Traced<R>, "digest"> = { paddings: [], blocks: [], schedules: [], rounds: [], vars: [] };
  const digest = run({
    padding: (p) => traced.paddings.push(p),
    block: (b) => traced.blocks.push(b),
    schedule: (s) => traced.schedules.push(s),
    round: (r) => {
      traced.rounds.push(r);
      traced.vars.push(varsOf(r));
    },
  });
  return { digest, ...traced };
}

const traceSha1 = (message: Uint8Array): Traced<Sha1RoundInfo> =>
  record<Sha1RoundInfo>((hooks) => sha1(message, hooks), (r) => [r.vars.a, r.vars.b, r.vars.c, r.vars.d, r.vars.e]);
const traceSha256 = (message: Uint8Array): Traced<Sha256RoundInfo> =>
  record<Sha256RoundInfo>((hooks) => sha256(message, hooks), (r) => [r.vars.a, r.vars.b, r.vars.c, r.vars.d, r.vars.e, r.vars.f, r.vars.g, r.vars.h]);

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

interface HashCase {
  name: "SHA-1" | "SHA-256";
  /** The kit's one-shot function, with its optional trace. */
  ours: typeof sha1 | typeof sha256;
  /** The kit's incremental hasher. */
  create: () => Hasher;
  /** The kit's RFC 8017 `HashFunction` object. */
  hashFunction: HashFunction;
  /** The node:crypto `createHash` name of the same algorithm (OpenSSL, the independent oracle). */
  oracle: "sha1" | "sha256";
  /** Block size in bytes (FIPS 180-4 §1, Figure 1: 512 bits for both). */
  blockLen: number;
  /** Digest size in bytes, hLen in RFC 8017 (160 and 256 bits). */
  outputLen: number;
  /** Rounds per block: t = 0 … 79 (§6.1.2) or 0 … 63 (§6.2.2). */
  rounds: number;
  /** Example messages and their digests (FIPS 180-2 Appendices A/B, NIST example values). */
  vectors: { name: string; message: Uint8Array; digest: string }[];
  /** Runs the traced path with every hook. */
  trace: (message: Uint8Array) => Traced<RoundBase>;
  /** The schedule recurrence for t ≥ 16, written independently of lib (§6.1.2 / §6.2.2 step 1). */
  scheduleWord: (W: Uint32Array, t: number) => number;
  /** The published working variables for "abc": after round 0 and after the last round. */
  abcRounds: { first: string; last: string; source: string };
  /** The exported H(0) and K tables and what they must be. */
  H0: readonly number[];
  K: readonly number[];
  /** How many words K has: one per group of twenty rounds (SHA-1), one per round (SHA-256). */
  kWords: number;
  /** K_t for round t (SHA-1 has one K per group of twenty rounds). */
  roundK: (t: number) => number;
  /** K recomputed from its definition in §4.2.x, with the definition as the test's name. */
  derivedK: { definition: string; compute: () => number[] };
  /** The leading words of K and H(0) as FIPS 180-4 prints them in hex. */
  printedK: string[];
  printedH0: string[];
}

const HASHES: HashCase[] = [
  {
    name: "SHA-1",
    ours: sha1,
    create: createSha1,
    hashFunction: SHA1,
    oracle: "sha1",
    blockLen: 64,
    outputLen: 20,
    rounds: 80,
    vectors: [
      { name: "abc (A.1)", message: ABC, digest: "a9993e364706816aba3e25717850c26c9cd0d89d" },
      { name: "448-bit message (A.2)", message: TWO_BLOCK_MESSAGE, digest: "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
      { name: "empty string", message: new Uint8Array(0), digest: "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
      { name: "one million 'a' (A.3)", message: MILLION_A, digest: "34aa973cd4c4daa4f61eeb2bdbad27316534016f" },
    ],
    trace: traceSha1,
    scheduleWord: (W, t) => rotl(W[t - 3]! ^ W[t - 8]! ^ W[t - 14]! ^ W[t - 16]!, 1),
    abcRounds: { source: "FIPS 180-2 Appendix A.1", first: "0116fc33 67452301 7bf36ae2 98badcfe 10325476", last: "42541b35 5738d5e1 21834873 681e6df6 d8fdf6ad" },
    H0: H0_SHA1,
    K: K_SHA1,
    kWords: 4,
    roundK: (t) => K_SHA1[Math.floor(t / 20)]!,
    // ⌊2^30 · √x⌋ = ⌊√(x · 2^60)⌋
    derivedK: { definition: "⌊2^30·√2⌋, ⌊2^30·√3⌋, ⌊2^30·√5⌋, ⌊2^30·√10⌋ (§4.2.1)", compute: () => [2n, 3n, 5n, 10n].map((x) => Number(integerRoot(x << 60n, 2n))) },
    printedK: ["5a827999", "6ed9eba1", "8f1bbcdc", "ca62c1d6"],
    printedH0: ["67452301", "efcdab89", "98badcfe", "10325476", "c3d2e1f0"],
  },
  {
    name: "SHA-256",
    ours: sha256,
    create: createSha256,
    hashFunction: SHA256,
    oracle: "sha256",
    blockLen: 64,
    outputLen: 32,
    rounds: 64,
    vectors: [
      { name: "abc (B.1)", message: ABC, digest: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
      { name: "448-bit message (B.2)", message: TWO_BLOCK_MESSAGE, digest: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
      { name: "empty string", message: new Uint8Array(0), digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
      { name: "one million 'a' (B.3)", message: MILLION_A, digest: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
    ],
    trace: traceSha256,
    scheduleWord: (W, t) => {
      const s0 = rotr(W[t - 15]!, 7) ^ rotr(W[t - 15]!, 18) ^ (W[t - 15]! >>> 3);
      const s1 = rotr(W[t - 2]!, 17) ^ rotr(W[t - 2]!, 19) ^ (W[t - 2]! >>> 10);
      return (s1 + W[t - 7]! + s0 + W[t - 16]!) >>> 0;
    },
    abcRounds: {
      source: "FIPS 180-2 Appendix B.1",
      first: "5d6aebcd 6a09e667 bb67ae85 3c6ef372 fa2a4622 510e527f 9b05688c 1f83d9ab",
      last: "506e3058 d39a2165 04d24d6c b85e2ce9 5ef50f24 fb121210 948d25b6 961f4894",
    },
    H0: H0_256,
    K: K256,
    kWords: 64,
    roundK: (t) => K256[t]!,
    // ⌊∛p · 2^32⌋ = ⌊∛(p · 2^96)⌋; keeping the low 32 bits drops the integer part.
    derivedK: { definition: "first 32 bits of the fractional parts of the cube roots of the first 64 primes (§4.2.2)", compute: () => firstPrimes(64).map((p) => Number(integerRoot(p << 96n, 3n) & MASK_32)) },
    printedK: ["428a2f98"],
    printedH0: ["6a09e667"],
  },
];

/** The table as describe.each rows: [name, row], so that test names read "SHA-1: …". */
const ROWS = HASHES.map((h) => [h.name, h] as const);

/** The expected hex digest of `data` according to the oracle. */
const oracleHex = (h: HashCase, data: Uint8Array): string => createHash(h.oracle).update(data).digest("hex");

// ---------------------------------------------------------------------------------------------
// Tests over the table
// ---------------------------------------------------------------------------------------------

describe.each(ROWS)("%s: FIPS 180-2 / NIST example messages", (_name, h) => {
  it.each(h.vectors.map((v) => [v.name, v] as const))("%s", (_vector, { message, digest }) => {
    expect(toHex(h.ours(message))).toBe(digest);
    expect(oracleHex(h, message)).toBe(digest);
    expect(toHex(h.create().update(message).digest())).toBe(digest);
    expect(toHex(h.hashFunction.digest(message))).toBe(digest);
  });

  it("one million 'a' fed in uneven pieces", () => {
    const hasher = h.create();
    const piece = new Uint8Array(997).fill(0x61); // a prime, so pieces straddle block edges
    let left = 1_000_000;
    for (; left >= piece.length; left -= piece.length) hasher.update(piece);
    hasher.update(piece.subarray(0, left));
    expect(toHex(hasher.digest())).toBe(h.vectors.find((v) => v.message === MILLION_A)!.digest);
  });
});

describe.each(ROWS)("%s against node:crypto", (_name, h) => {
  it("every length from 0 to 300 bytes", () => {
    for (let length = 0; length <= 300; length++) {
      const message = pseudoRandomBytes(length, 0x5eed + length);
      expect(toHex(h.ours(message)), `length ${length}`).toBe(oracleHex(h, message));
    }
  });

  it("random messages up to 5 KB (property)", () => {
    // size: "max" lets lengths range over all of 0…5000; fast-check's default size keeps arrays tiny (≤ 10).
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000, size: "max" }), (message) => toHex(h.ours(message)) === oracleHex(h, message)),
      { numRuns: 300 },
    );
  });

  it("views into a larger buffer (byteOffset ≠ 0, Node Buffers from the shared pool)", () => {
    const big = pseudoRandomBytes(1000, 7);
    for (const [start, end] of [[1, 1000], [3, 200], [5, 133], [63, 64 * 5 + 63], [64, 64 * 4 + 1], [500, 501]] as const) {
      const view = big.subarray(start, end);
      expect(toHex(h.ours(view)), `${start}..${end}`).toBe(oracleHex(h, big.slice(start, end)));
    }
    const pooled = Buffer.from("a Node Buffer usually sits at an offset inside an 8 KiB pool; ".repeat(3));
    expect(toHex(h.ours(pooled))).toBe(oracleHex(h, pooled));
  });
});

describe.each(ROWS)("%s: incremental hashing", (_name, h) => {
  const message = pseudoRandomBytes(200, 42);
  const expected = oracleHex(h, message);

  it("a 200-byte message split in two at every position equals the one-shot digest", () => {
    expect(toHex(h.ours(message))).toBe(expected);
    for (let cut = 0; cut <= message.length; cut++) {
      const got = h.create().update(message.subarray(0, cut)).update(message.subarray(cut)).digest();
      expect(toHex(got), `cut at ${cut}`).toBe(expected);
    }
  });

  it("1-byte updates equal the one-shot digest", () => {
    const hasher = h.create();
    for (let i = 0; i < message.length; i++) hasher.update(message.subarray(i, i + 1));
    expect(toHex(hasher.digest())).toBe(expected);
  });

  it("1-byte updates with empty updates in between equal the one-shot digest", () => {
    const hasher = h.create();
    for (let i = 0; i < message.length; i++) hasher.update(message.subarray(i, i + 1)).update(new Uint8Array(0));
    expect(toHex(hasher.digest())).toBe(expected);
  });

  it("any split into pieces equals node:crypto (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700, size: "max" }), fc.array(fc.nat(700), { maxLength: 8, size: "max" }), (data, cuts) => {
        const points = [0, ...cuts.map((c) => c % (data.length + 1)).sort((a, b) => a - b), data.length];
        const hasher = h.create();
        for (let i = 1; i < points.length; i++) hasher.update(data.subarray(points[i - 1], points[i]));
        return toHex(hasher.digest()) === oracleHex(h, data);
      }),
      { numRuns: 200 },
    );
  });

  it("digest may be called once, and update is refused after it", () => {
    const hasher = h.create().update(ABC);
    expect(toHex(hasher.digest())).toBe(h.vectors[0]!.digest);
    expect(() => hasher.digest()).toThrow(/once/);
    expect(() => hasher.update(ABC)).toThrow(/already/);
  });

  it("hashers do not disturb each other when interleaved", () => {
    const one = h.create();
    const two = h.create();
    for (let i = 0; i < message.length; i += 10) {
      one.update(message.subarray(i, i + 10));
      two.update(TWO_BLOCK_MESSAGE.subarray(i % 50, (i % 50) + 1));
    }
    expect(toHex(one.digest())).toBe(expected);
    const twoInput = new Uint8Array(20).map((_, j) => TWO_BLOCK_MESSAGE[(j * 10) % 50]!);
    expect(toHex(two.digest())).toBe(oracleHex(h, twoInput));
  });
});

describe.each(ROWS)("%s as a HashFunction", (_name, h) => {
  it("has RFC 8017's hLen and the block size, and digests like the one-shot function", () => {
    expect(h.hashFunction.name).toBe(h.name);
    expect(h.hashFunction.outputLength).toBe(h.outputLen);
    expect(h.hashFunction.blockLength).toBe(h.blockLen);
    expect(h.hashFunction.digest(ABC)).toEqual(h.ours(ABC));
    expect(h.ours(ABC)).toHaveLength(h.outputLen);
  });
});

describe.each(ROWS)("%s trace", (_name, h) => {
  it.each([0, 55, 56, 63, 64, 119, 120])("padding of a %i-byte message follows §5.1.1", (length) => {
    const message = pseudoRandomBytes(length, length + 1);
    const { paddings, blocks } = h.trace(message);
    expect(paddings).toHaveLength(1);
    const p = paddings[0]!;
    const l = length * 8;
    const k = (((448 - (l + 1)) % 512) + 512) % 512; // smallest k ≥ 0 with l + 1 + k ≡ 448 (mod 512)
    expect(p.messageBytes).toBe(length);
    expect(p.messageBits).toBe(BigInt(l));
    expect(p.k).toBe(k);
    expect(p.zeroBytes * 8 + 7).toBe(k);
    expect(p.paddedLength * 8).toBe(l + 1 + k + 64);
    expect(p.paddedLength % h.blockLen).toBe(0);
    expect(p.blockCount).toBe(p.paddedLength / h.blockLen);
    expect(blocks).toHaveLength(p.blockCount);
    // The bytes themselves: M ‖ 0x80 ‖ zeros ‖ ℓ (64-bit big-endian).
    expect(p.padded.subarray(0, length)).toEqual(message);
    expect(p.padded[length]).toBe(0x80);
    expect(p.padded.subarray(length + 1, length + 1 + p.zeroBytes).every((b) => b === 0)).toBe(true);
    expect(new DataView(p.padded.buffer).getBigUint64(p.paddedLength - 8)).toBe(BigInt(l));
  });

  it("block counts at the edges: 55 bytes fit in one block, 56 need two, 120 need three", () => {
    const counts = [0, 55, 56, 119, 120].map((n) => h.trace(new Uint8Array(n)).blocks.length);
    expect(counts).toEqual([1, 1, 2, 2, 3]);
  });

  it("blocks chain: H(0) in, each hOut is the next hIn, the last hOut is the digest, last round + hIn = hOut", () => {
    const { digest, blocks, rounds, vars } = h.trace(pseudoRandomBytes(130, 5)); // 3 blocks
    expect(blocks.map((b) => b.index)).toEqual([0, 1, 2]);
    expect([...blocks[0]!.hIn]).toEqual(h.H0);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i]!.hIn).toEqual(blocks[i - 1]!.hOut);
    expect(toHex(digest)).toBe([...blocks[2]!.hOut].map(hex32).join(""));
    expect(rounds).toHaveLength(3 * h.rounds);
    for (const block of blocks) {
      const last = rounds.findIndex((r) => r.block === block.index && r.t === h.rounds - 1);
      const sum = vars[last]!.map((v, j) => (v + block.hIn[j]!) >>> 0);
      expect(sum).toEqual([...block.hOut]);
    }
  });

  it("the schedule is M's words then the §6.x.2 step 1 recurrence; each round uses W_t and K_t", () => {
    const { schedules, rounds, blocks } = h.trace(TWO_BLOCK_MESSAGE);
    expect(schedules).toHaveLength(2);
    for (const { block, W } of schedules) {
      expect(W).toHaveLength(h.rounds);
      const view = new DataView(blocks[block]!.block.buffer);
      for (let t = 0; t < 16; t++) expect(W[t]).toBe(view.getUint32(4 * t));
      for (let t = 16; t < h.rounds; t++) expect(W[t], `block ${block} t ${t}`).toBe(h.scheduleWord(W, t));
      for (const r of rounds.filter((r) => r.block === block)) {
        expect(r.W).toBe(W[r.t]);
        expect(r.K).toBe(h.roundK(r.t));
      }
    }
  });

  it('matches the published intermediate values for "abc"', () => {
    const { schedules, vars } = h.trace(ABC);
    // The one padded block: "abc", the 1 bit, zeros, and ℓ = 24 = 0x18.
    expect([...schedules[0]!.W.subarray(0, 16)]).toEqual(words("61626380 0 0 0 0 0 0 0 0 0 0 0 0 0 0 18"));
    expect(vars[0], h.abcRounds.source).toEqual(words(h.abcRounds.first));
    expect(vars[h.rounds - 1], h.abcRounds.source).toEqual(words(h.abcRounds.last));
  });

  it("a traced call returns the same digest as an untraced one, with all hooks or none", () => {
    for (let length = 0; length <= 200; length += 7) {
      const message = pseudoRandomBytes(length, 1000 + length);
      const plain = toHex(h.ours(message));
      expect(toHex(h.ours(message, {})), `length ${length}`).toBe(plain);
      expect(toHex(h.trace(message).digest), `length ${length}`).toBe(plain);
    }
  });

  it("hooks get copies: changing them does not change the result", () => {
    const digest = h.ours(ABC, {
      padding: (p) => p.padded.fill(0xff),
      block: (b) => { b.block.fill(0); b.hOut.fill(0); },
      schedule: (s) => s.W.fill(0),
    });
    expect(toHex(digest)).toBe(h.vectors[0]!.digest);
  });
});

describe.each(ROWS)("%s constants", (_name, h) => {
  it(`K is recomputed exactly: ${h.derivedK.definition}`, () => {
    expect(h.K).toEqual(h.derivedK.compute());
  });

  it("K and H(0) begin with the words FIPS 180-4 prints, and the exported tables are frozen", () => {
    expect(h.K.slice(0, h.printedK.length).map(hex32)).toEqual(h.printedK);
    expect(h.H0.slice(0, h.printedH0.length).map(hex32)).toEqual(h.printedH0);
    expect(h.H0).toHaveLength(h.outputLen / 4); // H(0) has as many words as the digest
    expect(h.K).toHaveLength(h.kWords);
    expect(Object.isFrozen(h.K)).toBe(true);
    expect(Object.isFrozen(h.H0)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// What only one algorithm has
// ---------------------------------------------------------------------------------------------

describe("SHA-1 only", () => {
  it("f_t, K_t and T follow §4.1.1, §4.2.1 and §6.1.2, and the variables rotate as step 3 says", () => {
    const { rounds, blocks, schedules, vars } = traceSha1(TWO_BLOCK_MESSAGE);
    let previous = [...H0_SHA1];
    rounds.forEach((r, i) => {
      if (r.t === 0) previous = [...blocks[r.block]!.hIn];
      const [a, b, c, d, e] = previous as [number, number, number, number, number];
      const group = Math.floor(r.t / 20);
      const f = [(b & c) ^ (~b & d), b ^ c ^ d, (b & c) ^ (b & d) ^ (c & d), b ^ c ^ d][group]! >>> 0;
      expect(r.fName).toBe(["Ch", "Parity", "Maj", "Parity"][group]);
      expect(r.K).toBe(K_SHA1[group]);
      expect(r.W).toBe(schedules[r.block]!.W[r.t]);
      expect(r.f).toBe(f);
      expect(r.T).toBe((rotl(a, 5) + f + e + r.K + r.W) >>> 0);
      expect(vars[i]).toEqual([r.T, a, rotl(b, 30), c, d]);
      previous = vars[i]!;
    });
  });

  it("H(0) is the five words listed in §5.3.1, whose bytes count up and down in hex", () => {
    expect(H0_SHA1).toEqual([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
    // Read little-endian, the first four words are the bytes 01 23 45 … ef fe dc … 10.
    const bytes = H0_SHA1.slice(0, 4).flatMap((w) => [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24]);
    expect(toHex(new Uint8Array(bytes))).toBe("0123456789abcdeffedcba9876543210");
  });
});

describe("SHA-256 only", () => {
  it("each round's a = T1 + T2 and e = (previous d) + T1; the rest shift down", () => {
    const { rounds, vars } = traceSha256(ABC);
    let previous = [...H0_256];
    rounds.forEach((r, i) => {
      const now = vars[i]!;
      expect(now[0]).toBe((r.T1 + r.T2) >>> 0);
      expect(now[4]).toBe((previous[3]! + r.T1) >>> 0);
      expect([now[1], now[2], now[3], now[5], now[6], now[7]]).toEqual([
        previous[0], previous[1], previous[2], previous[4], previous[5], previous[6],
      ]);
      previous = now;
    });
  });

  it("H(0): first 32 bits of the fractional parts of the square roots of the first 8 primes (§5.3.3)", () => {
    const expected = firstPrimes(8).map((p) => Number(integerRoot(p << 64n, 2n) & MASK_32));
    expect(H0_256).toEqual(expected);
  });
});

describe("the two hashes together", () => {
  it("a SHA-1 and a SHA-256 hasher interleaved do not disturb each other (they share _md.ts's scratch block)", () => {
    const message = pseudoRandomBytes(333, 77);
    const one = createSha1();
    const two = createSha256();
    for (let i = 0; i < message.length; i += 13) {
      one.update(message.subarray(i, i + 13));
      two.update(message.subarray(i, i + 13));
    }
    expect(toHex(one.digest())).toBe(createHash("sha1").update(message).digest("hex"));
    expect(toHex(two.digest())).toBe(createHash("sha256").update(message).digest("hex"));
  });

  it("integerRoot, used to recompute the constants, is exact around perfect powers", () => {
    expect(integerRoot(1n << 64n, 2n)).toBe(1n << 32n);
    expect(integerRoot((1n << 64n) - 1n, 2n)).toBe((1n << 32n) - 1n);
    expect(integerRoot((1n << 60n) - 1n, 2n)).toBe((1n << 30n) - 1n); // the edge of SHA-1's ⌊2^30·√x⌋
    expect(integerRoot(3n ** 60n, 3n)).toBe(3n ** 20n);
    expect(integerRoot(3n ** 60n - 1n, 3n)).toBe(3n ** 20n - 1n);
    expect(integerRoot(3n ** 60n + 1n, 3n)).toBe(3n ** 20n);
  });
});
