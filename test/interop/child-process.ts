/**
 * Running the real clients as programs: finding them, running them with a time limit, and saying
 * out loud when one is missing. No project imports here (harness.ts holds those).
 */
import { spawn } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, isAbsolute, join, resolve } from "node:path";

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  /** Added to (or, with undefined, removed from) this process's environment. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** The child (and its process group) is killed when it runs longer; the result then says so in stderr. */
  timeoutMs: number;
  /** Written to the child's stdin, which is then closed; without it stdin is closed at once. */
  input?: string;
}

/** Output beyond this is dropped (a runaway child cannot fill the test's memory). */
const MAX_OUTPUT_CHARS = 4 * 1024 * 1024;
/** After SIGTERM on timeout, SIGKILL follows this much later. */
const KILL_GRACE_MS = 2_000;

/** Proxy variables are dropped: every request of an interop client goes to 127.0.0.1 directly. */
const PROXY_VARIABLES = ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"];

export function childEnvironment(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of PROXY_VARIABLES) delete env[name];
  env.NO_PROXY = env.no_proxy = "127.0.0.1,localhost,::1";
  Object.assign(env, extra);
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Runs cmd with args; resolves (never rejects) once the child has exited, or was killed on timeout. */
export function runChild(cmd: string, args: string[], opts: ChildOptions): Promise<ChildResult> {
  return new Promise((done) => {
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    let settled = false;
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: childEnvironment(opts.env),
      stdio: ["pipe", "pipe", "pipe"],
      // Its own process group, so a timeout also stops what the child started (e.g. dotnet's build server).
      detached: process.platform !== "win32",
    });
    const kill = (signal: NodeJS.Signals) => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        if (process.platform !== "win32") process.kill(-child.pid, signal);
        else child.kill(signal);
      } catch {
        // Already gone.
      }
    };
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      kill("SIGTERM");
      killTimer = setTimeout(() => kill("SIGKILL"), KILL_GRACE_MS);
    }, opts.timeoutMs);
    const finish = (code: number | null, extra = "") => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      const note = timedOut ? `\n[runChild: killed after ${opts.timeoutMs} ms: ${cmd} ${args.join(" ")}]` : "";
      done({ code: timedOut ? null : code, stdout, stderr: stderr + extra + note });
    };
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      if (stdout.length < MAX_OUTPUT_CHARS) stdout += text;
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      if (stderr.length < MAX_OUTPUT_CHARS) stderr += text;
    });
    child.on("error", (error) => finish(null, `\n[runChild: ${cmd}: ${error.message}]`));
    child.on("close", (code) => finish(code));
    child.stdin.on("error", () => undefined); // a child that exits without reading stdin
    child.stdin.end(opts.input ?? "");
  });
}

/** An executable on PATH, else the first executable candidate (~ is the home folder); undefined when none. */
export function findTool(name: string, candidates: string[] = []): string | undefined {
  const onPath = (process.env.PATH ?? "").split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  const extra = candidates.map((c) => (c.startsWith("~/") ? join(homedir(), c.slice(2)) : c)).map((c) => (isAbsolute(c) ? c : resolve(c)));
  return [...onPath, ...extra].find(isExecutableFile);
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The visible line for a client that is not on this machine (vitest shows console.warn). */
export function skipNote(client: string, reason: string): void {
  console.warn(`interop: skipping ${client}: ${reason}`);
}
