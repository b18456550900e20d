/**
 * The mock Microsoft Graph. Every request: the bearer token first (bearer.ts: signature against
 * the mock's JWKS, lifetime, audience, issuer; else 401 InvalidAuthenticationToken), GET only
 * (else 405) but for the two key actions below, then the application permission the endpoint needs in the token's roles (else 403
 * Authorization_RequestDenied). Same answers under /v1.0/ and /beta/.
 *
 *   GET /organization                       the token's tenant (tid), one object in value
 *   GET /organization/{id}                  the same, when id is the tenant ID
 *       needs Organization.Read.All, Directory.Read.All or a ReadWrite one
 *   GET /applications                       the tenant's app registrations
 *   GET /applications/{id}                  id = object ID or appId (the 700027 text suggests appId)
 *   GET /applications(appId='{appId}')
 *   POST /applications/{id}/addKey, …/removeKey, and the same under (appId='{appId}'): graph-keys.ts
 *   GET /servicePrincipals                  the tenant's apps' service principals and the resources' ones
 *   GET /servicePrincipals/{id}             id = the service principal's object ID
 *   GET /servicePrincipals(appId='{appId}')
 *       need Application.Read.All, Directory.Read.All or a ReadWrite one
 *   GET /users                              a few made-up users; needs User.Read.All or broader
 * Collections take $filter=appId eq '{appId}' (no other filter: 400) and every endpoint $select=a,b
 * (only those properties; an unknown one: 400). Unknown id: 404 Request_ResourceNotFound.
 *
 * Shapes, from Microsoft's Graph v1.0 reference:
 *   organization    https://learn.microsoft.com/graph/api/organization-list (the example response)
 *                   and https://learn.microsoft.com/graph/api/resources/verifieddomain
 *   application     https://learn.microsoft.com/graph/api/application-list,
 *                   https://learn.microsoft.com/graph/api/resources/keycredential
 *   servicePrincipal https://learn.microsoft.com/graph/api/resources/serviceprincipal,
 *                   https://learn.microsoft.com/graph/api/resources/approle
 *   permissions     the "Permissions" table of each of those pages
 *   errors          https://learn.microsoft.com/graph/errors: {"error":{"code","message",
 *                   "innerError":{"date","request-id","client-request-id"}}}; "date" without a
 *                   zone, as recorded answers show it (e.g. microsoftgraph/microsoft-graph-docs-contrib#4133).
 * Codes are Graph's; messages are Graph's where publicly recorded ("Invalid filter clause",
 * "Insufficient privileges to complete the operation.", "Resource '…' does not exist or one of its
 * queried reference-property objects are not present."), otherwise inferred.
 */
import { createHash } from "node:crypto";
import { bearerChallenge, checkBearer, rolesOf } from "./bearer.ts";
import { graphDate, keyAction, keyCredentialResource, type KeyAction } from "./graph-keys.ts";
import { findTenant, GRAPH_APP_ID, GRAPH_RESOURCE, type Application, type Registry, type Resource, type Tenant } from "./registry.ts";
import type { ResourceContext } from "./resource-apis.ts";

const GRAPH_AUDIENCES = [GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, GRAPH_APP_ID];

