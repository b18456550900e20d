/**
 * `npm run step 4 -- --verbose` prints the 64 rounds of the first block under a legend. The legend
 * says what each column is; this test recomputes every printed row from that legend alone (the
 * primes for K_t, the block's bytes for W_t, FIPS 180-4 §6.2.2's T1 and T2 for a and e), so the
 * legend and the rows cannot drift apart.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, tempDir } from "./helpers.ts";

const rotr = (x: number, n: number) => ((x >>> n) | (x << (32 - n))) >>> 0;
const add = (...xs: number[]) => xs.reduce((s, x) => (s + x) >>> 0, 0);

/** The first 64 primes, by trial division. */
function primes(n: number): number[] {
  const out: number[] = [];
  for (let p = 2; out.length < n; p++) if (out.every((q) => p % q !== 0)) out.push(p);
  return out;
}

describe("step 4 --verbose: the rounds and their legend", () => {
  it("every row follows from the legend", async () => {
    const out = tempDir("rounds-");
    const { code, out: text } = await run("4", "--fixed", "--verbose", "--no-color", "--out", out);
    expect(code).toBe(0);
    for (const label of ["t ", "W_t ", "K_t ", "a ", "e ", "b c d, f g h "]) expect(text).toMatch(new RegExp(`^  ${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`, "m"));
    const rows = text
      .split("\n")
      .map((l) => /^ {2,3}(\d{1,2}) ((?: [0-9a-f]{8}){10})$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ t: Number(m[1]), v: m[2]!.trim().split(" ").map((h) => parseInt(h, 16)) }));
    expect(rows.map((r) => r.t)).toEqual([...Array(64).keys()]);

    const block = readFileSync(join(out, "signing-input.txt")).subarray(0, 64); // the signing input is longer than one block
    const K = primes(64).map((p) => Math.floor((Math.cbrt(p) % 1) * 2 ** 32) >>> 0);
    // H(0): the square roots of the first 8 primes, fractional part (§5.3.3), the state before round 0.
    let [a, b, c, d, e, f, g, h] = primes(8).map((p) => Math.floor((Math.sqrt(p) % 1) * 2 ** 32) >>> 0) as [number, number, number, number, number, number, number, number];
    const W: number[] = [];
    for (const { t, v } of rows) {
      const [Wt, Kt, na, nb, nc, nd, ne, nf, ng, nh] = v as [number, number, number, number, number, number, number, number, number, number];
      if (t < 16) W.push(block.readUInt32BE(t * 4));
      else {
        const s0 = rotr(W[t - 15]!, 7) ^ rotr(W[t - 15]!, 18) ^ (W[t - 15]! >>> 3);
        const s1 = rotr(W[t - 2]!, 17) ^ rotr(W[t - 2]!, 19) ^ (W[t - 2]! >>> 10);
        W.push(add(W[t - 16]!, s0, W[t - 7]!, s1));
      }
      const T1 = add(h, rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25), (e & f) ^ (~e & g), K[t]!, W[t]!);
      const T2 = add(rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22), (a & b) ^ (a & c) ^ (b & c));
      expect([Wt, Kt], `W_t and K_t of round ${t}`).toEqual([W[t], K[t]]);
      expect([na, nb, nc, nd, ne, nf, ng, nh], `a … h after round ${t}`).toEqual([add(T1, T2), a, b, c, add(d, T1), e, f, g]);
      [a, b, c, d, e, f, g, h] = [na, nb, nc, nd, ne, nf, ng, nh];
    }
  });
});
