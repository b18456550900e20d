import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../steps/runner.ts";

export function tempDir(prefix = "steps-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs the step runner in-process, colours off; returns exit code and what it printed. */
export async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), color: false });
  return { code, out, err };
}
