/**
 * What the mock Entra ID knows: tenants, applications with their registered certificates
 * (Entra's "key credentials") and granted roles, and the APIs (resources) tokens can be asked for.
 *
 * The registry is a plain mutable object: tests and the server's --config add to it directly.
 * Certificates are read with node:crypto's X509Certificate: the mock uses node:crypto alone, for
 * what it registers as for how it judges assertions (check-assertion.ts).
 */
import { createHash, X509Certificate } from "node:crypto";
import { DEMO_CLIENT_ID, DEMO_TENANT_DOMAIN, DEMO_TENANT_ID } from "../lib/entra/demo.ts";
import { defaultVault, demoManagedIdentity, type ManagedIdentity, type Vault } from "./key-vault/store.ts";

export interface Tenant {
  /** The Directory (tenant) ID, a GUID, lower case. */
  id: string;
  displayName: string;
  /** Verified domain names, e.g. contoso.onmicrosoft.com. */
  domains: string[];
  /** When the tenant was created; access tokens carry it as xms_tcdt (seconds). */
  createdDateTime: Date;
}

/** A registered certificate, as Graph shows it under application.keyCredentials. */
export interface KeyCredential {
  /** GUID naming this credential (Graph's keyId). */
  keyId: string;
  /** The certificate DER, as uploaded (the .cer file). */
  certificateDer: Uint8Array;
  /** From and until when Entra accepts the key; by default the certificate's notBefore and notAfter. */
  startDateTime: Date;
  endDateTime: Date;
  displayName: string;
}

export interface Application {
  /** The Application (client) ID. */
  appId: string;
  /** The application object's ID (Graph /applications/{id}). */
  objectId: string;
  /** The service principal's object ID in the tenant: the oid and sub of its app-only tokens. */
  servicePrincipalId: string;
  displayName: string;
  /** The tenant it is registered in. */
  tenantId: string;
  /** false: sign-in disabled (AADSTS7000112). */
  enabled: boolean;
  keyCredentials: KeyCredential[];
  /** Application permissions granted (admin-consented), by resource appId: they become the token's roles. */
  appRoleGrants: Record<string, string[]>;
  /** Azure RBAC data-plane roles (for Azure Digital Twins), e.g. "Azure Digital Twins Data Reader". */
  azureRoles: string[];
}

export interface Resource {
  /** The API's application ID (v2 tokens carry it as aud). */
  appId: string;
  displayName: string;
  /** Application ID URIs, e.g. https://graph.microsoft.com; v1 tokens carry the one asked for as aud. */
  identifierUris: string[];
  /** accessTokenAcceptedVersion of the API's manifest: which token format it gets. */
  accessTokenVersion: 1 | 2;
  /** Application permissions (app roles) the API defines. */
  appRoles: string[];
}

export interface Registry {
  tenants: Tenant[];
  applications: Application[];
  resources: Resource[];
  /** Key Vault's vaults (key-vault/store.ts); the HTTPS server's root serves the first. */
  vaults?: Vault[];
  /** Managed identities the IMDS and App Service endpoints give tokens to (managed-identity.ts); the first answers. */
  managedIdentities?: ManagedIdentity[];
}

// ── Well-known and demo identifiers ─────────────────────────────────────────────────────────────

/** Microsoft Graph's application ID, the same in every tenant. */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
export const GRAPH_RESOURCE = "https://graph.microsoft.com";
/** Azure Digital Twins' application ID, the same in every tenant. */
export const ADT_APP_ID = "0b07f429-9f4b-4714-9392-cc5e8e80c8b0";
export const ADT_RESOURCE = "https://digitaltwins.azure.net";
/**
 * Azure Resource Manager: the "Windows Azure Service Management API" application, the same in
 * every tenant, with two identifier URIs. The Azure CLI asks for the older one with its trailing
 * slash (scope https://management.core.windows.net//.default), the Azure SDKs for
 * https://management.azure.com/.default; v1 tokens carry the one asked for as aud.
 */
