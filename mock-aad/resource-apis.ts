/**
 * The mock resource APIs the workshop calls with its token, each checking the bearer token first
 * (bearer.ts: signature against the mock's JWKS, lifetime, audience, issuer), then the caller's
 * permissions. Microsoft Graph lives in graph.ts and Azure Resource Manager in arm.ts; this file
 * keeps what they share (the context the core hands them) and Azure Digital Twins:
 *
 *   Azure Digital Twins
 *     POST /query?api-version=2023-10-31 with {"query":"SELECT * FROM DIGITALTWINS"}
 *     Authorization is Azure RBAC, not a token role: the app needs "Azure Digital Twins Data
 *     Reader" (or Owner) in the registry (Application.azureRoles); otherwise 403.
 *
 * Bodies follow the public shape of the API ({"value":[…],"continuationToken":null} for ADT
 * queries); messages are inferred.
 */
import { createHash } from "node:crypto";
import { bearerChallenge, checkBearer } from "./bearer.ts";
import { readBodyAtMost } from "./form.ts";
import { ADT_APP_ID, ADT_RESOURCE, type Registry } from "./registry.ts";

export { ARM_AUDIENCES, handleArm } from "./arm.ts";
export { FAKE_USERS, handleGraph } from "./graph.ts";

export interface ResourceContext {
  registry: Registry;
  jwks: { keys: object[] };
  now: Date;
  requestId: string;
  /** Where the challenge sends clients for a token: the mock's own origin, or login.microsoftonline.com. */
  authority: string;
  /** Seconds until the token service sees a Graph key change (key-replication.ts); default 0. */
  replicationDelaySeconds?: number;
}

const ADT_AUDIENCES = [ADT_RESOURCE, `${ADT_RESOURCE}/`, ADT_APP_ID];

const ADT_DATA_ROLES = ["Azure Digital Twins Data Reader", "Azure Digital Twins Data Owner"];

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
