/**
 * The mock Entra ID: one Fetch-style handler, `(request: Request) => Promise<Response>`, that the
 * msw handlers (msw.ts) and the HTTPS server (https-server.ts) both call. It never rejects: a bug
 * inside becomes a 500 JSON answer (AADSTS50000).
 *
 * Where things are, whatever origin the mock is served at:
 *   Entra (any host except the two below)
 *     POST /{tenant}/oauth2/v2.0/token                    token, v2 (scope)
 *     POST /{tenant}/oauth2/token                         token, v1 (resource)
 *     GET  /{tenant}/v2.0/.well-known/openid-configuration
 *     GET  /{tenant}/.well-known/openid-configuration     (v1)
 *     GET  /{tenant}/discovery/v2.0/keys                  JWKS (v2, with issuer)
 *     GET  /{tenant}/discovery/keys                       JWKS (v1)
 *     GET  /common/discovery/instance                     MSAL instance discovery
 *   Microsoft Graph: host graph.microsoft.com, or path prefix /graph  (…/graph/v1.0/users)
 *   Azure Digital Twins: any host *.digitaltwins.azure.net, or path prefix /adt (…/adt/query)
 *   Azure Resource Manager: host management.azure.com, or path prefix /arm (…/arm/subscriptions)
 *   Azure Key Vault: any host {vault}.vault.azure.net, or /keys and /certificates at the root (the first vault)
 *   Managed identity: GET /msi/token (App Service) on any host; IMDS at host 169.254.169.254 or
 *     GET /metadata/identity/oauth2/token
 * (The same list as data, for the log and the hardening matrix: routes.ts; a new door goes there too.)
 * The prefixes let one local server (https://127.0.0.1:PORT) serve all of them; no tenant is
 * called "graph", "adt", "arm", "keys", "certificates", "metadata" or "msi" (a tenant is a GUID or a domain name), so they cannot clash.
 * Path segments after the tenant compare case-insensitively, the tenant too (MSAL lower-cases it).
 *
 * Token request, in this order (Entra's order is not published; see check-assertion.ts for the
 * assertion's own checks):
 *   POST only (900561) → tenant well formed (900023) → tenant known (90002) → body ≤ 1 MiB (9002313)
 *   → no field twice (9000411) → grant_type present (900144) and client_credentials (70003)
 *   → /common, /organizations, /consumers refused (9001023) → client_id (900144) → scope (90014)
 *   or v1 resource (900144) → client_assertion or client_secret present (7000216)
 *   → client_assertion_type present (900144) and jwt-bearer (90011) → not also a client_secret
 *   (9002313) → application in the tenant (700016) → enabled (7000112) → a secret
 *   instead of an assertion (7000215) → the assertion (check-assertion.ts) → scope is one
 *   <resource>/.default (1002012, 70011) → resource exists (500011) → token.
 */
import type { CatalogId } from "../lib/entra/aadsts-catalog.ts";
import { ASSUMED_CLOCK_SKEW_SECONDS, CLIENT_ASSERTION_TYPE } from "../lib/entra/protocol.ts";
import { randomBytes, randomUUID } from "node:crypto";
import { CATALOG, aadError } from "./catalog.ts";
import { checkAssertion, checkAssertionAsync, ENTRA_ORIGIN } from "./check-assertion.ts";
import { documentTenant, instanceDiscovery, keysV1, keysV2, MULTI_TENANT_SEGMENTS, openIdConfigurationV1, openIdConfigurationV2 } from "./discovery.ts";
import { entraHeaders, entraJsonResponse, type ResponseContext } from "./error-response.ts";
import { field, MAX_BODY_BYTES, readForm, repeatedField } from "./form.ts";
import { issueAccessToken, issueAccessTokenAsync, tokenResponseV1, tokenResponseV2 } from "./issue-token.ts";
import { tokenServiceView } from "./key-replication.ts";
import { registryErrorResponse, registryProblem } from "./registry-check.ts";
import { defaultRegistry, findApplication, findResource, findTenant, isGuid, type Registry, type Tenant } from "./registry.ts";
import { handleArm, handleDigitalTwins, handleGraph, type ResourceContext } from "./resource-apis.ts";
import { describeRoutes } from "./routes.ts";
import { handleKeyVault } from "./key-vault/handler.ts";
import { findVault } from "./key-vault/store.ts";
import { APP_SERVICE_PATH, handleManagedIdentity, IMDS_HOST, IMDS_PATH, type ManagedIdentityContext } from "./managed-identity.ts";
import { createSigningKey, loadSigningKey, signingJwk, type SigningKey } from "./signing-key.ts";

