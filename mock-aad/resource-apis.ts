/**
 * Two small mock APIs the workshop calls with its token, each checking the bearer token first
 * (bearer.ts: signature against the mock's JWKS, lifetime, audience, issuer), then the caller's
 * permissions:
 *
 *   Microsoft Graph
 *     GET /v1.0/applications/{id}             id = object ID or appId (the 700027 text suggests appId)
 *     GET /v1.0/applications(appId='{appId}')
 *     GET /v1.0/users                         a few made-up users
 *     (also under /beta/). Needs the Application.Read.All / User.Read.All application permission
 *     (or a broader one); without it, 403 Authorization_RequestDenied.
 *   Azure Digital Twins
 *     POST /query?api-version=2023-10-31 with {"query":"SELECT * FROM DIGITALTWINS"}
 *     Authorization is Azure RBAC, not a token role: the app needs "Azure Digital Twins Data
 *     Reader" (or Owner) in the registry (Application.azureRoles); otherwise 403.
 *
 * Bodies follow the public shapes of those APIs ({"error":{"code","message","innerError"}} for
 * Graph, {"value":[…],"continuationToken":null} for ADT queries); messages are inferred.
 */
import { createHash } from "node:crypto";
import { bearerChallenge, checkBearer, rolesOf } from "./bearer.ts";
import { readBodyAtMost } from "./form.ts";
import { ADT_APP_ID, ADT_RESOURCE, GRAPH_APP_ID, GRAPH_RESOURCE, type Application, type Registry } from "./registry.ts";

export interface ResourceContext {
  registry: Registry;
  jwks: { keys: object[] };
  now: Date;
  requestId: string;
  /** Where the challenge sends clients for a token: the mock's own origin, or login.microsoftonline.com. */
  authority: string;
}

const GRAPH_AUDIENCES = [GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, GRAPH_APP_ID];
const ADT_AUDIENCES = [ADT_RESOURCE, `${ADT_RESOURCE}/`, ADT_APP_ID];

const APPLICATION_READ = ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
const USER_READ = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
const ADT_DATA_ROLES = ["Azure Digital Twins Data Reader", "Azure Digital Twins Data Owner"];

// ── Microsoft Graph ──────────────────────────────────────────────────────────────────────────────

/** `path` is the Graph path without any mock prefix, e.g. "/v1.0/users". */
export async function handleGraph(request: Request, path: string, context: ResourceContext): Promise<Response> {
  const graphError = (status: number, code: string, message: string, challenge?: string) => {
    const headers = graphHeaders(context, request);
    if (challenge) headers.set("WWW-Authenticate", challenge);
    const innerError = { date: context.now.toISOString().replace(/\.\d{3}Z$/, ""), "request-id": context.requestId, "client-request-id": headers.get("client-request-id") };
    return new Response(JSON.stringify({ error: { code, message, innerError } }), { status, headers });
  };

  const verdict = checkBearer({ request, jwks: context.jwks, audiences: GRAPH_AUDIENCES, now: context.now });
  if (!verdict.ok) return graphError(401, "InvalidAuthenticationToken", verdict.message, bearerChallenge(context.authority, GRAPH_APP_ID, "invalid_token", verdict.message));
  const claims = verdict.claims;

  const decoded = safeDecode(path);
  const match = /^\/(v1\.0|beta)(\/.*)$/.exec(decoded);
  if (!match) return graphError(400, "BadRequest", "Invalid version: the path starts with /v1.0/ or /beta/.");
  const [, version, rest] = match as unknown as [string, string, string];
  if (request.method !== "GET") return graphError(405, "Request_BadRequest", `Specified HTTP method is not allowed for the request target.`);

  const denied = (needed: string[]) => {
    const message = "Insufficient privileges to complete the operation.";
    return graphError(403, "Authorization_RequestDenied", message, bearerChallenge(context.authority, GRAPH_APP_ID, "insufficient_scope", `${message} Needs one of the application permissions ${needed.join(", ")}.`));
  };
  const roles = rolesOf(claims);
  const tenantId = String(claims.tid);

  const appMatch = /^\/applications(?:\/([^/()]+)|\(appId='([^']+)'\))\/?$/i.exec(rest);
  if (appMatch) {
    if (!roles.some((r) => APPLICATION_READ.includes(r))) return denied(APPLICATION_READ);
    const wanted = (appMatch[1] ?? appMatch[2]!).toLowerCase();
    const byAppIdOnly = appMatch[2] !== undefined;
    const app = context.registry.applications.find(
      (a) => a.tenantId.toLowerCase() === tenantId.toLowerCase() && (a.appId.toLowerCase() === wanted || (!byAppIdOnly && a.objectId.toLowerCase() === wanted)),
    );
    if (!app) return graphError(404, "Request_ResourceNotFound", `Resource '${wanted}' does not exist or one of its queried reference-property objects are not present.`);
    return graphJson({ "@odata.context": `https://graph.microsoft.com/${version}/$metadata#applications/$entity`, ...applicationResource(app) }, context, request);
  }
  if (/^\/users\/?$/i.test(rest)) {
    if (!roles.some((r) => USER_READ.includes(r))) return denied(USER_READ);
    return graphJson({ "@odata.context": `https://graph.microsoft.com/${version}/$metadata#users`, value: FAKE_USERS }, context, request);
  }
  const segment = rest.split("/").filter(Boolean)[0] ?? "";
  return graphError(400, "BadRequest", `Resource not found for the segment '${segment}'.`);
}

function graphHeaders(context: ResourceContext, request: Request): Headers {
  return new Headers({
    "Content-Type": "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8",
    "request-id": context.requestId,
    "client-request-id": request.headers.get("client-request-id") ?? context.requestId,
    "Cache-Control": "no-cache",
  });
}

