/**
 * `npm run token -- --profile NAME [--scope S] [--json] [--no-cache]`: an access token for scripts.
 * stdout holds the token and nothing else (or, with --json, the token, its type and expiry);
 * everything else, refusals included, goes to stderr, exit 1.
 *
 *   curl -H "Authorization: Bearer $(npm run -s token -- --profile my-app)" https://graph.microsoft.com/v1.0/organization
 */
import { KitError } from "../../lib/errors.ts";
import { formatRows, HELP_OPTION, jsonOption, NO_COLOR_OPTION, optionRows, parseCommandLine, runCommand, type CommandSpec, type OptionTable } from "../command.ts";
import type { CertLifeIo } from "../profile/io.ts";
import { readProfile } from "../profile/profile.ts";
import { Ui } from "../ui.ts";
import { profileToken, RENEW_BEFORE_SECONDS } from "./acquire.ts";

const OPTIONS = {
  profile: { type: "string", short: "p", value: "NAME", description: "the profile to sign in with (npm run profile -- list)" },
  scope: { type: "string", value: "S", description: "another scope than the profile's, e.g. https://management.azure.com/.default" },
  "no-cache": { type: "boolean", description: "ask Entra even if the cache has a token (the new one is cached)" },
  json: jsonOption("print {accessToken, tokenType, expiresOn, scope, fromCache} instead of the bare token"),
  "no-color": NO_COLOR_OPTION,
  help: HELP_OPTION,
} as const satisfies OptionTable;

const COMMAND: CommandSpec<typeof OPTIONS> = { command: "npm run token", options: OPTIONS, positionals: false, npmFlags: ["json"] };

function help(ui: Ui): string {
  return [
    ui.chalk.bold("npm run token -- --profile NAME [options]"),
    "",
    "  Signs a client assertion with the profile's certificate (the kit's own code, as steps 3 to 6 build it),",
    "  redeems it at the token endpoint (step 7), and prints only the access token. The token is cached (mode 0600)",
    `  until ${RENEW_BEFORE_SECONDS / 60} minutes before it expires, so a script can call this in a loop.`,
    "",
    "  Options:",
    ...formatRows(optionRows(OPTIONS), { indent: 4, label: (text) => ui.chalk.dim(text) }),
    "",
    ui.paint("dim", "  Use npm run -s token (silent) in scripts, so that npm's own lines stay out of stdout."),
    ui.paint("dim", "  Exit code: 0 a token on stdout, 1 none (the reason on stderr), 2 a bug in the kit."),
  ].join("\n");
}

export async function runTokenCli(argv: string[], io: CertLifeIo): Promise<number> {
  return runCommand(argv, io, async (color) => {
    const ui = new Ui(color);
    const { values } = parseCommandLine(argv, COMMAND);
    if (values.help) {
      io.out(help(ui) + "\n");
      return 0;
    }
    if (values.profile === undefined) throw new KitError("USAGE", "npm run token needs --profile NAME.", "See the profiles with npm run profile -- list, or add one with npm run profile -- add NAME ….");
    const profile = readProfile(io.env, values.profile);
    const token = await profileToken(profile, io, { ...(values.scope ? { scope: values.scope } : {}), noCache: !!values["no-cache"] });
    if (values.json) io.out(JSON.stringify({ accessToken: token.accessToken, tokenType: token.tokenType, expiresOn: token.expiresOn.toISOString(), scope: token.scope, fromCache: token.fromCache }, null, 2) + "\n");
    else io.out(token.accessToken + "\n");
    return 0;
  });
}
