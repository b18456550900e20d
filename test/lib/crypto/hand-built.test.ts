/**
 * lib/crypto/ is hand-built: its files may import only each other and the two shared helpers
 * lib/bytes.ts and lib/errors.ts. No node:crypto (the tests' oracle must stay independent of the
 * code it checks), and no packages such as pkijs or asn1js (those belong to lib/formats/).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const CRYPTO = join(ROOT, "lib", "crypto");
const ALLOWED_OUTSIDE = [join(ROOT, "lib", "bytes.ts"), join(ROOT, "lib", "errors.ts")];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsFiles(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : [],
  );
}

/** Every module specifier in a file: static imports and re-exports (`from "…"`) and dynamic `import("…")`. */
function specifiers(source: string): string[] {
  return [...source.matchAll(/\bfrom\s+["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

const files = tsFiles(CRYPTO);

describe("lib/crypto/ imports nothing it did not build", () => {
  it("finds the files and reads their imports (the scan itself works)", () => {
    expect(files.map((f) => relative(CRYPTO, f).split(sep).join("/"))).toContain("rsa/primitives.ts");
    expect(specifiers('import { a } from "./x.ts";\nexport { b } from "../y.ts";\nconst c = await import("node:crypto");')).toEqual(["./x.ts", "../y.ts", "node:crypto"]);
  });

  it.each(files.map((f) => [relative(ROOT, f).split(sep).join("/"), f]))("%s imports only lib/crypto/, lib/bytes.ts and lib/errors.ts", (_name, file) => {
    for (const specifier of specifiers(readFileSync(file, "utf8"))) {
      expect(specifier, "a relative import, not a package or node: module").toMatch(/^\.\.?\//);
      const target = resolve(dirname(file), specifier);
      expect(target.startsWith(CRYPTO + sep) || ALLOWED_OUTSIDE.includes(target), `${specifier} resolves inside lib/crypto/ or to bytes.ts / errors.ts`).toBe(true);
    }
  });
});
