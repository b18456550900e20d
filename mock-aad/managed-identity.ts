/**
 * The managed identity endpoints an Azure VM or an App Service / Functions app asks for tokens,
 * answered for the registry's managed identities (key-vault/store.ts) with tokens from the mock's
 * own token service (issue-token.ts: v1, appid = the identity's client ID, oid = its principal ID,
 * xms_mirid = its Azure resource):
 *
 *   IMDS         GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=…   header Metadata: true
 *                (host 169.254.169.254; any host's path on the HTTPS server)
 *                → {access_token, refresh_token:"", expires_in, expires_on, not_before, resource, token_type, client_id}, all strings
 *   App Service  GET $IDENTITY_ENDPOINT?api-version=2019-08-01&resource=…               header X-IDENTITY-HEADER: $IDENTITY_HEADER
 *                → {access_token, expires_on (Unix seconds, a string), resource, token_type, client_id}
 *   legacy       GET $MSI_ENDPOINT?api-version=2017-09-01&resource=…                    header Secret: $MSI_SECRET
 *                → {access_token, expires_on ("MM/dd/yyyy hh:mm:ss AM +00:00"), resource, token_type}
 *   The App Service endpoint is /msi/token here (as App Service's own: http://127.0.0.1:{port}/msi/token).
 *
 * Sources: the request and the IMDS answer, https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token;
 * the App Service answer and what 2019-08-01 changed (X-IDENTITY-HEADER for Secret, client_id for
 * clientid, principal_id, mi_res_id, expires_on in epoch seconds), Azure/azure-sdk-for-python#11346
 * (an SDK maintainer's capture) and https://learn.microsoft.com/azure/app-service/overview-managed-identity
 * ("REST endpoint reference"); that 2017-09-01 takes Secret and not X-IDENTITY-HEADER,
 * MicrosoftDocs/azure-docs#69848; MSAL's managed-identity client reads error bodies as
 * {error, error_description}, {error:{code,message}} or {message, correlationId} (client:
 * @azure/msal-node ManagedIdentityClient.getServerTokenResponse).
 *
 * Refusals, with their grades:
 *   IMDS without Metadata: true     400 {"error":"bad_request_102","error_description":"Required metadata header not specified"}
 *                                   (the error table of the IMDS page above, as recalled; not re-read here: inferred)
 *   IMDS without resource           400 invalid_request "Required query variable 'resource' is missing"   inferred
 *   IMDS unknown resource           400 invalid_resource "AADSTS500011: …" (the table names invalid_resource)  inferred text
 *   IMDS without api-version        400 invalid_request                                                   inferred
 *   IMDS api-version not a date     400 invalid_request "Invalid api-version …"                           inferred
 *   IMDS unknown client_id / object_id / msi_res_id   400 invalid_request "Identity not found"            inferred
 *   App Service, wrong/no header    401 {"statusCode":401,"message":…,"correlationId":…}; a 401 from App Service
 *                                   for a bad X-IDENTITY-HEADER is reported in Azure/azure-sdk-for-js#11595  client; body inferred
 *   App Service, no resource, unknown resource or api-version, unknown identity   400 same shape             inferred
 *   another method                  405 in the endpoint's shape                                           inferred
 */
import { findResource, type Application, type Registry, type Resource, type Tenant } from "./registry.ts";
import type { IssuedToken } from "./issue-token.ts";
import type { ManagedIdentity } from "./key-vault/store.ts";

/**
 * Where the msw handlers answer App Service's protocol: what App Service puts in IDENTITY_ENDPOINT
 * (and MSI_ENDPOINT) is a token service on the app's own loopback, http://127.0.0.1:{port}/MSI/token/,
 * the port chosen by the platform (41741 in Azure/ms-rest-nodeauth#88, 41335 in
 * Azure/azure-sdk-for-node#2292). Not the IMDS address: a VM's endpoint and App Service's are two protocols.
 */
export const MSW_IDENTITY_ORIGIN = "http://127.0.0.1:41741";
/** IDENTITY_ENDPOINT (or MSI_ENDPOINT) for code under test: App Service's path at the origin the msw handlers answer. */
export const MSW_IDENTITY_ENDPOINT = `${MSW_IDENTITY_ORIGIN}/msi/token`;

export const IMDS_PATH = "/metadata/identity/oauth2/token";
export const APP_SERVICE_PATH = "/msi/token";
/** The IMDS address every Azure VM reaches, link-local. */
export const IMDS_HOST = "169.254.169.254";

export interface ManagedIdentityContext {
  registry: Registry;
  now: Date;
  requestId: string;
  /** Issues a token with the mock's token service. */
  issue(application: Application, tenant: Tenant, resource: Resource, requestedResource: string, extraClaims: Record<string, unknown>): IssuedToken;
}

/** `path` is IMDS_PATH or APP_SERVICE_PATH (compared case-insensitively by the caller). */
export function handleManagedIdentity(request: Request, kind: "imds" | "app-service", query: URLSearchParams, context: ManagedIdentityContext): Response {
  const apiVersion = query.get("api-version");
  if (kind === "imds") return imds(request, query, apiVersion, context);
  return appService(request, query, apiVersion, context);
}

