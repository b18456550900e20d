import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex, utf8Encode } from "../../../lib/bytes.ts";
import { H0_SHA1, K_SHA1, SHA1, createSha1, sha1 } from "../../../lib/crypto/sha1.ts";
import type { BlockInfo, PaddingInfo, Sha1RoundInfo, Sha1ScheduleInfo } from "../../../lib/crypto/sha1.ts";

/** The independent oracle: OpenSSL through node:crypto. */
function nodeSha1(data: Uint8Array): string {
  return createHash("sha1").update(data).digest("hex");
}

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

const ABC = utf8Encode("abc");
const TWO_BLOCK_MESSAGE = utf8Encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
const ABC_DIGEST = "a9993e364706816aba3e25717850c26c9cd0d89d";

describe("sha1: FIPS 180-2 / NIST example messages", () => {
  // Digests from FIPS 180-2 Appendix A and the NIST example values.
  const vectors: [string, Uint8Array, string][] = [
    ["abc (A.1)", ABC, ABC_DIGEST],
    ["448-bit message (A.2)", TWO_BLOCK_MESSAGE, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"],
    ["empty string", new Uint8Array(0), "da39a3ee5e6b4b0d3255bfef95601890afd80709"],
    ["one million 'a' (A.3)", new Uint8Array(1_000_000).fill(0x61), "34aa973cd4c4daa4f61eeb2bdbad27316534016f"],
  ];
  for (const [name, message, expected] of vectors) {
    it(name, () => {
      expect(toHex(sha1(message))).toBe(expected);
      expect(nodeSha1(message)).toBe(expected);
      expect(toHex(createSha1().update(message).digest())).toBe(expected);
      expect(toHex(SHA1.digest(message))).toBe(expected);
    });
  }
});

describe("sha1 against node:crypto", () => {
  it("every length from 0 to 300 bytes", () => {
    for (let length = 0; length <= 300; length++) {
      const message = pseudoRandomBytes(length, 0xc0ffee + length);
      expect(toHex(sha1(message)), `length ${length}`).toBe(nodeSha1(message));
    }
  });

  it("random messages up to 5 KB (property)", () => {
    // size: "max" lets lengths range over all of 0…5000; fast-check's default size keeps arrays tiny (≤ 10).
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000, size: "max" }), (message) => toHex(sha1(message)) === nodeSha1(message)),
      { numRuns: 300 },
    );
  });

  it("views into a larger buffer (byteOffset ≠ 0)", () => {
    const big = pseudoRandomBytes(1000, 11);
    for (const [start, end] of [[1, 1000], [5, 133], [64, 64 * 4 + 1]] as const) {
      expect(toHex(sha1(big.subarray(start, end))), `${start}..${end}`).toBe(nodeSha1(big.slice(start, end)));
    }
  });
});

describe("createSha1: incremental hashing", () => {
  const message = pseudoRandomBytes(200, 43);
  const expected = toHex(sha1(message));

  it("a 200-byte message split in two at every position equals the one-shot digest", () => {
    for (let cut = 0; cut <= message.length; cut++) {
      const got = createSha1().update(message.subarray(0, cut)).update(message.subarray(cut)).digest();
      expect(toHex(got), `cut at ${cut}`).toBe(expected);
    }
  });

  it("1-byte updates equal the one-shot digest", () => {
    const hasher = createSha1();
    for (let i = 0; i < message.length; i++) hasher.update(message.subarray(i, i + 1));
    expect(toHex(hasher.digest())).toBe(expected);
  });

  it("any split into pieces equals node:crypto (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700, size: "max" }), fc.array(fc.nat(700), { maxLength: 8, size: "max" }), (data, cuts) => {
        const points = [0, ...cuts.map((c) => c % (data.length + 1)).sort((a, b) => a - b), data.length];
        const hasher = createSha1();
        for (let i = 1; i < points.length; i++) hasher.update(data.subarray(points[i - 1], points[i]));
        return toHex(hasher.digest()) === nodeSha1(data);
      }),
      { numRuns: 200 },
    );
  });

  it("digest may be called once, and update is refused after it", () => {
    const hasher = createSha1().update(ABC);
    expect(toHex(hasher.digest())).toBe(ABC_DIGEST);
    expect(() => hasher.digest()).toThrow(/once/);
    expect(() => hasher.update(ABC)).toThrow(/already/);
  });
});

