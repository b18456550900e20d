/**
 * What README.md's "Use the mock in your project" tells a reader to type, read from README.md itself,
 * for the package test (which installs exactly that) and for test/readme-package-section.test.ts
 * (which checks, fast, that it is enough for the examples and agrees with itself).
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** The block README.md shows after `<!-- example: FILE -->`: what a reader copies. */
export function readmeExample(file: string): string {
  const at = README.indexOf(`<!-- example: ${file} -->\n`);
  if (at < 0) throw new Error(`README.md shows no example from ${file}`);
  const block = /```\w+\n([\s\S]*?)```/.exec(README.slice(at));
  return block![1]!;
}

/** The ```sh block under a "### TITLE" heading of README.md, as lines without comments. */
export function readmeShellLines(heading: string): string[] {
  const at = README.indexOf(`\n### ${heading}\n`);
  if (at < 0) throw new Error(`README.md has no "### ${heading}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(README.slice(at))![1]!;
  return block
    .split("\n")
    .map((line) => line.replace(/(^|\s)#.*$/, "").trim())
    .filter(Boolean);
}

export interface InstallLine {
  /** What the kit itself is installed from: a .tgz, a git URL or a folder; undefined for a line that installs only other packages. */
  kit?: string;
  /** The other packages the line installs, as typed. */
  packages: string[];
}

/** README.md's `npm install --save-dev …` lines under "### Install". */
export function readmeInstallLines(): InstallLine[] {
  return readmeShellLines("Install")
    .map((line) => /(?:^|&&\s*)npm install --save-dev (.+)$/.exec(line)?.[1])
    .filter((args): args is string => args !== undefined)
    .map((args) => {
      const words = args.split(/\s+/);
      const kit = words.find((w) => /\.tgz$|^git\+|^\.\.?\//.test(w));
      return { ...(kit === undefined ? {} : { kit }), packages: words.filter((w) => w !== kit) };
    });
}

/** The npm package a bare import specifier loads ("msw/node" → "msw", "@azure/msal-node/x" → "@azure/msal-node"). */
export function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** The packages a module's static imports load, leaving out node: built-ins. */
export function importedPackages(source: string): string[] {
  const specifiers = [...source.matchAll(/^\s*import\s[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]!);
  return [...new Set(specifiers.filter((s) => !s.startsWith("node:") && !s.startsWith(".")).map(packageOf))];
}
