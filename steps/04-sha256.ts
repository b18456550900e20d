/**
 * Step 4 · SHA-256: the hash of the signing input, with lib/crypto/sha256.ts traced: the padding of
 * FIPS 180-4 §5.1.1, each 64-byte block and the hash value after it, and (--verbose) the 64 rounds
 * of the first block.
 */
import { toHex } from "../lib/bytes.ts";
import { nodeSha256Hex, webCryptoSha256Hex } from "../lib/oracle.ts";
import { sha256, type BlockInfo, type PaddingInfo, type Sha256RoundInfo } from "../lib/crypto/sha256.ts";
import type { Context } from "./context.ts";
import type { Step } from "./step.ts";
import { STEP_OUTLINES } from "./step-outlines.ts";
import type { Ui } from "./ui.ts";
import type { WrittenFile } from "./workspace.ts";

export interface HashResult {
  inputBytes: number;
  padding: PaddingInfo;
  blocks: BlockInfo[];
  /** rounds of block 0, kept only with --verbose */
  rounds: Sha256RoundInfo[];
  digest: Uint8Array;
  oracle: { nodeCrypto: string; webCrypto: string };
  written: WrittenFile[];
}

async function run(ctx: Context): Promise<HashResult> {
  await ctx.ensure("signing-input.txt");
  const input = ctx.ws.read("signing-input.txt");
  let padding: PaddingInfo | undefined;
  const blocks: BlockInfo[] = [];
  const rounds: Sha256RoundInfo[] = [];
  const digest = sha256(input, {
    padding: (p) => (padding = p),
    block: (b) => blocks.push(b),
    round: ctx.verbose ? (r) => r.block === 0 && rounds.push(r) : undefined,
  });
  const oracle = { nodeCrypto: nodeSha256Hex(input), webCrypto: await webCryptoSha256Hex(input) };
  const written = ctx.ws.writeAll([{ name: "signing-input.sha256", data: toHex(digest) + "\n" }]);
  return { inputBytes: input.length, padding: padding!, blocks, rounds, digest, oracle, written };
}

const words = (h: ArrayLike<number>) => Array.from(h, (w) => w.toString(16).padStart(8, "0")).join(" ");

