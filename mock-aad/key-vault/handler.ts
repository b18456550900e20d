/**
 * The mock Key Vault's data plane (host {vault}.vault.azure.net; the root of the HTTPS server's
 * origin for the first vault), shaped as the Key Vault REST reference documents it
 * (https://learn.microsoft.com/rest/api/keyvault/, api-version 7.0 and later, 7.4+ in the SDKs):
 *
 *   GET  /keys                                  KeyListResult {value: [KeyItem {kid, attributes, managed}], nextLink: null}
 *   GET  /keys/{name}[/{version}]               KeyBundle {key: JsonWebKey {kid, kty, key_ops, n, e}, attributes, managed}
 *                                               (the public part only: never d, p, q, dp, dq, qi)
 *   POST /keys/{name}/{version}/sign            {alg, value: base64url digest} → KeyOperationResult {kid, value: base64url signature}
 *   POST /keys/{name}/{version}/verify          {alg, digest, value} → KeyVerifyResult {value: true|false}
 *   GET  /certificates                          CertificateListResult {value: [CertificateItem {id, x5t, attributes}], nextLink: null}
 *   GET  /certificates/{name}[/{version}]       CertificateBundle {id, kid, sid, x5t (base64url SHA-1), cer (base64 DER), attributes}
 *
 * An empty version (…/keys/{name}//sign, or …/keys/{name}/sign) means the latest, as Key Vault
 * treats it. Attributes are enabled, nbf, exp, created, updated (Unix seconds), recoveryLevel.
 *
 * In this order: a bearer token (401 and the challenge), the token's audience and tenant (401
 * AKV10022 / AKV10032), api-version (400), the path and method (404/405), the caller's access
 * policy for the operation (403), the object (404), the key's state (403), the body (400).
 * Errors and their sources: errors.ts. Signing: algorithms.ts (node:crypto).
 */
import { createHash, createPublicKey, X509Certificate } from "node:crypto";
import { decodeSafely, payloadOf } from "../arm.ts";
import { checkBearer } from "../bearer.ts";
import { readBodyAtMost } from "../form.ts";
import { KEY_VAULT_APP_ID, KEY_VAULT_RESOURCE } from "../registry.ts";
import type { ResourceContext } from "../resource-apis.ts";
import { signatureAlgorithm, signDigest, SIGNATURE_ALGORITHMS, verifyDigest } from "./algorithms.ts";
import { keyNotFound, vaultError, vaultJson, type VaultResponseContext } from "./errors.ts";
import type { AccessPolicy, CertificatePermission, KeyPermission, Vault, VaultKey } from "./store.ts";

/** Tokens for these audiences are Key Vault's (v1 tokens carry the resource as asked for). */
export const KEY_VAULT_AUDIENCES = [KEY_VAULT_RESOURCE, `${KEY_VAULT_RESOURCE}/`, KEY_VAULT_APP_ID];

/** Sign and verify bodies are a few hundred bytes; more than this is refused (inferred limit). */
export const MAX_VAULT_BODY_BYTES = 64 * 1024;

export interface KeyVaultContext extends ResourceContext {
  /** The vault's URL as its identifiers write it: https://{name}.vault.azure.net, or the server's origin. */
  vaultUrl: string;
  /** For PSS salts (injectable, so --fixed runs reproduce). */
  randomBytes: (length: number) => Uint8Array;
}

type Operation =
  | { kind: "keys"; permission: KeyPermission }
  | { kind: "key"; name: string; version: string; permission: KeyPermission; action?: "sign" | "verify" }
  | { kind: "certificates"; permission: CertificatePermission }
  | { kind: "certificate"; name: string; version: string; permission: CertificatePermission };

