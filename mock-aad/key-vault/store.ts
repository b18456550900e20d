/**
 * What the mock Key Vault holds: vaults, their keys (each with a node:crypto private key that never
 * leaves the mock), the certificates those keys back, and the access policies that say which
 * identity may do what. And the managed identities that get tokens for them (managed-identity.ts).
 *
 * A certificate in Key Vault is three objects with one name and one version: the certificate, its
 * key (/keys/{name}/{version}, "managed": true) and its secret (/secrets/{name}/{version}); the
 * certificate bundle names the other two as kid and sid. Here a VaultKey with a certificateDer is
 * both the key and the certificate (https://learn.microsoft.com/azure/key-vault/certificates/about-certificates,
 * "Composition of a Certificate").
 *
 * Like the registry, these are plain mutable objects: tests and --config add to them directly.
 */
import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { DEMO_TENANT_ID } from "../../lib/entra/demo.ts";

/** Key Vault's key permissions the mock checks (access policy model). */
export type KeyPermission = "get" | "list" | "sign" | "verify";
/** Key Vault's certificate permissions the mock checks. */
export type CertificatePermission = "get" | "list";

export interface AccessPolicy {
  /** The object ID (oid) of the identity the policy is for: a service principal or managed identity. */
  objectId: string;
  keys: KeyPermission[];
  certificates: CertificatePermission[];
}

export interface VaultKey {
  name: string;
  /** 32 lower-case hex digits, as Key Vault writes versions. */
  version: string;
  /** RSA private key; only the vault signs with it and no answer carries any part of it. */
  privateKey: KeyObject;
  /** When the key backs a certificate: the certificate's DER (GET /certificates/{name} serves it). */
  certificateDer?: Uint8Array;
  enabled: boolean;
  /** attributes.nbf and exp: outside them the vault refuses to sign (Forbidden). */
  notBefore?: Date;
  expires?: Date;
  created: Date;
  updated: Date;
}

export interface Vault {
  /** The vault's name: https://{name}.vault.azure.net. */
  name: string;
  /** The tenant whose tokens the vault accepts (AKV10032 otherwise). */
  tenantId: string;
  /** Shown in Forbidden messages, e.g. "workshop-vault;location=westeurope". */
  location: string;
  keys: VaultKey[];
  accessPolicies: AccessPolicy[];
}

export interface ManagedIdentity {
  displayName: string;
  tenantId: string;
  /** The identity's client (application) ID: appid of its tokens, client_id of the App Service answer. */
  clientId: string;
  /** The service principal's object ID: oid and sub of its tokens, what access policies name. */
  principalId: string;
  /** The Azure resource it belongs to: xms_mirid of its tokens. */
  resourceId: string;
  /** The secret the platform gives the app: IDENTITY_HEADER (X-IDENTITY-HEADER) and MSI_SECRET (Secret). */
  identityHeader: string;
}

// ── The workshop's defaults (made-up IDs, like lib/entra/demo.ts) ─────────────────────────────────

export const DEFAULT_VAULT_NAME = "workshop-vault";
/** The certificate's name in the default vault (and its key's: they share it). */
export const DEFAULT_VAULT_CERTIFICATE = "workshop-cert";
export const DEMO_IDENTITY_CLIENT_ID = "3d9e8f7a-6b5c-4d4e-9f3a-2b1c0d9e8f7a";
export const DEMO_IDENTITY_PRINCIPAL_ID = "6e5f4a3b-2c1d-4e0f-8a9b-7c6d5e4f3a2b";
/** Not a secret of anything real: the mock's App Service identity header. */
export const DEMO_IDENTITY_HEADER = "mock-aad-identity-header-not-a-secret";

/** The workshop's Function app identity: system-assigned, in the demo tenant. */
export function demoManagedIdentity(tenantId = DEMO_TENANT_ID): ManagedIdentity {
  return {
    displayName: "entra-workshop-func",
    tenantId,
    clientId: DEMO_IDENTITY_CLIENT_ID,
    principalId: DEMO_IDENTITY_PRINCIPAL_ID,
    resourceId: "/subscriptions/00000000-0000-4000-8000-000000000000/resourcegroups/entra-workshop/providers/Microsoft.Web/sites/entra-workshop-func",
    identityHeader: DEMO_IDENTITY_HEADER,
  };
}

/** The seed recipe's access policy: certificates Get, keys Get and Sign (plus List and Verify, which the SDKs use). */
export function signerPolicy(objectId: string): AccessPolicy {
  return { objectId, keys: ["get", "list", "sign", "verify"], certificates: ["get", "list"] };
}

/** The default vault: empty until a certificate is added, its policy granting the demo identity. */
export function defaultVault(tenantId = DEMO_TENANT_ID): Vault {
  return { name: DEFAULT_VAULT_NAME, tenantId, location: "westeurope", keys: [], accessPolicies: [signerPolicy(DEMO_IDENTITY_PRINCIPAL_ID)] };
}

export interface VaultKeyInput {
  name: string;
  /** PKCS#8 or PKCS#1 PEM, or a node KeyObject. */
  privateKey: string | KeyObject;
  /** The certificate (DER or PEM) this key backs; its dates become the key's nbf and exp. */
  certificate?: Uint8Array | string;
  version?: string;
  enabled?: boolean;
  notBefore?: Date;
  expires?: Date;
  /** Default: the certificate's notBefore, or 2024-01-15. */
  created?: Date;
}

/**
 * A key (and certificate) for a vault. Without a version one is derived from the key's public part
 * (SHA-256), so the same key always gets the same version and --fixed runs stay reproducible.
 */
export function vaultKey(input: VaultKeyInput): VaultKey {
  const privateKey = typeof input.privateKey === "string" ? createPrivateKey(input.privateKey) : input.privateKey;
  if (privateKey.asymmetricKeyType !== "rsa") throw new TypeError(`mock Key Vault keys are RSA; this one is ${privateKey.asymmetricKeyType}.`);
  // Key Vault's RSA keys are 2048, 3072 or 4096 bits (Microsoft Learn, "About keys"); a smaller one
  // could not hold a PS512 or RS512 signature, and would make sign fail inside the mock.
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 2048) throw new TypeError(`mock Key Vault keys are RSA 2048, 3072 or 4096 bits, as Key Vault's are; this one has ${bits}.`);
  const cert = input.certificate === undefined ? undefined : new X509Certificate(typeof input.certificate === "string" ? input.certificate : Buffer.from(input.certificate));
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  const created = input.created ?? (cert ? new Date(cert.validFrom) : new Date("2024-01-15T09:30:00Z"));
  return {
    name: input.name,
    version: input.version ?? createHash("sha256").update(spki).digest("hex").slice(0, 32),
    privateKey,
    ...(cert ? { certificateDer: new Uint8Array(cert.raw) } : {}),
    enabled: input.enabled ?? true,
    ...(input.notBefore ?? cert ? { notBefore: input.notBefore ?? new Date(cert!.validFrom) } : {}),
    ...(input.expires ?? cert ? { expires: input.expires ?? new Date(cert!.validTo) } : {}),
    created,
    updated: created,
  };
}

/** The vault that serves https://{name}.vault.azure.net (case-insensitive), or the HTTPS server's root (the first). */
export function findVault(vaults: readonly Vault[], name?: string): Vault | undefined {
  if (name === undefined) return vaults[0];
  return vaults.find((v) => v.name.toLowerCase() === name.toLowerCase());
}
