/**
 * `npm run lab [-- NAME | --list | --all] [--json] [--no-color]`: the command line, in-process
 * (argv and an Io in, an exit code out) so tests call it as the terminal does.
 * Exit codes: 0 every scenario run ended in a token after the fix, 1 a usage mistake or a scenario
 * that did not, 2 a bug in the kit.
 */
import { KitError } from "../../lib/errors.ts";
import { formatRows, HELP_OPTION, jsonOption, NO_COLOR_OPTION, optionRows, parseCommandLine, runCommand, type CommandSpec, type Io, type OptionTable } from "../command.ts";
import { toJsonValue } from "../json.ts";
import { Ui } from "../ui.ts";
import { labContext } from "./context.ts";
import { listLines, renderRun, summaryLines } from "./render.ts";
import { runScenario, type LabRun } from "./run.ts";
import { findScenario, SCENARIO_GROUPS, SCENARIOS } from "./scenarios.ts";

const OPTIONS = {
  list: { type: "boolean", description: "list the scenarios with the AADSTS code each one reproduces" },
  all: { type: "boolean", description: "run every scenario, then a summary table" },
  json: jsonOption("print the runs as JSON instead of the explanation"),
  "no-color": NO_COLOR_OPTION,
  help: HELP_OPTION,
} as const satisfies OptionTable;

/** Flags typed without `--` (`npm run lab --list`) reach us as npm_config_* variables. */
const COMMAND: CommandSpec<typeof OPTIONS> = { command: "npm run lab", options: OPTIONS, npmFlags: ["list", "all", "json"] };

/** The positional argument, shown above the options in --help. */
const NAME_ROW: [string, string] = ["NAME", "run one scenario: its request, Entra's answer, the doctor, the fix, and the request again"];

function helpText(ui: Ui): string {
  return [
    ui.chalk.bold("npm run lab -- [NAME | --list | --all] [--json]"),
    "",
    "  Each scenario reproduces a real mistake end to end against the offline mock Entra ID, built with the",
    "  kit's own code on the fixed clock and the published demo key (so every run prints the same bytes),",
    "  shows what Entra answers and what the doctor names, applies the fix and sends the request again.",
    "",
    ...formatRows([NAME_ROW, ...optionRows(OPTIONS)], { indent: 4, label: (text) => ui.chalk.dim(text) }),
    "",
    `  npm passes options to the kit only after "--": ${ui.paint("code", "npm run lab -- --list")}`,
  ].join("\n");
}

/** The whole command line: returns the exit code. */
export async function runLabCli(argv: string[], io: Io): Promise<number> {
  return runCommand(argv, io, async (color) => {
    const ui = new Ui(color);
    const { values, positionals } = parseCommandLine(argv, COMMAND);
    if (values.help) {
      io.out(helpText(ui) + "\n");
      return 0;
    }
    if (values.list) {
      const lines = ["", ui.chalk.bold(`Lab scenarios: ${SCENARIOS.length} real mistakes, each reproduced, diagnosed and fixed`), ...listLines(SCENARIO_GROUPS, ui)];
      lines.push("", `  Run one: ${ui.paint("code", "npm run lab -- x5t-hex-text")}   all: ${ui.paint("code", "npm run lab -- --all")}`, "");
      io.out(lines.join("\n"));
      return 0;
    }
    if (positionals.length > 1) throw new KitError("USAGE", `One scenario at a time: got ${positionals.join(", ")}.`, "Run npm run lab -- --all for all of them.");
    if (positionals.length === 1 && values.all) throw new KitError("USAGE", "Give a scenario name or --all, not both.", "npm run lab -- x5t-hex-text, or npm run lab -- --all");
    const name = positionals[0];
    if (name !== undefined) {
      const scenario = findScenario(name);
      if (!scenario) throw new KitError("USAGE", `There is no lab scenario "${name}"; the scenarios are ${SCENARIOS.map((s) => s.name).join(", ")}.`);
      const run = await runScenario(await labContext(), scenario);
      io.out(values.json ? JSON.stringify(toJsonValue(run), null, 2) + "\n" : renderRun(run, ui).join("\n") + "\n");
      return run.ok ? 0 : 1;
    }
    if (values.all) {
      const ctx = await labContext();
      const runs: LabRun[] = [];
      for (const scenario of SCENARIOS) {
        const run = await runScenario(ctx, scenario);
        runs.push(run);
        if (!values.json) io.out(renderRun(run, ui).join("\n") + "\n");
      }
      if (values.json) io.out(JSON.stringify(toJsonValue(runs), null, 2) + "\n");
      else io.out(summaryLines(runs, ui).join("\n") + "\n");
      return runs.every((r) => r.ok) ? 0 : 1;
    }
    io.out(helpText(ui) + "\n\n" + ["The scenarios:", ...listLines(SCENARIO_GROUPS, ui)].join("\n") + "\n");
    return 0;
  });
}
