#!/usr/bin/env node
/**
 * `npm run mock-aad`: the mock Entra ID as a real HTTPS server, for MSAL, @azure/identity, curl and
 * PowerShell in another terminal.
 *
 *   npm run mock-aad                          https://127.0.0.1:8443, demo tenant and app, .workshop/cert.cer
 *   npm run mock-aad -- --port 0              any free port
 *   npm run mock-aad -- --cert my-app.cer --tenant <GUID> --client-id <GUID>
 *   npm run mock-aad -- --config registry.json
 *   npm run mock-aad -- --port 0 --json       one JSON line (url, tenant, …) for a script; the log on stderr
 *   npx entra-mock-aad --port 0 --cert my.pem --key my-key.pem
 *                                             the installed package's bin: this file, compiled (dist/)
 *
 * Options, --help and the error report are every command's (steps/command.ts, which imports nothing
 * of the workshop, so the mock stays free of steps/). The --config format is in config-file.ts (and in --help); certificate paths are relative to the file.
 */
import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Chalk } from "chalk";
import { DEMO_CLIENT_ID, DEMO_TENANT_ID } from "../../lib/entra/demo.ts";
import { KitError } from "../../lib/errors.ts";
import { MAX_BODY_BYTES } from "../form.ts";
import type { MockServer } from "../https-server.ts";
import { isGuid } from "../registry.ts";
import { batchedWriter } from "./batched-writer.ts";
import { BIN_NAME, commandName, DEFAULT_HOST, DEFAULT_OUT, DEFAULT_PORT, INVOCATION, type Invocation, type MockAadCliOptions } from "./options.ts";
import { snippetFiles } from "./snippet-files.ts";
import { display, requestLine, startupJson, startupText, type StartupInfo } from "./startup-text.ts";
import {
  formatRows,
  HELP_OPTION,
  jsonOption,
  NO_COLOR_OPTION,
  optionRows,
  parseCommandLine,
  reportError,
  terminalIo,
  wantsColor,
  type CommandSpec,
  type Io,
  type OptionTable,
} from "../../steps/command.ts";

export { BIN_NAME, DEFAULT_HOST, DEFAULT_OUT, DEFAULT_PORT, type MockAadCliOptions } from "./options.ts";

/** The options, declared once: parsed from this table and --help made from it. */
const OPTIONS = {
  port: { type: "string", value: "N", description: `port to listen on (default ${DEFAULT_PORT}; 0 = any free port)` },
  host: { type: "string", value: "ADDRESS", description: `address to listen on (default ${DEFAULT_HOST}; ::1 for IPv6)` },
  cert: {
    type: "string",
    value: "FILE",
    multiple: true,
    description: "register this certificate (.cer DER or .pem) on the app; repeat for more.\nDefault: <out>/cert.cer when present (made by npm run step 1)",
  },
  key: { type: "string", value: "FILE", description: "the first certificate's private key (PEM), for the printed snippets to read;\nchecked against the certificate, never served. Default: <out>/private-key.pem\nwithout --cert; with --cert, the certificate's own file when it holds the key too" },
  tenant: { type: "string", value: "ID", description: `serve the demo tenant under this tenant ID (GUID) or domain\n(default ${DEMO_TENANT_ID})` },
  "client-id": { type: "string", value: "ID", description: `give the demo app this Application (client) ID (default ${DEMO_CLIENT_ID})` },
  config: {
    type: "string",
    value: "FILE",
    description: [
      "JSON registry added to the default one:",
      '  { "tenants": [{ "id", "displayName", "domains": [] }],',
      '    "applications": [{ "appId", "tenantId", "displayName",',
      '        "keyCredentials": ["app.cer" | { "path", "start", "end" }],',
      '        "appRoleGrants": { "<resource URI or appId>": ["Role"] },',
      '        "azureRoles": [], "enabled": true }],',
      '    "resources": [{ "appId", "identifierUris": [], "displayName",',
      '        "accessTokenVersion": 1 | 2, "appRoles": [] }],',
      '    "vaults": [{ "name", "tenantId", "certificates": [{ "name", "cert", "key" }],',
      '        "accessPolicies": [{ "objectId", "keys": ["get", "sign"], "certificates": ["get"] }] }] }',
      "certificate paths are relative to the config file",
    ].join("\n"),
  },
  out: { type: "string", value: "DIR", description: `the workshop folder (default ${DEFAULT_OUT})` },
  "replication-delay": { type: "string", value: "SECONDS", description: "the token endpoint honours a key added or removed through Graph's\naddKey / removeKey this many seconds later, as Entra lags (default 0)" },
  json: jsonOption("print url, tenant, clientId, caPath, authority, tokenEndpoint, graphUrl, keyVaultUrl,\nidentityEndpoint and identityHeader as one JSON line instead of the startup text; the request log goes to stderr"),
  "no-color": NO_COLOR_OPTION,
  help: { ...HELP_OPTION, description: "this text" },
} as const satisfies OptionTable;

