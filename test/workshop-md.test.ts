/**
 * WORKSHOP.md shows the real output of `--fixed` runs. This test reruns every command the guide shows,
 * in order, in one fresh folder, and fails on the first difference (fix: `npm run docs:update`, then
 * read the diff).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { captureCommand, outputBlocks } from "../steps/capture.ts";
import { tempDir } from "./steps/helpers.ts";

const markdown = readFileSync(new URL("../WORKSHOP.md", import.meta.url), "utf8");
const blocks = outputBlocks(markdown);

describe("WORKSHOP.md matches the program", () => {
  it("shows output for every step 1–6", () => {
    for (const n of [1, 2, 3, 4, 5, 6]) expect(blocks.some((b) => b.command.startsWith(`npm run step ${n} `))).toBe(true);
  });

  it("every shown output is exactly what the command prints", async () => {
    const dir = tempDir("guide-");
    for (const block of blocks) {
      expect(block.command).toContain("--fixed");
      const { code, text } = await captureCommand(block.command, dir);
      expect(code, block.command).toBe(0);
      expect(text, `output of "${block.command}" in WORKSHOP.md; run npm run docs:update`).toBe(block.shown);
    }
  }, 60_000);
});
