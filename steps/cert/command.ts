/**
 * `npm run cert -- check [--profile NAME | FILE] [--warn-days 30] [--json]` and
 * `npm run cert -- rotate --profile NAME [--years 2] [--keep-old] [--finish] [--yes] [--json]`.
 *
 * check's exit code is for cron, CI and monitoring: 0 fine, 1 expiring within the warning window,
 * 2 expired, not yet valid, not registered, or unreadable (a profile or file that cannot be read
 * counts: nobody can say the app still signs in). A command line that does not parse is 1.
 */
import { KitError } from "../../lib/errors.ts";
import { describeFailure, fromTypedFolder, type Io, formatRows, HELP_OPTION, jsonOption, NO_COLOR_OPTION, optionRows, parseCommandLine, runCommand, type CommandSpec, type OptionTable } from "../command.ts";
import type { CertLifeIo } from "../profile/io.ts";
import { Ui } from "../ui.ts";
import { checkFile, checkJson, checkProfile, renderCheck } from "./check.ts";
import { rotate, rotationJson } from "./rotate.ts";
import { fixedSetup, FIXED_PROFILE } from "./fixed.ts";

const OPTIONS = {
  profile: { type: "string", short: "p", value: "NAME", description: "the profile whose certificate is checked or rotated" },
  "warn-days": { type: "string", value: "N", description: "check: exit 1 when the certificate has this many days left or fewer", default: "30" },
  "password-env": { type: "string", value: "VAR", description: "check FILE.pfx: the variable holding its password" },
  years: { type: "string", value: "N", description: "rotate: the new certificate's validity in years", default: "2" },
  "keep-old": { type: "boolean", description: "rotate: leave the old certificate registered (other machines still use it); --finish removes it later" },
  finish: { type: "boolean", description: "rotate: remove the old certificate a --keep-old rotation left registered" },
  yes: { type: "boolean", description: "rotate: do not ask before changing the app registration" },
  fixed: { type: "boolean", description: "a demonstration: the offline mock, a throwaway demo-app profile, the workshop's clock (WORKSHOP.md's output)" },
  json: jsonOption("print the result as JSON"),
  "no-color": NO_COLOR_OPTION,
  help: HELP_OPTION,
} as const satisfies OptionTable;

// Not --yes from npm_config_yes: npx sets it for its own prompt, and a confirmation is never skipped by accident.
const COMMAND: CommandSpec<typeof OPTIONS> = { command: "npm run cert", options: OPTIONS, npmFlags: ["json"] };

function help(ui: Ui): string {
  return [
    ui.chalk.bold("npm run cert -- check [--profile NAME | FILE] [--warn-days 30] [--json]"),
    ui.chalk.bold("npm run cert -- rotate --profile NAME [--years 2] [--keep-old] [--yes] [--json]"),
    ui.chalk.bold("npm run cert -- rotate --finish --profile NAME [--yes]"),
    "",
    "  check: the certificate's dates and, with a profile, the app's registered certificates (Graph, with the",
    "  profile's token): which is this one, until when each is valid. Exit 0 fine, 1 expiring within --warn-days,",
    "  2 expired, not registered or unreadable.",
    "",
    "  rotate: five steps, each shown: (1) a new key and certificate, (2) Graph addKey with a proof signed by the",
    "  current key, (3) a token with the new certificate, (4) the profile switched (old files kept), (5) Graph",
    "  removeKey for the old key with a proof signed by the new one (not with --keep-old). A failure undoes what",
    "  came before where that is safe, and leaves the profile as it was.",
    "",
    "  Options:",
    ...formatRows(optionRows(OPTIONS), { indent: 4, label: (text) => ui.chalk.dim(text) }),
  ].join("\n");
}

function warnDays(text: string | undefined): number {
  const n = Number(text ?? 30);
  if (!Number.isInteger(n) || n < 0 || n > 3650) throw new KitError("USAGE", `--warn-days ${text} is not a whole number of days from 0 to 3650.`, "For example --warn-days 30.");
  return n;
}

/** --fixed: the same command in a throwaway world (fixed.ts), with the demo-app profile and --yes. */
export async function runCertFixed(argv: string[], io: Io): Promise<number> {
  if (argv.some((a) => a === "--profile" || a === "-p" || a.startsWith("--profile=")))
    return runCommand(argv, io, async () => {
      throw new KitError("USAGE", "--fixed uses its own throwaway demo-app profile, so it takes no --profile.", "Leave out --fixed to check or rotate your own.");
    });
  const setup = await fixedSetup(io);
  try {
    const rest = argv.filter((a) => a !== "--fixed");
    const action = rest.find((a) => !a.startsWith("-"));
    return await runCertCli([...rest, "--profile", FIXED_PROFILE, ...(action === "rotate" ? ["--yes"] : [])], setup.io, setup.newKeyPem);
  } finally {
    setup.close();
  }
}

export async function runCertCli(argv: string[], io: CertLifeIo, newKeyPem?: string): Promise<number> {
  if (argv.includes("--fixed") && !argv.includes("--help") && !argv.includes("-h")) return runCertFixed(argv, io);
  return runCommand(argv, io, async (color) => {
    const ui = new Ui(color);
    const { values, positionals } = parseCommandLine(argv, COMMAND);
    if (values.help || positionals.length === 0) {
      io.out(help(ui) + "\n");
      return values.help ? 0 : 1;
    }
    const [action, file, ...extra] = positionals;
    if (extra.length) throw new KitError("USAGE", `npm run cert -- ${action} takes at most one file, and got ${positionals.length - 1}.`, "Quote a path that has spaces.");
    if (action === "check") {
      const days = warnDays(values["warn-days"]);
      if ((file === undefined) === (values.profile === undefined)) throw new KitError("USAGE", "npm run cert -- check needs --profile NAME or a certificate FILE (one of them).", "For example: npm run cert -- check --profile my-app, or npm run cert -- check cert.cer.");
      try {
        const result = file !== undefined ? await checkFile(fromTypedFolder(file), values["password-env"], days, io) : await checkProfile(values.profile!, days, io);
        io.out((values.json ? JSON.stringify(checkJson(result), null, 2) : renderCheck(result, ui).join("\n")) + "\n");
        return result.exitCode;
      } catch (error) {
        // Unreadable (an unknown profile, a missing file, a wrong password): exit 2, the check's "act now".
        if (!(error instanceof KitError) || error.code === "USAGE") throw error;
        io.err(describeFailure(error, color).text);
        return 2;
      }
    }
    if (action === "rotate") {
      if (file !== undefined) throw new KitError("USAGE", "npm run cert -- rotate takes --profile NAME, not a file.", "Add a profile first: npm run profile -- add NAME ….");
      if (values.profile === undefined) throw new KitError("USAGE", "npm run cert -- rotate needs --profile NAME.", "See the profiles with npm run profile -- list.");
      if (values.finish && (values["keep-old"] || values.years !== undefined)) throw new KitError("USAGE", "--finish only removes the old key: it takes neither --keep-old nor --years.", `npm run cert -- rotate --finish --profile ${values.profile}`);
      const result = await rotate({ profile: values.profile, years: values.years, keepOld: !!values["keep-old"], finish: !!values.finish, yes: !!values.yes, json: !!values.json, ...(newKeyPem ? { newKeyPem } : {}) }, io, ui);
      if (values.json) io.out(JSON.stringify(rotationJson(result), null, 2) + "\n");
      return result.ok ? 0 : 1;
    }
    throw new KitError("USAGE", `"${action}" is not something npm run cert does.`, "Use check or rotate: see npm run cert -- --help.");
  });
}
