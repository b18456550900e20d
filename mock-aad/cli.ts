/**
 * `npm run mock-aad`: the mock Entra ID as a real HTTPS server, for MSAL, @azure/identity, curl and
 * PowerShell in another terminal.
 *
 *   npm run mock-aad                          https://127.0.0.1:8443, demo tenant and app, .workshop/cert.cer
 *   npm run mock-aad -- --port 0              any free port
 *   npm run mock-aad -- --cert my-app.cer --tenant <GUID> --client-id <GUID>
 *   npm run mock-aad -- --config registry.json
 *
 * The --config file is JSON, added to the default registry (an entry with the id of a default one
 * replaces it); certificate paths are relative to the file:
 *
 *   {
 *     "tenants": [{ "id": "<tenant GUID>", "displayName": "Contoso", "domains": ["contoso.onmicrosoft.com"] }],
 *     "applications": [{
 *       "appId": "<client GUID>", "tenantId": "<tenant GUID>", "displayName": "my daemon",
 *       "certificates": ["my-app.cer", { "path": "old.pem", "start": "2025-01-01", "end": "2026-01-01" }],
 *       "appRoleGrants": { "https://graph.microsoft.com": ["User.Read.All"] },
 *       "azureRoles": ["Azure Digital Twins Data Reader"], "enabled": true
 *     }],
 *     "resources": [{ "appId": "<GUID>", "identifierUris": ["api://my-api"], "displayName": "My API",
 *                     "accessTokenVersion": 2, "appRoles": ["Things.Read"] }]
 *   }
 *
 * appRoleGrants keys are a resource's appId or one of its identifier URIs.
 */
import { createHash } from "node:crypto";
import { readFileSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Chalk, type ChalkInstance } from "chalk";
import { DEMO_CLIENT_ID, DEMO_TENANT_ID } from "../lib/demo.ts";
import { KitError } from "../lib/errors.ts";
import { parseCertificate } from "../lib/x509.ts";
import { createMockAad, type RequestLogEntry } from "./index.ts";
import { startMockServer, type MockServer } from "./https-server.ts";
import { ensureLocalTls, type LocalTls } from "./local-ca.ts";
import { MAX_BODY_BYTES } from "./form.ts";
import {
  defaultRegistry,
  findResource,
  isGuid,
  keyCredential,
  workshopCertificates,
  type Application,
  type Registry,
  type Resource,
  type Tenant,
} from "./registry.ts";

/** The port `npm run mock-aad` listens on unless --port says otherwise. */
export const DEFAULT_PORT = 8443;
export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_OUT = ".workshop";
/** The scope the snippets ask for. */
export const SNIPPET_SCOPE = "https://graph.microsoft.com/.default";

export interface MockAadCliOptions {
  port: number;
  host: string;
  certFiles: string[];
  clientId?: string;
  tenant?: string;
  config?: string;
  out: string;
  help: boolean;
}

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

// ── The registry ─────────────────────────────────────────────────────────────────────────────────

export interface RegistrySetup {
  registry: Registry;
  /** The tenant segment the snippets use in URLs (what --tenant said, or the demo tenant ID). */
  tenant: string;
  clientId: string;
  /** The certificates registered on the demo app, for the startup lines. */
  certificates: Array<{ file: string; der: Uint8Array }>;
  /** True when no certificate was given and <out>/cert.cer does not exist. */
  noCertificate: boolean;
}

export function buildRegistry(options: MockAadCliOptions): RegistrySetup {
  const certificates: Array<{ file: string; der: Uint8Array }> = [];
  if (options.certFiles.length > 0) {
    for (const file of options.certFiles) certificates.push({ file, der: readCertificateFile(file, "--cert") });
  } else {
    for (const der of workshopCertificates(options.out)) certificates.push({ file: join(options.out, "cert.cer"), der });
  }
  const registry = defaultRegistry({ certificates: certificates.map((c) => c.der) });
  const tenant = registry.tenants[0]!;
  const app = registry.applications[0]!;
  if (options.tenant !== undefined) {
    if (isGuid(options.tenant)) {
      tenant.id = options.tenant.toLowerCase();
      app.tenantId = tenant.id;
    } else {
      tenant.domains.unshift(options.tenant.toLowerCase());
    }
  }
  if (options.clientId !== undefined) app.appId = options.clientId;
  if (options.config !== undefined) applyConfigFile(registry, options.config);
  return {
    registry,
    tenant: options.tenant ?? DEMO_TENANT_ID,
    clientId: app.appId,
    certificates,
    noCertificate: certificates.length === 0,
  };
}

