/**
 * `npm run mock-aad`: the mock Entra ID as a real HTTPS server, for MSAL, @azure/identity, curl and
 * PowerShell in another terminal.
 *
 *   npm run mock-aad                          https://127.0.0.1:8443, demo tenant and app, .workshop/cert.cer
 *   npm run mock-aad -- --port 0              any free port
 *   npm run mock-aad -- --cert my-app.cer --tenant <GUID> --client-id <GUID>
 *   npm run mock-aad -- --config registry.json
 *
 * The --config format is in config-file.ts (and in --help); certificate paths are relative to the file.
 */
import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Chalk } from "chalk";
import { DEMO_CLIENT_ID, DEMO_TENANT_ID } from "../../lib/entra/demo.ts";
import { KitError } from "../../lib/errors.ts";
import { createMockAad } from "../core.ts";
import { MAX_BODY_BYTES } from "../form.ts";
import { startMockServer, type MockServer } from "../https-server.ts";
import { isGuid } from "../registry.ts";
import { buildRegistry } from "./config-file.ts";
import { ensureLocalTls } from "./local-tls-store.ts";
import { DEFAULT_HOST, DEFAULT_OUT, DEFAULT_PORT, type MockAadCliOptions } from "./options.ts";
import { display, requestLine, startupText, type StartupInfo } from "./startup-text.ts";

export { DEFAULT_HOST, DEFAULT_OUT, DEFAULT_PORT, type MockAadCliOptions } from "./options.ts";

export function mockAadHelp(): string {
  return `npm run mock-aad -- [options]

Starts the mock Entra ID as an HTTPS server (MSAL and @azure/identity refuse http://).
It makes a local CA and a server certificate in <out>/mock-aad/ on first use.

Options:
  --port N          port to listen on (default ${DEFAULT_PORT}; 0 = any free port)
  --host ADDRESS    address to listen on (default ${DEFAULT_HOST}; ::1 for IPv6)
  --cert FILE       register this certificate (.cer DER or .pem) on the app; repeat for more.
                    Default: <out>/cert.cer when present (made by npm run step 1)
  --tenant ID       serve the demo tenant under this tenant ID (GUID) or domain
                    (default ${DEMO_TENANT_ID})
  --client-id ID    give the demo app this Application (client) ID (default ${DEMO_CLIENT_ID})
  --config FILE     JSON registry added to the default one:
                      { "tenants": [{ "id", "displayName", "domains": [] }],
                        "applications": [{ "appId", "tenantId", "displayName",
                            "certificates": ["app.cer" | { "path", "start", "end" }],
                            "appRoleGrants": { "<resource URI or appId>": ["Role"] },
                            "azureRoles": [], "enabled": true }],
                        "resources": [{ "appId", "identifierUris": [], "displayName",
                            "accessTokenVersion": 1 | 2, "appRoles": [] }] }
                    certificate paths are relative to the config file
  --out DIR         the workshop folder (default ${DEFAULT_OUT})
  --help            this text

Request bodies over ${MAX_BODY_BYTES / 1024 / 1024} MiB are refused (AADSTS9002313). Ctrl-C stops the server.
`;
}

export function parseMockAadArgs(argv: string[]): MockAadCliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        cert: { type: "string", multiple: true },
        "client-id": { type: "string" },
        tenant: { type: "string" },
        config: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new KitError("USAGE", `${(error as Error).message.replace(/\.$/, "")}.`, "See npm run mock-aad -- --help for the options.");
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535 || values.port?.trim() === "") {
    throw new KitError("USAGE", `--port ${values.port} is not a port number.`, `Use a number from 1 to 65535, or --port 0 for any free port (default ${DEFAULT_PORT}).`);
  }
  const options: MockAadCliOptions = {
    port,
    host: values.host ?? DEFAULT_HOST,
    certFiles: values.cert ?? [],
    out: values.out ?? DEFAULT_OUT,
    help: values.help ?? false,
  };
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
  return options;
}

// ── Running ──────────────────────────────────────────────────────────────────────────────────────

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
}

export interface RunningMockAad {
  server: MockServer;
  info: StartupInfo;
  close(): Promise<void>;
}

/** Starts the server and prints the startup text; returns undefined after printing --help. */
export async function startMockAadCli(argv: string[], io: CliIo): Promise<RunningMockAad | undefined> {
  const c = new Chalk({ level: io.color ? 1 : 0 });
  const options = parseMockAadArgs(argv);
  if (options.help) {
    io.out(mockAadHelp());
    return undefined;
  }
  const setup = buildRegistry(options);
  const tls = await ensureLocalTls({ dir: join(options.out, "mock-aad") });
  const mock = createMockAad({ registry: setup.registry, onRequest: (entry) => io.out(requestLine(entry, c)) });
  const server = await startMockServer({ port: options.port, host: options.host, mock, tls: { cert: tls.serverPem, key: tls.serverKeyPem } });
  const first = setup.certificates[0]?.der;
  const info: StartupInfo = {
    url: server.url,
    tenant: setup.tenant,
    clientId: setup.clientId,
    caPath: display(tls.caPath),
    caPathAbsolute: tls.caPath,
    certPemPath: display(join(options.out, "cert.pem")),
    privateKeyPath: display(join(options.out, "private-key.pem")),
    assertionPath: display(join(options.out, "client-assertion.jwt")),
    caThumbprint: tls.caThumbprint,
    tls,
    setup,
    out: options.out,
  };
  if (first) {
    info.thumbprintSha256 = createHash("sha256").update(first).digest("hex").toUpperCase();
    info.thumbprintSha1 = createHash("sha1").update(first).digest("hex").toUpperCase();
  }
  io.out(startupText(info, c));
  return { server, info, close: () => server.close() };
}

async function main(): Promise<void> {
  const color = !!process.stdout.isTTY && !process.env.NO_COLOR;
  const io: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), color };
  const c = new Chalk({ level: color ? 1 : 0 });
  let running: RunningMockAad | undefined;
  try {
    running = await startMockAadCli(process.argv.slice(2), io);
  } catch (error) {
    if (error instanceof KitError) {
      io.err(`${c.red("✗")} ${error.message}\n`);
      if (error.hint) io.err(`  ${c.dim("→")} ${error.hint}\n`);
      process.exitCode = 1;
      return;
    }
    io.err(`${c.red("✗ Unexpected error (a bug in the kit, please report it):")}\n${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 2;
    return;
  }
  if (!running) return;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    io.out(`\n${c.dim(`${signal}: stopping…`)}\n`);
    void running.close().then(() => {
      io.out("Mock Entra ID stopped.\n");
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