const ORGANIZATION_READ = ["Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
const APPLICATION_READ = ["Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];
const USER_READ = ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

/**
 * The application permissions' IDs (appRole ids) Microsoft Graph publishes, for the appRoles of its
 * service principal (https://learn.microsoft.com/graph/permissions-reference, "Application" column).
 * Any other role gets an ID derived from the resource's appId and the role's name.
 */
const GRAPH_APP_ROLE_IDS: Record<string, string> = {
  "Application.Read.All": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
  "Application.ReadWrite.All": "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
  "Directory.Read.All": "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
  "Directory.ReadWrite.All": "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
  "Organization.Read.All": "498476ce-e0fe-48b0-b801-37ba7e2685c6",
  "Organization.ReadWrite.All": "292d869f-3427-49a8-9dab-8c70152b74e9",
  "User.Read.All": "df021288-bdef-4463-88db-98f22de89214",
  "User.ReadWrite.All": "741f803b-c850-494e-b5df-cde7c675a1ca",
};

type Entity = Record<string, unknown>;

/** One entity set: what it needs, how to list it and how to find one. */
interface EntitySet {
  /** The name in the URL and in @odata.context. */
  name: string;
  /** The OData type, for $select errors. */
  type: string;
  needs: string[];
  /** Every entity of the tenant, in registry order. */
  list(tenantId: string): Entity[];
  /** /set/{key} */
  byKey(tenantId: string, key: string): Entity | undefined;
  /** /set(appId='…'); absent: the set has no such alternate key. */
  byAppId?(tenantId: string, appId: string): Entity | undefined;
  /** Whether $filter=appId eq '…' applies. */
  filterByAppId: boolean;
}

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
  const keyRoute = /^\/applications(?:\/([^/()]+)|\(appId='((?:[^']|'')*)'\))\/(addKey|removeKey)\/?$/i.exec(rest);
  if (keyRoute && request.method === "POST") {
    // The two actions that write (graph-keys.ts): /applications/{id} (object ID or appId) or (appId='…').
    const [, key, appIdKey, actionName] = keyRoute as unknown as [string, string | undefined, string | undefined, string];
    const applications = entitySets(context.registry).find((s) => s.name === "applications")!;
    const tenantId = String(claims.tid);
    const found = appIdKey !== undefined ? applications.byAppId!(tenantId, appIdKey.replace(/''/g, "'")) : applications.byKey(tenantId, key!);
    const application = found && context.registry.applications.find((a) => a.objectId === found.id && a.tenantId.toLowerCase() === tenantId.toLowerCase());
    if (!application) return graphError(404, "Request_ResourceNotFound", `Resource '${appIdKey ?? key}' does not exist or one of its queried reference-property objects are not present.`);
    const action: KeyAction = actionName.toLowerCase() === "addkey" ? "addKey" : "removeKey";
    const answer = await keyAction({ request, action, application, claims, now: context.now, replicationDelaySeconds: context.replicationDelaySeconds ?? 0, version });
    if ("code" in answer) return graphError(answer.status, answer.code, answer.message);
    if ("body" in answer) return graphJson(answer.body, context, request);
    return new Response(null, { status: 204, headers: graphHeaders(context, request) });
  }
  if (request.method !== "GET")
    return graphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target. (mock-aad's Graph is read-only: it answers GET.)");

  const denied = (needed: string[]) => {
    const message = "Insufficient privileges to complete the operation.";
    return graphError(403, "Authorization_RequestDenied", message, bearerChallenge(context.authority, GRAPH_APP_ID, "insufficient_scope", `${message} Needs one of the application permissions ${needed.join(", ")}.`));
  };
  const roles = rolesOf(claims);
  const tenantId = String(claims.tid);
  const query = new URL(request.url).searchParams;
  const metadata = (set: string, select: string[] | undefined, entity: boolean) =>
    `https://graph.microsoft.com/${version}/$metadata#${set}${select ? `(${select.join(",")})` : ""}${entity ? "/$entity" : ""}`;

  if (/^\/users\/?$/i.test(rest)) {
    if (!roles.some((r) => USER_READ.includes(r))) return denied(USER_READ);
    return graphJson({ "@odata.context": metadata("users", undefined, false), value: FAKE_USERS }, context, request);
  }

  const target = /^\/(organization|applications|servicePrincipals)(?:\/([^/()]+)|\(appId='((?:[^']|'')*)'\))?\/?$/i.exec(rest);
  const sets = entitySets(context.registry);
  const set = target ? sets.find((s) => s.name.toLowerCase() === target[1]!.toLowerCase()) : undefined;
  if (!target || !set || (target[3] !== undefined && !set.byAppId)) {
    const segments = rest.split("/").filter(Boolean);
    const known = sets.some((s) => s.name.toLowerCase() === (segments[0] ?? "").toLowerCase());
    const segment = (known ? segments[2] : undefined) ?? segments[0] ?? "";
    return graphError(400, "BadRequest", `Resource not found for the segment '${segment}'.`);
  }
  if (!roles.some((r) => set.needs.includes(r))) return denied(set.needs);

  const select = parseSelect(param(query, "select"), Object.keys(sampleOf(set)), set.type);
  if (!select.ok) return graphError(400, "BadRequest", select.message);
  const names = select.names;

  const key = target[2] ?? (target[3] !== undefined ? target[3].replace(/''/g, "'") : undefined);
  if (key !== undefined) {
    const entity = target[3] !== undefined ? set.byAppId!(tenantId, key) : set.byKey(tenantId, key);
    if (!entity) return graphError(404, "Request_ResourceNotFound", `Resource '${key}' does not exist or one of its queried reference-property objects are not present.`);
    // $select=keyCredentials on one application: the keys come with their certificate (graph-keys.ts).
    const app = set.name === "applications" && names?.includes("keyCredentials") ? context.registry.applications.find((a) => a.objectId === entity.id) : undefined;
    const shown = app ? { ...entity, keyCredentials: app.keyCredentials.map((k) => keyCredentialResource(k, true)) } : entity;
    return graphJson({ "@odata.context": metadata(set.name, names, true), ...pick(shown, names) }, context, request);
  }

  let entities = set.list(tenantId);
  const filter = param(query, "filter");
  if (filter !== undefined) {
    const parsed = parseFilter(filter, set);
    if (!parsed.ok) return graphError(400, parsed.code, parsed.message);
    entities = entities.filter((e) => String(e.appId).toLowerCase() === parsed.appId.toLowerCase());
  }
  return graphJson({ "@odata.context": metadata(set.name, names, false), value: entities.map((e) => pick(e, names)) }, context, request);
}

