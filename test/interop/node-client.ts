/**
 * Runs one of the Node interop clients (test/interop/node/*.mjs) as its own program, as an app
 * would run: the default HTTP stack of each library, the local CA trusted through
 * NODE_EXTRA_CA_CERTS (read only at process start, hence a child), and a preloaded guard that
 * refuses any connection not to the loopback address.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runChild, type InteropMock, type TokenRequest } from "./harness.ts";

const NODE_DIR = fileURLToPath(new URL("./node/", import.meta.url));
const CLIENT_TIMEOUT_MS = 60_000;

export type NodeClient = "msal-node" | "azure-identity" | "graph-client" | "jose-verify";

export interface ClientAnswer {
  ok: boolean;
  accessToken?: string;
  error?: { name?: string; message: string; errorCode?: string; errorNo?: string; subError?: string; code?: string; statusCode?: number; claim?: string; reason?: string; errorResponse?: unknown; cause?: string };
  [key: string]: unknown;
}

/** The client's answer, and the token requests the mock received while it ran. */
export async function runNodeClient(mock: InteropMock, client: NodeClient, job: object): Promise<{ answer: ClientAnswer; sent: TokenRequest[] }> {
  const before = mock.tokenRequests().length;
  const result = await runChild(process.execPath, ["--import", `${NODE_DIR}loopback-only.mjs`, `${NODE_DIR}${client}.mjs`], {
    cwd: NODE_DIR,
    env: { NODE_EXTRA_CA_CERTS: mock.caPath, NODE_OPTIONS: undefined },
    input: JSON.stringify(job),
    timeoutMs: CLIENT_TIMEOUT_MS,
  });
  const line = result.stdout.trim().split("\n").pop() ?? "";
  let answer: ClientAnswer;
  try {
    answer = JSON.parse(line) as ClientAnswer;
  } catch {
    throw new Error(`${client} printed no answer (exit ${result.code}).\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  }
  return { answer, sent: mock.tokenRequests().slice(before) };
}

/**
 * graph-client.mjs's job: the SDK over @azure/identity with this certificate, the mock's Graph at
 * …/graph (customHosts 127.0.0.1, or the SDK sends no token there), GET `path`, or POST `body` to it.
 */
export function graphClientJob(mock: InteropMock, certificatePath: string, path: string, options: { resource?: string; body?: unknown } = {}): object {
  return {
    tenantId: mock.tenant,
    clientId: mock.clientId,
    certificatePath,
    authorityHost: mock.url,
    scopes: [`${options.resource ?? "https://graph.microsoft.com"}/.default`],
    baseUrl: `${mock.url}/graph`,
    customHosts: ["127.0.0.1"],
    path,
    ...(options.body === undefined ? {} : { body: options.body }),
  };
}

/** The installed version of an npm package, from its package.json. */
export function packageVersion(name: string): string {
  const path = fileURLToPath(new URL(`../../node_modules/${name}/package.json`, import.meta.url));
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
}
