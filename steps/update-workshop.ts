/**
 * `npm run docs:update`: reruns every command whose output WORKSHOP.md shows (all in --fixed mode, in
 * document order, in one fresh folder) and writes the real output into the guide.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { captureCommand, outputBlocks } from "./capture.ts";

const file = fileURLToPath(new URL("../WORKSHOP.md", import.meta.url));
const markdown = readFileSync(file, "utf8");
const dir = mkdtempSync(join(tmpdir(), "workshop-docs-"));
let result = "";
let last = 0;
try {
  for (const block of outputBlocks(markdown)) {
    if (!block.command.includes("--fixed")) throw new Error(`WORKSHOP.md shows "${block.command}" without --fixed: its output would change every run.`);
    const { code, text } = await captureCommand(block.command, dir);
    if (code !== 0) throw new Error(`"${block.command}" exited with ${code}:\n${text}`);
    result += markdown.slice(last, block.index) + `<!-- output: ${block.command} -->\n\`\`\`text\n${text}\`\`\``;
    last = block.index + block.length;
  }
  result += markdown.slice(last);
  writeFileSync(file, result);
  console.log(`WORKSHOP.md: ${outputBlocks(markdown).length} output blocks updated.`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
