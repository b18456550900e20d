/**
 * Remote signing, as seed 001's Azure Function does it: a token for Key Vault from the managed
 * identity endpoint, the certificate's x5t and key id from the vault, and the digest sent to the
 * key's `sign` operation; the signature comes back. Every HTTP exchange is returned as data for
 * step 5 to show. The private key is the vault's: nothing here can read or ask for it.
 *
 * Offline the requests go to the mock (msw intercepts fetch: MSW_IDENTITY_ENDPOINT and
 * https://workshop-vault.vault.azure.net). With a real vault (--vault URL) the token comes from
 * KEYVAULT_ACCESS_TOKEN (e.g. az account get-access-token --resource https://vault.azure.net), or
 * App Service's IDENTITY_ENDPOINT + IDENTITY_HEADER, or the older MSI_ENDPOINT + MSI_SECRET.
 */
import { base64urlDecode, base64urlEncode } from "../lib/crypto/base64url.ts";
import { KitError } from "../lib/errors.ts";

export const KEY_VAULT_API_VERSION = "7.4";
export const KEY_VAULT_SCOPE_RESOURCE = "https://vault.azure.net";

export interface HttpExchange {
  /** What this exchange is for, e.g. "token from the managed identity". */
  purpose: string;
  method: "GET" | "POST";
  url: string;
  requestHeaders: [string, string][];
  requestBody?: string;
  status: number;
  responseBody: Record<string, unknown>;
}

export interface TokenSource {
  /** "App Service (IDENTITY_ENDPOINT, 2019-08-01)", "MSI_ENDPOINT (2017-09-01)", "KEYVAULT_ACCESS_TOKEN" */
  kind: "app-service" | "msi-legacy" | "given";
  endpoint?: string;
  /** The header's value (the App Service secret), or the token itself for "given". */
  secret: string;
}

export interface RemoteSignature {
  exchanges: HttpExchange[];
  /** The certificate as the vault serves it. */
  certificate: { x5t: string; cer: string; kid: string; id: string };
  /** kid of the sign answer: the key (and version) that signed. */
  signedBy: string;
  signature: Uint8Array;
  /** The identity's oid from the token, to name in hints. */
  identityObjectId?: string;
}

