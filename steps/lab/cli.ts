/** Entry point of `npm run lab`. */
import { runLabCli } from "./command.ts";

process.exitCode = await runLabCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  color: !!process.stdout.isTTY,
});