// ── Entity sets ──────────────────────────────────────────────────────────────────────────────────

function entitySets(registry: Registry): EntitySet[] {
  const sameTenant = (a: { tenantId: string }, tenantId: string) => a.tenantId.toLowerCase() === tenantId.toLowerCase();
  const apps = (tenantId: string) => registry.applications.filter((a) => sameTenant(a, tenantId));
  const servicePrincipals = (tenantId: string) => servicePrincipalsOf(registry, tenantId);
  const tenantOf = (tenantId: string) => findTenant(registry, tenantId);
  return [
    {
      name: "organization",
      type: "microsoft.graph.organization",
      needs: ORGANIZATION_READ,
      list: (tenantId) => {
        const tenant = tenantOf(tenantId);
        return tenant ? [organizationResource(tenant)] : [];
      },
      byKey: (tenantId, key) => {
        const tenant = tenantOf(tenantId);
        return tenant && tenant.id.toLowerCase() === key.toLowerCase() ? organizationResource(tenant) : undefined;
      },
      filterByAppId: false,
    },
    {
      name: "applications",
      type: "microsoft.graph.application",
      needs: APPLICATION_READ,
      list: (tenantId) => apps(tenantId).map(applicationResource),
      byKey: (tenantId, key) => {
        const wanted = key.toLowerCase();
        const app = apps(tenantId).find((a) => a.objectId.toLowerCase() === wanted || a.appId.toLowerCase() === wanted);
        return app && applicationResource(app);
      },
      byAppId: (tenantId, appId) => {
        const app = apps(tenantId).find((a) => a.appId.toLowerCase() === appId.toLowerCase());
        return app && applicationResource(app);
      },
      filterByAppId: true,
    },
    {
      name: "servicePrincipals",
      type: "microsoft.graph.servicePrincipal",
      needs: APPLICATION_READ,
      list: servicePrincipals,
      byKey: (tenantId, key) => servicePrincipals(tenantId).find((sp) => String(sp.id).toLowerCase() === key.toLowerCase()),
      byAppId: (tenantId, appId) => servicePrincipals(tenantId).find((sp) => String(sp.appId).toLowerCase() === appId.toLowerCase()),
      filterByAppId: true,
    },
  ];
}

