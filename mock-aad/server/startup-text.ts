/**
 * What `npm run mock-aad` prints: the ready-to-paste client snippets, the startup text (or, with
 * --json, the startup information as data) and one line per request.
 */
import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import type { ChalkInstance } from "chalk";
import { powerShellTokenRequest } from "../../lib/entra/powershell-token-request.ts";
import type { RequestLogEntry } from "../core.ts";
import { APP_SERVICE_PATH, IMDS_PATH } from "../managed-identity.ts";
import type { LocalTls } from "./local-tls-store.ts";
import type { Invocation, RegistrySetup } from "./options.ts";

/** The scope the snippets ask for. */
export const SNIPPET_SCOPE = "https://graph.microsoft.com/.default";

export interface SnippetInfo {
  /** "https://127.0.0.1:8443" */
  url: string;
  tenant: string;
  clientId: string;
  /** Absolute paths (display()), so that every snippet works from whichever folder it is pasted in. */
  caPath: string;
  caPathAbsolute: string;
  /** The certificate (PEM or DER), its private key (PEM) and a client assertion: paths or <placeholders>. */
  certPemPath: string;
  privateKeyPath: string;
  assertionPath: string;
  /** Upper-case hex SHA-256 and SHA-1 of the registered certificate, when there is one. */
  thumbprintSha256?: string;
  thumbprintSha1?: string;
  /** SHA-1 of the local CA, as Windows' certificate store names it. */
  caThumbprint?: string;
}