/** The installed package's bin (package.json "bin", BIN_NAME) runs this file compiled to .js; the kit's npm script runs the .ts (options.ts: INVOCATION). */
function commandSpec(how: Invocation): CommandSpec<typeof OPTIONS> {
  // The bin takes relative paths from its own folder: a package.json script of the user's runs it in
  // the package's folder while INIT_CWD names the folder npm was typed in.
  return { command: commandName(how), options: OPTIONS, positionals: false, npmFlags: ["json"], fromTypedFolder: how === "kit" };
}

export function mockAadHelp(): string {
  return `${INVOCATION === "bin" ? `npx ${BIN_NAME}` : "npm run mock-aad --"} [options]

Starts the mock Entra ID as an HTTPS server (MSAL and @azure/identity refuse http://).
It makes a local CA and a server certificate in <out>/mock-aad/ on first use.

Options:
${formatRows(optionRows(OPTIONS), { width: 16 }).join("\n")}

Request bodies over ${MAX_BODY_BYTES / 1024 / 1024} MiB are refused (AADSTS9002313). Ctrl-C stops the server.
`;
}

export function parseMockAadArgs(argv: string[], how: Invocation = INVOCATION): MockAadCliOptions {
  const { values } = parseCommandLine(argv, commandSpec(how));
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || values.port?.trim() === "") {
    throw new KitError("USAGE", `--port ${values.port} is not a port number.`, `Use a number from 1 to 65535, or --port 0 for any free port (default ${DEFAULT_PORT}).`);
  }
  const options: MockAadCliOptions = {
    port,
    host: values.host ?? DEFAULT_HOST,
    certFiles: values.cert ?? [],
    out: values.out ?? DEFAULT_OUT,
    json: values.json ?? false,
    help: values.help ?? false,
    invokedAs: how,
  };
  if (values.key !== undefined) options.keyFile = values.key;
  if (values["client-id"] !== undefined) {
    if (!isGuid(values["client-id"])) {
      throw new KitError("USAGE", `--client-id ${values["client-id"]} is not a GUID.`, "Copy the Application (client) ID from the app registration's Overview page.");
    }
    options.clientId = values["client-id"].toLowerCase();
  }
  if (values.tenant !== undefined) {
    if (!isGuid(values.tenant) && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(values.tenant)) {
      throw new KitError("USAGE", `--tenant ${values.tenant} is neither a tenant ID (GUID) nor a domain name.`, "Use the Directory (tenant) ID from the app registration's Overview page, or a domain such as contoso.onmicrosoft.com.");
    }
    options.tenant = values.tenant;
  }
  if (values.config !== undefined) options.config = values.config;
  if (values["replication-delay"] !== undefined) {
    const delay = Number(values["replication-delay"]);
    if (values["replication-delay"].trim() === "" || !Number.isFinite(delay) || delay < 0 || delay > 86400)
      throw new KitError("USAGE", `--replication-delay ${values["replication-delay"]} is not a number of seconds.`, "Use a number from 0 to 86400, e.g. --replication-delay 30.");
    options.replicationDelaySeconds = delay;
  }
  return options;
}