/** `vault` undefined: the host names a vault the mock does not have. `path` is the path inside the vault. */
export async function handleKeyVault(request: Request, path: string, query: URLSearchParams, vault: Vault | undefined, context: KeyVaultContext): Promise<Response> {
  const tenantId = vault?.tenantId ?? context.registry.tenants[0]?.id ?? "common";
  const answer: VaultResponseContext = { requestId: context.requestId, clientRequestId: request.headers.get("x-ms-client-request-id"), authorization: `${context.authority}/${tenantId}` };
  const fail = (status: number, code: string, message: string, inner?: string) => vaultError(answer, status, code, message, inner);

  // 1. The bearer token: the challenge first, as the SDKs expect (their first request carries none).
  const authorization = request.headers.get("authorization");
  if (authorization === null || !/^Bearer\s+\S+\s*$/i.test(authorization)) return fail(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.");
  const claims = payloadOf(authorization.trim().split(/\s+/)[1]!);
  const aud = typeof claims?.aud === "string" ? claims.aud : "";
  const verdict = checkBearer({ request, jwks: context.jwks, audiences: [aud], now: context.now });
  if (!verdict.ok) return fail(401, "Unauthorized", `The access token is not valid: ${verdict.message} (mock-aad)`);
  if (!KEY_VAULT_AUDIENCES.some((a) => a.toLowerCase() === aud.toLowerCase())) return fail(401, "Unauthorized", `AKV10022: Invalid audience. Expected ${KEY_VAULT_RESOURCE}, found: ${aud}.`);
  if (!vault) return fail(404, "VaultNotFound", `mock-aad has no vault at this host; it serves ${context.registry.vaults?.map((v) => `${v.name}.vault.azure.net`).join(", ") || "none"}.`);
  const tid = String(verdict.claims.tid ?? "");
  if (tid.toLowerCase() !== vault.tenantId.toLowerCase())
    return fail(401, "Unauthorized", `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${vault.tenantId}/, found ${String(verdict.claims.iss)}.`);

  // 2. api-version, on every request.
  const apiVersion = query.get("api-version");
  if (!apiVersion) return fail(400, "BadParameter", "The api-version query parameter is missing: add ?api-version=7.4 (or later).");
  if (!/^7\.\d+(-preview(\.\d+)?)?$|^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion))
    return fail(400, "BadParameter", `The specified version (${apiVersion}) is not recognized. Consider using the latest supported version (7.6).`);

  // 3. What is asked for.
  const operation = parseOperation(request.method, path);
  if (!operation) return fail(404, "BadParameter", `mock-aad's Key Vault does not serve ${request.method} ${path}: it serves keys (list, get, sign, verify) and certificates (list, get).`);
  if (operation === "method") return fail(405, "MethodNotAllowed", `The requested resource does not support http method '${request.method}'.`);

  // 4. The caller's access policy.
  const oid = String(verdict.claims.oid ?? "");
  const policy = vault.accessPolicies.find((p) => p.objectId.toLowerCase() === oid.toLowerCase());
  if (!allows(policy, operation)) {
    const caller = `appid=${String(verdict.claims.appid ?? verdict.claims.azp ?? "")};oid=${oid};iss=${String(verdict.claims.iss)}`;
    const what = operation.kind.startsWith("key") ? "keys" : "certificates";
    return fail(
      403,
      "Forbidden",
      `The user, group or application '${caller}' does not have ${what} ${operation.permission} permission on key vault '${vault.name};location=${vault.location}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
      "AccessDenied",
    );
  }

  const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
  const attributes = (k: VaultKey) => ({
    enabled: k.enabled,
    ...(k.notBefore ? { nbf: seconds(k.notBefore) } : {}),
    ...(k.expires ? { exp: seconds(k.expires) } : {}),
    created: seconds(k.created),
    updated: seconds(k.updated),
    recoveryLevel: "Recoverable+Purgeable",
    recoverableDays: 90,
  });
  const kid = (k: VaultKey) => `${context.vaultUrl}/keys/${k.name}/${k.version}`;

  // 5. The answer.
  if (operation.kind === "keys") return vaultJson({ value: vault.keys.map((k) => ({ kid: `${context.vaultUrl}/keys/${k.name}`, attributes: attributes(k), ...(k.certificateDer ? { managed: true } : {}) })), nextLink: null }, answer);
  if (operation.kind === "certificates")
    return vaultJson({ value: vault.keys.filter((k) => k.certificateDer).map((k) => ({ id: `${context.vaultUrl}/certificates/${k.name}`, x5t: x5t(k.certificateDer!), attributes: attributes(k) })), nextLink: null }, answer);

  const key = findKey(vault, operation.name, operation.version, operation.kind === "certificate");
  if (!key) return keyNotFound(answer, operation.kind === "key" ? "key" : "certificate", operation.version ? `${operation.name}/${operation.version}` : operation.name);

  if (operation.kind === "certificate") {
    const der = key.certificateDer!;
    const cert = new X509Certificate(Buffer.from(der));
    return vaultJson(
      {
        id: `${context.vaultUrl}/certificates/${key.name}/${key.version}`,
        kid: kid(key),
        sid: `${context.vaultUrl}/secrets/${key.name}/${key.version}`,
        x5t: x5t(der),
        cer: Buffer.from(der).toString("base64"),
        attributes: attributes(key),
        policy: certificatePolicy(context.vaultUrl, key, cert),
      },
      answer,
    );
  }

  if (!operation.action) {
    const jwk = createPublicKey(key.privateKey).export({ format: "jwk" }) as { n: string; e: string };
    // The public JWK only: kty, n, e and the operations; the private members never leave the vault.
    return vaultJson({ key: { kid: kid(key), kty: "RSA", key_ops: ["sign", "verify"], n: jwk.n, e: jwk.e }, attributes: attributes(key), ...(key.certificateDer ? { managed: true } : {}) }, answer);
  }

  // Sign and verify: the key's state, then the body.
  const now = context.now.getTime();
  const refuse = (why: string, inner: string) => fail(403, "Forbidden", `Operation ${operation.action} is not allowed on ${why} key.`, inner);
  if (!key.enabled) return refuse("a disabled", "KeyDisabled");
  if (key.expires && now >= key.expires.getTime()) return refuse("an expired", "KeyExpired");
  if (key.notBefore && now < key.notBefore.getTime()) return refuse("a not yet valid", "KeyNotYetValid");

  const bytes = await readBodyAtMost(request, MAX_VAULT_BODY_BYTES);
  if (bytes === undefined) return fail(400, "BadParameter", `The request body is larger than ${MAX_VAULT_BODY_BYTES} bytes; a ${operation.action} request is {"alg":"RS256","value":"<base64url digest>"}.`);
  const body = parseJsonObject(bytes);
  if (!body) return fail(400, "BadParameter", "Bad JSON content found in the request: the body is a JSON object.");
  const algorithm = signatureAlgorithm(body.alg);
  if (!algorithm)
    return fail(400, "BadParameter", `Invalid algorithm ${JSON.stringify(body.alg ?? null)}: an RSA key signs with ${SIGNATURE_ALGORITHMS.map((a) => a.alg).join(", ")}.`);
  const digestField = operation.action === "sign" ? "value" : "digest";
  const digest = decodeBase64Url(body[digestField]);
  if (!digest) return fail(400, "BadParameter", `Property '${digestField}' is not a base64url string.`);
  if (digest.length !== algorithm.digestBytes)
    return fail(400, "BadParameter", `Invalid length of '${digestField}': ${digest.length} bytes. ${algorithm.alg} requires ${algorithm.digestBytes} bytes, encoded with base64url.`);

  if (operation.action === "sign") return vaultJson({ kid: kid(key), value: signDigest(algorithm, key.privateKey, digest, Buffer.from(context.randomBytes(algorithm.digestBytes))).toString("base64url") }, answer);
  const signature = decodeBase64Url(body.value);
  if (!signature) return fail(400, "BadParameter", "Property 'value' is not a base64url string.");
  return vaultJson({ value: verifyDigest(algorithm, key.privateKey, digest, signature) }, answer);
}

/** null: no such endpoint; "method": the path exists but not with this method. */
function parseOperation(method: string, path: string): Operation | null | "method" {
  // An empty segment inside (keys/{name}//sign) stands for the empty version; leading and trailing slashes are dropped.
  const parts = path.replace(/^\/+/, "").replace(/\/+$/, "").split("/").map(decodeSafely);
  const collection = parts[0]?.toLowerCase();
  const get = method === "GET" || method === "HEAD";
  if (collection === "keys") {
    if (parts.length === 1) return get ? { kind: "keys", permission: "list" } : "method";
    const name = parts[1]!;
    const last = parts[parts.length - 1]!.toLowerCase();
    if ((last === "sign" || last === "verify") && parts.length <= 4) {
      if (method !== "POST") return "method";
      return { kind: "key", name, version: parts.length === 4 ? parts[2]! : "", permission: last, action: last };
    }
    if (parts.length <= 3) return get ? { kind: "key", name, version: parts[2] ?? "", permission: "get" } : "method";
    return null;
  }
  if (collection === "certificates") {
    if (parts.length === 1) return get ? { kind: "certificates", permission: "list" } : "method";
    if (parts.length <= 3) return get ? { kind: "certificate", name: parts[1]!, version: parts[2] ?? "", permission: "get" } : "method";
    return null;
  }
  return null;
}

function allows(policy: AccessPolicy | undefined, operation: Operation): boolean {
  if (!policy) return false;
  if (operation.kind === "keys" || operation.kind === "key") return policy.keys.includes(operation.permission);
  return policy.certificates.includes(operation.permission);
}

/** Names compare case-insensitively (Key Vault's object names do); an empty version is the latest. */
function findKey(vault: Vault, name: string, version: string, certificate: boolean): VaultKey | undefined {
  const candidates = vault.keys.filter((k) => k.name.toLowerCase() === name.toLowerCase() && (!certificate || k.certificateDer));
  if (version === "") return candidates.reduce<VaultKey | undefined>((latest, k) => (!latest || k.created > latest.created ? k : latest), undefined);
  return candidates.find((k) => k.version.toLowerCase() === version.toLowerCase());
}

/** base64url SHA-1 of the DER: the x5t of RFC 7515 §4.1.7, as Key Vault serves it. */
function x5t(der: Uint8Array): string {
  return createHash("sha1").update(der).digest("base64url");
}

/** The policy a portal-made certificate carries (what @azure/keyvault-certificates reads into .policy). */
function certificatePolicy(vaultUrl: string, key: VaultKey, cert: X509Certificate): Record<string, unknown> {
  return {
    id: `${vaultUrl}/certificates/${key.name}/policy`,
    key_props: { exportable: false, kty: "RSA", key_size: createPublicKey(key.privateKey).asymmetricKeyDetails?.modulusLength ?? 2048, reuse_key: false },
    secret_props: { contentType: "application/x-pkcs12" },
    x509_props: { subject: cert.subject.split("\n").reverse().join(", "), validity_months: 12 },
    issuer: { name: "Self" },
    attributes: { enabled: true, created: Math.floor(key.created.getTime() / 1000), updated: Math.floor(key.updated.getTime() / 1000) },
  };
}

/**
 * Key Vault's value fields are base64url (RFC 4648 §5). Standard base64 ('+', '/', '=' padding) is
 * read too: seed 001's recipe sends [Convert]::ToBase64String of the digest and reports a signature
 * (inferred from that public write-up). Anything else is not a value.
 */
export function decodeBase64Url(value: unknown): Buffer | undefined {
  if (typeof value !== "string" || value.length > 8192) return undefined;
  const body = value.replace(/={1,2}$/, "");
  if (!/^[A-Za-z0-9_\-+/]*$/.test(body) || body.length % 4 === 1) return undefined;
  return Buffer.from(body.replace(/\+/g, "-").replace(/\//g, "_"), "base64url");
}

function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

