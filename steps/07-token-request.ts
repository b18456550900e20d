/**
 * Step 7 · Token request: POST the client assertion to the token endpoint (RFC 6749 §4.4 with the
 * JWT client authentication of RFC 7523 §2.2). Offline the mock Entra ID answers through msw; with
 * --live the real login.microsoftonline.com does.
 */
import { KitError } from "../lib/errors.ts";
import { decodeJws, type JsonObject } from "../lib/crypto/jws.ts";
import { formBody, tokenRequestFields } from "../lib/entra/token-request.ts";
import { DEMO_CLIENT_ID } from "../lib/entra/demo.ts";
import { catalogEntriesFor, type CatalogEntry } from "../mock-aad/catalog.ts";
import { powerShellTokenRequest } from "../lib/entra/powershell-token-request.ts";
import { assemblyStep } from "./06-assembly.ts";
import { headerPayloadStep } from "./03-header-payload.ts";
import { signatureStep } from "./05-signature.ts";
import type { Context } from "./context.ts";
import { startOfflineEntra } from "./offline-entra.ts";
import type { OptionValues, Step } from "./step.ts";
import { STEP_OUTLINES } from "./step-outlines.ts";
import type { Ui } from "./ui.ts";
import type { WrittenFile } from "./workspace.ts";

/** The APIs the workshop asks tokens for, by the short names --api takes. */
export const APIS = {
  graph: { resource: "https://graph.microsoft.com", name: "Microsoft Graph" },
  adt: { resource: "https://digitaltwins.azure.net", name: "Azure Digital Twins" },
} as const;
export type ApiName = keyof typeof APIS;

export interface TokenRequestResult {
  live: boolean;
  url: string;
  fields: [string, string][];
  body: string;
  status: number;
  headers: [string, string][];
  response: JsonObject;
  /** the access token's header and claims, when Entra answered with a token */
  token?: { header: JsonObject; claims: JsonObject };
  /** the catalog's explanation, when Entra answered with an AADSTS error */
  error?: { code: number; entry?: CatalogEntry; next: string };
  written: WrittenFile[];
}

const ENDPOINT = /^https:\/\/[^/]+\/([^/]+)\/oauth2\/(v2\.0\/)?token$/i;

/** Makes a fresh assertion with the same settings when the one from step 6 has expired. */
async function refreshIfExpired(ctx: Context): Promise<void> {
  const payload = decodeJws(ctx.ws.readText("client-assertion.jwt")).payload;
  const exp = Number(payload.exp);
  if (exp > ctx.now().getTime() / 1000 + 30) return;
  const header = ctx.ws.readJson<{ alg: string; x5c?: unknown }>("header.json");
  const aud = ENDPOINT.exec(String(payload.aud));
  await headerPayloadStep.run(ctx, {
    alg: header.alg,
    tenant: aud?.[1],
    "client-id": String(payload.iss),
    lifetime: String(Number(payload.exp) - Number(payload.nbf ?? payload.iat)),
    audience: aud?.[2] ? "v2" : "v1",
    x5c: header.x5c !== undefined,
  });
  await signatureStep.run(ctx, {});
  await assemblyStep.run(ctx, {});
  ctx.notes.push(`client-assertion.jwt had expired (exp ${new Date(exp * 1000).toISOString()}), so steps 3, 5 and 6 made a fresh one with the same settings.`);
}

/** What to run next for an AADSTS error, in this workshop (by catalog entry, since 700027 has several reasons). */
function nextFor(code: number, id: string | undefined, live: boolean): string {
  const resign = "npm run step 5, then steps 6 and 7";
  switch (id ?? String(code)) {
    case "700027-not-registered":
      return live ? "upload .workshop/cert.cer to the app registration (Certificates & secrets), then npm run step 7 -- --live" : "npm run step 3 (the thumbprint is made from cert.cer), then steps 5 to 7";
    case "700027-key-expired":
      return "npm run step 1 -- --new (a new certificate), upload it, then npm run workshop";
    case "700027-bad-signature":
      return resign;
    case "700024":
      return "npm run step 3 (fresh nbf and exp), then steps 5 to 7";
    case "700023":
    case "90002":
    case "900023":
      return "npm run step 3 -- --tenant YOUR-TENANT-ID, then steps 5 to 7";
    case "700016":
    case "700021":
    case "50048":
      return "npm run step 3 -- --client-id YOUR-APP-ID, then steps 5 to 7";
    case "1002012":
    case "70011":
    case "500011":
      return "npm run step 7 -- --api graph";
    default:
      return "npm run workshop (every step again)";
  }
}

function scopeFor(o: OptionValues): string {
  if (typeof o.scope === "string") return o.scope;
  const api = APIS[(o.api ?? "graph") as ApiName];
  return `${api.resource}/.default`;
}