describe("SHA1 as a HashFunction", () => {
  it("has RFC 8017's hLen and the block size, and digests like sha1", () => {
    expect(SHA1.name).toBe("SHA-1");
    expect(SHA1.outputLength).toBe(20);
    expect(SHA1.blockLength).toBe(64);
    expect(SHA1.digest(ABC)).toEqual(sha1(ABC));
  });
});

/** Runs sha1 with every hook, recording what they saw. */
function traceOf(message: Uint8Array) {
  const paddings: PaddingInfo[] = [];
  const blocks: BlockInfo[] = [];
  const schedules: Sha1ScheduleInfo[] = [];
  const rounds: Sha1RoundInfo[] = [];
  const digest = sha1(message, {
    padding: (info) => paddings.push(info),
    block: (info) => blocks.push(info),
    schedule: (info) => schedules.push(info),
    round: (info) => rounds.push(info),
  });
  return { digest, paddings, blocks, schedules, rounds };
}

const words = (hex: string): number[] => hex.split(" ").map((w) => parseInt(w, 16));
const varsOf = (r: Sha1RoundInfo): number[] => [r.vars.a, r.vars.b, r.vars.c, r.vars.d, r.vars.e];
const rotl = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;

describe("sha1 trace", () => {
  for (const length of [0, 55, 56, 63, 64, 119, 120]) {
    it(`padding of a ${length}-byte message follows §5.1.1`, () => {
      const message = pseudoRandomBytes(length, length + 3);
      const { paddings, blocks } = traceOf(message);
      expect(paddings).toHaveLength(1);
      const p = paddings[0]!;
      const l = length * 8;
      const k = (((448 - (l + 1)) % 512) + 512) % 512;
      expect(p.messageBits).toBe(BigInt(l));
      expect(p.k).toBe(k);
      expect(p.zeroBytes * 8 + 7).toBe(k);
      expect(p.paddedLength * 8).toBe(l + 1 + k + 64);
      expect(blocks).toHaveLength(p.paddedLength / 64);
      expect(p.padded.subarray(0, length)).toEqual(message);
      expect(p.padded[length]).toBe(0x80);
      expect(new DataView(p.padded.buffer).getBigUint64(p.paddedLength - 8)).toBe(BigInt(l));
    });
  }

  it("blocks chain from H(0) to the digest, and round 79 + hIn = hOut in every block", () => {
    const { digest, blocks, rounds } = traceOf(pseudoRandomBytes(130, 5)); // 3 blocks
    expect(blocks).toHaveLength(3);
    expect([...blocks[0]!.hIn]).toEqual(H0_SHA1);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i]!.hIn).toEqual(blocks[i - 1]!.hOut);
    expect(toHex(digest)).toBe([...blocks[2]!.hOut].map((w) => w.toString(16).padStart(8, "0")).join(""));
    expect(rounds).toHaveLength(3 * 80);
    for (const block of blocks) {
      const r79 = rounds.find((r) => r.block === block.index && r.t === 79)!;
      expect(varsOf(r79).map((v, j) => (v + block.hIn[j]!) >>> 0)).toEqual([...block.hOut]);
    }
  });

  it("schedule, f_t, K_t and T follow §4.1.1, §4.2.1 and §6.1.2", () => {
    const { schedules, rounds, blocks } = traceOf(TWO_BLOCK_MESSAGE);
    for (const { block, W } of schedules) {
      expect(W).toHaveLength(80);
      const view = new DataView(blocks[block]!.block.buffer);
      for (let t = 0; t < 16; t++) expect(W[t]).toBe(view.getUint32(4 * t));
      for (let t = 16; t < 80; t++) expect(W[t]).toBe(rotl(W[t - 3]! ^ W[t - 8]! ^ W[t - 14]! ^ W[t - 16]!, 1));
    }
    let previous = [...H0_SHA1];
    for (const r of rounds) {
      if (r.t === 0) previous = [...blocks[r.block]!.hIn];
      const [a, b, c, d, e] = previous as [number, number, number, number, number];
      const group = Math.floor(r.t / 20);
      const f = [(b & c) ^ (~b & d), b ^ c ^ d, (b & c) ^ (b & d) ^ (c & d), b ^ c ^ d][group]! >>> 0;
      expect(r.fName).toBe(["Ch", "Parity", "Maj", "Parity"][group]);
      expect(r.K).toBe(K_SHA1[group]);
      expect(r.W).toBe(schedules[r.block]!.W[r.t]);
      expect(r.f).toBe(f);
      expect(r.T).toBe((rotl(a, 5) + f + e + r.K + r.W) >>> 0);
      expect(varsOf(r)).toEqual([r.T, a, rotl(b, 30), c, d]);
      previous = varsOf(r);
    }
  });

  it('matches the FIPS 180-2 Appendix A.1 intermediate values for "abc"', () => {
    const { rounds } = traceOf(ABC);
    expect(varsOf(rounds[0]!)).toEqual(words("0116fc33 67452301 7bf36ae2 98badcfe 10325476"));
    expect(varsOf(rounds[79]!)).toEqual(words("42541b35 5738d5e1 21834873 681e6df6 d8fdf6ad"));
  });

  it("a traced call returns the same digest as an untraced one", () => {
    for (let length = 0; length <= 200; length += 7) {
      const message = pseudoRandomBytes(length, 2000 + length);
      const plain = toHex(sha1(message));
      expect(toHex(sha1(message, {})), `length ${length}`).toBe(plain);
      expect(toHex(traceOf(message).digest), `length ${length}`).toBe(plain);
    }
  });
});