export const ARM_APP_ID = "797f4846-ba00-4fd7-ba43-dac1f8f63013";
export const ARM_RESOURCE = "https://management.azure.com";
export const ARM_CLASSIC_RESOURCE = "https://management.core.windows.net";
/** Azure Key Vault's application ID, the same in every tenant; its tokens are v1 with aud https://vault.azure.net. */
export const KEY_VAULT_APP_ID = "cfa8b339-82a2-471a-a3c9-0fc0be7a4093";
export const KEY_VAULT_RESOURCE = "https://vault.azure.net";
/** The workshop's own demo API (made-up IDs, like those in lib/entra/demo.ts). */
export const DEMO_API_APP_ID = "5e7a9c1b-3d2f-4e6a-8b0c-1d2e3f4a5b6c";
export const DEMO_API_RESOURCE = "api://entra-workshop-demo-api";

/** Made-up object IDs of the demo app (application object and service principal). */
export const DEMO_APP_OBJECT_ID = "2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182";
export const DEMO_SERVICE_PRINCIPAL_ID = "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f";
export const DEMO_APP_DISPLAY_NAME = "Entra workshop demo app";
export const DEMO_TENANT_DISPLAY_NAME = "Entra Workshop Demo";

// ── Building entries ─────────────────────────────────────────────────────────────────────────────

export interface KeyCredentialOptions {
  /** Default: the certificate's notBefore (what the portal stores when you upload a .cer). */
  start?: Date;
  /** Default: the certificate's notAfter. */
  end?: Date;
  keyId?: string;
  displayName?: string;
}

/**
 * A key credential from a certificate: DER bytes, PEM text, or bytes holding PEM. Without a keyId
 * one is derived from the certificate (a GUID made of its SHA-256), so the same certificate always
 * gets the same keyId and --fixed runs stay reproducible.
 */
export function keyCredential(certificate: Uint8Array | string, options: KeyCredentialOptions = {}): KeyCredential {
  // node:crypto reads the certificate (DER or PEM), like everything the mock judges with.
  const x = new X509Certificate(typeof certificate === "string" ? certificate : Buffer.from(certificate));
  const der = new Uint8Array(x.raw);
  return {
    keyId: options.keyId ?? keyIdFor(der),
    certificateDer: der,
    startDateTime: options.start ?? new Date(x.validFrom),
    endDateTime: options.end ?? new Date(x.validTo),
    // node lists the name in DER order, one attribute a line; Entra shows it most specific first.
    displayName: options.displayName ?? x.subject.split("\n").reverse().join(", "),
  };
}

