/** Entry point of `npm run cert`. */
import { terminalCertLifeIo } from "../profile/io.ts";
import { runCertCli } from "./command.ts";

process.exitCode = await runCertCli(process.argv.slice(2), terminalCertLifeIo());
