/**
 * `npm run bench`: the kit's own SHA-256, SHA-1 and RSA next to @noble/hashes, node-forge and
 * node:crypto (OpenSSL), and the mock Entra ID next to node:crypto's floor and oauth2-mock-server,
 * measured in one run and printed side by side. `--help` for options.
 *
 * Every cell gets the same warm-up and the same measuring time (bench/measure.ts), so the whole
 * run takes a predictable time. Before timing, each implementation's output is checked against
 * node:crypto: a fast wrong answer would be worse than useless.
 */
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import os from "node:os";
import chalk from "chalk";
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";
import { sha1 as nobleSha1 } from "@noble/hashes/legacy.js";
import { SHA256, sha256 } from "../lib/crypto/sha256.ts";
import { sha1 } from "../lib/crypto/sha1.ts";
import { rsassaPkcs1v15Sign } from "../lib/crypto/rsa/index.ts";
import { rsaPrivateKeyFromJwk } from "../lib/formats/keys/index.ts";
import { measure } from "./measure.ts";
import type { MeasureOptions } from "./measure.ts";
import { formatNumber, formatRatio, formatTable } from "./table.ts";
import { benchMock, mockTables, type MockResults } from "./mock.ts";

const USAGE = `Usage: npm run bench -- [options]

Measures SHA-256 and SHA-1 throughput (64 B, 1 KiB, 1 MiB) for this kit, @noble/hashes and
node:crypto; RSA-2048 RS256 signatures per second for this kit, node:crypto and node-forge; and
the mock Entra ID's validated token requests per second, in-process next to node:crypto's sign +
verify alone, and over HTTPS (16 connections) next to oauth2-mock-server, taking turns in rounds.

Options:
  --time <ms>     measuring time per cell (default 300; the HTTPS rounds use 5× it)
  --warmup <ms>   untimed warm-up per cell (default 100)
  --only <part>   "hash", "rsa" or "mock" (default: all three)
  --rounds <n>    rounds of the mock's alternated measurements (default 4)
  --json          print the results as JSON on stdout instead of tables
                  (npm run -s bench -- --json keeps npm's own banner out of stdout)
  -h, --help      show this text

Ratios above 1× mean this kit's code is faster. Expect roughly 200 MB/s for SHA-256 in plain
TypeScript; OpenSSL's assembly is several times faster, more so on CPUs with SHA extensions.`;

interface Options {
  readonly timeMs: number;
  readonly warmupMs: number;
  readonly rounds: number;
  readonly only: "hash" | "rsa" | "mock" | undefined;
  readonly json: boolean;
}