function readCertificateFile(file: string, what: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new KitError("CERT_FILE", `Cannot read the certificate ${file} given by ${what} (${code}).`, "Check the path; npm run step 1 makes .workshop/cert.cer.");
  }
  try {
    return parseCertificate(bytes).der;
  } catch (error) {
    if (error instanceof KitError) throw new KitError(error.code, `${file}: ${error.message}`, error.hint);
    throw error;
  }
}

/** Adds the tenants, applications and resources of a --config JSON file (format in the file comment). */
export function applyConfigFile(registry: Registry, path: string): void {
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KitError(
      "CONFIG",
      code ? `Cannot read the --config file ${path} (${code}).` : `The --config file ${path} is not valid JSON: ${(error as Error).message}.`,
      "See npm run mock-aad -- --help for the format.",
    );
  }
  const bad = (message: string) => new KitError("CONFIG", `${path}: ${message}`, "See npm run mock-aad -- --help for the format.");
  if (!isObject(config)) throw bad("the top level must be a JSON object.");
  const base = dirname(resolve(path));

  for (const [i, t] of arrayOf(config, "tenants", bad).entries()) {
    if (!isObject(t) || typeof t.id !== "string" || !isGuid(t.id)) throw bad(`tenants[${i}].id must be a GUID.`);
    const tenant: Tenant = {
      id: t.id.toLowerCase(),
      displayName: typeof t.displayName === "string" ? t.displayName : t.id,
      domains: stringArray(t.domains, `tenants[${i}].domains`, bad),
      createdDateTime: new Date(typeof t.createdDateTime === "string" ? t.createdDateTime : "2024-01-01T00:00:00Z"),
    };
    replaceOrAdd(registry.tenants, tenant, (x) => x.id === tenant.id);
  }

  for (const [i, r] of arrayOf(config, "resources", bad).entries()) {
    if (!isObject(r) || typeof r.appId !== "string") throw bad(`resources[${i}].appId is missing.`);
    const version = r.accessTokenVersion ?? 2;
    if (version !== 1 && version !== 2) throw bad(`resources[${i}].accessTokenVersion must be 1 or 2.`);
    const resource: Resource = {
      appId: r.appId,
      displayName: typeof r.displayName === "string" ? r.displayName : r.appId,
      identifierUris: stringArray(r.identifierUris, `resources[${i}].identifierUris`, bad),
      accessTokenVersion: version,
      appRoles: stringArray(r.appRoles, `resources[${i}].appRoles`, bad),
    };
    replaceOrAdd(registry.resources, resource, (x) => x.appId.toLowerCase() === resource.appId.toLowerCase());
  }

  for (const [i, a] of arrayOf(config, "applications", bad).entries()) {
    const at = `applications[${i}]`;
    if (!isObject(a) || typeof a.appId !== "string" || !isGuid(a.appId)) throw bad(`${at}.appId must be a GUID.`);
    if (typeof a.tenantId !== "string" || !registry.tenants.some((t) => t.id === String(a.tenantId).toLowerCase())) {
      throw bad(`${at}.tenantId must be the id of a tenant in the file or the demo tenant.`);
    }
    const grants: Record<string, string[]> = {};
    if (a.appRoleGrants !== undefined) {
      if (!isObject(a.appRoleGrants)) throw bad(`${at}.appRoleGrants must be an object.`);
      for (const [key, roles] of Object.entries(a.appRoleGrants)) {
        const resource = findResource(registry, key);
        if (!resource) throw bad(`${at}.appRoleGrants names "${key}", which is not a resource of the registry.`);
        grants[resource.appId] = stringArray(roles, `${at}.appRoleGrants["${key}"]`, bad);
      }
    }
    const certificates = a.certificates === undefined ? [] : a.certificates;
    if (!Array.isArray(certificates)) throw bad(`${at}.certificates must be an array.`);
    const app: Application = {
      appId: a.appId.toLowerCase(),
      objectId: typeof a.objectId === "string" ? a.objectId : crypto.randomUUID(),
      servicePrincipalId: typeof a.servicePrincipalId === "string" ? a.servicePrincipalId : crypto.randomUUID(),
      displayName: typeof a.displayName === "string" ? a.displayName : a.appId,
      tenantId: a.tenantId.toLowerCase(),
      enabled: a.enabled !== false,
      keyCredentials: certificates.map((c: unknown, j: number) => {
        const entry = typeof c === "string" ? { path: c } : c;
        if (!isObject(entry) || typeof entry.path !== "string") throw bad(`${at}.certificates[${j}] must be a path or { "path": … }.`);
        const der = readCertificateFile(isAbsolute(entry.path) ? entry.path : join(base, entry.path), `${path} ${at}`);
        const start = optionalDate(entry.start, `${at}.certificates[${j}].start`, bad);
        const end = optionalDate(entry.end, `${at}.certificates[${j}].end`, bad);
        return keyCredential(der, { ...(start && { start }), ...(end && { end }) });
      }),
      appRoleGrants: grants,
      azureRoles: stringArray(a.azureRoles, `${at}.azureRoles`, bad),
    };
    replaceOrAdd(registry.applications, app, (x) => x.appId === app.appId && x.tenantId === app.tenantId);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function arrayOf(config: Record<string, unknown>, key: string, bad: (m: string) => KitError): unknown[] {
  const value = config[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad(`"${key}" must be an array.`);
  return value;
}

function stringArray(value: unknown, at: string, bad: (m: string) => KitError): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw bad(`${at} must be an array of strings.`);
  return value as string[];
}

function optionalDate(value: unknown, at: string, bad: (m: string) => KitError): Date | undefined {
  if (value === undefined) return undefined;
  const date = typeof value === "string" ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw bad(`${at} must be a date such as "2026-01-31".`);
  return date;
}

function replaceOrAdd<T>(list: T[], item: T, same: (x: T) => boolean): void {
  const index = list.findIndex(same);
  if (index >= 0) list[index] = item;
  else list.push(item);
}

// ── What the server prints ───────────────────────────────────────────────────────────────────────

export interface SnippetInfo {
  /** "https://127.0.0.1:8443" */
  url: string;
  tenant: string;
  clientId: string;
  /** Paths as the user types them (relative to the current folder when inside it). */
  caPath: string;
  caPathAbsolute: string;
  certPemPath: string;
  privateKeyPath: string;
  assertionPath: string;
  /** Upper-case hex SHA-256 and SHA-1 of the registered certificate, when there is one. */
  thumbprintSha256?: string;
  thumbprintSha1?: string;
  /** SHA-1 of the local CA, as Windows' certificate store names it. */
  caThumbprint?: string;
}

/** Ready-to-paste client code for the running server. */
export function snippets(info: SnippetInfo): { msalNode: string; identity: string; curl: string; powershell: string } {
  const host = new URL(info.url).host;
  const authority = `${info.url}/${info.tenant}/`;
  const tokenUrl = `${info.url}/${info.tenant}/oauth2/v2.0/token`;
  const js = (p: string) => JSON.stringify(p.split("\\").join("/"));
  const msalNode = `// token-msal.mjs (npm install @azure/msal-node), run with NODE_EXTRA_CA_CERTS set
import { readFileSync } from "node:fs";
import { ConfidentialClientApplication } from "@azure/msal-node";

const app = new ConfidentialClientApplication({
  auth: {
    clientId: "${info.clientId}",
    authority: "${authority}",
    knownAuthorities: ["${host}"], // skips instance discovery at login.microsoftonline.com
    clientCertificate: {
      thumbprintSha256: "${info.thumbprintSha256 ?? "<SHA-256 thumbprint of your certificate, hex>"}",
      privateKey: readFileSync(${js(info.privateKeyPath)}, "utf8"),
    },
  },
});
const result = await app.acquireTokenByClientCredential({ scopes: ["${SNIPPET_SCOPE}"] });
console.log(result?.accessToken);
`;
  const identity = `// token-identity.mjs (npm install @azure/identity), run with NODE_EXTRA_CA_CERTS set
import { readFileSync } from "node:fs";
import { ClientCertificateCredential } from "@azure/identity";

// One PEM text holding the certificate and its private key; or pass a path to such a file:
// new ClientCertificateCredential(tenant, clientId, "app-cert-and-key.pem", options)
const pem = readFileSync(${js(info.certPemPath)}, "utf8") + readFileSync(${js(info.privateKeyPath)}, "utf8");
const credential = new ClientCertificateCredential("${info.tenant}", "${info.clientId}", { certificate: pem }, {
  authorityHost: "${info.url}",
  disableInstanceDiscovery: true,
});
const token = await credential.getToken("${SNIPPET_SCOPE}");
console.log(token.token);
`;
  const curl = `# bash; the assertion comes from npm run step 6 and lasts 10 minutes
curl -sS --cacert ${info.caPath} ${tokenUrl} \\
  -d client_id=${info.clientId} \\
  --data-urlencode scope=${SNIPPET_SCOPE} \\
  -d grant_type=client_credentials \\
  --data-urlencode client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \\
  -d client_assertion=$(cat ${info.assertionPath})
`;
  const winCa = info.caPath.split("/").join("\\");
  const powershell = `# Windows, once: trust the mock's CA for your user (undo: Remove-Item Cert:\\CurrentUser\\Root\\${info.caThumbprint ?? "<CA thumbprint>"})
Import-Certificate -FilePath ${winCa} -CertStoreLocation Cert:\\CurrentUser\\Root
$body = @{
  client_id             = "${info.clientId}"
  scope                 = "${SNIPPET_SCOPE}"
  grant_type            = "client_credentials"
  client_assertion_type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
  client_assertion      = (Get-Content ${info.assertionPath.split("/").join("\\")} -Raw).Trim()
}
Invoke-RestMethod -Method Post -Uri "${tokenUrl}" -Body $body
# PowerShell 7 on macOS/Linux: add -SkipCertificateCheck instead (only for this local mock)
`;
  return { msalNode, identity, curl, powershell };
}

export interface StartupInfo extends SnippetInfo {
  tls: LocalTls;
  setup: RegistrySetup;
  out: string;
}

export function startupText(info: StartupInfo, c: ChalkInstance): string {
  const lines: string[] = [];
  const label = (text: string) => c.dim(text.padEnd(15));
  lines.push("", `${c.bold("Mock Entra ID")} listening on ${c.cyan(info.url)}  ${c.dim("(Ctrl-C to stop)")}`, "");
  lines.push(`  ${label("Authority")}${c.cyan(`${info.url}/${info.tenant}/`)}`);
  lines.push(`  ${label("Token (v2)")}${info.url}/${info.tenant}/oauth2/v2.0/token`);
  lines.push(`  ${label("Tenant")}${info.tenant}`);
  lines.push(`  ${label("Client ID")}${info.clientId}`);
  lines.push(`  ${label("Graph")}GET ${info.url}/graph/v1.0/users ${c.dim("(Bearer token for https://graph.microsoft.com)")}`);
  lines.push(`  ${label("Digital Twins")}POST ${info.url}/adt/query?api-version=2023-10-31 ${c.dim("(token for https://digitaltwins.azure.net)")}`);
  if (info.setup.noCertificate) {
    lines.push(`  ${label("Certificate")}${c.yellow(`none registered: ${display(join(info.out, "cert.cer"))} does not exist yet.`)}`);
    lines.push(`  ${label("")}${c.dim("Make one with")} npm run step 1 ${c.dim("and restart, or pass")} --cert FILE${c.dim(".")}`);
  } else {
    for (const cert of info.setup.certificates) {
      const sha256 = createHash("sha256").update(cert.der).digest("hex").toUpperCase();
      lines.push(`  ${label("Certificate")}${display(cert.file)} ${c.green("registered")} ${c.dim(`(SHA-256 ${sha256})`)}`);
    }
  }
  const made = info.tls.created.ca ? c.yellow("new CA, made now") : info.tls.created.server ? "server certificate renewed" : "reused";
  lines.push(`  ${label("TLS")}${info.caPath} ${c.dim(`(${made}; server certificate valid until ${info.tls.serverNotAfter.toISOString().slice(0, 10)})`)}`);
  lines.push("", c.bold("Trust the local CA") + c.dim(" (Node reads it once at start: set it in the terminal that runs your client)"));
  lines.push(`  ${label("bash")}export NODE_EXTRA_CA_CERTS="${info.caPathAbsolute}"`);
  lines.push(`  ${label("PowerShell")}$env:NODE_EXTRA_CA_CERTS = "${info.caPathAbsolute}"`);
  lines.push(`  ${label("")}${c.dim("Without it, msal-node and @azure/identity fail with endpoints_resolution_error.")}`);
  const s = snippets(info);
  const block = (title: string, text: string) => {
    lines.push("", c.bold(title));
    for (const line of text.trimEnd().split("\n")) lines.push(line === "" ? "" : `  ${line.startsWith("//") || line.startsWith("#") ? c.dim(line) : line}`);
  };
  block("msal-node", s.msalNode);
  block("@azure/identity", s.identity);
  block("curl", s.curl);
  block("PowerShell", s.powershell);
  lines.push("", c.bold("Requests"), "");
  return lines.join("\n") + "\n";
}

/** One log line: time, method, path, status, AADSTS code. */
export function requestLine(entry: RequestLogEntry, c: ChalkInstance, now = new Date()): string {
  const time = now.toTimeString().slice(0, 8);
  const status = entry.status < 400 ? c.green(String(entry.status)) : c.red(String(entry.status));
  const code = entry.aadsts === undefined ? "" : `  ${c.red(`AADSTS${entry.aadsts}`)}`;
  const detail = entry.detail === undefined ? "" : `  ${c.dim(entry.detail)}`;
  return `  ${c.dim(time)}  ${entry.method.padEnd(4)} ${entry.path}  ${status}${code}${detail}\n`;
}

function display(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : resolve(path);
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
