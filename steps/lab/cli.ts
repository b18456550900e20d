/** Entry point of `npm run lab`. */
import { terminalIo } from "../command.ts";
import { runLabCli } from "./command.ts";

process.exitCode = await runLabCli(process.argv.slice(2), terminalIo());
