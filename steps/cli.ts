/** Entry point of `npm run step` and `npm run workshop`. */
import { terminalIo } from "./command.ts";
import { runCli } from "./runner.ts";

process.exitCode = await runCli(process.argv.slice(2), terminalIo());