/** OpenID Connect scopes a client may add to /.default (MSAL Go does); they ask for no resource. */
const OIDC_SCOPES = new Set(["openid", "offline_access", "profile", "email"]);

/** RFC 7523 §2.2. */
export const JWT_BEARER = CLIENT_ASSERTION_TYPE;

/**
 * Clock skew allowed around the assertion's nbf and exp: 300 s, inferred (Entra does not publish
 * its tolerance; 5 minutes is Microsoft.IdentityModel's default ClockSkew).
 */
export const DEFAULT_CLOCK_SKEW_SECONDS = ASSUMED_CLOCK_SKEW_SECONDS;

export interface RequestLogEntry {
  method: string;
  /** The URL path, without the query. */
  path: string;
  status: number;
  /** The AADSTS code of an Entra error answer. */
  aadsts?: number;
  /** For a 500: what went wrong inside the mock. */
  detail?: string;
}

export interface MockAadOptions {
  /** Default: defaultRegistry() (the demo tenant and app, with no certificate registered). */
  registry?: Registry;
  /** Default: () => new Date(). */
  clock?: () => Date;
  /** GUIDs for trace and correlation IDs, uti and aio. Default: crypto.randomUUID. */
  ids?: () => string;
  /** Default: a new RSA 2048 key and certificate, made now. */
  signingKey?: SigningKey;
  /** Default DEFAULT_CLOCK_SKEW_SECONDS (300). */
  clockSkewSeconds?: number;
  /** Default MAX_BODY_BYTES (1 MiB). */
  maxBodyBytes?: number;
  /**
   * Seconds before the token endpoint honours a key added or removed through Graph's addKey /
   * removeKey (Entra's replication lag, simulated; key-replication.ts). Default 0: at once.
   */
  replicationDelaySeconds?: number;
  /** Random bytes for Key Vault's PSS salts. Default: crypto.randomBytes. */
  randomBytes?: (length: number) => Uint8Array;
  /** Called once per request, after the answer is made (for one log line per request). */
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Verify assertions and sign tokens on libuv's thread pool (node:crypto with a callback), so a
   * server's main thread serves other connections meanwhile: the HTTPS command turns it on. Off by
   * default: for one caller at a time (a test suite, in-process) this thread is faster, as the
   * hop to the pool and back costs more than it saves (measured, bench/README.md).
   */
  rsaOnThreadPool?: boolean;
}

export interface MockAad {
  handle(request: Request): Promise<Response>;
  /**
   * The answer to a request the door could not even make a Request of, or that names a host this
   * server does not serve (the HTTPS door's Host check): Entra's 400 shape, and a line in the log.
   */
  refuseMalformed(method: string, path: string, detail?: string): Response;
  registry: Registry;
  /** The key set, as published at https://login.microsoftonline.com/common/discovery/v2.0/keys. */
  jwks: { keys: object[] };
}

/** Per-request state: the time, the IDs, and the AADSTS code answered (for the log). */
interface Exchange {
  request: Request;
  url: URL;
  origin: string;
  context: ResponseContext;
  aadsts?: number;
  /** For the log: what the mock could tell about a refusal that the answer (Entra's text) does not say. */
  detail?: string;
}

