/**
 * `npm run docs:update`: rewrites what WORKSHOP.md and README.md show from the real thing. Output
 * blocks: every command is rerun (all in --fixed mode, in document order, in one fresh folder).
 * Example blocks: the named file's current text.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { captureCommand, exampleBlocks, isReproducible, outputBlocks } from "./capture.ts";
import { replaceTable, shownTable, troubleshootingTable } from "./troubleshooting.ts";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Replaces each block [index, index + length) with what `render` makes of it, in order. */
async function rewrite<B extends { index: number; length: number }>(markdown: string, blocks: B[], render: (block: B) => Promise<string>): Promise<string> {
  let result = "";
  let last = 0;
  for (const block of blocks) {
    result += markdown.slice(last, block.index) + (await render(block));
    last = block.index + block.length;
  }
  return result + markdown.slice(last);
}

for (const name of ["WORKSHOP.md", "README.md"]) {
  const file = join(root, name);
  let markdown = readFileSync(file, "utf8");
  const dir = mkdtempSync(join(tmpdir(), "workshop-docs-"));
  try {
    markdown = await rewrite(markdown, outputBlocks(markdown), async (block) => {
      if (!isReproducible(block.command)) throw new Error(`${name} shows "${block.command}" without --fixed: its output would change every run.`);
      const { code, text } = await captureCommand(block.command, dir);
      if (code !== 0) throw new Error(`"${block.command}" exited with ${code}:\n${text}`);
      return `<!-- output: ${block.command} -->\n\`\`\`text\n${text}\`\`\``;
    });
    markdown = await rewrite(markdown, exampleBlocks(markdown), async (block) => `<!-- example: ${block.file} -->\n\`\`\`${block.language}\n${readFileSync(join(root, block.file), "utf8")}\`\`\``);
    if (shownTable(markdown) !== undefined) markdown = replaceTable(markdown, troubleshootingTable());
    writeFileSync(file, markdown);
    console.log(`${name}: ${outputBlocks(markdown).length} output blocks and ${exampleBlocks(markdown).length} examples updated.`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