/** A file the snippets read (snippet-files.ts decides which), as "The snippets read" lists it. */
export interface SnippetFile {
  role: "certificate" | "private key" | "assertion";
  /** Absolute, or a <placeholder>. */
  path: string;
  /** Why it is a placeholder, or that the file is not there yet (and what makes it). */
  note?: string;
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
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { ClientCertificateCredential } from "@azure/identity";

// One PEM text holding the certificate (X509Certificate reads PEM or DER) and its private key; or
// pass a path to such a file: new ClientCertificateCredential(tenant, clientId, "app-cert-and-key.pem", options)
const pem = new X509Certificate(readFileSync(${js(info.certPemPath)})).toString() + readFileSync(${js(info.privateKeyPath)}, "utf8");
const credential = new ClientCertificateCredential("${info.tenant}", "${info.clientId}", { certificate: pem }, {
  authorityHost: "${info.url}",
  disableInstanceDiscovery: true,
});
const token = await credential.getToken("${SNIPPET_SCOPE}");
console.log(token.token);
`;
  const curl = `# bash; the assertion file is the one "The snippets read" names (an assertion expires within minutes)
curl -sS --cacert "${info.caPath}" ${tokenUrl} \\
  -d client_id=${info.clientId} \\
  --data-urlencode scope=${SNIPPET_SCOPE} \\
  -d grant_type=client_credentials \\
  --data-urlencode client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \\
  -d "client_assertion=$(cat "${info.assertionPath}")"
`;
  const powershell = `# Windows, once: trust the mock's CA for your user (undo: Remove-Item Cert:\\CurrentUser\\Root\\${info.caThumbprint ?? "<CA thumbprint>"})
Import-Certificate -FilePath "${info.caPath}" -CertStoreLocation Cert:\\CurrentUser\\Root
${powerShellTokenRequest({ tokenUrl, clientId: info.clientId, scope: SNIPPET_SCOPE, assertion: `(Get-Content "${info.assertionPath}" -Raw).Trim()` }).join("\n")}
$response
# PowerShell 7 on Linux: trust it in the same store with
#   $s = [Security.Cryptography.X509Certificates.X509Store]::new('Root','CurrentUser'); $s.Open('ReadWrite'); $s.Add([Security.Cryptography.X509Certificates.X509Certificate2]::new('${info.caPathAbsolute}')); $s.Close()
# PowerShell 7 on macOS: add -SkipCertificateCheck instead (only for this local mock)
`;
  return { msalNode, identity, curl, powershell };
}

/** What `npm run mock-aad -- --json` prints, as one line: what a script needs to talk to the server. */
export interface StartupJson {
  url: string;
  tenant: string;
  clientId: string;
  /** The local CA's PEM file, absolute (for NODE_EXTRA_CA_CERTS or curl --cacert). */
  caPath: string;
  authority: string;
  tokenEndpoint: string;
  /** The mock's Microsoft Graph, in place of https://graph.microsoft.com/v1.0. */
  graphUrl: string;
  /** The mock Key Vault (its first vault), in place of https://{vault}.vault.azure.net. */
  keyVaultUrl: string;
  /** App Service's managed identity endpoint and secret, as IDENTITY_ENDPOINT and IDENTITY_HEADER. */
  identityEndpoint: string;
  identityHeader: string;
  /** The server's own process: `kill <pid>` stops it (after a background `npm run mock-aad &`, $! is npm's pid, not this one). */
  pid: number;
}

export function startupJson(info: SnippetInfo & { setup: RegistrySetup; pid: number }): StartupJson {
  return {
    url: info.url,
    tenant: info.tenant,
    clientId: info.clientId,
    caPath: info.caPathAbsolute,
    authority: `${info.url}/${info.tenant}/`,
    tokenEndpoint: `${info.url}/${info.tenant}/oauth2/v2.0/token`,
    graphUrl: `${info.url}/graph/v1.0`,
    keyVaultUrl: info.url,
    identityEndpoint: `${info.url}${APP_SERVICE_PATH}`,
    identityHeader: info.setup.registry.managedIdentities?.[0]?.identityHeader ?? "",
    pid: info.pid,
  };
}

export interface StartupInfo extends SnippetInfo {
  tls: LocalTls;
  setup: RegistrySetup;
  out: string;
  /** process.pid, printed so that the server can be stopped by its own pid. */
  pid: number;
  /** The kit's npm run mock-aad or the installed bin: which commands the hints name. */
  invokedAs: Invocation;
  /** What the snippets read (snippet-files.ts). */
  files: SnippetFile[];
}

export function startupText(info: StartupInfo, c: ChalkInstance): string {
  const lines: string[] = [];
  const label = (text: string) => c.dim(text.padEnd(15));
  lines.push("", `${c.bold("Mock Entra ID")} listening on ${c.cyan(info.url)}  ${c.dim(`(pid ${info.pid}: Ctrl-C or kill ${info.pid} stops it)`)}`, "");
  lines.push(`  ${label("Authority")}${c.cyan(`${info.url}/${info.tenant}/`)}`);
  lines.push(`  ${label("Token (v2)")}${info.url}/${info.tenant}/oauth2/v2.0/token`);
  lines.push(`  ${label("Tenant")}${info.tenant}`);
  lines.push(`  ${label("Client ID")}${info.clientId}`);
  lines.push(`  ${label("Graph")}GET ${info.url}/graph/v1.0/users ${c.dim("(Bearer token for https://graph.microsoft.com)")}`);
  lines.push(`  ${label("Digital Twins")}POST ${info.url}/adt/query?api-version=2023-10-31 ${c.dim("(token for https://digitaltwins.azure.net)")}`);
  lines.push(`  ${label("ARM")}GET ${info.url}/arm/subscriptions?api-version=2022-12-01 ${c.dim("(token for https://management.core.windows.net/ or https://management.azure.com)")}`);
  lines.push(...keyVaultLines(info, c, label));
  if (info.setup.noCertificate) {
    lines.push(`  ${label("Certificate")}${c.yellow(`none registered: ${display(join(info.out, "cert.cer"))} does not exist yet.`)}`);
    if (info.invokedAs === "kit") lines.push(`  ${label("")}${c.dim("Make one with")} npm run step 1 ${c.dim("and restart, or pass")} --cert FILE${c.dim(".")}`);
    else lines.push(`  ${label("")}${c.dim("Pass")} --cert FILE ${c.dim("(and")} --key FILE${c.dim("), or")} --out ${c.dim("the kit's .workshop folder.")}`);
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
  lines.push("", c.bold("The snippets read") + (info.files.some((f) => f.path.startsWith("<")) ? c.dim(" (replace what is in <angle brackets>)") : ""));
  for (const file of info.files) lines.push(`  ${label(file.role)}${file.path}${file.note === undefined ? "" : `  ${c.yellow(file.note)}`}`);
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

/** The vault URL and what it holds, and the managed identity lines to export (as App Service sets them). */
function keyVaultLines(info: StartupInfo, c: ChalkInstance, label: (text: string) => string): string[] {
  const vault = info.setup.registry.vaults?.[0];
  const identity = info.setup.registry.managedIdentities?.[0];
  const lines: string[] = [];
  if (vault) {
    const held = vault.keys.map((k) => (k.certificateDer ? `certificate and key ${k.name}` : `key ${k.name}`)).join(", ");
    const empty = info.invokedAs === "kit" ? "empty; npm run step 1 makes the certificate it holds" : `empty; --config adds certificates to it ("vaults" in --help)`;
    lines.push(`  ${label("Key Vault")}${c.cyan(info.url)} ${c.dim(`(${vault.name}: ${held || empty}; token for https://vault.azure.net)`)}`);
  }
  if (identity) {
    lines.push(`  ${label("IMDS")}GET ${info.url}${IMDS_PATH}?api-version=2018-02-01&resource=… ${c.dim("(header Metadata: true)")}`);
    lines.push(`  ${label("Identity")}${identity.displayName} ${c.dim(`(client ID ${identity.clientId}, object ID ${identity.principalId})`)}`);
    lines.push(`  ${label("")}IDENTITY_ENDPOINT=${info.url}${APP_SERVICE_PATH}`);
    lines.push(`  ${label("")}IDENTITY_HEADER=${identity.identityHeader}`);
    lines.push(`  ${label("")}${c.dim("App Service's two variables: export them where your code runs (MSI_ENDPOINT and MSI_SECRET take the same values).")}`);
  }
  return lines;
}

/** One log line: time, method, path, status, AADSTS code. */
export function requestLine(entry: RequestLogEntry, c: ChalkInstance, now = new Date()): string {
  const time = now.toTimeString().slice(0, 8);
  const status = entry.status < 400 ? c.green(String(entry.status)) : c.red(String(entry.status));
  const code = entry.aadsts === undefined ? "" : `  ${c.red(`AADSTS${entry.aadsts}`)}`;
  const detail = entry.detail === undefined ? "" : `  ${c.dim(entry.detail)}`;
  return `  ${c.dim(time)}  ${entry.method.padEnd(4)} ${entry.path}  ${status}${code}${detail}\n`;
}

/**
 * A path as the startup text prints it: absolute (resolved from the current folder, the caller's
 * with the installed bin), in the platform's own form, so a snippet works from any folder.
 */
export function display(path: string): string {
  return resolve(path);
}