/** The tenant as Graph's organization resource: the documented properties, most empty, as a new tenant has them. */
function organizationResource(tenant: Tenant): Entity {
  const initial = tenant.domains.find((d) => /\.onmicrosoft\.com$/i.test(d)) ?? tenant.domains[0];
  return {
    id: tenant.id,
    deletedDateTime: null,
    businessPhones: [],
    city: null,
    country: null,
    countryLetterCode: null,
    createdDateTime: graphDate(tenant.createdDateTime),
    defaultUsageLocation: null,
    displayName: tenant.displayName,
    isMultipleDataLocationsForServicesEnabled: null,
    marketingNotificationEmails: [],
    onPremisesLastSyncDateTime: null,
    onPremisesSyncEnabled: null,
    postalCode: null,
    preferredLanguage: "en",
    securityComplianceNotificationMails: [],
    securityComplianceNotificationPhones: [],
    state: null,
    street: null,
    technicalNotificationMails: [],
    tenantType: "AAD",
    assignedPlans: [],
    privacyProfile: null,
    provisionedPlans: [],
    verifiedDomains: tenant.domains.map((name, i) => ({
      // The initial domain's capabilities as the reference's example shows them; other domains' inferred.
      capabilities: name === initial ? "Email, OfficeCommunicationsOnline" : "None",
      isDefault: i === 0,
      isInitial: name === initial,
      name,
      type: "Managed",
    })),
  };
}

/** The application as Graph returns it; keyCredentials show the registered certificates' thumbprints. */
function applicationResource(app: Application): Entity {
  return {
    id: app.objectId,
    appId: app.appId,
    displayName: app.displayName,
    signInAudience: "AzureADMyOrg",
    keyCredentials: app.keyCredentials.map((k) => keyCredentialResource(k)),
    passwordCredentials: [],
  };
}

/**
 * The tenant's service principals: one for each of its applications (object ID from the registry),
 * then one for each resource (API) of the registry that is not one of them, as every tenant holds
 * Microsoft Graph's. A resource's service principal ID is made up (derived from tenant and appId:
 * in Entra it differs per tenant); its appRoles are the resource's application permissions.
 */
function servicePrincipalsOf(registry: Registry, tenantId: string): Entity[] {
  const resourceOf = (appId: string) => registry.resources.find((r) => r.appId.toLowerCase() === appId.toLowerCase());
  const own = registry.applications
    .filter((a) => a.tenantId.toLowerCase() === tenantId.toLowerCase())
    .map((a) => {
      const resource = resourceOf(a.appId);
      return servicePrincipalResource(a.servicePrincipalId, a.appId, a.displayName, a.enabled, resource ? resource.identifierUris : [], resource ? appRolesOf(resource) : []);
    });
  const ownAppIds = new Set(own.map((sp) => String(sp.appId).toLowerCase()));
  const resources = registry.resources
    .filter((r) => !ownAppIds.has(r.appId.toLowerCase()))
    .map((r) => servicePrincipalResource(derivedGuid(`servicePrincipal:${tenantId.toLowerCase()}:${r.appId.toLowerCase()}`), r.appId, r.displayName, true, r.identifierUris, appRolesOf(r)));
  return [...own, ...resources];
}

function servicePrincipalResource(id: string, appId: string, displayName: string, accountEnabled: boolean, identifierUris: string[], appRoles: Entity[]): Entity {
  return {
    id,
    accountEnabled,
    appDisplayName: displayName,
    appId,
    appRoles,
    displayName,
    servicePrincipalNames: [...identifierUris, appId],
    servicePrincipalType: "Application",
  };
}