async function run(ctx: Context, o: OptionValues): Promise<TokenRequestResult> {
  await ctx.ensure("client-assertion.jwt", "cert.cer");
  const live = !!o.live;
  if (!live) await refreshIfExpired(ctx);
  const assertion = ctx.ws.readText("client-assertion.jwt").trim();
  const claims = decodeJws(assertion).payload;
  const url = String(claims.aud);
  const endpoint = ENDPOINT.exec(url);
  if (!endpoint) throw new KitError("ASSERTION_AUD", `The assertion's aud ${JSON.stringify(claims.aud)} is not a token endpoint URL, so there is nowhere to send it.`, "Run npm run step 3 again (aud is set from --tenant).");
  if (live && !url.toLowerCase().startsWith("https://login.microsoftonline.com/"))
    throw new KitError("LIVE_HOST", `--live sends the assertion to its aud, ${url}, which is not Entra's login.microsoftonline.com.`, "Run npm run step 3 -- --tenant YOUR-TENANT-ID --client-id YOUR-APP-ID, then steps 5 and 6.");
  if (live && claims.iss === DEMO_CLIENT_ID)
    throw new KitError("LIVE_DEMO_APP", "This assertion is for the kit's demo app, which exists only in the mock.", "For the real Entra: npm run step 3 -- --tenant YOUR-TENANT-ID --client-id YOUR-APP-ID, then steps 5 and 6, with your own certificate uploaded.");
  const v1 = !endpoint[2];
  const scope = scopeFor(o);
  // RFC 6749 §4.4.2 and RFC 7521 §4.2, with Entra's v2 `scope` (v1 takes `resource` instead).
  const fields = tokenRequestFields({ clientId: String(claims.iss), scope, assertion, v1 });
  const body = formBody(fields);
  const offline = live ? undefined : await startOfflineEntra(ctx);
  let response: Response;
  try {
    // fetch is read from globalThis now, so that msw (offline) sees the call.
    response = await globalThis.fetch(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body });
  } catch (error) {
    throw new KitError("NETWORK", `Could not reach ${new URL(url).host}: ${(error as Error).message}.`, live ? "Check your network and proxy, or run without --live to use the offline mock." : "This is a bug in the offline mock: please report it.");
  } finally {
    offline?.close();
  }
  const text = await response.text();
  let json: JsonObject;
  try {
    json = JSON.parse(text) as JsonObject;
  } catch {
    throw new KitError("TOKEN_RESPONSE", `The token endpoint answered ${response.status} with something that is not JSON: ${text.slice(0, 120)}`, "Check the URL (the assertion's aud).");
  }
  const headers = [...response.headers.entries()];
  const result: TokenRequestResult = { live, url, fields, body, status: response.status, headers, response: json, written: [] };
  if (typeof json.access_token === "string") {
    const token = decodeJws(json.access_token);
    result.token = { header: token.header, claims: token.payload };
    // The token is a bearer credential: whoever has it can call the API until it expires.
    result.written = ctx.ws.writeAll([
      // "live" records where the token came from, so that step 8 never sends a mock token to a real API.
      { name: "token-response.json", data: JSON.stringify({ ...json, live }, null, 2) + "\n", secret: true },
      { name: "access-token.jwt", data: json.access_token + "\n", secret: true },
    ]);
  } else {
    const code = Array.isArray(json.error_codes) ? Number(json.error_codes[0]) : Number(/AADSTS(\d+)/.exec(String(json.error_description))?.[1]);
    const entries = catalogEntriesFor(code);
    const entry = entries.find((e) => matchesTemplate(e, String(json.error_description))) ?? entries[0];
    result.error = { code, entry, next: nextFor(code, entry?.id, live) };
  }
  return result;
}

/** Several catalog entries share a code (700027 has four reasons): pick the one whose text matches. */
function matchesTemplate(entry: CatalogEntry, description: string): boolean {
  const firstWords = entry.template.split("{")[0]!.trim();
  return firstWords.length > 0 && description.includes(firstWords);
}

const CLAIMS: Record<string, string> = {
  aud: "audience: the API this token is for",
  iss: "issuer: the tenant's token service",
  // Entra writes iat and nbf 5 minutes before it issues the token: observed in real tokens
  // (keycloakify/oidc-spa#162, a new tenant, 2026; psignoret/aad-sso-wordpress#34, 2015: "a 5-minute
  // buffer in both iat and nbf"), not documented by Microsoft; that it is for clock skew is inferred.
  iat: "issued at, backdated 5 minutes: Entra does this so an API whose clock runs behind still accepts it",
  nbf: "not before: the same 5 minutes back (the assertion's own nbf is the time you signed it)",
  exp: "expires (about an hour)",
  appid: "your application (client) ID",
  azp: "your application (client) ID (v2 tokens)",
  appidacr: '"2": the app proved itself with a certificate ("1" a secret, "0" nothing)',
  azpacr: '"2": the app proved itself with a certificate ("1" a secret, "0" nothing); v2 tokens\' appidacr',
  app_displayname: "the app registration's name",
  idtyp: '"app": an app-only token, no user involved',
  oid: "the app's service principal in this tenant",
  sub: "the subject: the same service principal",
  roles: "application permissions an admin granted: what the API will allow",
  tid: "the tenant ID",
  ver: "token format version",
  uti: "unique token ID (Entra's, for support cases)",
};

