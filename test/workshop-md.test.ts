/**
 * WORKSHOP.md shows the real output of `--fixed` runs. This test reruns every command the guide shows,
 * in order, in one fresh folder, and fails on the first difference (fix: `npm run docs:update`, then
 * read the diff).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CATALOG } from "../mock-aad/catalog.ts";
import { captureCommand, exampleBlocks, isReproducible, outputBlocks } from "../steps/capture.ts";
import { findStep } from "../steps/runner.ts";
import { shownTable, troubleshootingTable } from "../steps/troubleshooting.ts";
import { tempDir } from "./steps/helpers.ts";

const markdown = readFileSync(new URL("../WORKSHOP.md", import.meta.url), "utf8");
const blocks = outputBlocks(markdown);

describe("WORKSHOP.md matches the program", () => {
  it("shows output for every step 1–8", () => {
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) expect(blocks.some((b) => b.command.startsWith(`npm run step ${n} `))).toBe(true);
  });

  it("every shown output is exactly what the command prints", async () => {
    const dir = tempDir("guide-");
    for (const block of blocks) {
      expect(isReproducible(block.command), block.command).toBe(true);
      const { code, text } = await captureCommand(block.command, dir);
      expect(code, block.command).toBe(0);
      expect(text, `output of "${block.command}" in WORKSHOP.md; run npm run docs:update`).toBe(block.shown);
    }
  }, 60_000);
});

describe("what the guide shows is what the command prints when typed as shown", () => {
  // The test above captures in-process with --out; here the first command runs as a learner runs
  // it, in a process of its own, in a fresh folder, with no --out: the "Next:" lines must repeat
  // exactly the options typed, and the files must be where the guide says.
  it("npm run step 1 -- --fixed, run as typed", async () => {
    const block = blocks.find((b) => b.command === "npm run step 1 -- --fixed")!;
    expect(block, "WORKSHOP.md shows npm run step 1 -- --fixed").toBeDefined();
    const cwd = tempDir("as-typed-");
    const tsx = new URL("../node_modules/tsx/dist/loader.mjs", import.meta.url).href; // tsx's "." export, found from the kit, not from cwd
    const child = spawn(process.execPath, ["--import", tsx, fileURLToPath(new URL("../steps/cli.ts", import.meta.url)), "1", "--fixed", "--no-color"], { cwd, env: { ...process.env, INIT_CWD: cwd }, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (chunk) => (text += chunk));
    child.stderr.on("data", (chunk) => (text += chunk));
    expect(await new Promise((done) => child.once("exit", done))).toBe(0);
    expect(text.replace(/^\n+/, "")).toBe(block.shown);
    expect(block.shown).toContain("Next: npm run step 2 -- --fixed  ");
  }, 30_000);
});

describe("what the guides say about --live is true", () => {
  // Only steps with a live option take --live: "steps 5 to 7 with --live" was once written here, and
  // step 5 refuses it.
  for (const name of ["WORKSHOP.md", "README.md"]) {
    it(name, () => {
      const text = readFileSync(new URL(`../${name}`, import.meta.url), "utf8");
      const said: number[] = [];
      for (const m of text.matchAll(/npm run step (\d+) -- [^`\n]*--live/g)) said.push(Number(m[1]));
      for (const m of text.matchAll(/steps (\d+) (?:to|and) (\d+) with `--live`/g)) for (let n = Number(m[1]); n <= Number(m[2]); n++) said.push(n);
      expect(said.length, `${name} mentions --live`).toBeGreaterThan(0);
      for (const n of said) expect(findStep(String(n))?.options, `${name}: step ${n} with --live`).toHaveProperty("live");
    });
  }
});

describe("code examples in WORKSHOP.md and README.md are the real test file", () => {
  for (const name of ["WORKSHOP.md", "README.md"]) {
    it(name, () => {
      const text = readFileSync(new URL(`../${name}`, import.meta.url), "utf8");
      const examples = exampleBlocks(text);
      expect(examples.length).toBeGreaterThan(0);
      for (const e of examples) expect(e.shown, `${name} shows ${e.file}; run npm run docs:update`).toBe(readFileSync(new URL(`../${e.file}`, import.meta.url), "utf8"));
    });
  }
});

describe("the troubleshooting chapter", () => {
  it("is the table generated from the mock's catalog, the doctor's causes and the lab's scenarios", () => {
    expect(shownTable(markdown), "WORKSHOP.md's AADSTS table; run npm run docs:update").toBe(troubleshootingTable());
  });

  it("has a row for every code the mock can answer with, and each cites a source or says inferred", () => {
    const table = troubleshootingTable();
    for (const entry of Object.values(CATALOG)) {
      if (entry.code !== 50000) expect(table).toContain(`| ${entry.code} \``);
      // a named public source (research notes, an issue or pull request, recorded responses, Microsoft's docs) or "inferred"
      expect(entry.source, entry.id).toMatch(/inferred|entra-errors\.md|#\d+|TestConstants|recordings|ErrRef|pull request|issue/);
    }
  });
});
