/** Entry point of `npm run profile`. */
import { runProfileCli } from "./command.ts";
import { terminalCertLifeIo } from "./io.ts";

process.exitCode = await runProfileCli(process.argv.slice(2), terminalCertLifeIo());
