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
}

export interface ContextOptions {
  outDir: string;
  fixed: boolean;
  verbose: boolean;
  ui: Ui;
  /** runs step `number` with default options to produce missing artifacts */
  produce: (ctx: Context, artifact: string) => Promise<void>;
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
      for (const name of names) if (!ctx.ws.has(name)) await options.produce(ctx, name);
    },
  };
  return ctx;
}
