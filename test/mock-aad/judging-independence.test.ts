/**
 * The mock must judge with node:crypto only, so that a bug in the kit's hand-built lib/crypto/ code
 * shows up as a rejected assertion instead of being mirrored by the judge. The rule is by folder, so a
 * new file is covered without editing this test:
 * - no file under mock-aad/ imports anything under lib/crypto/;
 * - nor indirectly, through other mock files or lib/entra/: the import closure of every mock file stays
 *   out of lib/crypto/. The walk stops at lib/formats/: the mock builds its own certificates with the
 *   DER encoders there (which use base64 for PEM), and judges nothing with them.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const MOCK = join(ROOT, "mock-aad");
const CRYPTO = join(ROOT, "lib", "crypto") + sep;
const FORMATS = join(ROOT, "lib", "formats") + sep;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** The project files a file imports (relative specifiers only; packages are not ours). */
function importsOf(file: string): string[] {
  const source = readFileSync(file, "utf8");
  // Import and re-export statements only: a line that starts one, or the `} from "…"` that ends one.
  const specs = [...source.matchAll(/^(?:\s*(?:import|export)\b[^\n]*?|\s*}\s*)from\s+"(\.[^"]+)"|^\s*import\s+"(\.[^"]+)"/gm)].map((m) => (m[1] ?? m[2])!);
  return specs.map((spec) => resolve(dirname(file), spec));
}

function closure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  if (file.startsWith(FORMATS)) return seen;
  for (const next of importsOf(file)) closure(next, seen);
  return seen;
}

const mockFiles = tsFiles(MOCK);
const name = (file: string) => relative(ROOT, file).split(sep).join("/");

test("the rule sees the mock's files (a wrong path would pass vacuously)", () => {
  expect(mockFiles.map(name)).toEqual(expect.arrayContaining(["mock-aad/core.ts", "mock-aad/check-assertion.ts", "mock-aad/server/cli.ts"]));
});

test.each(mockFiles.map(name))("%s imports nothing from lib/crypto/", (file) => {
  expect(importsOf(join(ROOT, file)).filter((target) => target.startsWith(CRYPTO)).map(name)).toEqual([]);
});

test.each(mockFiles.map(name))("%s does not reach lib/crypto/ through any import", (file) => {
  expect([...closure(join(ROOT, file))].filter((target) => target.startsWith(CRYPTO)).map(name)).toEqual([]);
});

test("the check would catch an import of the hand-built code", () => {
  const probe = join(ROOT, "steps", "04-sha256.ts"); // imports lib/crypto/sha256.ts
  expect([...closure(probe)].some((target) => target.startsWith(CRYPTO))).toBe(true);
});
