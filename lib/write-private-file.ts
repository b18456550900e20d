/**
 * Writing the kit's files so that nothing leaks and nothing is left half done: the one module the
 * steps (steps/workspace.ts) and the mock's CLI (mock-aad/server/local-tls-store.ts) write through.
 * It is lib/'s only file-system module, on purpose: secrets are written one way, everywhere.
 *
 * - Folders the kit creates are 0700 (owner only); existing folders are left as they are.
 * - Secret files (keys, PFX, assertions, tokens) are 0600, other files 0644; Windows ignores both.
 * - Every file is first written under an unpredictable temporary name in the same folder
 *   (16 random bytes from the CSPRNG, crypto.getRandomValues), opened with O_CREAT|O_EXCL (flag "wx"), so a file or
 *   symbolic link planted under the expected name is never followed or overwritten, then renamed
 *   into place (rename(2) replaces the target in one step on the same file system).
 * - Folders are made one level at a time, never with `mkdirSync(…, { recursive: true })`: Node's
 *   recursive mkdir (20.x) steps back to the parent on ENOENT and forward again on EEXIST, and on a
 *   parent that exists but cannot hold folders (anything under /proc, a dangling symlink) it does so
 *   forever: `npm run step 1 -- --out /proc/forbidden` used to spin at 100% CPU. The same loop was
 *   fixed in Bun (oven-sh/bun pull requests #36162 and #40600 describe it); here the walk is bounded by
 *   the number of path components and the first failing mkdir is final.
 */
import { chmodSync, closeSync, mkdirSync, openSync, renameSync, rmdirSync, rmSync, statSync, writeSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { KitError } from "./errors.ts";

/** Owner read, write and search only. */
export const PRIVATE_FOLDER_MODE = 0o700;
/** Owner read and write only: private keys, PFX, client assertions, access tokens. */
export const SECRET_FILE_MODE = 0o600;
/** Everything else the kit writes (certificates, JSON of public values). */
export const PUBLIC_FILE_MODE = 0o644;

/**
 * Makes `dir` and the folders missing above it, each with mode 0700, and returns the folders it
 * created, outermost first (so a failing step can remove them again with `removeEmptyFolders`).
 * Bounded: at most one stat and one mkdir per path component. A folder that cannot be made is
 * KitError OUT_DIR, one sentence naming the path and why, with nothing left behind.
 */
export function makePrivateFolders(dir: string): string[] {
  const target = resolve(dir);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    const stat = statOrMissing(at, target);
    if (stat) {
      if (!stat.isDirectory()) throw folderError(target, `${at} is a file, not a folder`, "ENOTDIR");
      break;
    }
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break; // a root that does not exist (a Windows drive letter that is not there)
    at = parent;
  }
  const created: string[] = [];
  for (const folder of missing) {
    try {
      mkdirSync(folder, { mode: PRIVATE_FOLDER_MODE });
      chmodSync(folder, PRIVATE_FOLDER_MODE); // the umask may have taken bits away; 0700 is what we mean
      created.push(folder);
    } catch (error) {
      removeEmptyFolders(created);
      const code = (error as NodeJS.ErrnoException).code ?? "EIO";
      throw folderError(target, folderReason(code, folder), code);
    }
  }
  return created;
}

/** The folder's stat, or undefined when it is not there (ENOENT, or ENOTDIR: a file above it; the walk up finds which). */
function statOrMissing(path: string, target: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EIO";
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw folderError(target, folderReason(code, path), code);
  }
}

function folderError(dir: string, reason: string, code: string): KitError {
  return new KitError("OUT_DIR", `Cannot create the folder ${dir}: ${reason} (${code}).`, "Pick a folder you can write to with --out DIR.");
}

function folderReason(code: string, folder: string): string {
  const parent = dirname(folder);
  switch (code) {
    case "ENOENT":
      return `${parent} does not allow new folders (a special file system such as procfs, or a broken link)`;
    case "EACCES":
    case "EPERM":
      return `this user may not create folders in ${parent}`;
    case "EROFS":
      return `${parent} is on a read-only file system`;
    case "ENOTDIR":
      return `a part of ${parent} is a file, not a folder`;
    case "EEXIST":
      return `${folder} is a link to nowhere`;
    case "ENOSPC":
      return "the disk is full";
    case "ENAMETOOLONG":
      return "the path is too long";
    default:
      return `mkdir ${folder} failed`;
  }
}

/** Removes the given folders, innermost first, where they are empty; never throws. */
export function removeEmptyFolders(created: readonly string[]): void {
  for (const folder of [...created].reverse()) {
    try {
      rmdirSync(folder); // fails, and so keeps the folder, when anything is in it
    } catch {
      // not empty, or gone already
    }
  }
}

/**
 * Writes `data` to a new file next to `path`, under an unpredictable name, created exclusively, with
 * the mode given; returns the temporary path. The caller renames it into place (`renameSync`) or
 * removes it. Throws the file system's error.
 */
export function writeTemporaryFile(path: string, data: Uint8Array | string, mode: number): string {
  const random = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex"); // WebCrypto's CSPRNG (lib/ imports node:crypto only through lib/oracle.ts)
  const temporary = join(dirname(path), `.${basename(path)}.${random}.tmp`);
  const fd = openSync(temporary, "wx", mode);
  try {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let offset = 0;
    while (offset < bytes.byteLength) offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    chmodSync(temporary, mode); // the umask applies to openSync's mode; the mode asked for is the one meant
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  return temporary;
}

/** One file, all or nothing: a temporary file (see writeTemporaryFile) renamed onto `path`. */
export function writePrivateFile(path: string, data: Uint8Array | string, options: { secret: boolean }): void {
  const temporary = writeTemporaryFile(path, data, options.secret ? SECRET_FILE_MODE : PUBLIC_FILE_MODE);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