function render(r: HashResult, ui: Ui, ctx: Context): string[] {
  const p = r.padding;
  const last = p.padded.subarray(p.paddedLength - 64);
  const lastStart = p.paddedLength - 64;
  // Colour the last block: message bytes, the 0x80 byte, the zero bytes, the 64-bit length.
  const ranges = [
    { start: 0, end: Math.max(0, p.messageBytes - lastStart), role: "plain" as const, label: "message" },
    { start: p.messageBytes - lastStart, end: p.messageBytes - lastStart + 1, role: "gold" as const, label: "0x80: the '1' bit" },
    { start: p.messageBytes - lastStart + 1, end: 56, role: "dim" as const, label: `${p.zeroBytes} zero bytes` },
    { start: 56, end: 64, role: "blue" as const, label: `ℓ = ${p.messageBits} bits` },
  ].filter((x) => x.end > x.start && x.start >= 0);
  const lines = [
    ...ui.title(4, "SHA-256 of the signing input"),
    ...ui.prose(
      "RS256 and PS256 do not sign the signing input itself but its SHA-256 hash: 32 bytes that change",
      "completely if one bit of the input changes. SHA-256 (FIPS 180-4) pads the message to whole",
      "64-byte blocks, then mixes each block into eight 32-bit words, H0 … H7, 64 rounds per block.",
    ),
    ...ui.section("Padding (FIPS 180-4 §5.1.1)"),
    ...ui.fields([
      ["message", `${p.messageBytes} bytes = ℓ = ${p.messageBits} bits`],
      ["append", `the bit 1 (byte 0x80), then k = ${p.k} zero bits, then ℓ as a 64-bit big-endian number`],
      ["padded", `${p.paddedLength} bytes = ${p.blockCount} blocks of 64 bytes`],
    ]),
    ...ui.section(`The last block, M(${p.blockCount})`),
    ...ui.hexdump(last, ranges),
    ...ui.section("One compression per block (§6.2.2): H(i) = H(i−1) + the 64 rounds over M(i)"),
    ...ui.fields([["H(0)", words(r.blocks[0]!.hIn) + ui.paint("dim", "  (§5.3.3: fractional parts of √ of the first 8 primes)")], ...r.blocks.map((b): [string, string] => [`H(${b.index + 1})`, words(b.hOut)])]),
  ];
  if (r.rounds.length) {
    lines.push(...ui.section("The 64 rounds of block 1 (§6.2.2 step 3): a … h after each round"));
    // FIPS 180-4 §6.2.2 step 3: T1 = h + Σ1(e) + Ch(e,f,g) + K_t + W_t, T2 = Σ0(a) + Maj(a,b,c).
    lines.push(
      ...ui.fields([
        ["t", "the round, 0 to 63"],
        ["W_t", "the message schedule word: for t < 16 the block's 32-bit word t, then mixed from earlier ones (step 1)"],
        ["K_t", "the round constant: cube roots of the first 64 primes, fractional part (§4.2.2)"],
        ["a", `new each round: T1 + T2, T1 = h + Σ1(e) + Ch(e,f,g) + K_t + W_t, T2 = Σ0(a) + Maj(a,b,c) (${ui.paint("gold", "gold")})`],
        ["e", `new each round: d + T1 (${ui.paint("blue", "blue")})`],
        ["b c d, f g h", "only move along: b takes the old a, c the old b, …, f the old e, …"],
      ]),
      "",
    );
    lines.push(ui.paint("dim", "   t  W_t      K_t      a        b        c        d        e        f        g        h"));
    for (const x of r.rounds) {
      const v = x.vars;
      lines.push(`  ${String(x.t).padStart(2)}  ${words([x.W, x.K])} ${ui.paint("gold", words([v.a]))} ${words([v.b, v.c, v.d])} ${ui.paint("blue", words([v.e]))} ${words([v.f, v.g, v.h])}`);
    }
  } else lines.push(ui.paint("dim", `  (${ctx.stepCommand(4, "--verbose")} shows the 64 rounds of the first block)`));
  const hex = toHex(r.digest);
  lines.push(
    ...ui.section("Digest: H(N) as 32 bytes"),
    `  ${ui.paint("em", hex)}`,
    ui.check(hex === r.oracle.nodeCrypto, "matches node:crypto createHash(\"sha256\")"),
    ui.check(hex === r.oracle.webCrypto, "matches WebCrypto crypto.subtle.digest(\"SHA-256\")"),
    ...ui.section("The same in PowerShell and openssl"),
    ...ui.command("PowerShell:", ["$hash = [Security.Cryptography.SHA256]::Create().ComputeHash([Text.Encoding]::ASCII.GetBytes($signingInput))"]),
    ...ui.command("openssl:", [`openssl dgst -sha256 ${ctx.ws.display("signing-input.txt")}`]),
    ...ui.section("Files"),
    ...r.written.map((f) => ui.artifact(f.display, `(${f.bytes} bytes)`)),
    ...ctx.next(5, "the RSA signature over this hash"),
  );
  return lines;
}

export const hashStep: Step<HashResult> = {
  ...STEP_OUTLINES[3]!,
  run,
  render,
  json: (r) => ({
    inputBytes: r.inputBytes,
    padding: { messageBits: r.padding.messageBits, k: r.padding.k, paddedLength: r.padding.paddedLength, blockCount: r.padding.blockCount },
    blocks: r.blocks.map((b) => ({ index: b.index, hOut: words(b.hOut) })),
    rounds: r.rounds.map((x) => ({ t: x.t, W: x.W, K: x.K, T1: x.T1, T2: x.T2, ...x.vars })),
    digest: r.digest,
    oracleMatches: toHex(r.digest) === r.oracle.nodeCrypto && toHex(r.digest) === r.oracle.webCrypto,
    files: r.written.map((f) => f.display),
  }),
};
