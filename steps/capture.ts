/**
 * Runs steps the way WORKSHOP.md shows them and captures their plain-text output, for the guide's
 * updater (`npm run docs:update`) and for the test that keeps the guide and the program in step.
 */
import { sep } from "node:path";
import { runCertFixed } from "./cert/command.ts";
import { runLabCli } from "./lab/command.ts";
import { runCli } from "./runner.ts";

/** The command lines WORKSHOP.md shows, marked `<!-- output: npm run step 2 -- --fixed -->` before a text block. */
const MARKER = /<!-- output: (npm run (?:step|workshop|lab|cert)[^>]*?) -->\n```text\n([\s\S]*?)```/g;

export interface OutputBlock {
  command: string;
  shown: string;
  index: number;
  length: number;
}

export function outputBlocks(markdown: string): OutputBlock[] {
  return [...markdown.matchAll(MARKER)].map((m) => ({ command: m[1]!, shown: m[2]!, index: m.index!, length: m[0].length }));
}

/** `npm run step 3 -- --fixed --alg PS256` → script "step", argv ["3", "--fixed", "--alg", "PS256"] */
function parseCommand(command: string): { script: string; argv: string[] } {
  const words = command.trim().split(/\s+/).slice(2); // drop "npm run"
  const script = words.shift()!;
  const rest = words.filter((w) => w !== "--");
  return { script, argv: script === "workshop" ? ["--all", ...rest] : rest };
}

/** Whether a shown command prints the same bytes every run (steps need --fixed; the lab always does). */
export function isReproducible(command: string): boolean {
  const { script, argv } = parseCommand(command);
  return script === "lab" || argv.includes("--fixed");
}

/** Output of one command with colours off (steps run against `outDir`, shown as `.workshop/fixed`). */
export async function captureCommand(command: string, outDir: string): Promise<{ code: number; text: string }> {
  let text = "";
  const io = { out: (t: string) => (text += t), err: (t: string) => (text += t), color: false };
  const { script, argv } = parseCommand(command);
  const code = script === "lab" ? await runLabCli(argv, io) : script === "cert" ? checkVerdict(argv, await runCertFixed(argv, io)) : await runCli([...argv, "--out", outDir], io);
  // The command the guide shows has no --out: the "Next:" lines a step prints repeat its own
  // options, so the --out added here to work in a fresh folder is taken out of them again.
  const typed = text.split(` --out ${outDir}`).join("").split(` --out ${JSON.stringify(outDir)}`).join("");
  // The folder is shown as the default one; on Windows its files follow a backslash, shown as "/".
  const shown = typed.split(outDir + sep).join(".workshop/fixed/").split(outDir).join(".workshop/fixed");
  return { code, text: shown.replace(/^\n+/, "") };
}

/** `cert check` answers with its exit code (0 fine, 1 expiring, 2 act now): a shown verdict is not a failure. */
function checkVerdict(argv: string[], code: number): number {
  return argv[0] === "check" && (code === 1 || code === 2) ? 0 : code;
}

/** Code examples a guide shows from a real file: `<!-- example: test/x.test.ts -->` before a ```ts (or ```js, ```json…) block. */
const EXAMPLE = /<!-- example: ([^>]+?) -->\n```(\w+)\n([\s\S]*?)```/g;

export interface ExampleBlock {
  file: string;
  /** The fence's language: ts, js, json… */
  language: string;
  shown: string;
  index: number;
  length: number;
}

export function exampleBlocks(markdown: string): ExampleBlock[] {
  return [...markdown.matchAll(EXAMPLE)].map((m) => ({ file: m[1]!, language: m[2]!, shown: m[3]!, index: m.index!, length: m[0].length }));
}
