/** Entry point of `npm run step` and `npm run workshop`. */
import { runCli } from "./runner.ts";

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  color: !!process.stdout.isTTY,
});
process.exitCode = code;