function graphJson(body: unknown, context: ResourceContext, request: Request): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: graphHeaders(context, request) });
}

/** The application as Graph returns it; keyCredentials show the registered certificates' thumbprints. */
function applicationResource(app: Application): Record<string, unknown> {
  return {
    id: app.objectId,
    appId: app.appId,
    displayName: app.displayName,
    signInAudience: "AzureADMyOrg",
    keyCredentials: app.keyCredentials.map((k) => ({
      customKeyIdentifier: createHash("sha1").update(k.certificateDer).digest("hex").toUpperCase(),
      displayName: k.displayName,
      endDateTime: k.endDateTime.toISOString().replace(/\.000Z$/, "Z"),
      key: null,
      keyId: k.keyId,
      startDateTime: k.startDateTime.toISOString().replace(/\.000Z$/, "Z"),
      type: "AsymmetricX509Cert",
      usage: "Verify",
    })),
    passwordCredentials: [],
  };
}

/** Made-up people of the demo tenant. */
export const FAKE_USERS = [
  { id: "9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", displayName: "Ada Lovelace", userPrincipalName: "ada@workshop-demo.onmicrosoft.com", mail: "ada@workshop-demo.onmicrosoft.com", jobTitle: "Analyst" },
  { id: "1f2e3d4c-5b6a-4798-a8b9-c0d1e2f3a4b5", displayName: "Grace Hopper", userPrincipalName: "grace@workshop-demo.onmicrosoft.com", mail: "grace@workshop-demo.onmicrosoft.com", jobTitle: "Engineer" },
  { id: "6c5b4a39-2817-4f6e-9d5c-4b3a29180f7e", displayName: "Alan Turing", userPrincipalName: "alan@workshop-demo.onmicrosoft.com", mail: "alan@workshop-demo.onmicrosoft.com", jobTitle: "Researcher" },
];

// ── Azure Digital Twins ──────────────────────────────────────────────────────────────────────────

/** `path` is the ADT path without any mock prefix, e.g. "/query". */
export async function handleDigitalTwins(request: Request, path: string, query: URLSearchParams, context: ResourceContext): Promise<Response> {
  const adtError = (status: number, code: string, message: string, challenge?: string) => {
    const headers = new Headers({ "Content-Type": "application/json; charset=utf-8", "mise-correlation-id": context.requestId });
    if (challenge) headers.set("WWW-Authenticate", challenge);
    return new Response(JSON.stringify({ error: { code, message } }), { status, headers });
  };
  const verdict = checkBearer({ request, jwks: context.jwks, audiences: ADT_AUDIENCES, now: context.now });
  if (!verdict.ok) return adtError(401, "Unauthorized", verdict.message, bearerChallenge(context.authority, ADT_APP_ID, "invalid_token", verdict.message));
  const claims = verdict.claims;

  if (!/^\/query\/?$/i.test(path)) return adtError(404, "NotFound", `The mock answers POST /query only, not ${request.method} ${path}.`);
  if (request.method !== "POST") return adtError(405, "MethodNotAllowed", `Queries are POSTed, not sent with ${request.method}.`);
  if (!query.get("api-version")) return adtError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");

  const appId = String(claims.appid ?? claims.azp ?? "");
  const app = context.registry.applications.find((a) => a.appId.toLowerCase() === appId.toLowerCase() && a.tenantId.toLowerCase() === String(claims.tid).toLowerCase());
  if (!app || !app.azureRoles.some((r) => ADT_DATA_ROLES.includes(r))) {
    const message = `The client '${appId}' with object id '${String(claims.oid)}' does not have permission to query this instance: it needs the Azure Digital Twins Data Reader role.`;
    return adtError(403, "Forbidden", message, bearerChallenge(context.authority, ADT_APP_ID, "insufficient_scope", message));
  }

  const bytes = await readBodyAtMost(request, 64 * 1024);
  let body: unknown;
  try {
    body = bytes ? JSON.parse(new TextDecoder().decode(bytes)) : undefined;
  } catch {
    body = undefined;
  }
  const text = typeof body === "object" && body !== null ? (body as { query?: unknown }).query : undefined;
  if (typeof text !== "string") return adtError(400, "BadRequest", 'The body is JSON with a "query" string: {"query":"SELECT * FROM DIGITALTWINS"}.');
  if (text.trim().replace(/\s+/g, " ").toUpperCase() !== "SELECT * FROM DIGITALTWINS")
    return adtError(400, "BadRequest", "The mock answers only the query SELECT * FROM DIGITALTWINS.");
  return new Response(JSON.stringify({ value: FAKE_TWINS, continuationToken: null }), {
    status: 200,
    headers: { "Content-Type": "application/json; charset=utf-8", "query-charge": "1", "mise-correlation-id": context.requestId },
  });
}

/** A made-up building: one floor, one room with a thermostat reading. */
export const FAKE_TWINS = [
  twin("workshop-building", "dtmi:com:example:Building;1", { name: "Workshop building" }),
  twin("workshop-floor-1", "dtmi:com:example:Floor;1", { name: "Floor 1" }),
  twin("workshop-room-101", "dtmi:com:example:Room;1", { name: "Room 101", temperature: 21.5 }),
];

function twin(id: string, model: string, properties: Record<string, unknown>): Record<string, unknown> {
  const updated = "2024-06-01T08:00:00.0000000Z";
  const metadata: Record<string, unknown> = { $model: model, $lastUpdateTime: updated };
  for (const name of Object.keys(properties)) metadata[name] = { lastUpdateTime: updated };
  return { $dtId: id, $etag: `W/"${createHash("sha1").update(id).digest("hex").slice(0, 8)}-0000-4000-8000-000000000000"`, ...properties, $metadata: metadata };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
