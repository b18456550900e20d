/**
 * `--password-env VAR`: a PFX password taken from the environment variable the command line names,
 * never from the command line itself (where the shell's history and the process list would keep it).
 * Profiles (steps/profile/), `npm run cert -- check FILE` and `npm run doctor --cert FILE.pfx` take it alike.
 */
import { KitError } from "../lib/errors.ts";

/** An environment variable's name, as the shells and CI systems write them. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Refuses what is not a variable's name (most often: the password itself, typed after --password-env). */
export function checkEnvName(variable: string): void {
  if (!ENV_NAME.test(variable))
    throw new KitError("USAGE", "The value after --password-env is not an environment variable's name (it is not repeated here, in case it is the password): give the name, never the password itself.", "For example --password-env MYAPP_PFX_PASSWORD, after export MYAPP_PFX_PASSWORD=….");
}

/** The password in $variable for opening `file`; a variable that is not set is one sentence, never an empty password. */
export function passwordFromEnv(variable: string, env: Readonly<Record<string, string | undefined>>, file: string): string {
  checkEnvName(variable);
  const value = env[variable];
  if (value === undefined)
    throw new KitError("PFX_PASSWORD", `$${variable} is not set, so ${file} cannot be opened.`, `Set it in this shell (bash: export ${variable}=…; PowerShell: $env:${variable} = …), or give the public certificate (.cer) instead, which needs no password.`);
  return value;
}
