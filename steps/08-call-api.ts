/**
 * Step 8 · Call the API: the access token from step 7 as `Authorization: Bearer …` (RFC 6750 §2.1),
 * to Microsoft Graph (default) or Azure Digital Twins (--api adt), offline through the mock or --live.
 */
import { KitError } from "../lib/errors.ts";
import { decodeJws, type JsonObject } from "../lib/crypto/jws.ts";
import { DEMO_TENANT_ID } from "../lib/entra/demo.ts";
import type { Context } from "./context.ts";
import { startOfflineEntra } from "./offline-entra.ts";
import { APIS, tokenRequestStep, type ApiName } from "./07-token-request.ts";
import type { OptionValues, Step } from "./step.ts";
import { DEFAULT_ADT_HOST, STEP_OUTLINES } from "./step-outlines.ts";
import type { Ui } from "./ui.ts";
import type { WrittenFile } from "./workspace.ts";

/** Azure Digital Twins' data-plane API version the seed recipes use. */
const ADT_API_VERSION = "2023-10-31";

export interface ApiCallResult {
  live: boolean;
  api: ApiName;
  method: "GET" | "POST";
  url: string;
  requestBody?: string;
  tokenPreview: string;
  status: number;
  headers: [string, string][];
  body: unknown;
  written: WrittenFile[];
  /** The workshop ran with --signer keyvault: step 5's signature was made in Key Vault. */
  signedInVault: boolean;
}

/** Whether the token in the workspace is for `api` and still valid for a minute. */
function tokenFits(ctx: Context, api: ApiName): boolean {
  if (!ctx.ws.has("access-token.jwt")) return false;
  const claims = decodeJws(ctx.ws.readText("access-token.jwt")).payload;
  const audience = String(claims.aud).replace(/\/$/, "");
  return audience === APIS[api].resource && Number(claims.exp) > ctx.now().getTime() / 1000 + 60;
}

function request(api: ApiName, clientId: string, o: OptionValues): { method: "GET" | "POST"; url: string; body?: string } {
  if (api === "adt") {
    const host = typeof o["adt-host"] === "string" ? o["adt-host"] : DEFAULT_ADT_HOST;
    return { method: "POST", url: `https://${host}/query?api-version=${ADT_API_VERSION}`, body: JSON.stringify({ query: "SELECT * FROM DIGITALTWINS" }) };
  }
  // The app reads its own registration: what Application.Read.All allows.
  return { method: "GET", url: `https://graph.microsoft.com/v1.0/applications(appId='${clientId}')` };
}

async function run(ctx: Context, o: OptionValues): Promise<ApiCallResult> {
  const api = (o.api ?? "graph") as ApiName;
  const live = !!o.live;
  if (!tokenFits(ctx, api)) {
    const step7 = await tokenRequestStep.run(ctx, { api, live });
    if (!step7.token)
      throw new KitError("NO_TOKEN", `Step 7 got no token: AADSTS${step7.error?.code} ${step7.error?.entry?.meaning ?? ""}`.trim(), `Run npm run step 7${live ? " -- --live" : ""} to see the whole answer.`);
    ctx.notes.push(`there was no valid token for ${APIS[api].name}, so step 7 asked for one first.`);
  }
  const token = ctx.ws.readText("access-token.jwt").trim();
  const claims = decodeJws(token).payload;
  // A token from the offline mock must never leave the machine: it would only leak the demo setup.
  if (live && (claims.tid === DEMO_TENANT_ID || !ctx.ws.has("token-response.json") || ctx.ws.readJson<{ live?: boolean }>("token-response.json").live !== true))
    throw new KitError("LIVE_TOKEN", "The access token in the workspace came from the offline mock, not from the real Entra ID.", `Get a real one first: ${ctx.stepCommand(7, "--live")} (with your own tenant, client ID and uploaded certificate).`);
  const clientId = String(claims.appid ?? claims.azp);
  const req = request(api, clientId, o);
  const offline = live ? undefined : await startOfflineEntra(ctx);
  let response: Response;
  try {
    response = await globalThis.fetch(req.url, {
      method: req.method,
      headers: { Authorization: `Bearer ${token}`, ...(req.body ? { "Content-Type": "application/json" } : {}) },
      body: req.body,
    });
  } catch (error) {
    throw new KitError("NETWORK", `Could not reach ${new URL(req.url).host}: ${(error as Error).message}.`, live ? "Check your network, and --adt-host for Digital Twins." : "Offline, the mock answers only graph.microsoft.com and *.digitaltwins.azure.net hosts.");
  } finally {
    offline?.close();
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text) as JsonObject;
  } catch {
    // not JSON: shown as text
  }
  const written = ctx.ws.writeAll([{ name: "api-response.json", data: (typeof body === "string" ? body : JSON.stringify(body, null, 2)) + "\n" }]);
  return { live, api, method: req.method, url: req.url, requestBody: req.body, tokenPreview: `${token.slice(0, 24)}…`, status: response.status, headers: [...response.headers.entries()], body, written, signedInVault: o.signer === "keyvault" };
}

