/**
 * The registry `npm run mock-aad` serves: the default one, adjusted by --cert, --tenant and
 * --client-id, plus what a --config file adds.
 *
 * The --config file is JSON, added to the default registry (an entry with the id of a default one
 * replaces it); certificate paths are relative to the file:
 *
 *   {
 *     "tenants": [{ "id": "<tenant GUID>", "displayName": "Contoso", "domains": ["contoso.onmicrosoft.com"] }],
 *     "applications": [{
 *       "appId": "<client GUID>", "tenantId": "<tenant GUID>", "displayName": "my daemon",
 *       "keyCredentials": ["my-app.cer", { "path": "old.pem", "start": "2025-01-01", "end": "2026-01-01" }],
 *       "appRoleGrants": { "https://graph.microsoft.com": ["User.Read.All"] },
 *       "azureRoles": ["Azure Digital Twins Data Reader"], "enabled": true
 *     }],
 *     "resources": [{ "appId": "<GUID>", "identifierUris": ["api://my-api"], "displayName": "My API",
 *                     "accessTokenVersion": 2, "appRoles": ["Things.Read"] }],
 *     "vaults": [ … Key Vault's vaults, certificates and access policies: config-vaults.ts ]
 *   }
 *
 * appRoleGrants keys are a resource's appId or one of its identifier URIs. "keyCredentials" is
 * Graph's name for an application's registered certificates, and the in-process one (Application,
 * defaultRegistry); the file's older name "certificates" is still read, with a deprecation line.
 * A key credential may also carry "keyId" and "displayName" (by default made from the certificate).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { DEMO_TENANT_ID } from "../../lib/entra/demo.ts";
import { KitError } from "../../lib/errors.ts";
import { parseCertificate } from "../../lib/formats/x509/index.ts";
import {
  defaultRegistry,
  findResource,
  isGuid,
  keyCredential,
  type Application,
  type Registry,
  type Resource,
  type Tenant,
} from "../registry.ts";
import { addWorkshopVaultCertificate, applyVaultConfig } from "./config-vaults.ts";
import { helpCommand, INVOCATION, type Invocation, type MockAadCliOptions, type RegistrySetup } from "./options.ts";

export type { RegistrySetup } from "./options.ts";

export function buildRegistry(options: MockAadCliOptions): RegistrySetup {
  const certificates: Array<{ file: string; der: Uint8Array }> = [];
  if (options.certFiles.length > 0) {
    for (const file of options.certFiles) certificates.push({ file, der: readCertificateFile(file, "--cert", options.invokedAs) });
  } else {
    for (const der of workshopCertificates(options.out)) certificates.push({ file: join(options.out, "cert.cer"), der });
  }
  const registry = defaultRegistry({ keyCredentials: certificates.map((c) => c.der) });
  const tenant = registry.tenants[0]!;
  const app = registry.applications[0]!;
  if (options.tenant !== undefined) {
    if (isGuid(options.tenant)) {
      tenant.id = options.tenant.toLowerCase();
      app.tenantId = tenant.id;
      for (const holder of [...(registry.vaults ?? []), ...(registry.managedIdentities ?? [])]) holder.tenantId = tenant.id;
    } else {
      tenant.domains.unshift(options.tenant.toLowerCase());
    }
  }
  if (options.clientId !== undefined) app.appId = options.clientId;
  if (options.certFiles.length === 0) addWorkshopVaultCertificate(registry, options.out);
  const warnings = options.config === undefined ? [] : applyConfigFile(registry, options.config, options.invokedAs);
  return {
    warnings,
    registry,
    tenant: options.tenant ?? DEMO_TENANT_ID,
    clientId: app.appId,
    certificates,
    noCertificate: certificates.length === 0,
  };
}

function readCertificateFile(file: string, what: string, how: Invocation): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    const hint =
      what !== "--cert"
        ? "Check the path: certificate paths are relative to the --config file."
        : how === "kit"
          ? "Check the path; npm run step 1 makes .workshop/cert.cer."
          : "Check the path: relative paths start from the folder you ran the command in.";
    throw new KitError("CERT_FILE", `Cannot read the certificate ${file} given by ${what} (${code}).`, hint);
  }
  try {
    return parseCertificate(bytes).der;
  } catch (error) {
    if (error instanceof KitError) throw new KitError(error.code, `${file}: ${error.message}`, error.hint);
    throw error;
  }
}

/**
 * Adds the tenants, applications and resources of a --config JSON file (format in the file comment);
 * returns the deprecation lines to print (one per old name used).
 */
