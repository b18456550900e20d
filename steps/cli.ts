/** Entry point of `npm run step` and `npm run workshop`. */
import { supportsColor } from "chalk";
import { runCli } from "./runner.ts";

const code = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  // chalk's detection: a terminal that shows colours, or FORCE_COLOR; never with NO_COLOR.
  color: !!supportsColor && supportsColor.level > 0,
});
process.exitCode = code;