export function createMockAad(options: MockAadOptions = {}): MockAad {
  const registry = options.registry ?? defaultRegistry();
  const clock = options.clock ?? (() => new Date());
  const ids = options.ids ?? (() => randomUUID());
  const signingKey = loadSigningKey(options.signingKey ?? createSigningKey(clock()));
  const skew = options.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const random = options.randomBytes ?? ((length: number) => new Uint8Array(randomBytes(length)));
  const jwks = { keys: [signingJwk(signingKey, `${ENTRA_ORIGIN}/{tenantid}/v2.0`)] };
  const offload = () => options.rsaOnThreadPool === true;

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    let exchange: Exchange | undefined;
    let response: Response;
    let detail: string | undefined;
    try {
      exchange = { request, url, origin: url.origin, context: { now: clock(), traceId: ids(), correlationId: correlationId(request, url, ids) } };
      response = await route(exchange);
      if (request.method === "HEAD") response = new Response(null, { status: response.status, headers: response.headers }); // RFC 9110 §9.3.2: the GET's headers, no body
    } catch (error) {
      detail = error instanceof Error ? error.message : String(error);
      const context = exchange?.context ?? { now: safe(clock, () => new Date()), traceId: safe(ids, randomUUID), correlationId: randomUUID() };
      exchange = { request, url, origin: url.origin, context, aadsts: CATALOG["50000"]!.code };
      // A hand-written registry is the likeliest cause: say which entry and field, not a bare 50000.
      const problem = safe(() => registryProblem(registry), () => undefined);
      if (problem) detail = `the registry: ${problem} (${detail})`;
      response = problem ? registryErrorResponse(problem, context) : aadError("50000", {}, context);
    }
    try {
      const note = detail ?? exchange.detail;
      options.onRequest?.({ method: request.method, path: url.pathname, status: response.status, ...(exchange.aadsts ? { aadsts: exchange.aadsts } : {}), ...(note ? { detail: note } : {}) });
    } catch {
      // A logger's failure is not the client's problem.
    }
    return response;
  }

  function refuseMalformed(method: string, path: string, detail = "refused before routing: unknown or malformed Host"): Response {
    const context = { now: safe(clock, () => new Date()), traceId: safe(ids, randomUUID), correlationId: safe(ids, randomUUID) };
    const response = aadError("9002313-malformed", {}, context);
    try {
      options.onRequest?.({ method: method.slice(0, 16), path: path.slice(0, 200), status: response.status, aadsts: CATALOG["9002313-malformed"].code, detail });
    } catch {
      // A logger's failure is not the client's problem.
    }
    return response;
  }

  function fail(exchange: Exchange, id: CatalogId, params: Record<string, string | number> = {}): Response {
    exchange.aadsts = CATALOG[id].code;
    return aadError(id, params, exchange.context);
  }

  async function route(exchange: Exchange): Promise<Response> {
    const { url, request } = exchange;
    const host = url.hostname.toLowerCase();
    const path = url.pathname;
    if (host === "graph.microsoft.com") return handleGraph(request, path, resourceContext(exchange, ENTRA_ORIGIN));
    if (host.endsWith(".digitaltwins.azure.net")) return handleDigitalTwins(request, path, url.searchParams, resourceContext(exchange, ENTRA_ORIGIN));
    if (host === "management.azure.com") return handleArm(request, path, url.searchParams, resourceContext(exchange, ENTRA_ORIGIN));
    if (path.startsWith("/graph/")) return handleGraph(request, path.slice("/graph".length), resourceContext(exchange, exchange.origin));
    if (path.startsWith("/adt/")) return handleDigitalTwins(request, path.slice("/adt".length), url.searchParams, resourceContext(exchange, exchange.origin));
    if (path.startsWith("/arm/")) return handleArm(request, path.slice("/arm".length), url.searchParams, resourceContext(exchange, exchange.origin));
    // Key Vault (key-vault/handler.ts): {vault}.vault.azure.net, or the first vault at the root of this origin (/keys, /certificates).
    if (host.endsWith(".vault.azure.net"))
      return handleKeyVault(request, path, url.searchParams, findVault(registry.vaults ?? [], host.slice(0, -".vault.azure.net".length)), { ...resourceContext(exchange, ENTRA_ORIGIN), vaultUrl: `https://${host}`, randomBytes: random });
    if (/^\/+(keys|certificates)(\/|$)/i.test(path)) return handleKeyVault(request, path, url.searchParams, findVault(registry.vaults ?? []), { ...resourceContext(exchange, exchange.origin), vaultUrl: exchange.origin, randomBytes: random });
    // Managed identity (managed-identity.ts): IMDS at 169.254.169.254 or its path here; App Service's /msi/token.
    if (path.toLowerCase().replace(/\/$/, "") === APP_SERVICE_PATH) return handleManagedIdentity(request, "app-service", url.searchParams, identityContext(exchange));
    if (host === IMDS_HOST || path.toLowerCase() === IMDS_PATH) return handleManagedIdentity(request, "imds", url.searchParams, identityContext(exchange));

    const segments = path.split("/").slice(1);
    const shape = segments.slice(1).join("/").toLowerCase();
    const tenantSegment = segments[0] ?? "";
    const isGet = request.method === "GET" || request.method === "HEAD";
    if (tenantSegment.toLowerCase() === "common" && shape === "discovery/instance" && isGet) return instance(exchange);
    if (shape === "oauth2/v2.0/token") return token(exchange, tenantSegment, "v2");
    if (shape === "oauth2/token") return token(exchange, tenantSegment, "v1");
    if (isGet && shape === "v2.0/.well-known/openid-configuration") return discovery(exchange, tenantSegment, (t) => openIdConfigurationV2(exchange.origin, t));
    if (isGet && shape === ".well-known/openid-configuration") return discovery(exchange, tenantSegment, (t) => openIdConfigurationV1(exchange.origin, t));
    if (isGet && shape === "discovery/v2.0/keys") return discovery(exchange, tenantSegment, (t) => keysV2(exchange.origin, t, signingKey));
    if (isGet && shape === "discovery/keys") return discovery(exchange, tenantSegment, () => keysV1(signingKey));
    exchange.detail = `no endpoint ${exchange.request.method} ${exchange.url.pathname}; the mock serves ${ENDPOINTS}`;
    return fail(exchange, "9002313-not-found");
  }

  function resourceContext(exchange: Exchange, authority: string): ResourceContext {
    return { registry, jwks, now: exchange.context.now, requestId: exchange.context.traceId, authority, replicationDelaySeconds: options.replicationDelaySeconds ?? 0 };
  }

  function identityContext(exchange: Exchange): ManagedIdentityContext {
    const { now, traceId } = exchange.context;
    return {
      registry,
      now,
      requestId: traceId,
      issue: (application, tenant, resource, requestedResource, extraClaims) =>
        issueAccessToken({ application, tenant, resource, requestedResource, origin: exchange.origin, now, ids, signingKey, extraClaims }),
    };
  }

  function instance(exchange: Exchange): Response {
    const body = instanceDiscovery(exchange.origin, exchange.url.searchParams.get("authorization_endpoint"));
    return body ? entraJsonResponse(body, exchange.context) : fail(exchange, "50049");
  }

  /** A tenant segment: multi-tenant word, malformed, unknown or a tenant. */
  function resolveTenant(segment: string): { kind: "multi" } | { kind: "malformed" } | { kind: "unknown" } | { kind: "tenant"; tenant: Tenant } {
    if ((MULTI_TENANT_SEGMENTS as readonly string[]).includes(segment.toLowerCase())) return { kind: "multi" };
    if (!isGuid(segment) && !isDnsName(segment)) return { kind: "malformed" };
    const tenant = findTenant(registry, segment);
    return tenant ? { kind: "tenant", tenant } : { kind: "unknown" };
  }

  function discovery(exchange: Exchange, segment: string, document: (t: ReturnType<typeof documentTenant>) => unknown): Response {
    const resolved = resolveTenant(segment);
    if (resolved.kind === "malformed") return fail(exchange, "900023", { tenant: segment });
    if (resolved.kind === "unknown") return fail(exchange, "90002-discovery", { tenant: segment });
    const tenant = resolved.kind === "tenant" ? resolved.tenant : undefined;
    return entraJsonResponse(document(documentTenant(tenant, segment)), exchange.context);
  }

  async function token(exchange: Exchange, segment: string, version: "v1" | "v2"): Promise<Response> {
    const { request } = exchange;
    // CORS preflight: Entra's own refusal once read "only accepts POST, OPTIONS requests" (entra-errors.md 900561).
    if (request.method === "OPTIONS") return new Response(null, { status: 204, headers: withAllow(entraHeaders(exchange.context), "POST, OPTIONS") });
    if (request.method !== "POST") return fail(exchange, "900561", { method: request.method });
    const resolved = resolveTenant(segment);
    if (resolved.kind === "malformed") return fail(exchange, "900023", { tenant: segment });
    if (resolved.kind === "unknown") {
      exchange.detail = `no tenant in the registry has the id or domain ${segment}; it has ${registry.tenants.map((t) => [t.id, ...(t.domains ?? [])].join(" or ")).join("; ")}`;
      return fail(exchange, "90002", { tenant: segment });
    }

    const form = await readForm(request, maxBody);
    if (!form.ok) return fail(exchange, "9002313");
    const fields = form.fields;
    const repeated = repeatedField(fields);
    if (repeated !== undefined) return fail(exchange, "9000411", { parameter: repeated });
    const grantType = field(fields, "grant_type");
    if (!grantType) return fail(exchange, "900144", { parameter: "grant_type" });
    if (grantType !== "client_credentials") return fail(exchange, "70003", { grantType });
    if (resolved.kind === "multi") return fail(exchange, "9001023");
    const tenant = resolved.tenant;

    const clientId = field(fields, "client_id");
    if (!clientId) return fail(exchange, "900144", { parameter: "client_id" });
    const scope = field(fields, "scope");
    const resourceParameter = field(fields, "resource");
    if (version === "v2" && !scope) return fail(exchange, "90014", { field: "scope" });
    if (version === "v1" && !resourceParameter) return fail(exchange, "900144", { parameter: "resource" });

    const assertion = field(fields, "client_assertion");
    const secret = field(fields, "client_secret");
    if (!assertion && !secret) return fail(exchange, "7000216");
    if (assertion) {
      const assertionType = field(fields, "client_assertion_type");
      if (!assertionType) return fail(exchange, "900144", { parameter: "client_assertion_type" });
      if (assertionType !== JWT_BEARER) return fail(exchange, "90011");
      // RFC 6749 §2.3: one way of proving who the client is per request (inferred answer: catalog).
      if (secret) return fail(exchange, "9002313-two-credentials");
    }

    const application = findApplication(registry, tenant.id, clientId);
    if (!application) {
      const elsewhere = registry.applications.find((a) => a.appId.toLowerCase() === clientId.toLowerCase());
      exchange.detail = elsewhere ? `application ${clientId} is registered in tenant ${elsewhere.tenantId}, not in ${tenant.id}` : `no application ${clientId} in the registry`;
      return fail(exchange, "700016", { clientId, tenantName: tenant.displayName });
    }
    if (!application.enabled) return fail(exchange, "7000112", { clientId: application.appId, displayName: application.displayName });
    if (!assertion) return fail(exchange, "7000215", { clientId: application.appId });

    const checking = { assertion, clientId, application: tokenServiceView(application, exchange.context.now), tenant, origin: exchange.origin, now: exchange.context.now, clockSkewSeconds: skew };
    const verdict = offload() ? await checkAssertionAsync(checking) : checkAssertion(checking);
    if (!verdict.ok) {
      if (verdict.detail) exchange.detail = verdict.detail;
      return fail(exchange, verdict.id, verdict.params);
    }

    // What the token is for.
    let requested: string;
    if (version === "v2") {
      // MSAL Go appends "openid offline_access profile" to client-credential scopes and Entra
      // accepts it (client evidence): the OpenID Connect scopes are set aside before the checks.
      const scopes = scope!.split(/\s+/).filter((s) => s !== "" && !OIDC_SCOPES.has(s.toLowerCase()));
      const notDefault = scopes.find((s) => !/\/\.default$/i.test(s));
      if (notDefault) return fail(exchange, "1002012", { scope: notDefault });
      if (scopes.length !== 1) return fail(exchange, "70011", { scope: scopes.join(" ") });
      requested = scopes[0]!.slice(0, -"/.default".length);
      if (!isGuid(requested) && !requested.includes(":")) return fail(exchange, "70011", { scope: scopes[0]! });
    } else {
      requested = resourceParameter!;
    }
    const resource = findResource(registry, requested);
    if (!resource) return fail(exchange, "500011", { resource: requested, tenantName: tenant.displayName });

    const issuing = { application, tenant, resource, requestedResource: requested, origin: exchange.origin, now: exchange.context.now, ids, signingKey };
    const issued = offload() ? await issueAccessTokenAsync(issuing) : issueAccessToken(issuing);
    return entraJsonResponse(version === "v2" ? tokenResponseV2(issued) : tokenResponseV1(issued, requested), exchange.context);
  }

  return { handle, refuseMalformed, registry, jwks };
}

/** Entra echoes the caller's client-request-id (header, or MSAL's query parameter) as the correlation ID. */
function correlationId(request: Request, url: URL, ids: () => string): string {
  const sent = request.headers.get("client-request-id") ?? url.searchParams.get("client-request-id");
  return sent && isGuid(sent) ? sent.toLowerCase() : ids();
}

/** contoso.onmicrosoft.com: labels of letters, digits and hyphens, at least two of them. */
function isDnsName(text: string): boolean {
  return text.length <= 253 && /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i.test(text);
}

/** The endpoints, for the log line of a request to a path the mock does not serve (routes.ts). */
const ENDPOINTS = describeRoutes();

function withAllow(headers: Headers, methods: string): Headers {
  headers.set("Allow", methods);
  return headers;
}

function safe<T>(make: () => T, fallback: () => T): T {
  try {
    return make();
  } catch {
    return fallback();
  }
}