function claimRows(claims: JsonObject): [string, string][] {
  const rows: [string, string][] = [];
  for (const [k, v] of Object.entries(claims)) {
    const time = (k === "iat" || k === "nbf" || k === "exp") && typeof v === "number" ? `  (${new Date(v * 1000).toISOString().replace(".000", "")})` : "";
    const value = Array.isArray(v) ? v.join(", ") : String(v);
    rows.push([k, value + time]);
    if (CLAIMS[k]) rows.push(["", CLAIMS[k]!]);
  }
  return rows;
}

/** A form field of the request as sent. */
function field(r: TokenRequestResult, name: string): string {
  return r.fields.find(([k]) => k === name)?.[1] ?? "";
}

function render(r: TokenRequestResult, ui: Ui, ctx: Context): string[] {
  const fields = r.fields.map(([k, v]): [string, string] => [k, k === "client_assertion" ? `${v.slice(0, 60)}… (${v.length} characters, step 6)` : v]);
  const lines = [
    ...ui.title(7, "Token request"),
    ...ui.prose(
      "The application asks the token endpoint for an access token (the OAuth 2.0 client credentials grant).",
      "Instead of a client_secret it sends the client assertion, and says so with client_assertion_type.",
      r.live ? ui.paint("warn", "Talking to the REAL Entra ID (--live).") : "Offline: the mock Entra ID answers, checking what the real one checks (msw intercepts fetch).",
    ),
    ...ui.section("Request"),
    `  ${ui.paint("em", "POST")} ${r.url}`,
    `  ${ui.paint("dim", "Content-Type: application/x-www-form-urlencoded")}`,
    ...ui.section("Form fields (decoded)"),
    ...ui.fields(fields),
    ...ui.section(`Encoded body (${r.body.length} bytes): each value percent-encoded, joined with &`),
    ...ui.wrap(r.body.length > 400 ? `${r.body.slice(0, 300)}…${r.body.slice(-60)}` : r.body, 96, "dim"),
    ...ui.section("The same in PowerShell"),
    ...ui.command("PowerShell (Invoke-RestMethod form-encodes a hashtable -Body):", powerShellTokenRequest({
      tokenUrl: r.url,
      clientId: field(r, "client_id"),
      ...(r.fields.some(([k]) => k === "resource") ? { resource: field(r, "resource") } : { scope: field(r, "scope") }),
      assertion: `(Get-Content ${ctx.ws.display("client-assertion.jwt")} -Raw).Trim()`,
    })),
    ...ui.section(`Response: ${r.status}`),
    ...ui.fields(r.headers.filter(([k]) => /^(content-type|cache-control|pragma|expires|x-ms-request-id|x-ms-ests-server)$/i.test(k))),
  ];
  if (r.token) {
    const t = r.response;
    lines.push(
      "",
      ...ui.fields([
        ["token_type", String(t.token_type)],
        ["expires_in", `${t.expires_in} seconds`],
        ["access_token", `${String(t.access_token).slice(0, 60)}… (${String(t.access_token).length} characters)`],
      ]),
      ...ui.section("The access token, decoded (a JWT signed by Entra, for the API to check)"),
      `  ${ui.paint("header", JSON.stringify(r.token.header))}`,
      ...ui.fields(claimRows(r.token.claims)),
      ...ui.section("Files"),
      ...r.written.map((f) => ui.artifact(f.display, `(${f.bytes} bytes, mode 0600: a bearer token is a password for an hour)`)),
      ...ctx.next(8, "call Microsoft Graph with the token"),
    );
  } else {
    lines.push("", ...ui.fields(Object.entries(r.response).map(([k, v]): [string, string] => [k, typeof v === "string" ? v : JSON.stringify(v)])).map((l) => l));
    const e = r.error!;
    lines.push(...ui.section(`${ui.paint("bad", `AADSTS${e.code}`)}: what it means`));
    if (e.entry) lines.push(...ui.fields([["meaning", e.entry.meaning], ["fix", e.entry.fix], ["wording from", /^inferred/.test(e.entry.source) ? "inferred (no public source for this text)" : e.entry.source]]));
    lines.push(
      "",
      `  ${ui.paint("dim", "Which byte is wrong:")} ${ui.paint("code", `npm run doctor -- ${ctx.ws.display("client-assertion.jwt")} --cert ${ctx.ws.display("cert.cer")}`)}`,
      ...ui.next(e.next, ""),
    );
  }
  return lines;
}

export const tokenRequestStep: Step<TokenRequestResult> = {
  ...STEP_OUTLINES[6]!,
  run,
  render,
  exitCode: (r) => (r.token ? 0 : 1),
  json: (r) => ({ live: r.live, url: r.url, fields: Object.fromEntries(r.fields), status: r.status, response: r.response, token: r.token, error: r.error && { code: r.error.code, id: r.error.entry?.id, meaning: r.error.entry?.meaning, fix: r.error.entry?.fix, next: r.error.next }, files: r.written.map((f) => f.display) }),
};
