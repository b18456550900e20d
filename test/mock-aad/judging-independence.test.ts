/**
 * The mock must judge with node:crypto only, so that a bug in the kit's hand-built lib/ code shows
 * up as a rejected assertion instead of being mirrored by the judge. This reads the import lines
 * of the judging files.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";

const JUDGING = ["check-assertion.ts", "bearer.ts", "resource-apis.ts", "issue-token.ts", "signing-key.ts", "registry.ts", "core.ts"];
const FORBIDDEN = /from\s+"\.\.\/lib\/(rsa|rsa-keys|sha1|sha256|hash|jwt|base64url|assertion|bytes)\.ts"/;

test.each(JUDGING)("mock-aad/%s imports nothing from lib/'s hand-built crypto and encodings", (file) => {
  const source = readFileSync(new URL(`../../mock-aad/${file}`, import.meta.url), "utf8");
  const imports = source.split("\n").filter((line) => /^\s*import\b|^\s*}\s*from\b|\bfrom\s+"/.test(line));
  expect(imports.filter((line) => FORBIDDEN.test(line))).toEqual([]);
  // Only data may come from lib/: the demo IDs, the error type, the AADSTS catalog.
  expect(imports.filter((line) => line.includes('"../lib/') && !/"\.\.\/lib\/(demo|errors|aadsts-catalog)\.ts"/.test(line))).toEqual([]);
});
