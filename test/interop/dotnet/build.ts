/**
 * Builds the .NET interop client (InteropClient.csproj + Program.cs beside this file) once, into a
 * cache outside the source tree, and says how to run it.
 *
 * The cache key is the SHA-256 of the project's source files and `dotnet --version`: a second run
 * with the same sources and SDK finds the built dll and starts at once; NuGet's own package cache
 * (~/.nuget/packages) makes a rebuild after a source change fast too.
 *
 *   node_modules/.cache/interop-dotnet/<key>/src/   a copy of the sources (bin/ and obj/ go here)
 *   node_modules/.cache/interop-dotnet/<key>/out/   dotnet build -o: InteropClient.dll
 *   (os.tmpdir()/interop-dotnet/<key>/ when there is no node_modules/)
 */
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { runChild } from "../harness.ts";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../../..");
/** What the build reads: a change to any of them makes a new cache entry. */
const SOURCES = ["InteropClient.csproj", "Program.cs"];
const DLL = "InteropClient.dll";
/** Cold: restore from the feed plus a Release build; generous for a slow feed on 2 cores. */
export const BUILD_TIMEOUT_MS = 10 * 60_000;

/** Quiet, English, no telemetry, and no build server left running after the test. */
export const DOTNET_ENV: Record<string, string> = {
  DOTNET_CLI_TELEMETRY_OPTOUT: "1",
  DOTNET_NOLOGO: "1",
  DOTNET_SKIP_FIRST_TIME_EXPERIENCE: "1",
  DOTNET_CLI_UI_LANGUAGE: "en",
  MSBUILDDISABLENODEREUSE: "1",
  NUGET_XMLDOC_MODE: "skip",
};

export type BuildOutcome =
  | { ok: true; dll: string; cached: boolean; seconds: number; sdk: string }
  /** NuGet could not be reached: the test skips, naming the reason. */
  | { ok: false; skip: true; reason: string }
  /** Anything else (a compile error, a version the feed does not have): the test fails with this. */
  | { ok: false; skip: false; reason: string };

/** The exact package versions the csproj pins, e.g. { "Microsoft.Identity.Client": "4.92.0" }. */
export function pinnedVersions(): Record<string, string> {
  const csproj = readFileSync(join(HERE, "InteropClient.csproj"), "utf8");
  const out: Record<string, string> = {};
  for (const m of csproj.matchAll(/<PackageReference\s+Include="([^"]+)"\s+Version="\[([^\]]+)\]"/g)) out[m[1]!] = m[2]!;
  return out;
}

function cacheRoot(): string {
  const modules = join(ROOT, "node_modules");
  return existsSync(modules) ? join(modules, ".cache", "interop-dotnet") : join(tmpdir(), "interop-dotnet");
}

/** NuGet's words for "the feed did not answer" (NU1301: service index; NU1801: a source failed). */
const UNREACHABLE = /\bNU1301\b|\bNU1801\b|Unable to load the service index|Name or service not known|No such host is known|Connection refused|The SSL connection could not be established/i;

export async function buildDotnetClient(dotnet: string): Promise<BuildOutcome> {
  const started = Date.now();
  const version = await runChild(dotnet, ["--version"], { env: DOTNET_ENV, timeoutMs: 60_000 });
  if (version.code !== 0) return { ok: false, skip: true, reason: `\`dotnet --version\` failed (no SDK installed?): ${version.stderr.trim() || version.stdout.trim()}` };
  const sdk = version.stdout.trim();

  const hash = createHash("sha256").update(`sdk ${sdk}\n`);
  for (const name of SOURCES) hash.update(`${name}\n`).update(readFileSync(join(HERE, name)));
  const key = hash.digest("hex").slice(0, 16);
  const base = join(cacheRoot(), key);
  const out = join(base, "out");
  const marker = join(out, ".complete");
  const dll = join(out, DLL);
  if (existsSync(marker) && existsSync(dll)) return { ok: true, dll, cached: true, seconds: (Date.now() - started) / 1000, sdk };

  rmSync(base, { recursive: true, force: true });
  const src = join(base, "src");
  mkdirSync(src, { recursive: true });
  for (const name of SOURCES) copyFileSync(join(HERE, name), join(src, name));
  const built = await runChild(
    dotnet,
    ["build", join(src, "InteropClient.csproj"), "-c", "Release", "-o", out, "--disable-build-servers", "-nodeReuse:false", "-v:minimal"],
    { env: DOTNET_ENV, cwd: src, timeoutMs: BUILD_TIMEOUT_MS },
  );
  const log = `${built.stdout}\n${built.stderr}`;
  if (built.code !== 0 || !existsSync(dll)) {
    const errors = log.split("\n").filter((l) => /\berror\b/i.test(l)).slice(0, 8).join("\n") || log.slice(-2000);
    if (built.code === null) return { ok: false, skip: false, reason: `dotnet build did not finish in ${BUILD_TIMEOUT_MS / 1000} s:\n${errors}` };
    if (UNREACHABLE.test(log)) return { ok: false, skip: true, reason: `NuGet is unreachable, the packages could not be restored:\n${errors}` };
    return { ok: false, skip: false, reason: `dotnet build failed (exit ${built.code}):\n${errors}` };
  }
  writeFileSync(marker, `${key}\n`);
  return { ok: true, dll, cached: false, seconds: (Date.now() - started) / 1000, sdk };
}
