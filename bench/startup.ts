/**
 * `npm run bench:startup`: how long each command takes to print its --help or --list, the median
 * of repeated runs (one process after another, so runs do not compete). Run from the TypeScript
 * sources through tsx, as the kit's npm scripts do, and, with `--compiled DIR`, from the
 * JavaScript tsc made of them (the package's way), so tsx's own cost shows apart.
 *
 *   npm run -s bench:startup -- [--runs N] [--compiled DIR] [--json]
 *
 * Also `node` alone (its own start-up, the floor) and `npm run step -- --help` (npm's cost on top).
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { median } from "./measure.ts";
import { formatTable } from "./table.ts";

const KIT = fileURLToPath(new URL("..", import.meta.url));

/** The commands, by their source file without extension, and the arguments that make them print and exit. */
const COMMANDS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ["steps/cli", ["--help"]],
  ["steps/cli", ["--list"]],
  ["steps/doctor/cli", ["--help"]],
  ["steps/lab/cli", ["--help"]],
  ["steps/lab/cli", ["--list"]],
  ["mock-aad/server/cli", ["--help"]],
];

/** Wall-clock and CPU seconds (user + system, read by cpu-at-exit.mjs inside the child), medians. */
interface Timing {
  wall: number;
  cpu: number;
}

const CPU_PRELOAD = pathToFileURL(join(KIT, "bench/cpu-at-exit.mjs")).href;

function time(command: string, args: readonly string[], runs: number, cwd = KIT): Timing {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const env = command === "npm" ? { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --import ${CPU_PRELOAD}` } : process.env;
    const fullArgs = command === "npm" ? args : ["--import", CPU_PRELOAD, ...args];
    const done = spawnSync(command, fullArgs, { cwd, env, stdio: ["ignore", "ignore", "pipe"], shell: process.platform === "win32" && command === "npm" });
    if (done.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${done.status}): ${done.stderr?.toString().slice(0, 300)}`);
    wall.push((performance.now() - start) / 1000);
    // npm's own node process and the step's each report; their sum is what the command cost.
    const reported = [...done.stderr.toString().matchAll(/^cpu-seconds (\S+)$/gm)].map((m) => Number(m[1]));
    cpu.push(reported.reduce((sum, n) => sum + n, 0));
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const USAGE = `npm run bench:startup -- [--runs N] [--compiled DIR] [--json]

  How long each command's --help and --list take to start, medians of N runs (default 7): from the
  TypeScript sources through tsx (as the kit's npm scripts run them) and, with --compiled DIR, from
  tsc's JavaScript in DIR (bench/README.md says how to build it).
`;
function usage(problem?: string): never {
  if (problem) process.stderr.write(`✗ ${problem}\n  → npm run bench:startup -- --help\n`);
  else process.stdout.write(USAGE);
  process.exit(problem ? 1 : 0);
}
let parsed: ReturnType<typeof parseStartupArgs>;
function parseStartupArgs() {
  return parseArgs({ options: { runs: { type: "string", default: "7" }, compiled: { type: "string" }, json: { type: "boolean", default: false }, help: { type: "boolean", default: false } } });
}
try {
  parsed = parseStartupArgs();
} catch (error) {
  usage((error as Error).message);
}
const { values } = parsed;
if (values.help) usage();
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) usage(`--runs needs a whole number of at least 1, not ${JSON.stringify(values.runs)}`);
const rows: { command: string; tsx: Timing; compiled?: Timing }[] = [];
const node = time(process.execPath, ["-e", ""], runs);
for (const [file, args] of COMMANDS) {
  const tsx = time(process.execPath, ["--import", "tsx", join(KIT, `${file}.ts`), ...args], runs);
  const compiledFile = values.compiled ? join(values.compiled, `${file}.js`) : undefined;
  if (compiledFile && !existsSync(compiledFile)) usage(`${compiledFile} is missing: build the kit with tsc into that folder first (bench/README.md, Start-up)`);
  const compiled = compiledFile ? time(process.execPath, [compiledFile, ...args], runs, values.compiled) : undefined;
  rows.push({ command: `${file} ${args.join(" ")}`, tsx, ...(compiled !== undefined ? { compiled } : {}) });
}
const npm = time("npm", ["run", "-s", "step", "--", "--help"], runs);
if (values.json) {
  process.stdout.write(`${JSON.stringify({ runs, node, npmStepHelp: npm, rows }, null, 2)}\n`);
} else {
  const s = (value: number | undefined) => (value === undefined ? "" : value.toFixed(2));
  const cells = (t: Timing | undefined) => [s(t?.wall), s(t?.cpu)];
  process.stdout.write(
    `${formatTable(
      [
        { header: `median of ${runs} runs, seconds`, align: "left" },
        { header: "tsx wall", align: "right" },
        { header: "tsx CPU", align: "right" },
        { header: "JS wall", align: "right" },
        { header: "JS CPU", align: "right" },
      ],
      [["node -e '' (the floor)", ...cells(node), ...cells(node)], ...rows.map((r) => [r.command, ...cells(r.tsx), ...cells(r.compiled)]), ["npm run -s step -- --help", ...cells(npm), "", ""]],
    )}\n` +
      "tsx: node --import tsx on the .ts sources (the kit's npm scripts); JS: node on tsc's output (--compiled).\n" +
      "CPU (user + system) moves less than wall time when the machine is shared.\n",
  );
}
