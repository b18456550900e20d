/**
 * Where the certificate-life commands (profile, token, cert) keep what they know, per user and
 * outside the repository: the platform's config folder, or ENTRA_KIT_HOME when it is set.
 *
 *   Windows   %APPDATA%\entra-kit
 *   macOS     ~/Library/Application Support/entra-kit
 *   others    $XDG_CONFIG_HOME/entra-kit, or ~/.config/entra-kit (XDG Base Directory spec's default)
 *
 * Inside: profiles/NAME.json, cache/NAME/…json (access tokens), certs/NAME/STAMP/ (certificates a
 * rotation made). Every folder 0700, every file 0600 (Windows ignores the modes; the folder is
 * under the user's own profile there). A file is written to an exclusive temporary file with an
 * unpredictable name (flag "wx": it fails rather than follow a link someone planted), then renamed
 * into place, so a reader never sees half a file; nothing is replaced unless the caller says so.
 */
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { KitError } from "../../lib/errors.ts";
import { makePrivateFolders, PRIVATE_FOLDER_MODE, writePrivateFile as writeAllOrNothing } from "../../lib/write-private-file.ts";

export const KIT_HOME_VARIABLE = "ENTRA_KIT_HOME";
const FOLDER_NAME = "entra-kit";

export type Env = Record<string, string | undefined>;

/** The kit's per-user folder for this platform (not created here). */
export function kitHome(env: Env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  const override = env[KIT_HOME_VARIABLE];
  if (override) return override;
  if (platform === "win32") return join(env.APPDATA || join(home, "AppData", "Roaming"), FOLDER_NAME);
  if (platform === "darwin") return join(home, "Library", "Application Support", FOLDER_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, ".config"), FOLDER_NAME);
}

/**
 * Makes `dir` and the folders above it that are missing (one level at a time, each 0700: see
 * lib/write-private-file.ts), and makes `dir` itself 0700 even when it was there already.
 */
export function ensurePrivateFolder(dir: string): void {
  try {
    makePrivateFolders(dir);
    chmodSync(dir, PRIVATE_FOLDER_MODE);
  } catch (error) {
    throw storeError(dir, error);
  }
}

export interface WriteOptions {
  /** Replace a file that is there (default: refuse, PROFILE_EXISTS). */
  replace?: boolean;
  /** What the file is, for the refusal: "the profile work". */
  what?: string;
  /** What to do instead of replacing it. */
  hint?: string;
}

/** Writes `data` to `path` (mode 0600, its folder 0700) through an exclusive temporary file and a rename. */
export function writePrivateFile(path: string, data: Uint8Array | string, options: WriteOptions = {}): void {
  ensurePrivateFolder(dirname(path));
  if (!options.replace && existsSync(path))
    throw new KitError("PROFILE_EXISTS", `${options.what ?? path} already exists and was left as it is.`, options.hint ?? "Pass --force to replace it.");
  try {
    writeAllOrNothing(path, data, { secret: true });
  } catch (error) {
    throw storeError(path, error);
  }
}

/** The file's bytes, or undefined when there is no such file. */
export function readIfPresent(path: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw storeError(path, error);
  }
}

/** The names of the files in `dir` ending in `suffix` (none when the folder is not there). */
export function listFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix) && !f.startsWith("."))
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

export function removePath(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

function storeError(path: string, error: unknown): KitError {
  const hint = `Check that folder's permissions and free space, or point ${KIT_HOME_VARIABLE} at a folder you own.`;
  if (error instanceof KitError) return new KitError("PROFILE_STORE", `${error.message} Nothing was changed there.`, hint);
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new KitError("PROFILE_STORE", `Cannot write ${path} (${code}); nothing was changed there.`, hint);
}
