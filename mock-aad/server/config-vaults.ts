/**
 * The mock Key Vault's contents for `npm run mock-aad`: the workshop's certificate and its key
 * (<out>/cert.cer and <out>/private-key.pem, from step 1) in the default vault, as the seed recipe
 * keeps its certificate in Key Vault; and the "vaults" of a --config file:
 *
 *   "vaults": [{
 *     "name": "my-vault", "tenantId": "<tenant GUID>",
 *     "certificates": [{ "name": "my-cert", "cert": "my-app.cer", "key": "my-app-key.pem", "enabled": true }],
 *     "accessPolicies": [{ "objectId": "<oid>", "keys": ["get", "list", "sign", "verify"], "certificates": ["get", "list"] }]
 *   }]
 *
 * A vault with the name of the default one (workshop-vault) adds to it; paths are relative to the
 * file. The HTTPS server's root (/keys, /certificates) serves the first vault.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { DEMO_TENANT_ID } from "../../lib/entra/demo.ts";
import { KitError } from "../../lib/errors.ts";
import { DEFAULT_VAULT_CERTIFICATE, vaultKey, type AccessPolicy, type CertificatePermission, type KeyPermission, type Vault } from "../key-vault/store.ts";
import type { Registry } from "../registry.ts";

const KEY_PERMISSIONS: readonly KeyPermission[] = ["get", "list", "sign", "verify"];
const CERTIFICATE_PERMISSIONS: readonly CertificatePermission[] = ["get", "list"];

/**
 * Puts <out>/cert.cer and <out>/private-key.pem into the default vault as DEFAULT_VAULT_CERTIFICATE
 * when both exist and belong together; returns whether it did.
 */
export function addWorkshopVaultCertificate(registry: Registry, out: string): boolean {
  const certPath = join(out, "cert.cer");
  const keyPath = join(out, "private-key.pem");
  const vault = registry.vaults?.[0];
  if (!vault || !existsSync(certPath) || !existsSync(keyPath)) return false;
  try {
    const cert = new X509Certificate(readFileSync(certPath));
    const privateKey = createPrivateKey(readFileSync(keyPath, "utf8"));
    if (!cert.publicKey.equals(createPublicKey(privateKey))) return false; // a half pair: step 1 --new left them apart
    vault.keys.push(vaultKey({ name: DEFAULT_VAULT_CERTIFICATE, privateKey, certificate: new Uint8Array(cert.raw) }));
    return true;
  } catch {
    return false;
  }
}

/** Adds the "vaults" of a parsed --config file (format in the file comment). */
export function applyVaultConfig(registry: Registry, config: Record<string, unknown>, base: string, bad: (message: string) => KitError): void {
  const vaults = config.vaults;
  if (vaults === undefined) return;
  if (!Array.isArray(vaults)) throw bad('"vaults" must be an array.');
  registry.vaults ??= [];
  for (const [i, v] of vaults.entries()) {
    const at = `vaults[${i}]`;
    if (!isObject(v) || typeof v.name !== "string" || !/^[a-z0-9-]{3,24}$/i.test(v.name)) throw bad(`${at}.name must be a vault name (3-24 letters, digits and hyphens).`);
    const existing = registry.vaults.find((x) => x.name.toLowerCase() === String(v.name).toLowerCase());
    const vault: Vault = existing ?? { name: v.name, tenantId: typeof v.tenantId === "string" ? v.tenantId.toLowerCase() : DEMO_TENANT_ID, location: "westeurope", keys: [], accessPolicies: [] };
    if (!existing) registry.vaults.push(vault);
    for (const [j, c] of list(v.certificates, `${at}.certificates`, bad).entries()) {
      const where = `${at}.certificates[${j}]`;
      if (!isObject(c) || typeof c.name !== "string" || typeof c.cert !== "string" || typeof c.key !== "string") throw bad(`${where} needs "name", "cert" and "key".`);
      const read = (p: string) => readFileSync(isAbsolute(p) ? p : join(base, p));
      let entry;
      try {
        entry = vaultKey({ name: c.name, privateKey: read(c.key).toString("utf8"), certificate: new Uint8Array(read(c.cert)), enabled: c.enabled !== false });
      } catch (error) {
        throw bad(`${where}: cannot read the certificate or key (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
      }
      vault.keys.push(entry);
    }
    for (const [j, p] of list(v.accessPolicies, `${at}.accessPolicies`, bad).entries()) {
      const where = `${at}.accessPolicies[${j}]`;
      if (!isObject(p) || typeof p.objectId !== "string") throw bad(`${where}.objectId is missing.`);
      const policy: AccessPolicy = { objectId: p.objectId, keys: permissions(p.keys, KEY_PERMISSIONS, `${where}.keys`, bad), certificates: permissions(p.certificates, CERTIFICATE_PERMISSIONS, `${where}.certificates`, bad) };
      vault.accessPolicies = [...vault.accessPolicies.filter((x) => x.objectId.toLowerCase() !== policy.objectId.toLowerCase()), policy];
    }
  }
}

function permissions<T extends string>(value: unknown, allowed: readonly T[], at: string, bad: (m: string) => KitError): T[] {
  const items = list(value, at, bad);
  const wrong = items.find((x) => !allowed.includes(x as T));
  if (wrong !== undefined) throw bad(`${at} may hold ${allowed.join(", ")}; not ${JSON.stringify(wrong)}.`);
  return items as T[];
}

function list(value: unknown, at: string, bad: (m: string) => KitError): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw bad(`${at} must be an array.`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