describe("SHA-1 constants", () => {
  /** ⌊√x⌋ by Newton's method on integers (exact). */
  function integerSqrt(x: bigint): bigint {
    if (x < 2n) return x;
    let r = 1n << (BigInt(x.toString(2).length) / 2n + 1n);
    for (;;) {
      const next = (r + x / r) / 2n;
      if (next >= r) return r;
      r = next;
    }
  }

  it("K_t is ⌊2^30·√2⌋, ⌊2^30·√3⌋, ⌊2^30·√5⌋, ⌊2^30·√10⌋ (§4.2.1)", () => {
    expect(integerSqrt((1n << 60n) - 1n)).toBe((1n << 30n) - 1n); // the root itself is exact at the edge
    // ⌊2^30 · √x⌋ = ⌊√(x · 2^60)⌋
    const expected = [2n, 3n, 5n, 10n].map((x) => Number(integerSqrt(x << 60n)));
    expect(K_SHA1).toEqual(expected);
    expect(K_SHA1.map((k) => k.toString(16))).toEqual(["5a827999", "6ed9eba1", "8f1bbcdc", "ca62c1d6"]);
  });

  it("H(0) is the five words listed in §5.3.1, whose bytes count up and down in hex", () => {
    expect(H0_SHA1).toEqual([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
    // Read little-endian, the first four words are the bytes 01 23 45 … ef fe dc … 10.
    const bytes = H0_SHA1.slice(0, 4).flatMap((w) => [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24]);
    expect(toHex(new Uint8Array(bytes))).toBe("0123456789abcdeffedcba9876543210");
    expect(Object.isFrozen(H0_SHA1) && Object.isFrozen(K_SHA1)).toBe(true);
  });
});
