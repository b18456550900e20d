/**
 * lib/crypto/modular.ts: `mod`, the least non-negative residue, and the re-exports RSA's consumers
 * rely on. modPow and modInverse are exercised at length by rsa.test.ts (against an independent
 * exponentiation and the RFC 7515 key) and rsa.slow.test.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KitError } from "../../../lib/errors.ts";
import { mod, modInverse, modPow } from "../../../lib/crypto/modular.ts";
import * as rsa from "../../../lib/crypto/rsa/index.ts";

describe("mod(a, m): the residue in [0, m)", () => {
  it("differs from % exactly for negative a", () => {
    expect(-8n % 7n).toBe(-1n); // what JavaScript's remainder gives
    expect(mod(-8n, 7n)).toBe(6n);
    expect(mod(8n, 7n)).toBe(1n);
    expect(mod(-7n, 7n)).toBe(0n);
    expect(mod(7n, 7n)).toBe(0n);
    expect(mod(-1n, 7n)).toBe(6n);
    expect(mod(123n, 1n)).toBe(0n);
    expect(mod(-123n, 1n)).toBe(0n);
    expect(mod(-1n, 1n << 2048n)).toBe((1n << 2048n) - 1n);
  });

  it("is the unique r with 0 ≤ r < m and m | a − r (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 600n), max: 1n << 600n }), fc.bigInt({ min: 1n, max: 1n << 300n }), (a, m) => {
        const r = mod(a, m);
        expect(r >= 0n && r < m).toBe(true);
        expect((a - r) % m).toBe(0n);
      }),
      { numRuns: 300 },
    );
  });

  it("equals the ((a % m) + m) % m it replaced in lib/crypto (property)", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 100n), max: 1n << 100n }), fc.bigInt({ min: 1n, max: 1n << 80n }), (a, m) => {
        expect(mod(a, m)).toBe(((a % m) + m) % m);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses a modulus ≤ 0", () => {
    expect(() => mod(5n, 0n)).toThrow(RangeError);
    expect(() => mod(5n, -3n)).toThrow(RangeError);
  });
});

describe("modInverse with values outside [0, m)", () => {
  it("inverts negative and oversized a, always answering in [0, m)", () => {
    expect(modInverse(-3n, 7n)).toBe(2n); // −3 · 2 = −6 ≡ 1 (mod 7)
    expect(modInverse(10n, 7n)).toBe(5n); // 10 ≡ 3, 3 · 5 = 15 ≡ 1
    expect(modInverse(1n, 1n)).toBe(0n);
    expect(() => modInverse(3n, 0n)).toThrow(RangeError);
    expect(() => modInverse(-6n, 9n)).toThrow(KitError);
  });
});

describe("rsa/index.ts re-exports", () => {
  it("modPow and modInverse are the functions of modular.ts, and mod stays internal to lib/crypto", () => {
    expect(rsa.modPow).toBe(modPow);
    expect(rsa.modInverse).toBe(modInverse);
    expect("mod" in rsa).toBe(false);
  });
});