function appRolesOf(resource: Resource): Entity[] {
  return resource.appRoles.map((value) => ({
    allowedMemberTypes: ["Application"],
    description: `Allows the app to use ${value} of ${resource.displayName} without a signed-in user.`,
    displayName: value,
    id: (resource.appId === GRAPH_APP_ID ? GRAPH_APP_ROLE_IDS[value] : undefined) ?? derivedGuid(`appRole:${resource.appId.toLowerCase()}:${value}`),
    isEnabled: true,
    origin: "Application",
    value,
  }));
}

/** An entity of the set with empty values: its property names, for $select. */
function sampleOf(set: EntitySet): Entity {
  if (set.name === "applications") return applicationResource({ appId: "", objectId: "", servicePrincipalId: "", displayName: "", tenantId: "", enabled: true, keyCredentials: [], appRoleGrants: {}, azureRoles: [] });
  if (set.name === "servicePrincipals") return servicePrincipalResource("", "", "", true, [], []);
  return organizationResource({ id: "", displayName: "", domains: [], createdDateTime: new Date(0) });
}

// ── Query options ────────────────────────────────────────────────────────────────────────────────

/** $name, or name without the dollar (Graph accepts both). */
function param(query: URLSearchParams, name: string): string | undefined {
  return query.get(`$${name}`) ?? query.get(name) ?? undefined;
}

/**
 * $select=a,b: Graph's names for them (matched case-insensitively, in the order asked, without
 * repeats), or an error naming one the set lacks.
 */
function parseSelect(text: string | undefined, known: string[], type: string): { ok: true; names?: string[] } | { ok: false; message: string } {
  if (text === undefined) return { ok: true };
  const asked = text.split(",").map((n) => n.trim());
  if (asked.some((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n))) return { ok: false, message: `Invalid $select clause: '${text}'. It is a comma-separated list of property names.` };
  const names: string[] = [];
  for (const name of asked) {
    const key = known.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!key) return { ok: false, message: `Could not find a property named '${name}' on type '${type}'. (mock-aad's Graph knows ${known.join(", ")}.)` };
    if (!names.includes(key)) names.push(key);
  }
  return { ok: true, names };
}

/** The entity with only the selected properties, in the entity's own order. */
function pick(entity: Entity, names: string[] | undefined): Entity {
  return names ? Object.fromEntries(Object.entries(entity).filter(([k]) => names.includes(k))) : entity;
}

/**
 * $filter: only `appId eq '…'` (OData string literal, '' for a quote). Another well-formed
 * comparison is refused with Request_BadRequest (Graph supports more filters; the mock does not);
 * anything else is Graph's "Invalid filter clause".
 */
function parseFilter(text: string, set: EntitySet): { ok: true; appId: string } | { ok: false; code: string; message: string } {
  const comparison = /^\s*([A-Za-z_][A-Za-z0-9_/]*)\s+([A-Za-z]+)\s+'((?:[^']|'')*)'\s*$/.exec(text);
  if (!comparison) return { ok: false, code: "BadRequest", message: `Invalid filter clause: '${text}'. mock-aad's Graph filters with appId eq '{appId}' only.` };
  const [, property, operator, literal] = comparison as unknown as [string, string, string, string];
  if (set.filterByAppId && property.toLowerCase() === "appid" && operator === "eq") return { ok: true, appId: literal.replace(/''/g, "'") };
  const resource = set.type.replace(/^microsoft\.graph\./, "").replace(/^./, (c) => c.toUpperCase());
  return {
    ok: false,
    code: "Request_BadRequest",
    message: `Unsupported or invalid query filter clause specified for property '${property}' of resource '${resource}'. (mock-aad's Graph filters ${set.filterByAppId ? "with appId eq '{appId}' only" : `${set.name} not at all`}.)`,
  };
}

// ── Helpers ──────────────────────────────────────────────────────────────────────────────────────

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

/** A stable version-4-shaped GUID from a text (SHA-256), for made-up object IDs. */
function derivedGuid(text: string): string {
  const b = createHash("sha256").update(text).digest();
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
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