// ── Running ──────────────────────────────────────────────────────────────────────────────────────

/** The server's Io is every command's (steps/command.ts): tests pass strings in, main() the terminal. */
export type CliIo = Io;

export interface RunningMockAad {
  server: MockServer;
  info: StartupInfo;
  /** Where the request log and the stopping lines go: stdout, or stderr with --json (stdout then holds the one JSON line). */
  log(text: string): void;
  close(): Promise<void>;
}

/** Starts the server and prints the startup text (with --json, the startup JSON); returns undefined after printing --help. */
export async function startMockAadCli(argv: string[], io: CliIo, invokedAs: Invocation = INVOCATION): Promise<RunningMockAad | undefined> {
  const c = new Chalk({ level: wantsColor(argv, io) ? 1 : 0 });
  const options = parseMockAadArgs(argv, invokedAs);
  if (options.help) {
    io.out(mockAadHelp());
    return undefined;
  }
  const log = batchedWriter((text) => (options.json ? io.err(text) : io.out(text)));
  const { buildRegistry, createMockAad, ensureLocalTls, startMockServer } = await serverModules();
  const setup = buildRegistry(options);
  const first = setup.certificates[0]?.der;
  const files = snippetFiles(options, first);
  for (const warning of setup.warnings) io.err(`${c.yellow(warning)}\n`);
  const tls = await ensureLocalTls({ dir: join(options.out, "mock-aad") });
  const mock = createMockAad({ registry: setup.registry, ...(options.replicationDelaySeconds ? { replicationDelaySeconds: options.replicationDelaySeconds } : {}), onRequest: (entry) => log(requestLine(entry, c)), rsaOnThreadPool: true });
  const server = await startMockServer({ port: options.port, host: options.host, mock, tls: { cert: tls.serverPem, key: tls.serverKeyPem } });
  const info: StartupInfo = {
    url: server.url,
    tenant: setup.tenant,
    clientId: setup.clientId,
    caPath: display(tls.caPath),
    caPathAbsolute: tls.caPath,
    certPemPath: files.certPemPath,
    privateKeyPath: files.privateKeyPath,
    assertionPath: files.assertionPath,
    files: files.files,
    caThumbprint: tls.caThumbprint,
    tls,
    setup,
    out: options.out,
    pid: process.pid,
    invokedAs,
  };
  if (first) {
    info.thumbprintSha256 = createHash("sha256").update(first).digest("hex").toUpperCase();
    info.thumbprintSha1 = createHash("sha1").update(first).digest("hex").toUpperCase();
  }
  io.out(options.json ? JSON.stringify(startupJson(info)) + "\n" : startupText(info, c));
  return { server, info, log, close: () => server.close() };
}

/**
 * What starting the server needs, loaded when it starts: --help and a usage error then load none of
 * it (the core, the TLS store and the certificate builder pull in pkijs and its WebCrypto shim, about
 * 80 modules), so they answer in a fraction of the time (measured, bench/README.md).
 */
async function serverModules() {
  const [core, https, config, tls] = await Promise.all([import("../core.ts"), import("../https-server.ts"), import("./config-file.ts"), import("./local-tls-store.ts")]);
  return { createMockAad: core.createMockAad, startMockServer: https.startMockServer, buildRegistry: config.buildRegistry, ensureLocalTls: tls.ensureLocalTls };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const io = terminalIo();
  const color = wantsColor(argv, io);
  const c = new Chalk({ level: color ? 1 : 0 });
  let running: RunningMockAad | undefined;
  try {
    running = await startMockAadCli(argv, io);
  } catch (error) {
    process.exitCode = reportError(error, io, color);
    return;
  }
  if (!running) return;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.log(`\n${c.dim(`${signal}: stopping…`)}\n`);
    void running.close().then(() => {
      running.log("Mock Entra ID stopped.\n");
      process.exitCode = 0; // nothing else holds the event loop: the process ends here
    });
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

/** Run only when started as a program (npm run mock-aad), not when a test imports this file. */
function startedDirectly(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (startedDirectly()) await main();