function parseArgs(argv: readonly string[]): Options | "help" {
  let timeMs = 300;
  let warmupMs = 100;
  let rounds = 4;
  let only: Options["only"];
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split("=", 2) as [string, string | undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const milliseconds = (): number => {
      const v = Number(value());
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${flag} needs a positive number of milliseconds`);
      return v;
    };
    if (flag === "-h" || flag === "--help") return "help";
    else if (flag === "--json") json = true;
    else if (flag === "--time") timeMs = milliseconds();
    else if (flag === "--warmup") warmupMs = milliseconds();
    else if (flag === "--rounds") {
      rounds = Number(value());
      if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error("--rounds needs a whole number from 1 to 20");
    } else if (flag === "--only") {
      const v = value();
      if (v !== "hash" && v !== "rsa" && v !== "mock") throw new Error(`--only takes "hash", "rsa" or "mock", not "${v}"`);
      only = v;
    } else throw new Error(`unknown option "${argv[i]}"`);
  }
  return { timeMs, warmupMs, rounds, only, json };
}

/** Progress goes to stderr, so `--json` output on stdout stays clean. */
function progress(text: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r\u001b[K${chalk.dim(text)}`);
}

// ---------------------------------------------------------------------------------------------
// Hashes
// ---------------------------------------------------------------------------------------------

type HashImpl = "ours" | "noble" | "node";
const HASH_IMPLS: readonly HashImpl[] = ["ours", "noble", "node"];

interface HashAlgorithm {
  readonly name: "SHA-256" | "SHA-1";
  readonly nodeName: string;
  readonly impls: Record<HashImpl, (data: Uint8Array) => Uint8Array>;
}

// node:crypto is called the usual way, createHash().update().digest(): that builds a Hash object
// and crosses into C++ three times per call, a fixed cost (~1 µs here) that dominates at 64 B.
const HASHES: readonly HashAlgorithm[] = [
  {
    name: "SHA-256",
    nodeName: "sha256",
    impls: {
      ours: (data) => sha256(data),
      noble: (data) => nobleSha256(data),
      node: (data) => createHash("sha256").update(data).digest(),
    },
  },
  {
    name: "SHA-1",
    nodeName: "sha1",
    impls: {
      ours: (data) => sha1(data),
      noble: (data) => nobleSha1(data),
      node: (data) => createHash("sha1").update(data).digest(),
    },
  },
];

const SIZES = [
  { label: "64 B", bytes: 64 },
  { label: "1 KiB", bytes: 1024 },
  { label: "1 MiB", bytes: 1024 * 1024 },
] as const;

interface HashResult {
  readonly algorithm: string;
  readonly size: string;
  readonly bytes: number;
  readonly implementation: HashImpl;
  /** Decimal megabytes (10^6 bytes) per second. */
  readonly mbPerSecond: number;
  readonly calls: number;
  readonly seconds: number;
}

/** Deterministic filler bytes (content does not matter for speed, but a fixed input keeps runs comparable). */
function filler(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
}

function benchHashes(timing: MeasureOptions): HashResult[] {
  const results: HashResult[] = [];
  for (const algorithm of HASHES) {
    for (const size of SIZES) {
      const data = filler(size.bytes);
      const expected = createHash(algorithm.nodeName).update(data).digest("hex");
      for (const implementation of HASH_IMPLS) {
        const fn = algorithm.impls[implementation];
        const got = Buffer.from(fn(data)).toString("hex");
        if (got !== expected) throw new Error(`${implementation} ${algorithm.name} gives a wrong digest for ${size.label}`);
        progress(`${algorithm.name} ${size.label} ${implementation}…`);
        const m = measure(() => fn(data), timing);
        results.push({
          algorithm: algorithm.name,
          size: size.label,
          bytes: size.bytes,
          implementation,
          mbPerSecond: (m.perSecond * size.bytes) / 1e6,
          calls: m.calls,
          seconds: m.seconds,
        });
      }
    }
  }
  return results;
}

function hashTable(results: readonly HashResult[]): string {
  const rows: string[][] = [];
  for (const algorithm of HASHES) {
    for (const size of SIZES) {
      const get = (impl: HashImpl): number =>
        results.find((r) => r.algorithm === algorithm.name && r.size === size.label && r.implementation === impl)!
          .mbPerSecond;
      const ours = get("ours"), noble = get("noble"), node = get("node");
      rows.push([
        algorithm.name,
        size.label,
        formatNumber(ours),
        formatNumber(noble),
        formatNumber(node),
        formatRatio(ours / node),
        formatRatio(ours / noble),
      ]);
    }
  }
  return formatTable(
    [
      { header: "hash", align: "left" },
      { header: "input", align: "right" },
      { header: "ours MB/s", align: "right" },
      { header: "noble MB/s", align: "right" },
      { header: "node MB/s", align: "right" },
      { header: "ours÷node", align: "right" },
      { header: "ours÷noble", align: "right" },
    ],
    rows,
  );
}

// ---------------------------------------------------------------------------------------------
// RSA
// ---------------------------------------------------------------------------------------------

type RsaImpl = "ours" | "node" | "forge";

interface RsaResult {
  readonly implementation: RsaImpl;
  /** Length of the signed message in bytes. */
  readonly messageBytes: number;
  readonly signaturesPerSecond: number;
  /** Milliseconds per signature. */
  readonly milliseconds: number;
  readonly calls: number;
  readonly seconds: number;
}

/** Bytes signed per RS256 signature: about the size of an Entra ID client assertion's signing input. */
const RSA_MESSAGE_BYTES = 700;

/** Base64url text of that length, like the "header.payload" a JWT signature covers (content does not affect speed). */
function signingInput(): Uint8Array {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const out = new Uint8Array(RSA_MESSAGE_BYTES);
  for (let i = 0; i < out.length; i++) out[i] = alphabet.charCodeAt((i * 37 + 11) % 64);
  out[120] = 0x2e; // "." between the header and the payload
  return out;
}

async function benchRsa(timing: MeasureOptions): Promise<RsaResult[]> {
  // node-forge is loaded here, after the hash cells, not at the top of the file. Measured: with
  // node-forge merely imported (nothing called), both our SHA-1 and noble's ran ~25% slower at
  // 1 MiB (ours 385 → 275 MB/s, noble 245 → 197) and SHA-256 ~15% slower, reproducibly, with
  // identical optimized code. Running under --trace-opt made the gap vanish, which points at
  // where the JIT happens to place machine code (branch alignment), not at anything in the hashes.
  // The workshop never loads forge, so the hash cells run without it.
  const { default: forge } = await import("node-forge");
  progress("RSA: generating a 2048-bit key…");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 65537 });
  const ourKey = rsaPrivateKeyFromJwk(privateKey.export({ format: "jwk" }));
  const forgeKey = forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString());
  const message = signingInput();
  const messageBinary = Buffer.from(message).toString("binary"); // forge wants a "binary string", one char per byte
  const impls: Record<RsaImpl, () => Uint8Array> = {
    ours: () => rsassaPkcs1v15Sign(ourKey, message, SHA256),
    node: () => sign("sha256", message, privateKey),
    forge: () => {
      const md = forge.md.sha256.create();
      md.update(messageBinary);
      return Buffer.from(forgeKey.sign(md), "binary");
    },
  };
  // PKCS #1 v1.5 signatures are deterministic, so all three must produce the very same bytes.
  const expected = Buffer.from(impls.node()).toString("hex");
  const results: RsaResult[] = [];
  for (const implementation of ["ours", "node", "forge"] as const) {
    if (Buffer.from(impls[implementation]()).toString("hex") !== expected) {
      throw new Error(`${implementation}'s RS256 signature differs from node:crypto's`);
    }
    progress(`RSA-2048 sign ${implementation}…`);
    const m = measure(impls[implementation], { ...timing, minCalls: 5 });
    results.push({
      implementation,
      messageBytes: message.length,
      signaturesPerSecond: m.perSecond,
      milliseconds: 1000 / m.perSecond,
      calls: m.calls,
      seconds: m.seconds,
    });
  }
  return results;
}

