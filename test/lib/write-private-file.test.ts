/**
 * lib/write-private-file.ts: folders 0700, secrets 0600, temporary files created exclusively under
 * unpredictable names, and folders that cannot be made are one KitError, at once (no spin on procfs).
 * Modes are read back with fs.stat; Windows has no POSIX modes, so those checks are skipped there.
 */
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makePrivateFolders, removeEmptyFolders, writePrivateFile, writeTemporaryFile } from "../../lib/write-private-file.ts";
import { thrownKitError } from "../helpers/kit-error.ts";

const POSIX = process.platform !== "win32";
const NO_MODES = "Windows has no POSIX file modes (the kit's 0600/0700 are ignored there)";
const mode = (path: string) => statSync(path).mode & 0o777;

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "private-file-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("makePrivateFolders", () => {
  it("makes the missing folders, outermost first, each 0700, and reports only the ones it made", () => {
    const root = temp();
    const created = makePrivateFolders(join(root, "a", "b", "c"));
    expect(created).toEqual([join(root, "a"), join(root, "a", "b"), join(root, "a", "b", "c")]);
    if (POSIX) for (const folder of created) expect(mode(folder), folder).toBe(0o700);
    expect(makePrivateFolders(join(root, "a", "b"))).toEqual([]); // already there: nothing made, nothing changed
  });

  it.skipIf(!POSIX)("0700 whatever the umask (the mode is set, not left to it) (skipped on Windows: no POSIX modes)", () => {
    const old = process.umask(0o277); // would leave 0500 if the mode were left to the umask
    try {
      const [folder] = makePrivateFolders(join(temp(), "umask0"));
      expect(mode(folder!)).toBe(0o700);
    } finally {
      process.umask(old);
    }
  });

  it.skipIf(process.platform !== "linux")("a path under /proc is one KitError naming why (Node's recursive mkdir spins there forever; Linux only: procfs)", () => {
    const error = thrownKitError(() => makePrivateFolders("/proc/forbidden/deeper"));
    expect(error.code).toBe("OUT_DIR");
    expect(error.message).toBe("Cannot create the folder /proc/forbidden/deeper: /proc does not allow new folders (a special file system such as procfs, or a broken link) (ENOENT).");
    expect(existsSync("/proc/forbidden")).toBe(false);
  });

  it("a path under a regular file names the file", () => {
    const root = temp();
    writeFileSync(join(root, "a-file"), "x");
    const error = thrownKitError(() => makePrivateFolders(join(root, "a-file", "sub", "deeper")));
    expect(error.message).toBe(`Cannot create the folder ${join(root, "a-file", "sub", "deeper")}: ${join(root, "a-file")} is a file, not a folder (ENOTDIR).`);
  });

  it.skipIf(!POSIX)("a dangling symbolic link is refused, not followed into a loop (skipped on Windows: symbolic links need extra rights there)", () => {
    const root = temp();
    symlinkSync(join(root, "nowhere"), join(root, "dangling"));
    const error = thrownKitError(() => makePrivateFolders(join(root, "dangling", "out")));
    expect(error.code).toBe("OUT_DIR");
    expect(error.message).toBe(`Cannot create the folder ${join(root, "dangling", "out")}: ${join(root, "dangling")} is a link to nowhere (EEXIST).`);
  });

  it.skipIf(!POSIX || process.getuid?.() === 0)("a folder this user may not write to (skipped as root, who may write anywhere)", () => {
    const root = temp();
    const locked = join(root, "locked");
    makePrivateFolders(locked);
    chmodSync(locked, 0o500);
    try {
      const error = thrownKitError(() => makePrivateFolders(join(locked, "a", "b")));
      expect(error.message).toBe(`Cannot create the folder ${join(locked, "a", "b")}: this user may not create folders in ${locked} (EACCES).`);
      expect(readdirSync(locked)).toEqual([]);
    } finally {
      chmodSync(locked, 0o700);
    }
  });

  it("removeEmptyFolders removes what it was given, innermost first, and keeps a folder with something in it", () => {
    const root = temp();
    const created = makePrivateFolders(join(root, "x", "y", "z"));
    writeFileSync(join(root, "x", "keep.txt"), "kept");
    removeEmptyFolders(created);
    expect(existsSync(join(root, "x", "y"))).toBe(false);
    expect(readFileSync(join(root, "x", "keep.txt"), "utf8")).toBe("kept");
  });
});

describe("writeTemporaryFile and writePrivateFile", () => {
  it("a secret is 0600 and a public file 0644, whatever the umask; the bytes are the ones given", () => {
    const root = temp();
    const old = process.umask(0o277); // would leave 0400 for both if the modes were left to the umask
    try {
      writePrivateFile(join(root, "key.pem"), "throwaway secret text, not a key", { secret: true });
      writePrivateFile(join(root, "cert.cer"), Uint8Array.of(0x30, 0x82), { secret: false });
    } finally {
      process.umask(old);
    }
    expect(readFileSync(join(root, "key.pem"), "utf8")).toBe("throwaway secret text, not a key");
    expect([...readFileSync(join(root, "cert.cer"))]).toEqual([0x30, 0x82]);
    if (POSIX) {
      expect(mode(join(root, "key.pem"))).toBe(0o600);
      expect(mode(join(root, "cert.cer"))).toBe(0o644);
    } else {
      console.info(`mode checks skipped: ${NO_MODES}`);
    }
    expect(readdirSync(root).sort()).toEqual(["cert.cer", "key.pem"]); // no temporary file left
  });

  it("replacing a 0644 file with a secret leaves it 0600 (the mode is the new file's, not the old one's)", () => {
    const root = temp();
    writeFileSync(join(root, "client-assertion.jwt"), "old", { mode: 0o644 });
    writePrivateFile(join(root, "client-assertion.jwt"), "new", { secret: true });
    expect(readFileSync(join(root, "client-assertion.jwt"), "utf8")).toBe("new");
    if (POSIX) expect(mode(join(root, "client-assertion.jwt"))).toBe(0o600);
  });

  it("temporary names are unpredictable: 128 random bits each, never the pid", () => {
    const root = temp();
    const names = Array.from({ length: 20 }, () => writeTemporaryFile(join(root, "f.jwt"), "x", 0o600));
    expect(new Set(names).size).toBe(20);
    // 32 hex digits where the old names had the pid (".f.jwt.<pid>.tmp"); a substring check for the
    // pid would fail by chance (a 32-digit hex string holds a given 3-digit pid about 0.7% of the time).
    for (const name of names) expect(name).toMatch(/[\\/]\.f\.jwt\.[0-9a-f]{32}\.tmp$/);
  });

  it.skipIf(!POSIX)("a symbolic link planted at the file's name is replaced, never written through (skipped on Windows: symbolic links need extra rights there)", () => {
    // writeFileSync(name) would follow the link and overwrite what it points at; a rename replaces the link.
    const root = temp();
    writeFileSync(join(root, "victim"), "untouched");
    symlinkSync(join(root, "victim"), join(root, "access-token.jwt"));
    writePrivateFile(join(root, "access-token.jwt"), "token", { secret: true });
    expect(readFileSync(join(root, "victim"), "utf8")).toBe("untouched");
    expect(readFileSync(join(root, "access-token.jwt"), "utf8")).toBe("token");
    expect(mode(join(root, "access-token.jwt"))).toBe(0o600);
  });

  it("a write into a folder that is gone throws the file system's error and leaves nothing", () => {
    const root = temp();
    expect(() => writePrivateFile(join(root, "missing", "x"), "x", { secret: true })).toThrow(/ENOENT/);
    expect(readdirSync(root)).toEqual([]);
  });
});
