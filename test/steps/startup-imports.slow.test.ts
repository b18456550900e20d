/**
 * Start-up: `--help` and `--list` of every command load nothing they have no use for. What a
 * command loads is recorded by a resolve hook (test/helpers/record-imports.mjs) in a real run of
 * it, so a new static import of msw (0.26 s of CPU by itself, measured) or of the mock's server
 * parts shows up here. The times themselves are measured by `npm run bench:startup`, not here.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const HOOK = pathToFileURL(join(ROOT, "test/helpers/record-imports.mjs")).href;
const dir = mkdtempSync(join(tmpdir(), "startup-imports-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The modules a command loads, as paths inside the kit (packages as node_modules/<name>/…). */
async function modulesLoadedBy(file: string, args: string[]): Promise<string[]> {
  const record = join(dir, `${file.replace(/\W/g, "_")}${args.join("")}.txt`);
  const child = spawn(process.execPath, ["--import", "tsx", "--import", HOOK, join(ROOT, file), ...args], {
    cwd: ROOT,
    env: { ...process.env, RECORD_IMPORTS_TO: record, NO_COLOR: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise((done) => child.once("exit", done));
  expect(code, stderr).toBe(0);
  const root = pathToFileURL(ROOT).href;
  return [...new Set(readFileSync(record, "utf8").split("\n").filter((url) => url.startsWith(root)).map((url) => url.slice(root.length).replace(/^\//, "")))];
}

const packageOf = (path: string) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];

describe("--help and --list load nothing heavy", () => {
  const commands: Array<[string, string[]]> = [
    ["steps/cli.ts", ["--help"]],
    ["steps/cli.ts", ["--list"]],
    ["steps/doctor/cli.ts", ["--help"]],
    ["steps/lab/cli.ts", ["--help"]],
    ["steps/lab/cli.ts", ["--list"]],
    ["mock-aad/server/cli.ts", ["--help"]],
  ];
  it.each(commands)("%s %s: no msw, no mock server", async (file, args) => {
    const loaded = await modulesLoadedBy(file, args);
    expect(loaded).toContain(file); // the record is real: the command itself is in it
    const packages = new Set(loaded.map(packageOf).filter(Boolean));
    expect([...packages].filter((p) => p === "msw" || p!.startsWith("@mswjs") || p!.startsWith("@azure"))).toEqual([]);
    expect(loaded.filter((p) => ["mock-aad/msw.ts", "mock-aad/https-server.ts", "mock-aad/server/local-tls-store.ts"].includes(p))).toEqual([]);
  });

  it.each([["--help"], ["--list"]])("npm run step -- %s loads no step module and no pkijs", async (flag) => {
    const loaded = await modulesLoadedBy("steps/cli.ts", [flag]);
    expect(loaded.filter((p) => /^steps\/0\d-/.test(p) || packageOf(p) === "pkijs" || packageOf(p) === "asn1js")).toEqual([]);
  });

  it("the mock's --help loads neither the core nor pkijs", async () => {
    const loaded = await modulesLoadedBy("mock-aad/server/cli.ts", ["--help"]);
    expect(loaded.filter((p) => p === "mock-aad/core.ts" || packageOf(p) === "pkijs" || packageOf(p) === "asn1js")).toEqual([]);
  });
});
