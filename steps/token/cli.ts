/** Entry point of `npm run token`. */
import { terminalCertLifeIo } from "../profile/io.ts";
import { runTokenCli } from "./command.ts";

process.exitCode = await runTokenCli(process.argv.slice(2), terminalCertLifeIo());
