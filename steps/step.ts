/**
 * What a numbered step is: its logic (`run`, which returns data and writes artifacts through the
 * workspace) and its presentation (`render`, which turns that data into terminal lines).
 */
import type { OptionSpec } from "./command.ts";
import type { Context } from "./context.ts";
import type { Ui } from "./ui.ts";

/** A step's options are declared as every command's are (steps/command.ts). */
export type { OptionSpec } from "./command.ts";

export type OptionValues = Record<string, string | boolean | undefined>;

export interface Step<R = unknown> {
  number: number;
  /** short id, also accepted instead of the number: `npm run step thumbprint` */
  id: string;
  title: string;
  /** one line for --list */
  summary: string;
  options: Record<string, OptionSpec>;
  /** artifact names this step writes (so a later step can ask for them) */
  produces: readonly string[];
  run(ctx: Context, options: OptionValues): Promise<R>;
  render(result: R, ui: Ui, ctx: Context): string[];
  /** 1 when the step ran but its outcome is a failure (an AADSTS error); 0 by default */
  exitCode?(result: R): number;
  /** what --json prints; by default the result itself (bigints and bytes become hex) */
  json?(result: R): unknown;
}