export interface RemoteSignInput {
  vaultUrl: string;
  certificateName: string;
  alg: string;
  digest: Uint8Array;
  token: TokenSource;
  /** How the digest goes into `value`; default base64url (what Key Vault documents). */
  encodeDigest?: (digest: Uint8Array) => string;
  /** Default the global fetch (which msw intercepts offline); the lab hands requests to a mock's core. */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

/** The token source a real vault would use, from the environment; undefined when there is none. */
export function tokenSourceFromEnvironment(env: NodeJS.ProcessEnv): TokenSource | undefined {
  if (env.KEYVAULT_ACCESS_TOKEN) return { kind: "given", secret: env.KEYVAULT_ACCESS_TOKEN.trim() };
  if (env.IDENTITY_ENDPOINT && env.IDENTITY_HEADER) return { kind: "app-service", endpoint: env.IDENTITY_ENDPOINT, secret: env.IDENTITY_HEADER };
  if (env.MSI_ENDPOINT && env.MSI_SECRET) return { kind: "msi-legacy", endpoint: env.MSI_ENDPOINT, secret: env.MSI_SECRET };
  return undefined;
}

export async function signInKeyVault(input: RemoteSignInput): Promise<RemoteSignature> {
  const exchanges: HttpExchange[] = [];
  let accessToken: string;
  if (input.token.kind === "given") {
    accessToken = input.token.secret;
  } else {
    const legacy = input.token.kind === "msi-legacy";
    const url = `${input.token.endpoint}?api-version=${legacy ? "2017-09-01" : "2019-08-01"}&resource=${encodeURIComponent(KEY_VAULT_SCOPE_RESOURCE)}`;
    const answer = await send(input, exchanges, "a token for Key Vault from the managed identity", "GET", url, [[legacy ? "Secret" : "X-IDENTITY-HEADER", input.token.secret]]);
    if (answer.status !== 200 || typeof answer.responseBody.access_token !== "string") {
      const said = String(answer.responseBody.message ?? answer.responseBody.error_description ?? answer.responseBody.error ?? "no message");
      throw new KitError(
        "IDENTITY_REFUSED",
        `The managed identity endpoint answered ${answer.status}: "${said}"`,
        legacy ? "Check MSI_ENDPOINT and MSI_SECRET (the Secret header) of the app's environment." : "Check IDENTITY_ENDPOINT and IDENTITY_HEADER (the X-IDENTITY-HEADER value) of the app's environment, and that the app has a managed identity.",
      );
    }
    accessToken = answer.responseBody.access_token;
  }
  const bearer: [string, string][] = [["Authorization", `Bearer ${accessToken}`]];
  const oid = claimOf(accessToken, "oid");

  const certificateUrl = `${input.vaultUrl}/certificates/${encodeURIComponent(input.certificateName)}?api-version=${KEY_VAULT_API_VERSION}`;
  const got = await send(input, exchanges, "the certificate: its x5t and the id of its key", "GET", certificateUrl, bearer);
  if (got.status !== 200) throw vaultRefusal(got, "certificates get", oid, input);
  const certificate = { x5t: String(got.responseBody.x5t), cer: String(got.responseBody.cer), kid: String(got.responseBody.kid), id: String(got.responseBody.id) };

  const body = JSON.stringify({ alg: input.alg, value: (input.encodeDigest ?? base64urlEncode)(input.digest) });
  const signed = await send(input, exchanges, "the digest, signed by the key inside the vault", "POST", `${certificate.kid}/sign?api-version=${KEY_VAULT_API_VERSION}`, [...bearer, ["Content-Type", "application/json"]], body);
  if (signed.status !== 200 || typeof signed.responseBody.value !== "string") throw vaultRefusal(signed, "keys sign", oid, input);
  const signature = base64urlDecode(signed.responseBody.value);
  return { exchanges, certificate, signedBy: String(signed.responseBody.kid), signature, ...(oid ? { identityObjectId: oid } : {}) };
}

async function send(input: RemoteSignInput, exchanges: HttpExchange[], purpose: string, method: "GET" | "POST", url: string, headers: [string, string][], body?: string): Promise<HttpExchange> {
  let response: Response;
  try {
    response = await (input.fetch ?? fetch)(url, { method, headers, ...(body === undefined ? {} : { body }) });
  } catch (error) {
    throw new KitError("NETWORK", `Could not reach ${safeHost(url)}: ${(error as Error).message}.`, "Check the vault URL and your network; without --vault the kit uses the offline mock.");
  }
  const text = await response.text();
  let responseBody: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    responseBody = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
  } catch {
    responseBody = { text: text.slice(0, 500) };
  }
  const exchange: HttpExchange = { purpose, method, url, requestHeaders: headers, ...(body === undefined ? {} : { requestBody: body }), status: response.status, responseBody };
  exchanges.push(exchange);
  return exchange;
}

/** One sentence with what the vault said, and what to check for its code. */
function vaultRefusal(answer: HttpExchange, permission: string, oid: string | undefined, input: RemoteSignInput): KitError {
  const error = (answer.responseBody.error ?? {}) as { code?: string; message?: string };
  const code = error.code ?? `HTTP ${answer.status}`;
  const message = error.message ?? JSON.stringify(answer.responseBody).slice(0, 200);
  const who = oid ? `the identity (object ID ${oid})` : "the identity";
  const hints: Record<string, string> = {
    Unauthorized: /AKV10022/.test(message)
      ? `Ask the identity endpoint for resource=${KEY_VAULT_SCOPE_RESOURCE} (no trailing path): the token was for another resource.`
      : /AKV10032/.test(message)
        ? "The token comes from another tenant than the vault's: use an identity of the vault's tenant."
        : "Check that the request carries the managed identity's token as Authorization: Bearer.",
    Forbidden: /not allowed on/.test(message)
      ? "Enable the certificate's key in the vault, or renew the certificate: the vault will not sign with a disabled or expired key."
      : `Give ${who} "${permission}" in the vault's access policies (certificates Get and keys Sign, as seed 001 does) or the Key Vault Crypto User role.`,
    KeyNotFound: `Check the certificate name (${input.certificateName}) and that its key is in ${input.vaultUrl}.`,
    CertificateNotFound: `Check the certificate name (--vault-certificate ${input.certificateName}) and the vault URL (${input.vaultUrl}).`,
    BadParameter: `Send the ${input.alg} digest as base64url of its raw bytes, with api-version=${KEY_VAULT_API_VERSION}.`,
  };
  return new KitError("VAULT_REFUSED", `Key Vault answered ${answer.status} ${code}: "${message}"`, hints[code] ?? `See Key Vault's answer above; the request was ${answer.method} ${answer.url}.`);
}

function claimOf(token: string, name: string): string | undefined {
  try {
    const claims = JSON.parse(new TextDecoder().decode(base64urlDecode(token.split(".")[1] ?? ""))) as Record<string, unknown>;
    return typeof claims[name] === "string" ? (claims[name] as string) : undefined;
  } catch {
    return undefined;
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