function imds(request: Request, query: URLSearchParams, apiVersion: string | null, context: ManagedIdentityContext): Response {
  const fail = (status: number, error: string, description: string) => json({ error, error_description: description }, status, context);
  if (request.method !== "GET" && request.method !== "HEAD") return fail(405, "invalid_request", `The managed identity endpoint answers GET, not ${request.method}.`);
  if (request.headers.get("metadata")?.trim().toLowerCase() !== "true") return fail(400, "bad_request_102", "Required metadata header not specified");
  if (!apiVersion) return fail(400, "invalid_request", "Required query variable 'api-version' is missing");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(apiVersion)) return fail(400, "invalid_request", `Invalid api-version '${apiVersion}'; the token endpoint takes 2018-02-01 or later.`);
  const identity = pickIdentity(context.registry, query, ["client_id", "object_id", "msi_res_id"]);
  if (!identity) return fail(400, "invalid_request", "Identity not found");
  const issued = issueFor(identity, query.get("resource"), context);
  if (issued === "missing") return fail(400, "invalid_request", "Required query variable 'resource' is missing");
  if (typeof issued === "string") return fail(400, "invalid_resource", issued);
  const { token, resource } = issued;
  const expiresIn = String(token.expiresOn - Math.floor(context.now.getTime() / 1000));
  return json(
    {
      access_token: token.accessToken,
      refresh_token: "",
      expires_in: expiresIn,
      expires_on: String(token.expiresOn),
      ext_expires_in: expiresIn,
      not_before: String(token.notBefore),
      resource,
      token_type: "Bearer",
      client_id: identity.clientId,
    },
    200,
    context,
  );
}

function appService(request: Request, query: URLSearchParams, apiVersion: string | null, context: ManagedIdentityContext): Response {
  const fail = (status: number, message: string) => json({ statusCode: status, message, correlationId: context.requestId }, status, context);
  if (request.method !== "GET" && request.method !== "HEAD") return fail(405, `The managed identity endpoint answers GET, not ${request.method}.`);
  const legacy = apiVersion === "2017-09-01";
  if (!legacy && apiVersion !== "2019-08-01") return fail(400, `Invalid api-version '${apiVersion ?? ""}': use 2019-08-01 with X-IDENTITY-HEADER, or 2017-09-01 with Secret.`);
  const headerName = legacy ? "secret" : "x-identity-header";
  const sent = request.headers.get(headerName);
  const identities = context.registry.managedIdentities ?? [];
  if (sent === null || !identities.some((i) => i.identityHeader === sent)) {
    const other = legacy ? request.headers.get("x-identity-header") : request.headers.get("secret");
    const hint = other !== null ? ` (api-version ${apiVersion} reads the ${legacy ? "Secret" : "X-IDENTITY-HEADER"} header, not ${legacy ? "X-IDENTITY-HEADER" : "Secret"})` : "";
    return fail(401, `${sent === null ? "Missing" : "Invalid"} ${legacy ? "Secret" : "X-IDENTITY-HEADER"} header${hint}.`);
  }
  const identity = pickIdentity(context.registry, query, legacy ? ["clientid"] : ["client_id", "principal_id", "mi_res_id"]);
  if (!identity) return fail(400, "No managed identity with the given client_id, principal_id or mi_res_id is assigned to this app.");
  const issued = issueFor(identity, query.get("resource"), context);
  if (issued === "missing") return fail(400, "The 'resource' query parameter is missing.");
  if (typeof issued === "string") return fail(400, issued);
  const { token, resource } = issued;
  if (legacy) return json({ access_token: token.accessToken, expires_on: dotnetInvariantDate(new Date(token.expiresOn * 1000)), resource, token_type: "Bearer" }, 200, context);
  return json({ access_token: token.accessToken, expires_on: String(token.expiresOn), resource, token_type: "Bearer", client_id: identity.clientId }, 200, context);
}

/** The identity a query names (by one of `parameters`), or the first one when it names none. */
function pickIdentity(registry: Registry, query: URLSearchParams, parameters: readonly string[]): ManagedIdentity | undefined {
  const identities = registry.managedIdentities ?? [];
  for (const parameter of parameters) {
    const wanted = query.get(parameter)?.toLowerCase();
    if (wanted === undefined) continue;
    return identities.find((i) => [i.clientId, i.principalId, i.resourceId].some((v) => v.toLowerCase() === wanted));
  }
  return identities[0];
}

function issueFor(identity: ManagedIdentity, resourceParameter: string | null, context: ManagedIdentityContext): { token: IssuedToken; resource: string } | "missing" | string {
  if (!resourceParameter) return "missing";
  const requested = resourceParameter.replace(/\/\.default$/i, "");
  const tenant = context.registry.tenants.find((t) => t.id.toLowerCase() === identity.tenantId.toLowerCase());
  const resource = findResource(context.registry, requested);
  if (!resource || !tenant)
    return `AADSTS500011: The resource principal named ${requested} was not found in the tenant named ${tenant?.displayName ?? identity.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`;
  const application: Application = {
    appId: identity.clientId,
    objectId: identity.principalId,
    servicePrincipalId: identity.principalId,
    displayName: identity.displayName,
    tenantId: identity.tenantId,
    enabled: true,
    keyCredentials: [],
    appRoleGrants: {},
    azureRoles: [],
  };
  return { token: context.issue(application, tenant, resource, requested, { xms_mirid: identity.resourceId }), resource: requested };
}

function json(body: unknown, status: number, context: ManagedIdentityContext): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", "x-ms-request-id": context.requestId } });
}

/** "MM/dd/yyyy hh:mm:ss tt +00:00", the form 2017-09-01 wrote expires_on in (e.g. "09/14/2017 00:00:00 PM +00:00" in the older App Service page). */
function dotnetInvariantDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const hours = date.getUTCHours();
  return `${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${date.getUTCFullYear()} ${pad(hours % 12 || 12)}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? "AM" : "PM"} +00:00`;
}