function rsaTable(results: readonly RsaResult[]): string {
  const get = (impl: RsaImpl): RsaResult => results.find((r) => r.implementation === impl)!;
  const ours = get("ours"), node = get("node"), forgeResult = get("forge");
  return formatTable(
    [
      { header: "RSA-2048 RS256", align: "left" },
      { header: "ours sig/s", align: "right" },
      { header: "node sig/s", align: "right" },
      { header: "forge sig/s", align: "right" },
      { header: "ours÷node", align: "right" },
      { header: "ours÷forge", align: "right" },
    ],
    [
      [
        `sign ${ours.messageBytes} B`,
        formatNumber(ours.signaturesPerSecond),
        formatNumber(node.signaturesPerSecond),
        formatNumber(forgeResult.signaturesPerSecond),
        formatRatio(ours.signaturesPerSecond / node.signaturesPerSecond),
        formatRatio(ours.signaturesPerSecond / forgeResult.signaturesPerSecond),
      ],
      [
        "ms per signature",
        formatNumber(ours.milliseconds),
        formatNumber(node.milliseconds),
        formatNumber(forgeResult.milliseconds),
        "",
        "",
      ],
    ],
  );
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  let options: Options | "help";
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (options === "help") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const timing: MeasureOptions = { warmupMs: options.warmupMs, timeMs: options.timeMs };
  const started = Date.now();
  const hashes = options.only === undefined || options.only === "hash" ? benchHashes(timing) : [];
  const rsa = options.only === undefined || options.only === "rsa" ? await benchRsa(timing) : [];
  const mock: MockResults | undefined = options.only === undefined || options.only === "mock" ? await benchMock(timing, options.rounds, progress) : undefined;
  if (process.stderr.isTTY) process.stderr.write("\r\u001b[K"); // clear the progress line
  const environment = {
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.availableParallelism(),
    timeMs: options.timeMs,
    warmupMs: options.warmupMs,
    totalSeconds: (Date.now() - started) / 1000,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ environment, hashes, rsa, mock }, null, 2)}\n`);
    return;
  }
  const out: string[] = [
    chalk.dim(
      `Node ${environment.node} (V8 ${environment.v8}, OpenSSL ${environment.openssl}), ${environment.cpu}, ` +
        `${environment.cores} cores; ${environment.warmupMs} ms warm-up + ${environment.timeMs} ms per cell`,
    ),
  ];
  if (hashes.length > 0) out.push("", chalk.bold("Hash throughput (MB = 10^6 bytes, higher is better)"), hashTable(hashes));
  if (rsa.length > 0) out.push("", chalk.bold("RSA-2048 RS256 signatures (higher is better)"), rsaTable(rsa));
  if (mock) out.push(...mockTables(mock, (text) => chalk.bold(text), (text) => chalk.dim(text)));
  out.push("", chalk.dim(`total ${environment.totalSeconds.toFixed(1)} s`));
  process.stdout.write(`${out.join("\n")}\n`);
}

await main();
