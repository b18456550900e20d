/**
 * Key Vault's answers: its headers, its error body {"error":{"code","message"[,"innererror"]}}, and
 * the bearer challenge. Every refusal the mock vault makes is here, with its grade and source:
 *
 *   401 Unauthorized  no token: "AKV10000: Request is missing a Bearer or PoP token."         confirmed
 *                     (Azure/azure-sdk-for-net#39216, Azure/azure-sdk-for-python#24557)
 *   401 Unauthorized  a token for another resource: "AKV10022: Invalid audience. Expected
 *                     https://vault.azure.net, found: {aud}."                                  confirmed
 *                     (MicrosoftDocs/azure-docs#109562)
 *   401 Unauthorized  a token from another tenant: "AKV10032: Invalid issuer. Expected one of
 *                     https://sts.windows.net/{tid}/, found https://sts.windows.net/{other}/."  confirmed
 *                     (MicrosoftDocs/azure-docs#75410, Azure/azure-sdk-for-js#6221)
 *   401 Unauthorized  forged, expired or not a JWT: the AKV number of these is not known here;
 *                     the message says what the mock found                                     inferred
 *   403 Forbidden     no access policy for the operation: "The user, group or application
 *                     'appid=…;oid=…;iss=…' does not have keys sign permission on key vault
 *                     '{vault};location={location}'. For help resolving this issue, please see
 *                     https://go.microsoft.com/fwlink/?linkid=2125287"                         confirmed text
 *                     (MicrosoftDocs/azure-docs#97977, a vault's audit log); innererror AccessDenied inferred
 *   403 Forbidden     a disabled, expired or not yet valid key: "Operation sign is not allowed on
 *                     a disabled key." (innererror KeyDisabled), by analogy with Key Vault's
 *                     "Operation get is not allowed on a disabled secret." (SecretDisabled)      inferred
 *   404 KeyNotFound   "A key with (name/id) {name} was not found in this key vault. If you recently
 *                     deleted this key you may be able to recover it using the correct recovery
 *                     command. For help resolving this issue, please see
 *                     https://go.microsoft.com/fwlink/?linkid=2125182"                         confirmed (sigstore/cosign#3094)
 *   404 VaultNotFound a host under vault.azure.net the registry has no vault for (real Key Vault:
 *                     no such host, so DNS fails); the message names the vaults the mock serves  inferred
 *   404 CertificateNotFound  the same sentence for a certificate                               inferred
 *   400 BadParameter  digest of the wrong length: "Invalid length of 'value': {n} bytes. RS256
 *                     requires 32 bytes, encoded with base64url."                              confirmed
 *                     (Azure/azure-sdk-for-js#12654, Azure/azure-cli#28027)
 *   400 BadParameter  unknown alg, a value that is not base64url, a body that is not JSON or too
 *                     large, a missing or unknown api-version                                  inferred
 *   404/405           another path or method: BadParameter / MethodNotAllowed                  inferred
 *
 * The challenge, as the real vault sends it to a request without a token (pasted in
 * Azure/azure-sdk-for-js#31094, with x-ms-keyvault-region, x-ms-keyvault-service-version,
 * x-ms-request-id and x-ms-client-request-id):
 *   WWW-Authenticate: Bearer authorization="https://login.microsoftonline.com/{tenant}", resource="https://vault.azure.net"
 */

export interface VaultResponseContext {
  requestId: string;
  /** The caller's x-ms-client-request-id, echoed. */
  clientRequestId: string | null;
  /** Where the challenge sends clients: {authority}/{tenant}. */
  authorization: string;
}

export const KEY_VAULT_SERVICE_VERSION = "1.9.0.0 (mock-aad)";

export function vaultHeaders(context: VaultResponseContext): Headers {
  const headers = new Headers({
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-cache",
    Pragma: "no-cache",
    Expires: "-1",
    "x-ms-keyvault-region": "westeurope",
    "x-ms-keyvault-service-version": KEY_VAULT_SERVICE_VERSION,
    "x-ms-request-id": context.requestId,
    "x-content-type-options": "nosniff",
    "strict-transport-security": "max-age=31536000;includeSubDomains",
  });
  if (context.clientRequestId) headers.set("x-ms-client-request-id", context.clientRequestId);
  return headers;
}

export function vaultJson(body: unknown, context: VaultResponseContext, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: vaultHeaders(context) });
}

/** Key Vault's error body with its status; 401 answers carry the bearer challenge. */
export function vaultError(context: VaultResponseContext, status: number, code: string, message: string, innerCode?: string): Response {
  const headers = vaultHeaders(context);
  if (status === 401) headers.set("WWW-Authenticate", `Bearer authorization="${context.authorization}", resource="https://vault.azure.net"`);
  const error = { code, message, ...(innerCode ? { innererror: { code: innerCode } } : {}) };
  return new Response(JSON.stringify({ error }), { status, headers });
}

export function keyNotFound(context: VaultResponseContext, kind: "key" | "certificate", name: string): Response {
  const code = kind === "key" ? "KeyNotFound" : "CertificateNotFound";
  return vaultError(
    context,
    404,
    code,
    `A ${kind} with (name/id) ${name} was not found in this key vault. If you recently deleted this ${kind} you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );
}
