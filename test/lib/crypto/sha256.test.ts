import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toHex, utf8Encode } from "../../../lib/bytes.ts";
import { H0_256, K256, SHA256, createSha256, sha256 } from "../../../lib/crypto/sha256.ts";
import type { BlockInfo, PaddingInfo, Sha256RoundInfo, Sha256ScheduleInfo } from "../../../lib/crypto/sha256.ts";

/** The independent oracle: OpenSSL through node:crypto. */
function nodeSha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
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

describe("sha256: FIPS 180-2 / NIST example messages", () => {
  // Digests from FIPS 180-2 Appendix B and the NIST "Cryptographic Algorithm Validation" examples.
  const vectors: [string, Uint8Array, string][] = [
    ["abc (B.1)", ABC, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["448-bit message (B.2)", TWO_BLOCK_MESSAGE, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
    ["empty string", new Uint8Array(0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["one million 'a' (B.3)", new Uint8Array(1_000_000).fill(0x61), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"],
  ];
  for (const [name, message, expected] of vectors) {
    it(name, () => {
      expect(toHex(sha256(message))).toBe(expected);
      expect(nodeSha256(message)).toBe(expected);
      expect(toHex(createSha256().update(message).digest())).toBe(expected);
      expect(toHex(SHA256.digest(message))).toBe(expected);
    });
  }

  it("one million 'a' fed in uneven pieces", () => {
    const hasher = createSha256();
    const piece = new Uint8Array(997).fill(0x61); // a prime, so pieces straddle block edges
    let left = 1_000_000;
    for (; left >= piece.length; left -= piece.length) hasher.update(piece);
    hasher.update(piece.subarray(0, left));
    expect(toHex(hasher.digest())).toBe("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  });
});

describe("sha256 against node:crypto", () => {
  it("every length from 0 to 300 bytes", () => {
    for (let length = 0; length <= 300; length++) {
      const message = pseudoRandomBytes(length, 0x5eed + length);
      expect(toHex(sha256(message)), `length ${length}`).toBe(nodeSha256(message));
    }
  });

  it("random messages up to 5 KB (property)", () => {
    // size: "max" lets lengths range over all of 0…5000; fast-check's default size keeps arrays tiny (≤ 10).
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000, size: "max" }), (message) => toHex(sha256(message)) === nodeSha256(message)),
      { numRuns: 300 },
    );
  });

  it("views into a larger buffer (byteOffset ≠ 0, Node Buffers from the shared pool)", () => {
    const big = pseudoRandomBytes(1000, 7);
    for (const [start, end] of [[1, 1000], [3, 200], [63, 64 * 5 + 63], [500, 501]] as const) {
      const view = big.subarray(start, end);
      expect(toHex(sha256(view)), `${start}..${end}`).toBe(nodeSha256(big.slice(start, end)));
    }
    const pooled = Buffer.from("a Node Buffer usually sits at an offset inside an 8 KiB pool; ".repeat(3));
    expect(toHex(sha256(pooled))).toBe(nodeSha256(pooled));
  });
});

describe("createSha256: incremental hashing", () => {
  const message = pseudoRandomBytes(200, 42);
  const expected = toHex(sha256(message));

  it("a 200-byte message split in two at every position equals the one-shot digest", () => {
    for (let cut = 0; cut <= message.length; cut++) {
      const got = createSha256().update(message.subarray(0, cut)).update(message.subarray(cut)).digest();
      expect(toHex(got), `cut at ${cut}`).toBe(expected);
    }
  });

  it("1-byte updates, and empty updates in between, equal the one-shot digest", () => {
    const hasher = createSha256();
    for (let i = 0; i < message.length; i++) hasher.update(message.subarray(i, i + 1)).update(new Uint8Array(0));
    expect(toHex(hasher.digest())).toBe(expected);
  });

  it("any split into pieces equals node:crypto (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700, size: "max" }), fc.array(fc.nat(700), { maxLength: 8, size: "max" }), (data, cuts) => {
        const points = [0, ...cuts.map((c) => c % (data.length + 1)).sort((a, b) => a - b), data.length];
        const hasher = createSha256();
        for (let i = 1; i < points.length; i++) hasher.update(data.subarray(points[i - 1], points[i]));
        return toHex(hasher.digest()) === nodeSha256(data);
      }),
      { numRuns: 200 },
    );
  });

  it("digest may be called once, and update is refused after it", () => {
    const hasher = createSha256().update(ABC);
    expect(toHex(hasher.digest())).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(() => hasher.digest()).toThrow(/once/);
    expect(() => hasher.update(ABC)).toThrow(/already/);
  });

  it("hashers do not disturb each other when interleaved", () => {
    const one = createSha256();
    const two = createSha256();
    for (let i = 0; i < message.length; i += 10) {
      one.update(message.subarray(i, i + 10));
      two.update(TWO_BLOCK_MESSAGE.subarray(i % 50, (i % 50) + 1));
    }
    expect(toHex(one.digest())).toBe(expected);
    const twoInput = new Uint8Array(20).map((_, j) => TWO_BLOCK_MESSAGE[(j * 10) % 50]!);
    expect(toHex(two.digest())).toBe(nodeSha256(twoInput));
  });
});

