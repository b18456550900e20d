/**
 * One command shape for the kit's four command lines: the step runner (npm run step, npm run
 * workshop), the doctor, the lab and the mock's server (npm run mock-aad). Each keeps its own Io
 * (argv and an Io in, an exit code out, so tests call it in-process); this module gives them:
 * - options declared once, as a table (OptionTable) that node:util's parseArgs reads;
 * - the --help rows, made from the same table;
 * - --json, --no-color and --help declared alike; colours off with --no-color, NO_COLOR or an
 *   output that is not a terminal;
 * - npm's flag fallback: `npm run lab --list` (no "--") reaches the kit only as npm_config_list;
 * - one wording for a command line that does not parse, and one error report: a KitError is one
 *   sentence and "→ hint", exit 1; anything else is a bug in the kit, exit 2 with its stack.
 *
 * Where it lives: here, in steps/, but it depends on nothing else in steps/ — only node:util, chalk
 * and lib/errors.ts (test/steps/command.test.ts keeps it so). The mock's CLI imports it, so when the
 * kit ships mock-aad/, this file and lib/errors.ts go with it and nothing of the workshop does.
 * Not lib/: lib holds no printing.
 */
import { isAbsolute, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Chalk, supportsColor } from "chalk";
import { KitError } from "../lib/errors.ts";

/** What a command reads and writes: tests pass strings in, the entry points the terminal. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** The output shows colours (a terminal that has them); --no-color and NO_COLOR still turn them off. */
  color: boolean;
}

/** The terminal: stdout, stderr, and chalk's reading of whether stdout shows colours (FORCE_COLOR too). */
export function terminalIo(): Io {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    color: !!supportsColor && supportsColor.level > 0,
  };
}

// ── The option table ─────────────────────────────────────────────────────────────────────────────

export interface OptionSpec {
  type: "string" | "boolean";
  /** one line for --help; "\n" starts a continuation line under it */
  description: string;
  /** the value's placeholder in --help, e.g. FILE */
  value?: string;
  /** one letter: -h for --help */
  short?: string;
  /** may be given more than once (--cert a.cer --cert b.pem): the values come as a list */
  multiple?: boolean;
  /** the values allowed, matched case-insensitively by checkChoices */
  choices?: readonly string[];
  /** what --help says the default is */
  default?: string;
}

export type OptionTable = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S extends { multiple: true } ? string[] : S["type"] extends infer T ? (T extends "boolean" ? boolean : string) : never;
/** What parsing a table gives: each option absent, or its value (a flag's is true). */
export type ValuesOf<T extends OptionTable> = { -readonly [K in keyof T]?: ValueOf<T[K]> };

export const HELP_OPTION = { type: "boolean", short: "h", description: "show this help" } as const satisfies OptionSpec;
export const NO_COLOR_OPTION = { type: "boolean", description: "no colours (also when NO_COLOR is set or output is not a terminal)" } as const satisfies OptionSpec;
/** --json: the command's data on stdout instead of the explanation; `description` says which data. */
export function jsonOption(description: string) {
  return { type: "boolean", description: `${description}\n(in a pipe, start it with npm run -s: -s keeps npm's own "> …" lines out of stdout)` } as const satisfies OptionSpec;
}

export interface CommandSpec<T extends OptionTable> {
  /** How the user starts the command, e.g. "npm run lab": the usage hint names it. */
  command: string;
  options: T;
  /** false when the command takes no positional argument (default true) */
  positionals?: boolean;
  /** Flags npm takes for its own when typed without "--", read back from npm_config_* (json, list, …). */
  npmFlags?: readonly (keyof T & string)[];
  /** Said before "See <command> -- --help for the options." when the command line does not parse. */
  usageAdvice?: string;
  /**
   * false: relative FILE and DIR paths are the process's own, not INIT_CWD's (the installed bin: npx
   * starts it in the folder it was typed in, a package.json script in the package's folder). Default true.
   */
  fromTypedFolder?: boolean;
}

export interface CommandLine<T extends OptionTable> {
  values: ValuesOf<T>;
  positionals: string[];
  /** The flags that came from npm_config_* rather than from argv. */
  fromNpm: string[];
}

/** Parses argv against the table; a command line that does not parse is a KitError USAGE. */
export function parseCommandLine<T extends OptionTable>(argv: readonly string[], spec: CommandSpec<T>): CommandLine<T> {
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([name, s]) => [name, { type: s.type, ...(s.short ? { short: s.short } : {}), ...(s.multiple ? { multiple: true } : {}) }]),
  );
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: spec.positionals ?? true, strict: true });
  } catch (error) {
    throw usageError(error, spec);
  }
  const values = { ...parsed.values };
  const fromNpm = npmConfigFallback(values, spec.npmFlags ?? []);
  for (const [name, s] of Object.entries(spec.options)) {
    if ((s.value !== "FILE" && s.value !== "DIR") || spec.fromTypedFolder === false) continue;
    const v = values[name];
    if (typeof v === "string") values[name] = fromTypedFolder(v);
    else if (Array.isArray(v)) values[name] = v.map((item) => (typeof item === "string" ? fromTypedFolder(item) : item));
  }
  return { values: values as ValuesOf<T>, positionals: parsed.positionals, fromNpm };
}

/**
 * A path the user typed, as meant from the folder they typed it in. `npm run` starts the command in
 * the kit's folder, whatever folder npm was run in, and says which that was in INIT_CWD (npm's
 * documented variable); a relative path is taken from there. Run without npm, or from the kit's
 * folder itself, the path is left as typed.
 * @see https://docs.npmjs.com/cli/v10/commands/npm-run-script
 */
