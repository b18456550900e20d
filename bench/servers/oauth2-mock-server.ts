/**
 * The peer for the HTTPS bench, in a process of its own: oauth2-mock-server (a devDependency)
 * serving HTTPS with the TLS files named on the command line, one RS256 key, on a free port.
 * Prints {"url": …} as one JSON line when it listens; stops on SIGTERM.
 *
 *   tsx bench/servers/oauth2-mock-server.ts <key.pem> <cert.pem>
 */
import { OAuth2Server } from "oauth2-mock-server";

const [keyPath, certPath] = process.argv.slice(2);
if (!keyPath || !certPath) throw new Error("usage: oauth2-mock-server.ts <key.pem> <cert.pem>");
const server = new OAuth2Server(keyPath, certPath);
await server.issuer.keys.generate("RS256");
await server.start(0, "127.0.0.1");
const address = server.address();
process.stdout.write(`${JSON.stringify({ url: `https://127.0.0.1:${address.port}` })}\n`);
process.once("SIGTERM", () => void server.stop().then(() => process.exit(0)));
