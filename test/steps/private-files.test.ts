/**
 * What the kit writes, and how: every file of a whole workshop run and of the mock's TLS store,
 * with its mode read back by fs.stat (credentials 0600, the rest 0644, folders 0700); --out onto a
 * path that cannot be made is one sentence and exit 1, from a child process that must end on its
 * own (it used to spin forever on /proc); a failing step leaves no empty folder behind.
 * Windows has no POSIX modes: the mode checks are skipped there, and say so.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMockAadCli } from "../../mock-aad/server/cli.ts";
import { ensureLocalTls } from "../../mock-aad/server/local-tls-store.ts";
import { rejectedKitError } from "../helpers/kit-error.ts";
import { run, tempDir } from "./helpers.ts";

const POSIX = process.platform !== "win32";
const NO_MODES = "mode checks skipped: Windows has no POSIX file modes (the kit's 0600/0700 are ignored there)";
const mode = (path: string) => statSync(path).mode & 0o777;

/** Every file a workshop run writes, by what it is. A new artifact must be put in one of the lists. */
const SECRETS = ["private-key.pem", "cert.pfx", "signature.bin", "client-assertion.jwt", "token-response.json", "access-token.jwt", "mock-aad/token-signing-key.pem"];
const PUBLIC = ["cert.cer", "cert.pem", "thumbprints.json", "header.json", "payload.json", "signing-input.txt", "signing-input.sha256", "api-response.json", "mock-aad/token-signing.cer"];
const TLS_SECRETS = ["ca-key.pem", "server-key.pem"];
const TLS_PUBLIC = ["ca.pem", "server.pem"];

function walk(dir: string): { files: string[]; folders: string[] } {
  const files: string[] = [];
  const folders: string[] = [dir];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = walk(path);
      files.push(...inner.files);
      folders.push(...inner.folders);
    } else files.push(path);
  }
  return { files, folders };
}

const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

describe("the file-mode audit of a whole workshop run", () => {
  let root: string;
  let work: string;
  beforeAll(async () => {
    root = tempDir("modes-");
    cleanup.push(root);
    work = join(root, "new", ".workshop");
    const r = await run("--all", "--out", work);
    expect(r.code, r.err).toBe(0);
  }, 120_000);

  it("writes exactly the files the audit knows, none left under a temporary name", () => {
    const names = walk(work).files.map((f) => relative(work, f).split(sep).join("/")).sort();
    expect(names).toEqual([...SECRETS, ...PUBLIC].sort());
  });

  it.skipIf(!POSIX)("credentials are 0600, the rest 0644, every folder it made 0700 (outside ones included) (skipped on Windows: no POSIX modes)", () => {
    for (const name of SECRETS) expect(mode(join(work, name)), name).toBe(0o600);
    for (const name of PUBLIC) expect(mode(join(work, name)), name).toBe(0o644);
    for (const folder of [join(root, "new"), ...walk(work).folders]) expect(mode(folder), folder).toBe(0o700);
  });

  it.skipIf(!POSIX)("the mock's TLS store: keys 0600, certificates 0644, its folder 0700 (skipped on Windows: no POSIX modes)", async () => {
    const tls = await ensureLocalTls({ dir: join(root, "tls", "mock-aad") });
    for (const name of TLS_SECRETS) expect(mode(join(tls.dir, name)), name).toBe(0o600);
    for (const name of TLS_PUBLIC) expect(mode(join(tls.dir, name)), name).toBe(0o644);
    expect(readdirSync(tls.dir).sort()).toEqual([...TLS_SECRETS, ...TLS_PUBLIC].sort());
    expect(mode(tls.dir)).toBe(0o700);
    expect(mode(join(root, "tls"))).toBe(0o700);
  });

  it.runIf(!POSIX)(NO_MODES, () => {
    expect(POSIX).toBe(false);
  });
});

describe("--out onto a path that cannot be made", () => {
  const tsx = join(process.cwd(), "node_modules", "tsx", "dist", "cli.mjs");
  const cli = join(process.cwd(), "steps", "cli.ts");

  /** The step runner as a child process; killed after `limitMs` if it has not ended by itself (it used to spin forever). */
  function step1(out: string, limitMs = 30_000): Promise<{ code: number | null; killed: boolean; stderr: string }> {
    return new Promise((done) => {
      const child = spawn(process.execPath, [tsx, cli, "1", "--out", out], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      let killed = false;
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => {
        killed = true;
        child.kill("SIGKILL");
      }, limitMs);
      child.on("exit", (code) => {
        clearTimeout(timer);
        done({ code, killed, stderr });
      });
    });
  }

  function expectOneSentence(r: { code: number | null; killed: boolean; stderr: string }, message: string) {
    expect(r.killed, "the command did not end by itself").toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`✗ ${message}\n  → Pick a folder you can write to with --out DIR.\n`);
  }

  it.skipIf(process.platform !== "linux")("under /proc (Node's recursive mkdir loops there forever; Linux only: procfs)", async () => {
    expectOneSentence(await step1("/proc/forbidden"), "Cannot create the folder /proc/forbidden: /proc does not allow new folders (a special file system such as procfs, or a broken link) (ENOENT).");
  }, 40_000);

  it.skipIf(process.platform !== "linux")("npm run mock-aad -- --out under /proc: the same sentence, and no server started (Linux only: procfs)", async () => {
    let printed = "";
    const error = await rejectedKitError(() => startMockAadCli(["--port", "0", "--out", "/proc/forbidden"], { out: (t) => (printed += t), err: (t) => (printed += t), color: false }));
    expect([error.code, error.message]).toEqual(["OUT_DIR", "Cannot create the folder /proc/forbidden/mock-aad: /proc does not allow new folders (a special file system such as procfs, or a broken link) (ENOENT)."]);
    expect(printed).toBe("");
  });

  it("under a regular file", async () => {
    const dir = tempDir("under-file-");
    cleanup.push(dir);
    writeFileSync(join(dir, "a-file"), "x");
    expectOneSentence(await step1(join(dir, "a-file", "sub")), `Cannot create the folder ${join(dir, "a-file", "sub")}: ${join(dir, "a-file")} is a file, not a folder (ENOTDIR).`);
  }, 40_000);

  it.skipIf(!POSIX || process.getuid?.() === 0)("in a folder without write permission (skipped as root, who may write anywhere)", async () => {
    const dir = tempDir("locked-");
    cleanup.push(dir);
    chmodSync(dir, 0o500);
    try {
      expectOneSentence(await step1(join(dir, "out")), `Cannot create the folder ${join(dir, "out")}: this user may not create folders in ${dir} (EACCES).`);
    } finally {
      chmodSync(dir, 0o700);
    }
  }, 40_000);
});

describe("a failing step leaves no empty folder behind", () => {
  it("step 1 with a missing --pfx: exit 1, and the folders it made for --out are gone again", async () => {
    const dir = tempDir("no-leftover-");
    cleanup.push(dir);
    const r = await run("1", "--out", join(dir, "a", "b"), "--pfx", join(dir, "missing.pfx"), "--password", "x");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/does not exist/);
    expect(existsSync(join(dir, "a"))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a folder that was there before is kept, even when empty", async () => {
    const dir = tempDir("kept-");
    cleanup.push(dir);
    const r = await run("1", "--out", dir, "--pfx", join(dir, "missing.pfx"), "--password", "x");
    expect(r.code).toBe(1);
    expect(existsSync(dir)).toBe(true);
  });
});