export function fromTypedFolder(path: string): string {
  const typedIn = process.env.INIT_CWD;
  if (!typedIn || path === "" || path === "-" || isAbsolute(path) || resolve(typedIn) === process.cwd()) return path;
  return resolve(typedIn, path);
}

/** parseArgs' complaint as one sentence, and where the options are told. */
function usageError(error: unknown, spec: { command: string; usageAdvice?: string }): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS_")) return error; // not the user's: a bug
  const text = (error as Error).message;
  const unknown = code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'([^']+)'/.exec(text)?.[1] : undefined;
  const message = unknown !== undefined ? `Unknown option '${unknown}'.` : `${text.replace(/\. To specify a positional argument.*$/s, "").replace(/\.$/, "")}.`;
  return new KitError("USAGE", message, [spec.usageAdvice, `See ${spec.command} -- --help for the options.`].filter(Boolean).join(" "));
}

/** `npm run step 3 --fixed` hands the kit no --fixed, only npm_config_fixed=true: take it as the flag. */
function npmConfigFallback(values: Record<string, unknown>, names: readonly string[]): string[] {
  const taken: string[] = [];
  for (const name of names) {
    const v = process.env[`npm_config_${name.replace(/-/g, "_")}`];
    if (values[name] === undefined && (v === "true" || v === "")) {
      values[name] = true;
      taken.push(name);
    }
  }
  return taken;
}

/** Choices match case-insensitively (--alg ps256 means PS256) and are stored as listed; anything else is a usage error. */
export function checkChoices(values: Record<string, unknown>, table: OptionTable): void {
  for (const [name, spec] of Object.entries(table)) {
    const v = values[name];
    if (typeof v !== "string" || !spec.choices) continue;
    const match = spec.choices.find((c) => c.toLowerCase() === v.toLowerCase());
    if (!match) throw new KitError("USAGE", `--${name} ${v} is not one of ${spec.choices.join(", ")}.`, `For example --${name} ${spec.choices[0]}.`);
    values[name] = match;
  }
}

/**
 * Colours on: the output shows them, and neither --no-color, NO_COLOR nor npm's color=false says
 * no (`npm run lab --no-color`, without "--", reaches the kit as npm_config_color set to "").
 */
export function wantsColor(argv: readonly string[], io: Pick<Io, "color">): boolean {
  const npmColor = process.env.npm_config_color;
  return io.color && !argv.includes("--no-color") && !process.env.NO_COLOR && npmColor !== "" && npmColor !== "false";
}

// ── --help ───────────────────────────────────────────────────────────────────────────────────────

/** The table as help rows: "--name VALUE" and its description, with the choices and default when it has them. */
export function optionRows(table: OptionTable): [string, string][] {
  return Object.entries(table).map(([name, s]) => [
    `--${name}${s.value ? ` ${s.value}` : ""}`,
    s.description + (s.choices ? ` (${s.choices.join(" | ")})` : "") + (s.default ? `, default ${s.default}` : ""),
  ]);
}

export interface RowLayout {
  /** spaces before each row (default 2) */
  indent?: number;
  /** the label column is at least this wide (default: the widest label) */
  width?: number;
  /** how a label is shown, e.g. dimmed */
  label?: (text: string) => string;
}

/** Aligned "label  text" lines; a text's further lines ("\n") line up under its first. */
export function formatRows(rows: readonly (readonly [string, string])[], layout: RowLayout = {}): string[] {
  const width = Math.max(layout.width ?? 0, ...rows.map(([label]) => label.length));
  const pad = " ".repeat(layout.indent ?? 2);
  const paint = layout.label ?? ((text: string) => text);
  return rows.flatMap(([label, text]) => {
    const [first = "", ...rest] = text.split("\n");
    return [`${pad}${paint(label.padEnd(width))}  ${first}`, ...rest.map((line) => `${pad}${" ".repeat(width)}  ${line}`)];
  });
}

// ── Failures ─────────────────────────────────────────────────────────────────────────────────────

/** What a failure prints (on stderr) and the exit code it ends with. */
export function describeFailure(error: unknown, color: boolean): { exitCode: 1 | 2; text: string } {
  const c = new Chalk({ level: color ? 1 : 0 });
  if (error instanceof KitError) {
    return { exitCode: 1, text: `${c.red("✗")} ${error.message}\n${error.hint ? `  ${c.dim("→")} ${error.hint}\n` : ""}` };
  }
  return { exitCode: 2, text: `${c.red("✗ Unexpected error (a bug in the kit, please report it):")}\n${(error as Error)?.stack ?? String(error)}\n` };
}

/**
 * A user's mistake (KitError) is one sentence and what to do next, exit code 1; anything else is a
 * bug in the kit and keeps its stack trace for the report, exit code 2.
 */
export function reportError(error: unknown, io: Pick<Io, "err">, color: boolean): number {
  const { exitCode, text } = describeFailure(error, color);
  io.err(text);
  return exitCode;
}

/** Runs a command's body with its colour decided, and reports what it throws: the exit code. */
export async function runCommand(argv: readonly string[], io: Io, body: (color: boolean) => Promise<number>): Promise<number> {
  const color = wantsColor(argv, io);
  try {
    return await body(color);
  } catch (error) {
    return reportError(error, io, color);
  }
}
