/**
 * What every step gets: where artifacts live, the clock and randomness (fixed in --fixed mode), and a
 * way to ask for an earlier step's artifacts, which runs that step first when they are missing.
 */
import { fixedBytes, FIXED_NOW } from "./fixed.ts";
import type { Ui } from "./ui.ts";
import { Workspace } from "./workspace.ts";

export interface Context {
  ws: Workspace;
  fixed: boolean;
  verbose: boolean;
  ui: Ui;
  now(): Date;
  /** n random bytes; in --fixed mode derived from the label, so each use gets its own stable value */
  randomBytes(label: string, n: number): Uint8Array;
  /** "cert.cer was missing, so step 1 ran first" lines, printed before the step's own output */
  notes: string[];
  /** makes sure the named artifacts exist, running the steps that make them if they do not */
  ensure(...names: string[]): Promise<void>;
  /** true inside `npm run workshop`, where "Next:" hints are noise */
  all: boolean;
  /** the command that runs step `n` with this run's --fixed and --out, plus `extra` options */
  stepCommand(n: number, ...extra: string[]): string;
  /** `[label, command]` lines for "what to run next", empty inside `npm run workshop` */
  next(n: number, why: string): string[];
}

export interface ContextOptions {
  outDir: string;
  fixed: boolean;
  verbose: boolean;
  ui: Ui;
  /** runs step `number` with default options to produce missing artifacts */
  produce: (ctx: Context, artifact: string) => Promise<void>;
  /** the number of the step that makes `artifact`: ensure produces missing artifacts in step order */
  stepOf?: (artifact: string) => number | undefined;
  /** options to repeat in suggested commands: --fixed, --out DIR */
  commandArgs?: string[];
  all?: boolean;
}

export function createContext(options: ContextOptions): Context {
  const ctx: Context = {
    ws: new Workspace(options.outDir),
    fixed: options.fixed,
    verbose: options.verbose,
    ui: options.ui,
    now: () => (options.fixed ? new Date(FIXED_NOW) : new Date()),
    randomBytes: (label, n) => (options.fixed ? fixedBytes(label, n) : crypto.getRandomValues(new Uint8Array(n))),
    notes: [],
    async ensure(...names) {
      // In step order, whatever order the caller names them in: step 1 before step 2 before step 3,
      // so the "ran first" notes read as the workshop does (an artifact made meanwhile is skipped).
      const order = (name: string) => options.stepOf?.(name) ?? Number.MAX_SAFE_INTEGER;
      const missing = names.filter((name) => !ctx.ws.has(name)).sort((a, b) => order(a) - order(b));
      for (const name of missing) if (!ctx.ws.has(name)) await options.produce(ctx, name);
    },
    all: !!options.all,
    stepCommand(n, ...extra) {
      const args = [...(options.commandArgs ?? []), ...extra];
      return `npm run step ${n}${args.length ? ` -- ${args.join(" ")}` : ""}`;
    },
    next(n, why) {
      return ctx.all ? [] : options.ui.next(ctx.stepCommand(n), why);
    },
  };
  return ctx;
}
