/** What the kit's three commands (step runner, doctor, lab) share: how a failure is told, npm's flags. */
import { KitError } from "../lib/errors.ts";
import type { Ui } from "./ui.ts";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
}

/**
 * A user's mistake (KitError) is one sentence and what to do next, exit code 1; anything else is a
 * bug in the kit and keeps its stack trace for the report, exit code 2.
 */
export function reportError(error: unknown, io: Io, ui: Ui): number {
  if (error instanceof KitError) {
    io.err(`${ui.paint("bad", "✗")} ${error.message}\n`);
    if (error.hint) io.err(`  ${ui.paint("dim", "→")} ${error.hint}\n`);
    return 1;
  }
  io.err(`${ui.paint("bad", "✗ Unexpected error (a bug in the kit, please report it):")}\n${(error as Error).stack ?? String(error)}\n`);
  return 2;
}

/** Flags typed without `--` (`npm run step 3 --fixed`) reach us only as npm_config_* variables. */
export function npmConfigFallback(values: Record<string, unknown>, names: readonly string[]): void {
  for (const name of names) {
    const v = process.env[`npm_config_${name}`];
    if (values[name] === undefined && (v === "true" || v === "")) values[name] = true;
  }
}