describe("SHA256 as a HashFunction", () => {
  it("has RFC 8017's hLen and the block size, and digests like sha256", () => {
    expect(SHA256.name).toBe("SHA-256");
    expect(SHA256.outputLength).toBe(32);
    expect(SHA256.blockLength).toBe(64);
    expect(SHA256.digest(ABC)).toEqual(sha256(ABC));
  });
});

/** Runs sha256 with every hook, recording what they saw. */
function traceOf(message: Uint8Array) {
  const paddings: PaddingInfo[] = [];
  const blocks: BlockInfo[] = [];
  const schedules: Sha256ScheduleInfo[] = [];
  const rounds: Sha256RoundInfo[] = [];
  const digest = sha256(message, {
    padding: (info) => paddings.push(info),
    block: (info) => blocks.push(info),
    schedule: (info) => schedules.push(info),
    round: (info) => rounds.push(info),
  });
  return { digest, paddings, blocks, schedules, rounds };
}

const words = (hex: string): number[] => hex.split(" ").map((w) => parseInt(w, 16));
const varsOf = (r: Sha256RoundInfo): number[] => [r.vars.a, r.vars.b, r.vars.c, r.vars.d, r.vars.e, r.vars.f, r.vars.g, r.vars.h];

describe("sha256 trace", () => {
  for (const length of [0, 55, 56, 63, 64, 119, 120]) {
    it(`padding of a ${length}-byte message follows §5.1.1`, () => {
      const message = pseudoRandomBytes(length, length + 1);
      const { paddings, blocks } = traceOf(message);
      expect(paddings).toHaveLength(1);
      const p = paddings[0]!;
      const l = length * 8;
      const k = (((448 - (l + 1)) % 512) + 512) % 512; // smallest k ≥ 0 with l + 1 + k ≡ 448 (mod 512)
      expect(p.messageBytes).toBe(length);
      expect(p.messageBits).toBe(BigInt(l));
      expect(p.k).toBe(k);
      expect(p.zeroBytes * 8 + 7).toBe(k);
      expect(p.paddedLength * 8).toBe(l + 1 + k + 64);
      expect(p.paddedLength % 64).toBe(0);
      expect(p.blockCount).toBe(p.paddedLength / 64);
      expect(blocks).toHaveLength(p.blockCount);
      // The bytes themselves: M ‖ 0x80 ‖ zeros ‖ ℓ (64-bit big-endian).
      expect(p.padded.subarray(0, length)).toEqual(message);
      expect(p.padded[length]).toBe(0x80);
      expect(p.padded.subarray(length + 1, length + 1 + p.zeroBytes).every((b) => b === 0)).toBe(true);
      expect(new DataView(p.padded.buffer).getBigUint64(p.paddedLength - 8)).toBe(BigInt(l));
    });
  }

  it("block counts at the edges: 55 bytes fit in one block, 56 need two, 120 need three", () => {
    const counts = [0, 55, 56, 119, 120].map((n) => traceOf(new Uint8Array(n)).blocks.length);
    expect(counts).toEqual([1, 1, 2, 2, 3]);
  });

  it("blocks chain: H(0) in, each hOut is the next hIn, the last hOut is the digest, round 63 + hIn = hOut", () => {
    const { digest, blocks, rounds } = traceOf(pseudoRandomBytes(150, 9)); // 3 blocks
    expect(blocks.map((b) => b.index)).toEqual([0, 1, 2]);
    expect([...blocks[0]!.hIn]).toEqual(H0_256);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i]!.hIn).toEqual(blocks[i - 1]!.hOut);
    const last = blocks[2]!.hOut;
    expect(toHex(digest)).toBe([...last].map((w) => w.toString(16).padStart(8, "0")).join(""));
    expect(rounds).toHaveLength(3 * 64);
    for (const block of blocks) {
      const r63 = rounds.find((r) => r.block === block.index && r.t === 63)!;
      const sum = varsOf(r63).map((v, j) => (v + block.hIn[j]!) >>> 0);
      expect(sum).toEqual([...block.hOut]);
    }
  });

  it("the schedule is M's words then σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16]; each round uses W[t] and K[t]", () => {
    const { schedules, rounds, blocks } = traceOf(TWO_BLOCK_MESSAGE);
    expect(schedules).toHaveLength(2);
    const rotr = (x: number, n: number) => ((x >>> n) | (x << (32 - n))) >>> 0;
    for (const { block, W } of schedules) {
      expect(W).toHaveLength(64);
      const view = new DataView(blocks[block]!.block.buffer);
      for (let t = 0; t < 16; t++) expect(W[t]).toBe(view.getUint32(4 * t));
      for (let t = 16; t < 64; t++) {
        const s0 = rotr(W[t - 15]!, 7) ^ rotr(W[t - 15]!, 18) ^ (W[t - 15]! >>> 3);
        const s1 = rotr(W[t - 2]!, 17) ^ rotr(W[t - 2]!, 19) ^ (W[t - 2]! >>> 10);
        expect(W[t], `block ${block} t ${t}`).toBe((s1 + W[t - 7]! + s0 + W[t - 16]!) >>> 0);
      }
      for (const r of rounds.filter((r) => r.block === block)) {
        expect(r.W).toBe(W[r.t]);
        expect(r.K).toBe(K256[r.t]);
      }
    }
  });

  it("each round's a = T1 + T2 and e = (previous d) + T1; the rest shift down", () => {
    const { rounds } = traceOf(ABC);
    let previous = [...H0_256];
    for (const r of rounds) {
      const now = varsOf(r);
      expect(now[0]).toBe((r.T1 + r.T2) >>> 0);
      expect(now[4]).toBe((previous[3]! + r.T1) >>> 0);
      expect([now[1], now[2], now[3], now[5], now[6], now[7]]).toEqual([
        previous[0], previous[1], previous[2], previous[4], previous[5], previous[6],
      ]);
      previous = now;
    }
  });

  it('matches the FIPS 180-2 Appendix B.1 intermediate values for "abc"', () => {
    const { rounds, schedules } = traceOf(ABC);
    expect([...schedules[0]!.W.subarray(0, 16)]).toEqual(words("61626380 0 0 0 0 0 0 0 0 0 0 0 0 0 0 18"));
    expect(varsOf(rounds[0]!)).toEqual(words("5d6aebcd 6a09e667 bb67ae85 3c6ef372 fa2a4622 510e527f 9b05688c 1f83d9ab"));
    expect(varsOf(rounds[63]!)).toEqual(words("506e3058 d39a2165 04d24d6c b85e2ce9 5ef50f24 fb121210 948d25b6 961f4894"));
  });

  it("a traced call returns the same digest as an untraced one, with all hooks or none", () => {
    for (let length = 0; length <= 200; length += 7) {
      const message = pseudoRandomBytes(length, 1000 + length);
      const plain = toHex(sha256(message));
      expect(toHex(sha256(message, {})), `length ${length}`).toBe(plain);
      expect(toHex(traceOf(message).digest), `length ${length}`).toBe(plain);
    }
  });

  it("hooks get copies: changing them does not change the result", () => {
    const digest = sha256(ABC, {
      padding: (p) => p.padded.fill(0xff),
      block: (b) => { b.block.fill(0); b.hOut.fill(0); },
      schedule: (s) => s.W.fill(0),
    });
    expect(toHex(digest)).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("SHA-256 constants, recomputed exactly with BigInt", () => {
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
  function firstPrimes(count: number): bigint[] {
    const primes: bigint[] = [];
    for (let n = 2n; primes.length < count; n++) if (primes.every((p) => n % p !== 0n)) primes.push(n);
    return primes;
  }
  const MASK = 0xffffffffn;

  it("integerRoot is exact around perfect powers", () => {
    expect(integerRoot(1n << 64n, 2n)).toBe(1n << 32n);
    expect(integerRoot((1n << 64n) - 1n, 2n)).toBe((1n << 32n) - 1n);
    expect(integerRoot(3n ** 60n, 3n)).toBe(3n ** 20n);
    expect(integerRoot(3n ** 60n - 1n, 3n)).toBe(3n ** 20n - 1n);
    expect(integerRoot(3n ** 60n + 1n, 3n)).toBe(3n ** 20n);
  });

  it("K: first 32 bits of the fractional parts of the cube roots of the first 64 primes (§4.2.2)", () => {
    // ⌊∛p · 2^32⌋ = ⌊∛(p · 2^96)⌋; keeping the low 32 bits drops the integer part.
    const expected = firstPrimes(64).map((p) => Number(integerRoot(p << 96n, 3n) & MASK));
    expect(K256).toEqual(expected);
    expect(K256[0]!.toString(16)).toBe("428a2f98"); // the first word as printed in §4.2.2
  });

  it("H(0): first 32 bits of the fractional parts of the square roots of the first 8 primes (§5.3.3)", () => {
    const expected = firstPrimes(8).map((p) => Number(integerRoot(p << 64n, 2n) & MASK));
    expect(H0_256).toEqual(expected);
    expect(H0_256[0]!.toString(16)).toBe("6a09e667"); // the first word as printed in §5.3.3
  });

  it("the exported tables are frozen, so no caller can change the hash", () => {
    expect(Object.isFrozen(K256)).toBe(true);
    expect(Object.isFrozen(H0_256)).toBe(true);
    expect(K256).toHaveLength(64);
    expect(H0_256).toHaveLength(8);
  });
});
