/**
 * The mock Microsoft Graph, checking the bearer token first (bearer.ts), then the caller's
 * application permissions (the token's roles):
 *
 *     GET /v1.0/applications/{id}             id = object ID or appId (the 700027 text suggests appId)
 *     GET /v1.0/applications(appId='{appId}')
 *     GET /v1.0/users                         a few made-up users
 *     (also under /beta/). Needs the Application.Read.All / User.Read.All application permission
 *     (or a broader one); without it, 403 Authorization_RequestDenied.
 *
 * Bodies follow Graph's public shapes ({"error":{"code","message","innerError"}}); messages are
 * inferred.
 */
import { createHash } from "node:crypto";
import { bearerChallenge, checkBearer, rolesOf } from "./bearer.ts";
import { GRAPH_APP_ID, GRAPH_RESOURCE, type Application } from "./registry.ts";
import type { ResourceContext } from "./resource-apis.ts";

const GRAPH_AUDIENCES = [GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, GRAPH_APP_ID];

const APPLICATION_READ = ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
const USER_READ = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

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

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
