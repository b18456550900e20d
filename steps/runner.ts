/**
 * The step runner behind `npm run step N` and `npm run workshop`: parses options, runs a step's
 * logic, prints its presentation (or JSON), and turns user mistakes into one clear sentence.
 */
import { KitError } from "../lib/errors.ts";
import { checkChoices, formatRows, HELP_OPTION, jsonOption, NO_COLOR_OPTION, optionRows, parseCommandLine, runCommand, type Io, type OptionTable } from "./command.ts";
import { createContext, type Context } from "./context.ts";
import { toJsonValue } from "./json.ts";
import { STEPS, stepProducing, type StepOutline } from "./registry.ts";
import type { OptionValues } from "./step.ts";
import { Ui } from "./ui.ts";

export type { Io } from "./command.ts";

const COMMON: OptionTable = {
  out: { type: "string", value: "DIR", description: "where artifacts are read and written (default .workshop, or .workshop/fixed with --fixed)" },
  fixed: { type: "boolean", description: "use the published demo key, a fixed clock and fixed random values: byte-for-byte reproducible output" },
  json: jsonOption("print the step's result as JSON instead of the explanation"),
  verbose: { type: "boolean", description: "show more detail where a step has more to show" },
  "no-color": NO_COLOR_OPTION,
  help: HELP_OPTION,
};

const RUNNER: OptionTable = {
  list: { type: "boolean", description: "list the steps" },
  all: { type: "boolean", description: "run every step in order (what `npm run workshop` does)" },
};

/** The flags npm keeps for itself when they come before "--" (npm run step 3 --fixed). */
const NPM_FLAGS = ["fixed", "json", "verbose", "list", "all", "new"];

export function findStep(key: string): StepOutline | undefined {
  return STEPS.find((s) => String(s.number) === key || s.id === key.toLowerCase() || s.number === Number(key.replace(/^0+/, "")));
}

function helpFor(step: StepOutline | undefined, ui: Ui): string {
  const lines: string[] = [];
  const opt = (table: OptionTable) => formatRows(optionRows(table), { indent: 4, label: (text) => ui.chalk.dim(text) });
  if (step) {
    lines.push(ui.chalk.bold(`npm run step ${step.number} -- [options]`), "", `  Step ${step.number} · ${step.title}: ${step.summary}`);
    if (Object.keys(step.options).length) lines.push("", "  Options of this step:", ...opt(step.options));
    lines.push("", "  Options of every step:", ...opt(COMMON));
    lines.push("", ui.chalk.dim(`  npm passes options to the kit only after "--": npm run step ${step.number} -- --fixed`));
  } else {
    lines.push(ui.chalk.bold("npm run step N -- [options]") + "   run one step", ui.chalk.bold("npm run workshop -- [options]") + "   run them all", "");
    lines.push(...listSteps(ui), "", "  Runner options:", ...opt(RUNNER), "", "  Options of every step:", ...opt(COMMON));
    lines.push("", "  Each step has its own options: npm run step 3 -- --help");
  }
  return lines.join("\n");
}

function listSteps(ui: Ui): string[] {
  return ui.fields(STEPS.map((s) => [`${s.number}  ${s.id}`, `${s.title}: ${s.summary}`]), 2);
}

/** Runs the step that makes `artifact`, with its defaults, and leaves a note saying so. */
async function produce(ctx: Context, artifact: string): Promise<void> {
  const outline = stepProducing(artifact);
  if (!outline) throw new KitError("ARTIFACT_MISSING", `${ctx.ws.display(artifact)} is missing and no step makes it.`);
  const step = await outline.load();
  await step.run(ctx, {});
  ctx.notes.push(`${artifact} was missing, so step ${step.number} (${step.title}) ran first with its defaults.`);
}

/** An argument as a user would type it in a shell: quoted when it has spaces. */
function quoteArg(text: string): string {
  return /^[\w./:\\-]+$/.test(text) ? text : JSON.stringify(text);
}

function outDirOf(values: OptionValues): string {
  if (typeof values.out === "string") {
    if (values.out.trim() === "") throw new KitError("USAGE", "--out needs a folder name.", "For example --out .workshop (the default).");
    return values.out;
  }
  return values.fixed ? ".workshop/fixed" : ".workshop";
}

