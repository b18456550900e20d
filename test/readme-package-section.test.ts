/**
 * README.md's "Use the mock in your project", read as a newcomer follows it, checked without packing
 * (npm run test:package then installs exactly what it says and runs the examples):
 *   - its install lines install every package the examples import (once they did not: the node:test
 *     example imported @azure/msal-node, which only the package test installed);
 *   - the file names agree: the openssl line writes what registry.json and the bin's --cert and --key name;
 *   - npm pack's tarball in the kit's folder is ignored by git.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importedPackages, README, readmeExample, readmeInstallLines, readmeShellLines, ROOT } from "./package/readme-install.ts";

const kit = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { name: string; version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const EXAMPLES = ["node-test", "vitest", "jest"].map((name) => `test/package/examples/${name}.test.mjs`);

describe("README.md's install lines", () => {
  const lines = readmeInstallLines();
  const kitLines = lines.filter((l) => l.kit !== undefined);
  const runners = lines.filter((l) => l.kit === undefined).flatMap((l) => l.packages);

  it("install the kit by tarball, git URL and folder, each with the same packages", () => {
    expect(kitLines.map((l) => l.kit)).toEqual([
      `../${kit.name}/${kit.name}-${kit.version}.tgz`,
      expect.stringMatching(/^git\+https:\/\//),
      `../${kit.name}`,
    ]);
    for (const line of kitLines) expect(line.packages, line.kit).toEqual(kitLines[0]!.packages);
  });

  it("install everything the node:test example imports (node:test needs no runner)", () => {
    const installed = new Set([kit.name, ...Object.keys(kit.dependencies), ...kitLines[0]!.packages]);
    const imported = importedPackages(readmeExample(EXAMPLES[0]!));
    expect(imported).toContain("@azure/msal-node");
    expect(imported.filter((p) => !installed.has(p))).toEqual([]);
    expect(README).toContain(`(the kit tests with ${kit.devDependencies["@azure/msal-node"]})`);
  });

  it("install everything the vitest and jest examples import, and their runners", () => {
    expect(runners).toEqual(["vitest", "jest"]);
    const installed = new Set([kit.name, ...Object.keys(kit.dependencies), ...kitLines[0]!.packages, ...runners]);
    for (const file of EXAMPLES) expect(importedPackages(readmeExample(file)).filter((p) => !installed.has(p)), file).toEqual([]);
  });
});

describe("README.md's file names agree", () => {
  it("the openssl line writes the certificate registry.json registers and the key and certificate the bin is given", () => {
    const openssl = readmeShellLines("Your own certificate, tenant and app").find((l) => l.startsWith("openssl req "))!;
    const certificate = /\s-out (\S+)/.exec(openssl)![1]!;
    const key = /\s-keyout (\S+)/.exec(openssl)![1]!;
    expect([certificate, key]).toEqual(["my.pem", "my-key.pem"]);
    const registry = JSON.parse(readmeExample("test/package/examples/registry.json")) as { applications: Array<{ keyCredentials: string[] }> };
    expect(registry.applications.flatMap((a) => a.keyCredentials)).toEqual([certificate]);
    const bin = readmeShellLines("The HTTPS mock, for other clients").filter((l) => l.startsWith("npx entra-mock-aad "));
    expect(bin.length).toBeGreaterThan(0);
    for (const line of bin) expect(/--cert (\S+)/.exec(line)?.[1], line).toBe(certificate);
    expect(bin.some((line) => line.includes(`--key ${key}`))).toBe(true);
  });
});

describe("npm pack in the kit's folder", () => {
  it("writes a tarball git ignores", () => {
    // git check-ignore exits 0 when the path is ignored, 1 when it is not.
    expect(execFileSync("git", ["check-ignore", `${kit.name}-${kit.version}.tgz`], { cwd: ROOT, encoding: "utf8" }).trim()).toBe(`${kit.name}-${kit.version}.tgz`);
  });
});
