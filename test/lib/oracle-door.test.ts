/**
 * lib/oracle.ts is the one door to node:crypto: lib/ (the hand-built code, the formats, Entra's
 * knowledge) and steps/ (which hold no crypto) reach it only through there. A new file is covered
 * without editing this test.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
const IMPORTS_NODE_CRYPTO = /^\s*import\b[^;]*from\s+"(?:node:)?crypto"|require\("(?:node:)?crypto"\)|import\("(?:node:)?crypto"\)/m;

test("the scan sees the door itself (a wrong pattern would pass vacuously)", () => {
  expect(IMPORTS_NODE_CRYPTO.test(readFileSync(join(ROOT, "lib", "oracle.ts"), "utf8"))).toBe(true);
});

test("no file under lib/ or steps/ but lib/oracle.ts imports node:crypto", () => {
  const files = [...walk(join(ROOT, "lib")), ...walk(join(ROOT, "steps"))].filter((f) => !f.endsWith(`${sep}lib${sep}oracle.ts`));
  expect(files.length).toBeGreaterThan(50);
  expect(files.filter((f) => IMPORTS_NODE_CRYPTO.test(readFileSync(f, "utf8"))).map((f) => relative(ROOT, f))).toEqual([]);
});