export function applyConfigFile(registry: Registry, path: string, how: Invocation = INVOCATION): string[] {
  const warnings: string[] = [];
  let config: unknown;
  try {
    config = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KitError(
      "CONFIG",
      code ? `Cannot read the --config file ${path} (${code}).` : `The --config file ${path} is not valid JSON: ${(error as Error).message}.`,
      `See ${helpCommand(how)} for the format.`,
    );
  }
  const bad = (message: string) => new KitError("CONFIG", `${path}: ${message}`, `See ${helpCommand(how)} for the format.`);
  if (!isObject(config)) throw bad("the top level must be a JSON object.");
  const base = dirname(resolve(path));

  for (const [i, t] of arrayOf(config, "tenants", bad).entries()) {
    if (!isObject(t) || typeof t.id !== "string" || !isGuid(t.id)) throw bad(`tenants[${i}].id must be a GUID.`);
    const tenant: Tenant = {
      id: t.id.toLowerCase(),
      displayName: typeof t.displayName === "string" ? t.displayName : t.id,
      domains: stringArray(t.domains, `tenants[${i}].domains`, bad),
      createdDateTime: new Date(typeof t.createdDateTime === "string" ? t.createdDateTime : "2024-01-01T00:00:00Z"),
    };
    replaceOrAdd(registry.tenants, tenant, (x) => x.id === tenant.id);
  }

  for (const [i, r] of arrayOf(config, "resources", bad).entries()) {
    if (!isObject(r) || typeof r.appId !== "string") throw bad(`resources[${i}].appId is missing.`);
    const version = r.accessTokenVersion ?? 2;
    if (version !== 1 && version !== 2) throw bad(`resources[${i}].accessTokenVersion must be 1 or 2.`);
    const resource: Resource = {
      appId: r.appId,
      displayName: typeof r.displayName === "string" ? r.displayName : r.appId,
      identifierUris: stringArray(r.identifierUris, `resources[${i}].identifierUris`, bad),
      accessTokenVersion: version,
      appRoles: stringArray(r.appRoles, `resources[${i}].appRoles`, bad),
    };
    replaceOrAdd(registry.resources, resource, (x) => x.appId.toLowerCase() === resource.appId.toLowerCase());
  }

  for (const [i, a] of arrayOf(config, "applications", bad).entries()) {
    const at = `applications[${i}]`;
    if (!isObject(a) || typeof a.appId !== "string" || !isGuid(a.appId)) throw bad(`${at}.appId must be a GUID.`);
    if (typeof a.tenantId !== "string" || !registry.tenants.some((t) => t.id === String(a.tenantId).toLowerCase())) {
      throw bad(`${at}.tenantId must be the id of a tenant in the file or the demo tenant.`);
    }
    const grants: Record<string, string[]> = {};
    if (a.appRoleGrants !== undefined) {
      if (!isObject(a.appRoleGrants)) throw bad(`${at}.appRoleGrants must be an object.`);
      for (const [key, roles] of Object.entries(a.appRoleGrants)) {
        const resource = findResource(registry, key);
        if (!resource) throw bad(`${at}.appRoleGrants names "${key}", which is not a resource of the registry.`);
        grants[resource.appId] = stringArray(roles, `${at}.appRoleGrants["${key}"]`, bad);
      }
    }
    if (a.keyCredentials !== undefined && a.certificates !== undefined) throw bad(`${at} has both "keyCredentials" and its old name "certificates": keep "keyCredentials".`);
    const name = a.keyCredentials === undefined && a.certificates !== undefined ? "certificates" : "keyCredentials";
    if (name === "certificates") warnings.push(`${path}: ${at}.certificates is deprecated: rename it "keyCredentials" (Graph's name, and the in-process one).`);
    const certificates = a[name] ?? [];
    if (!Array.isArray(certificates)) throw bad(`${at}.${name} must be an array.`);
    const app: Application = {
      appId: a.appId.toLowerCase(),
      objectId: typeof a.objectId === "string" ? a.objectId : crypto.randomUUID(),
      servicePrincipalId: typeof a.servicePrincipalId === "string" ? a.servicePrincipalId : crypto.randomUUID(),
      displayName: typeof a.displayName === "string" ? a.displayName : a.appId,
      tenantId: a.tenantId.toLowerCase(),
      enabled: a.enabled !== false,
      keyCredentials: certificates.map((c: unknown, j: number) => {
        const entry = typeof c === "string" ? { path: c } : c;
        if (!isObject(entry) || typeof entry.path !== "string") throw bad(`${at}.${name}[${j}] must be a path or { "path": … }.`);
        const der = readCertificateFile(isAbsolute(entry.path) ? entry.path : join(base, entry.path), `${path} ${at}`, how);
        const start = optionalDate(entry.start, `${at}.${name}[${j}].start`, bad);
        const end = optionalDate(entry.end, `${at}.${name}[${j}].end`, bad);
        const keyId = optionalString(entry.keyId, `${at}.${name}[${j}].keyId`, bad);
        const displayName = optionalString(entry.displayName, `${at}.${name}[${j}].displayName`, bad);
        return keyCredential(der, { ...(start && { start }), ...(end && { end }), ...(keyId && { keyId }), ...(displayName && { displayName }) });
      }),
      appRoleGrants: grants,
      azureRoles: stringArray(a.azureRoles, `${at}.azureRoles`, bad),
    };
    replaceOrAdd(registry.applications, app, (x) => x.appId === app.appId && x.tenantId === app.tenantId);
  }
  applyVaultConfig(registry, config, base, bad);
  return warnings;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function arrayOf(config: Record<string, unknown>, key: string, bad: (m: string) => KitError): unknown[] {
  const value = config[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad(`"${key}" must be an array.`);
  return value;
}

function stringArray(value: unknown, at: string, bad: (m: string) => KitError): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) throw bad(`${at} must be an array of strings.`);
  return value as string[];
}

function optionalString(value: unknown, at: string, bad: (m: string) => KitError): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw bad(`${at} must be a non-empty string.`);
  return value;
}

function optionalDate(value: unknown, at: string, bad: (m: string) => KitError): Date | undefined {
  if (value === undefined) return undefined;
  const date = typeof value === "string" ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw bad(`${at} must be a date such as "2026-01-31".`);
  return date;
}

function replaceOrAdd<T>(list: T[], item: T, same: (x: T) => boolean): void {
  const index = list.findIndex(same);
  if (index >= 0) list[index] = item;
  else list.push(item);
}

/** The workshop's certificate, `<dir>/cert.cer` (written by step 1), when it exists: the CLI's default registration. */
export function workshopCertificates(dir: string): Uint8Array[] {
  const path = join(dir, "cert.cer");
  return existsSync(path) ? [new Uint8Array(readFileSync(path))] : [];
}
