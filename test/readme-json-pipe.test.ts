/**
 * README.md's --json line, run as written: `npm run -s step 2 -- --json | node -e "…"` in a shell,
 * in a fresh folder whose package.json has the kit's own "step" script (so the workspace is made
 * there, not in the kit). What it prints must be the certificate's x5t#S256, worked out here from
 * the certificate file with node:crypto. Without -s, npm's "> …" lines would break the JSON.
 */
import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "./steps/helpers.ts";

const KIT = fileURLToPath(new URL("..", import.meta.url));
const readme = readFileSync(join(KIT, "README.md"), "utf8");

describe("README.md's --json pipe", () => {
  it("prints the x5t#S256 of the certificate, as written", () => {
    const line = /<!-- json-pipe -->\n```sh\n(.+)\n```/.exec(readme)?.[1];
    expect(line, "README.md has the json-pipe example").toMatch(/^npm run -s step 2 -- --json \| node -e /);
    const kitPackage = JSON.parse(readFileSync(join(KIT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const dir = tempDir("json-pipe-");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "json-pipe-check", private: true, type: "module", scripts: { step: kitPackage.scripts.step!.replace("steps/cli.ts", JSON.stringify(join(KIT, "steps/cli.ts"))) } }));
    symlinkSync(join(KIT, "node_modules"), join(dir, "node_modules"), "junction");
    const printed = execSync(line!, { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 });
    const x5tS256 = createHash("sha256").update(readFileSync(join(dir, ".workshop", "cert.cer"))).digest("base64url");
    expect(printed.trim()).toBe(x5tS256);
  }, 90_000);
});
