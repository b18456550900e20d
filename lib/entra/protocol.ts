/**
 * What Entra ID is, as data: the names, URLs and numbers of its client-credentials token service that
 * the kit, the doctor and the mock all rely on. Nothing here computes anything but a URL.
 *
 * Sources: RFC 7521/7523 (client assertions), RFC 6749 §4.4 (client credentials), Microsoft's
 * "certificate credentials" page (the claims and the 5-10 minute lifetime), Entra's own error texts
 * (the algorithms it names in AADSTS5002738).
 */

/** The authority host of the global (public) cloud. */
export const ENTRA_AUTHORITY_HOST = "https://login.microsoftonline.com";

/** RFC 7523 §2.2: the value of client_assertion_type for a JWT client assertion. */
export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** RFC 6749 §4.4.2: the grant of an application signing in as itself. */
export const CLIENT_CREDENTIALS_GRANT = "client_credentials";

/** MSAL's lifetime for the assertion: exp = nbf + 600 s. Microsoft advises 5 to 10 minutes at most. */
export const DEFAULT_LIFETIME_SECONDS = 600;

/**
 * The clock skew allowed around nbf and exp: 300 s. Inferred: Entra does not publish its tolerance;
 * five minutes is the usual allowance of Microsoft's token validators (Microsoft.IdentityModel's
 * default ClockSkew). The mock and the doctor both use this number.
 */
export const ASSUMED_CLOCK_SKEW_SECONDS = 300;

/**
 * The JWS algorithms Entra verifies on a client assertion. RS256, RS384 and RS512 because Entra's
 * own AADSTS5002738 text lists them ("Supported signing algorithms are: 'RS256,RS384,RS512'", MSAL.NET
 * TestConstants); PS256 because MSAL.NET and msal-node send it in production.
 */
export const ENTRA_ASSERTION_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256"] as const;
export type EntraAssertionAlgorithm = (typeof ENTRA_ASSERTION_ALGORITHMS)[number];

export type EndpointVersion = "v1" | "v2";

/** The token endpoint of a tenant: v2 `/{tenant}/oauth2/v2.0/token`, v1 `/{tenant}/oauth2/token`. */
export function tokenEndpoint(tenant: string, version: EndpointVersion = "v2", authorityHost = ENTRA_AUTHORITY_HOST): string {
  return `${authorityHost}/${tenant}/oauth2/${version === "v2" ? "v2.0/" : ""}token`;
}

/** A GUID as Entra writes tenant and application IDs (any case). */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isGuid(text: string): boolean {
  return GUID.test(text);
}

/** The tenant names that stand for many tenants; the client credentials flow needs one tenant. */
export const MULTI_TENANT_NAMES = /^(?:common|organizations|consumers)$/i;

/** Microsoft Graph's application ID (the resource behind https://graph.microsoft.com). */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/**
 * The aud of Graph's addKey/removeKey proof of possession: Azure AD Graph's application ID (not
 * Microsoft Graph's 00000003-…), as https://learn.microsoft.com/graph/application-rollkey-prooftoken says.
 */
export const PROOF_AUDIENCE = "00000002-0000-0000-c000-000000000000";
/** The proof's exp − nbf at most: "Expiration time should be nbf + 10 mins" (the same page). */
export const MAX_PROOF_LIFETIME_SECONDS = 600;