function render(r: ApiCallResult, ui: Ui): string[] {
  const ok = r.status >= 200 && r.status < 300;
  const bodyLines = (typeof r.body === "string" ? r.body : JSON.stringify(r.body, null, 2)).split("\n");
  const shown = bodyLines.length > 40 ? [...bodyLines.slice(0, 36), ui.paint("dim", `… ${bodyLines.length - 36} more lines in api-response.json`)] : bodyLines;
  const www = r.headers.find(([k]) => k.toLowerCase() === "www-authenticate");
  return [
    ...ui.title(8, `Call the API (${APIS[r.api].name})`),
    ...ui.prose(
      "The access token goes in the Authorization header as a bearer token. The API checks Entra's",
      "signature on it, that aud is itself, that it has not expired, and that roles holds the permission",
      "the call needs. Your certificate is not involved any more. A Graph token is Graph's alone: it has a",
      "nonce in its header and only Graph can check it. Your own API checks its own tokens (like the demo",
      "API's v2 token) with the keys Entra publishes (JWKS); it never validates a Graph token.",
      r.live ? ui.paint("warn", "Talking to the REAL API (--live).") : "Offline: the mock API answers, checking the token as the real one does.",
    ),
    ...ui.section("Request"),
    `  ${ui.paint("em", r.method)} ${r.url}`,
    `  ${ui.paint("dim", "Authorization:")} Bearer ${r.tokenPreview}`,
    ...(r.requestBody ? [`  ${ui.paint("dim", "Content-Type: application/json")}`, `  ${r.requestBody}`] : []),
    ...ui.section(`Response: ${r.status}`),
    ...(www ? ui.fields([["WWW-Authenticate", www[1]]]) : []),
    ...shown.map((l) => `  ${l}`),
    ui.check(ok, ok ? "the API accepted the token" : "the API refused the token: see WWW-Authenticate and the body"),
    ...ui.section("The same in PowerShell"),
    ...ui.command("PowerShell:", [
      r.method === "GET"
        ? `Invoke-RestMethod -Uri "${r.url}" -Headers @{ Authorization = "Bearer $token" }`
        : `Invoke-RestMethod -Method Post -Uri "${r.url}" -Headers @{ Authorization = "Bearer $token" } -ContentType application/json -Body '${r.requestBody}'`,
    ]),
    ...ui.section("Files"),
    ...r.written.map((f) => ui.artifact(f.display, `(${f.bytes} bytes)`)),
    "",
    ...ui.prose(
      `${ui.paint("em", ok ? "That is the whole flow:" : "Almost:")} certificate → thumbprint → header and payload → hash → signature${r.signedInVault ? " (in Key Vault)" : ""} → JWT → token → API.`,
      "When Entra says no, step 7 prints the AADSTS code with what it means and what to run next.",
    ),
    ...(r.signedInVault ? [ui.paint("em", "  The signature was made in Key Vault: the kit sent step 4's digest and got the signature back. The private key never left the vault.")] : []),
  ];
}

export const callApiStep: Step<ApiCallResult> = {
  ...STEP_OUTLINES[7]!,
  run,
  render,
  exitCode: (r) => (r.status >= 200 && r.status < 300 ? 0 : 1),
  json: (r) => ({ live: r.live, api: r.api, method: r.method, url: r.url, status: r.status, body: r.body, files: r.written.map((f) => f.display) }),
};