function keyIdFor(der: Uint8Array): string {
  const b = createHash("sha256").update(der).digest();
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4 layout
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = b.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The resources of the default registry. */
export function defaultResources(): Resource[] {
  return [
    {
      appId: GRAPH_APP_ID,
      displayName: "Microsoft Graph",
      identifierUris: [GRAPH_RESOURCE],
      accessTokenVersion: 1,
      appRoles: [
        "Application.Read.All",
        "Application.ReadWrite.All",
        "Directory.Read.All",
        "User.Read.All",
        "User.ReadWrite.All",
        "Organization.Read.All",
        "Organization.ReadWrite.All",
        "Directory.ReadWrite.All",
      ],
    },
    {
      appId: ADT_APP_ID,
      displayName: "Azure Digital Twins",
      identifierUris: [ADT_RESOURCE],
      accessTokenVersion: 1,
      appRoles: [],
    },
    {
      // No app roles: ARM authorizes with Azure RBAC role assignments, not token roles. The
      // identifier URIs are stored without the trailing slash; findResource tolerates one.
      appId: ARM_APP_ID,
      displayName: "Windows Azure Service Management API",
      identifierUris: [ARM_CLASSIC_RESOURCE, ARM_RESOURCE],
      accessTokenVersion: 1,
      appRoles: [],
    },
    {
      // Key Vault authorizes with access policies or Azure RBAC, not token roles.
      appId: KEY_VAULT_APP_ID,
      displayName: "Azure Key Vault",
      identifierUris: [KEY_VAULT_RESOURCE],
      accessTokenVersion: 1,
      appRoles: [],
    },
    {
      appId: DEMO_API_APP_ID,
      displayName: "Entra workshop demo API",
      identifierUris: [DEMO_API_RESOURCE],
      accessTokenVersion: 2,
      appRoles: ["Demo.Read"],
    },
  ];
}

export interface DefaultRegistryOptions {
  /**
   * The demo app's registered certificates (Graph's application.keyCredentials, the same name as in
   * Application and in --config): certificates as DER or PEM, or entries made by keyCredential() for
   * other dates or a keyId of your own.
   */
  keyCredentials?: Array<KeyCredential | Uint8Array | string>;
  /** @deprecated The old name of keyCredentials (certificates only); use keyCredentials. */
  certificates?: Array<Uint8Array | string>;
}

/** A registered certificate from what a caller gives: a KeyCredential as it is, a certificate (DER or PEM) through keyCredential(). */
function asKeyCredential(entry: KeyCredential | Uint8Array | string): KeyCredential {
  // By shape, not instanceof: a Buffer from another realm (jest's test contexts) is no instanceof Uint8Array here.
  return typeof entry === "object" && "certificateDer" in entry ? entry : keyCredential(entry);
}

/**
 * The demo tenant (DEMO_TENANT_ID, DEMO_TENANT_DOMAIN) with the demo app (DEMO_CLIENT_ID,
 * "Entra workshop demo app") holding the given key credentials and these grants: Graph
 * Application.Read.All, Organization.Read.All (Get-MgOrganization, seed 003) and User.Read.All, the demo API's Demo.Read, and Azure Digital Twins Data
 * Reader (an Azure role, not a token role, as in Azure).
 */
export function defaultRegistry(options: DefaultRegistryOptions = {}): Registry {
  return {
    tenants: [
      {
        id: DEMO_TENANT_ID,
        displayName: DEMO_TENANT_DISPLAY_NAME,
        domains: [DEMO_TENANT_DOMAIN],
        createdDateTime: new Date("2024-01-15T09:30:00Z"),
      },
    ],
    applications: [
      {
        appId: DEMO_CLIENT_ID,
        objectId: DEMO_APP_OBJECT_ID,
        servicePrincipalId: DEMO_SERVICE_PRINCIPAL_ID,
        displayName: DEMO_APP_DISPLAY_NAME,
        tenantId: DEMO_TENANT_ID,
        enabled: true,
        keyCredentials: [...(options.keyCredentials ?? []), ...(options.certificates ?? [])].map(asKeyCredential),
        appRoleGrants: {
          [GRAPH_APP_ID]: ["Application.Read.All", "Organization.Read.All", "User.Read.All"],
          [DEMO_API_APP_ID]: ["Demo.Read"],
        },
        azureRoles: ["Azure Digital Twins Data Reader"],
      },
    ],
    resources: defaultResources(),
    vaults: [defaultVault()],
    managedIdentities: [demoManagedIdentity()],
  };
}

// ── Looking things up ────────────────────────────────────────────────────────────────────────────

export { isGuid } from "../lib/entra/protocol.ts";

/** A tenant by GUID or domain, case-insensitively (MSAL lower-cases the tenant in the URL). */
export function findTenant(registry: Registry, idOrDomain: string): Tenant | undefined {
  const wanted = idOrDomain.toLowerCase();
  return registry.tenants.find((t) => t.id.toLowerCase() === wanted || t.domains.some((d) => d.toLowerCase() === wanted));
}

/** An application registered in the tenant, by client ID (case-insensitive GUID). */
export function findApplication(registry: Registry, tenantId: string, appId: string): Application | undefined {
  const wanted = appId.toLowerCase();
  return registry.applications.find((a) => a.tenantId.toLowerCase() === tenantId.toLowerCase() && a.appId.toLowerCase() === wanted);
}

/**
 * A resource by application ID URI (case-insensitive, one trailing slash tolerated, as Entra does
 * for https://graph.microsoft.com/) or by its app ID.
 */
export function findResource(registry: Registry, identifier: string): Resource | undefined {
  const wanted = identifier.toLowerCase();
  const trimmed = wanted.endsWith("/") ? wanted.slice(0, -1) : wanted;
  return registry.resources.find((r) => r.appId.toLowerCase() === wanted || r.identifierUris.some((u) => u.toLowerCase() === trimmed));
}