/** Runs one step; prints it unless --json; returns its exit code and, with --json, its data. */
async function runOne(outline: StepOutline, values: OptionValues, io: Io, ui: Ui): Promise<{ code: number; json?: unknown }> {
  const step = await outline.load();
  const commandArgs = [...(values.fixed ? ["--fixed"] : []), ...(typeof values.out === "string" ? ["--out", quoteArg(values.out)] : [])];
  const ctx = createContext({ outDir: outDirOf(values), fixed: !!values.fixed, verbose: !!values.verbose, ui, produce, stepOf: (artifact) => stepProducing(artifact)?.number, commandArgs, all: !!values.all });
  ctx.ws.ensureWritable();
  let result: unknown;
  try {
    result = await step.run(ctx, values);
  } catch (error) {
    ctx.ws.removeEmptyFolders(); // a failing step leaves no empty folder behind
    throw error;
  }
  const code = step.exitCode?.(result) ?? 0;
  if (values.json) return { code, json: { step: step.number, id: step.id, ok: code === 0, notes: ctx.notes, result: step.json ? step.json(result) : result } };
  const lines: string[] = [];
  for (const note of ctx.notes) lines.push(`  ${ui.paint("dim", "↳ " + note)}`);
  lines.push(...step.render(result, ui, ctx));
  io.out(lines.join("\n") + "\n");
  return { code };
}

/** The whole command line: returns the exit code (0 ok, 1 a user mistake or a failed check, 2 a bug). */
export async function runCli(argv: string[], io: Io): Promise<number> {
  return runCommand(argv, io, async (color) => {
    const ui = new Ui(color);
    const allSteps: OptionTable = Object.assign({}, ...STEPS.map((s) => s.options));
    const parsed = parseCommandLine(argv, { command: "npm run step", options: { ...COMMON, ...RUNNER, ...allSteps }, npmFlags: NPM_FLAGS });
    const values = parsed.values as OptionValues;
    const { positionals, fromNpm } = parsed;
    const first = positionals[0];
    const step = first !== undefined ? findStep(first) : undefined;
    if (first !== undefined && !step)
      throw new KitError("USAGE", `There is no step "${first}".`, `The steps are 1 to ${STEPS.length}: npm run step -- --list`);
    const allSpecs = step ? { ...COMMON, ...step.options } : { ...COMMON, ...RUNNER, ...allSteps };
    // Only what was typed: a flag read back from npm_config_* is not the user's choice for this step.
    for (const name of Object.keys(values))
      if (!(name in allSpecs) && !fromNpm.includes(name)) {
        if (name in RUNNER) throw new KitError("USAGE", `--${name} does not go with a step number.`, `Use npm run step -- --${name} on its own.`);
        const owner = STEPS.find((s) => name in s.options);
        throw new KitError("USAGE", `--${name} is an option of step ${owner?.number ?? "?"}, not of step ${step!.number}.`, `See npm run step ${step!.number} -- --help for this step's options.`);
      }
    if (positionals.length > 1)
      throw new KitError("USAGE", `Unexpected "${positionals[1]}": npm passes options to the kit only after "--".`, `For example: npm run step ${positionals[0]} -- --alg PS256 (and npm run workshop for all the steps).`);
    checkChoices(values, allSpecs);
    if (values.help) {
      io.out(helpFor(step, ui) + "\n");
      return 0;
    }
    if (values.list) {
      io.out(["", ui.chalk.bold("The steps"), ...listSteps(ui), "", `  Run one: ${ui.paint("code", "npm run step 1")}   all: ${ui.paint("code", "npm run workshop")}`, ""].join("\n"));
      return 0;
    }
    if (step) {
      const { code, json } = await runOne(step, values, io, ui);
      if (json !== undefined) io.out(JSON.stringify(toJsonValue(json), null, 2) + "\n");
      return code;
    }
    if (values.all) {
      const results: unknown[] = [];
      let code = 0;
      // The workshop stops at the first step that fails: later steps would only repeat the failure.
      for (const s of STEPS) {
        const one = await runOne(s, values, io, ui);
        if (one.json !== undefined) results.push(one.json);
        code = one.code;
        if (code !== 0) break;
      }
      if (values.json) io.out(JSON.stringify(toJsonValue(results), null, 2) + "\n");
      return code;
    }
    io.out(helpFor(undefined, ui) + "\n");
    return 0;
  });
}
