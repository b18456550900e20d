/**
 * The documents clients read before they ask for a token: OpenID Connect discovery (v2 and v1),
 * the key sets (JWKS) and MSAL's instance discovery.
 *
 * Every URL in them is built from the origin the request came to, because MSAL requires the
 * issuer to share scheme, host and port with the authority: served at https://127.0.0.1:8443,
 * the documents point at https://127.0.0.1:8443/…; intercepted by msw, at
 * https://login.microsoftonline.com/…. Fields follow Entra's documents (entra-errors.md,
 * "Discovery"); those that name other Microsoft services keep their real values.
 */
import type { Tenant } from "./registry.ts";
import { signingJwk, type LoadedSigningKey } from "./signing-key.ts";

/** The tenant path segments that are not one tenant. */
export const MULTI_TENANT_SEGMENTS = ["common", "organizations", "consumers"] as const;

/** The tenant as documents name it: the GUID when known, else the segment with the {tenantid} placeholder in issuers. */
interface DocumentTenant {
  /** The path segment endpoints use (the tenant GUID, or common/organizations/consumers). */
  path: string;
  /** What issuers carry: the GUID, or the literal "{tenantid}" for multi-tenant documents. */
  issuerId: string;
  regionScope: string | null;
}

export function documentTenant(tenant: Tenant | undefined, segment: string): DocumentTenant {
  if (tenant) return { path: tenant.id, issuerId: tenant.id, regionScope: "EU" };
  return { path: segment.toLowerCase(), issuerId: "{tenantid}", regionScope: null };
}

const COMMON_FIELDS = {
  token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
  response_modes_supported: ["query", "fragment", "form_post"],
  subject_types_supported: ["pairwise"],
  id_token_signing_alg_values_supported: ["RS256"],
  response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
} as const;

const CLOUD_FIELDS = {
  cloud_instance_name: "microsoftonline.com",
  cloud_graph_host_name: "graph.windows.net",
  msgraph_host: "graph.microsoft.com",
  rbac_url: "https://pas.windows.net",
} as const;

const CLAIMS = ["sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"];

/** GET /{tenant}/v2.0/.well-known/openid-configuration */
export function openIdConfigurationV2(origin: string, t: DocumentTenant): Record<string, unknown> {
  const base = `${origin}/${t.path}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: COMMON_FIELDS.token_endpoint_auth_methods_supported,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: COMMON_FIELDS.response_modes_supported,
    subject_types_supported: COMMON_FIELDS.subject_types_supported,
    id_token_signing_alg_values_supported: COMMON_FIELDS.id_token_signing_alg_values_supported,
    response_types_supported: COMMON_FIELDS.response_types_supported,
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${origin}/${t.issuerId}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: CLAIMS,
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: t.regionScope,
    ...CLOUD_FIELDS,
  };
}

/** GET /{tenant}/.well-known/openid-configuration (v1: issuer https://sts.windows.net/{tid}/). */
export function openIdConfigurationV1(origin: string, t: DocumentTenant): Record<string, unknown> {
  const base = `${origin}/${t.path}`;
  return {
    token_endpoint: `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: COMMON_FIELDS.token_endpoint_auth_methods_supported,
    jwks_uri: `${origin}/common/discovery/keys`,
    response_modes_supported: COMMON_FIELDS.response_modes_supported,
    subject_types_supported: COMMON_FIELDS.subject_types_supported,
    id_token_signing_alg_values_supported: COMMON_FIELDS.id_token_signing_alg_values_supported,
    response_types_supported: COMMON_FIELDS.response_types_supported,
    scopes_supported: ["openid"],
    issuer: `https://sts.windows.net/${t.issuerId}/`,
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${base}/oauth2/authorize`,
    device_authorization_endpoint: `${base}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/logout`,
    claims_supported: CLAIMS,
    check_session_iframe: `${base}/oauth2/checksession`,
    userinfo_endpoint: `${base}/openid/userinfo`,
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: t.regionScope,
    ...CLOUD_FIELDS,
  };
}

/** GET /{tenant}/discovery/v2.0/keys: entries carry the v2 issuer. */
export function keysV2(origin: string, t: DocumentTenant, key: LoadedSigningKey): { keys: object[] } {
  return { keys: [signingJwk(key, `${origin}/${t.issuerId}/v2.0`)] };
}

/** GET /{tenant}/discovery/keys (v1): no issuer member. */
export function keysV1(key: LoadedSigningKey): { keys: object[] } {
  return { keys: [signingJwk(key)] };
}

/** The public cloud's aliases, as instance discovery lists them. */
const PUBLIC_CLOUD = {
  preferred_network: "login.microsoftonline.com",
  preferred_cache: "login.windows.net",
  aliases: ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"],
};

/**
 * GET /common/discovery/instance?api-version=1.1&authorization_endpoint=…: where the tenant's
 * discovery document is, and which host names are one cloud. Served away from
 * login.microsoftonline.com, the mock's own host:port is listed as a cloud of its own.
 *
 * authorization_endpoint is the mock's own when its host is the origin's host, or the origin's
 * host name with no port at all: MSAL Python drops the port from the authority when it asks
 * (https://127.0.0.1/<tenant>/oauth2/v2.0/authorize for a mock at https://127.0.0.1:8443). The
 * answer then still points at `origin`, port included. `origin` is the one the core was given
 * (never the Host header); another explicit port is another server. Returns undefined when
 * authorization_endpoint names a host this instance does not serve (Entra answers AADSTS50049).
 */
export function instanceDiscovery(origin: string, authorizationEndpoint: string | null): Record<string, unknown> | undefined {
  const own = new URL(origin);
  const host = own.host;
  let tenant = "common";
  if (authorizationEndpoint) {
    let url: URL;
    try {
      url = new URL(authorizationEndpoint);
    } catch {
      return undefined;
    }
    const portDropped = url.port === "" && url.hostname.toLowerCase() === own.hostname.toLowerCase();
    const known =
      url.host.toLowerCase() === host.toLowerCase() || portDropped || (host === PUBLIC_CLOUD.preferred_network && PUBLIC_CLOUD.aliases.includes(url.host.toLowerCase()));
    if (!known) return undefined;
    tenant = url.pathname.split("/").filter(Boolean)[0] ?? "common";
  }
  const local = { preferred_network: host, preferred_cache: host, aliases: [host] };
  return {
    tenant_discovery_endpoint: `${origin}/${tenant}/v2.0/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata: host === PUBLIC_CLOUD.preferred_network ? [PUBLIC_CLOUD] : [local, PUBLIC_CLOUD],
  };
}
