/**
 * What is wrong with a registry someone wrote by hand (in-process, `createMockAad({ registry })`),
 * as one sentence. The mock reads the registry as its types say; an entry missing a field, or with
 * a date as text, used to make it fail inside with a bare AADSTS50000. When that happens, the
 * mock's answer and log line now say which entry and which field, and what it should be.
 */
import { CATALOG, describeError } from "./catalog.ts";
import { entraErrorResponse, type ResponseContext } from "./error-response.ts";
import type { Application, Registry, Tenant } from "./registry.ts";

/** The first problem found, or undefined when every entry has the shape the mock reads. */
export function registryProblem(registry: Registry): string | undefined {
  if (!registry || !Array.isArray(registry.tenants) || !Array.isArray(registry.applications) || !Array.isArray(registry.resources)) {
    return "the registry needs three arrays, tenants, applications and resources (defaultRegistry() makes one to start from)";
  }
  for (const t of registry.tenants) {
    const problem = tenantProblem(t);
    if (problem) return `tenant ${describe(t?.id)} ${problem}`;
  }
  for (const a of registry.applications) {
    const problem = applicationProblem(a, registry.tenants);
    if (problem) return `application ${describe(a?.appId)} ${problem}`;
  }
  for (const r of registry.resources) {
    if (typeof r?.appId !== "string") return "a resource has no appId (a GUID string)";
    if (!isStringArray(r.identifierUris)) return `resource ${describe(r.appId)}: identifierUris must be an array of strings`;
    if (r.accessTokenVersion !== 1 && r.accessTokenVersion !== 2) return `resource ${describe(r.appId)}: accessTokenVersion must be 1 or 2`;
    if (!isStringArray(r.appRoles)) return `resource ${describe(r.appId)}: appRoles must be an array of strings (may be empty)`;
  }
  return undefined;
}

function tenantProblem(t: Tenant): string | undefined {
  if (typeof t?.id !== "string") return "has no id (the Directory (tenant) ID, a GUID string)";
  if (typeof t.displayName !== "string") return "has no displayName (a string)";
  if (!isStringArray(t.domains)) return "needs domains, an array of strings (may be empty), e.g. [\"contoso.onmicrosoft.com\"]";
  if (!isDate(t.createdDateTime)) return `needs createdDateTime as a Date, e.g. new Date("2024-01-15T09:30:00Z"), not ${typeName(t.createdDateTime)}`;
  return undefined;
}

function applicationProblem(a: Application, tenants: readonly Tenant[]): string | undefined {
  if (typeof a?.appId !== "string") return "has no appId (the Application (client) ID, a GUID string)";
  if (typeof a.tenantId !== "string") return "has no tenantId (the GUID of one of the registry's tenants)";
  if (!tenants.some((t) => typeof t?.id === "string" && t.id.toLowerCase() === a.tenantId.toLowerCase())) {
    return `has tenantId ${a.tenantId}, which matches no tenant id in the registry (${tenants.map((t) => t?.id).join(", ") || "none"}): use a tenant's id, not one of its domains`;
  }
  for (const name of ["objectId", "servicePrincipalId", "displayName"] as const) if (typeof a[name] !== "string") return `needs ${name} (a string)`;
  if (typeof a.enabled !== "boolean") return "needs enabled: true (false means sign-in is disabled, AADSTS7000112)";
  if (!Array.isArray(a.keyCredentials)) return "needs keyCredentials, an array (may be empty) of keyCredential(certificate) results";
  for (const [i, k] of a.keyCredentials.entries()) {
    if (!(k?.certificateDer instanceof Uint8Array)) return `keyCredentials[${i}] has no certificateDer bytes: make it with keyCredential(certificate), not the certificate itself`;
    if (!isDate(k.startDateTime) || !isDate(k.endDateTime)) return `keyCredentials[${i}] needs startDateTime and endDateTime as Dates (keyCredential() sets them from the certificate)`;
    if (typeof k.keyId !== "string") return `keyCredentials[${i}] needs a keyId (a GUID string)`;
  }
  if (typeof a.appRoleGrants !== "object" || a.appRoleGrants === null || Object.values(a.appRoleGrants).some((roles) => !isStringArray(roles))) {
    return "needs appRoleGrants, an object of resource appId → role names, e.g. { [GRAPH_APP_ID]: [\"User.Read.All\"] } (may be {})";
  }
  if (!isStringArray(a.azureRoles)) return "needs azureRoles, an array of strings (may be empty)";
  return undefined;
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

function isDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function typeName(value: unknown): string {
  return value === undefined ? "undefined" : value instanceof Date ? "an invalid Date" : `a ${typeof value} (${JSON.stringify(value)?.slice(0, 40)})`;
}

function describe(id: unknown): string {
  return typeof id === "string" ? id : "(without an id)";
}

/**
 * The mock's 500 when the cause is the registry: Entra's AADSTS50000 shape, its text followed by
 * the sentence that says what to change (a real Entra has no registry of yours to blame, so the
 * addition is the mock's own, and says so).
 */
export function registryErrorResponse(problem: string, context: ResponseContext): Response {
  const entry = CATALOG["50000"];
  return entraErrorResponse(entry.status, [entry.code], entry.error, `${describeError("50000", {})} mock-aad: in the registry given to createMockAad, ${problem}.`, context);
}
