/**
 * The folder where steps keep what they build (`.workshop/` unless --out says otherwise).
 * Writes are all-or-nothing per step: every file goes to a temporary name first and is renamed into
 * place only when all of them were written, so a failure never leaves a half-written set. The
 * folders the kit makes are 0700 and secrets (keys, PFX, the client assertion and its signature,
 * tokens) 0600, owner only (Windows ignores the modes); lib/write-private-file.ts says how.
 */
import { existsSync, readFileSync, renameSync, rmSync, accessSync, constants } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { KitError } from "../lib/errors.ts";
import { makePrivateFolders, PUBLIC_FILE_MODE, removeEmptyFolders, SECRET_FILE_MODE, writeTemporaryFile } from "../lib/write-private-file.ts";
import { fromTypedFolder } from "./command.ts";

export interface ArtifactFile {
  name: string;
  data: Uint8Array | string;
  /** secret files (keys, PFX, assertions, tokens) are written with mode 0600 */
  secret?: boolean;
}

export interface WrittenFile {
  name: string;
  path: string;
  /** the path as the learner would type it: relative to the current folder when inside it */
  display: string;
  bytes: number;
  secret: boolean;
}

export class Workspace {
  readonly dir: string;
  /** The folders this run created, outermost first: removed again when they are still empty at the end of a failed step. */
  private readonly created: string[] = [];
  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  display(name: string): string {
    // Relative to the folder the learner typed the command in (npm's INIT_CWD), where npm run is not.
    const rel = relative(resolve(fromTypedFolder(".")), this.path(name));
    return rel && !rel.startsWith("..") ? rel : this.path(name);
  }

  has(name: string): boolean {
    return existsSync(this.path(name));
  }

  read(name: string): Uint8Array {
    try {
      return new Uint8Array(readFileSync(this.path(name)));
    } catch (error) {
      throw new KitError("ARTIFACT_READ", `Cannot read ${this.display(name)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, "Run the step that makes it again.");
    }
  }

  readText(name: string): string {
    return new TextDecoder().decode(this.read(name));
  }

  readJson<T>(name: string): T {
    try {
      return JSON.parse(this.readText(name)) as T;
    } catch (error) {
      if (error instanceof KitError) throw error;
      throw new KitError("ARTIFACT_JSON", `${this.display(name)} is not valid JSON (was it edited by hand?).`, "Delete it and run the step that makes it again.");
    }
  }

  /** Makes the folder if needed (0700, bounded: see makePrivateFolders) and proves it writable, before any work is done. */
  ensureWritable(): void {
    this.makeFolders(this.dir);
    try {
      accessSync(this.dir, constants.W_OK);
    } catch (error) {
      this.removeEmptyFolders();
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      throw new KitError("OUT_DIR", `Cannot write to the output folder ${this.dir} (${code}).`, "Pick a folder you can write to with --out DIR.");
    }
  }

  /** Removes the folders this run created that are still empty (a step failed before writing). */
  removeEmptyFolders(): void {
    removeEmptyFolders(this.created.splice(0));
  }

  private makeFolders(dir: string): void {
    this.created.push(...makePrivateFolders(dir));
  }

  /** Writes all files or none (temporary names, then renames). */
  writeAll(files: ArtifactFile[]): WrittenFile[] {
    this.ensureWritable();
    const temps: string[] = [];
    try {
      for (const f of files) {
        this.makeFolders(dirname(this.path(f.name)));
        temps.push(writeTemporaryFile(this.path(f.name), f.data, f.secret ? SECRET_FILE_MODE : PUBLIC_FILE_MODE));
      }
      files.forEach((f, i) => renameSync(temps[i]!, this.path(f.name)));
    } catch (error) {
      for (const t of temps) rmSync(t, { force: true });
      if (error instanceof KitError) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new KitError("OUT_DIR", `Cannot write to ${this.dir} (${code}); none of the new files was written.`, "Check the folder's permissions and free space, or pick another with --out DIR.");
    }
    return files.map((f) => ({
      name: f.name,
      path: this.path(f.name),
      display: this.display(f.name),
      bytes: typeof f.data === "string" ? Buffer.byteLength(f.data) : f.data.length,
      secret: !!f.secret,
    }));
  }

  /** Deletes derived files that no longer match their inputs; returns the names that were there. */
  removeStale(names: readonly string[]): string[] {
    const present = names.filter((n) => this.has(n));
    for (const n of present) rmSync(this.path(n), { force: true });
    return present;
  }

  /**
   * Moves the named files that exist into `previous/<stamp>/` so that replacing them loses nothing.
   * Returns the folder they went to, or undefined when there was nothing to move.
   */
  setAside(names: string[], stamp: string): string | undefined {
    const present = names.filter((n) => this.has(n));
    if (present.length === 0) return undefined;
    const folder = join("previous", stamp.replace(/[:.]/g, "-"));
    this.makeFolders(this.path(folder));
    for (const n of present) renameSync(this.path(n), this.path(join(folder, n)));
    return this.display(folder);
  }
}
