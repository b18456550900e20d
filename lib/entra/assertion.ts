/**
 * The Entra client assertion: a JWT the application signs with its certificate's private key and
 * sends as `client_assertion` (RFC 7521 §4.2, RFC 7523 §2.2) to the token endpoint.
 * What Entra expects of the header and claims is in Microsoft's "certificate credentials" page; the
 * facts this file relies on: aud = the token endpoint URL, iss = sub = the client ID, a unique jti, nbf/exp in
 * seconds, 5-10 minutes of lifetime (MSAL uses 600 s).
 */
import { base64Encode, base64urlEncode } from "../crypto/base64url.ts";
import { toHex } from "../bytes.ts";
import { KitError } from "../errors.ts";
import type { JoseHeader, JwsAlgorithm } from "../crypto/jws.ts";
import { SHA1 } from "../crypto/sha1.ts";
import { SHA256 } from "../crypto/sha256.ts";

import { DEFAULT_LIFETIME_SECONDS, isGuid, MULTI_TENANT_NAMES, tokenEndpoint, type EndpointVersion } from "./protocol.ts";

export { CLIENT_ASSERTION_TYPE, DEFAULT_LIFETIME_SECONDS, ENTRA_AUTHORITY_HOST, isGuid, tokenEndpoint, type EndpointVersion } from "./protocol.ts";

/** A tenant is a GUID or a DNS name (contoso.onmicrosoft.com); `common` and friends cannot sign an app in. */
export function checkTenant(tenant: string): void {
  if (isGuid(tenant)) return;
  if (MULTI_TENANT_NAMES.test(tenant))
    throw new KitError("TENANT_MULTI", `"${tenant}" is not a tenant: the client credentials flow needs your tenant's ID or domain.`, "Pass --tenant with the Directory (tenant) ID from the app's Overview page.");
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(tenant))
    throw new KitError("TENANT_FORMAT", `"${tenant}" is neither a GUID nor a domain name.`, "Pass --tenant with the Directory (tenant) ID, e.g. 72f988bf-86f1-41af-91ab-2d7cd011db47, or a domain like contoso.onmicrosoft.com.");
}

export function checkClientId(clientId: string): void {
  if (!isGuid(clientId))
    throw new KitError("CLIENT_ID_FORMAT", `"${clientId}" is not a GUID: the client id is the Application (client) ID.`, "Copy it from the app registration's Overview page.");
}

/** x5t: base64url of the SHA-1 of the certificate DER, its 20 raw bytes, not their hex text (RFC 7515 §4.1.7). */
export function x5tOf(certificateDer: Uint8Array): string {
  return base64urlEncode(SHA1.digest(certificateDer));
}

/** x5t#S256: base64url of the SHA-256 of the certificate DER (RFC 7515 §4.1.8). */
export function x5tS256Of(certificateDer: Uint8Array): string {
  return base64urlEncode(SHA256.digest(certificateDer));
}

/**
 * The header Entra expects: RS256 with x5t (MSAL's older form, and Microsoft's docs until 2024), or
 * PS256 with x5t#S256 (what Microsoft's current docs and msal-node with thumbprintSha256 send).
 * `x5c` (standard base64 DER, RFC 7515 §4.1.6) is only needed for subject name + issuer (SNI) apps.
 */
export function assertionHeader(alg: JwsAlgorithm, certificateDer: Uint8Array, options: { x5c?: boolean } = {}): JoseHeader {
  const header: JoseHeader = { alg, typ: "JWT" };
  if (alg === "RS256") header.x5t = x5tOf(certificateDer);
  else header["x5t#S256"] = x5tS256Of(certificateDer);
  if (options.x5c) header.x5c = [base64Encode(certificateDer)];
  return header;
}

export interface AssertionClaims {
  aud: string;
  iss: string;
  sub: string;
  jti: string;
  nbf: number;
  iat: number;
  exp: number;
  [name: string]: unknown;
}

export interface AssertionClaimsOptions {
  tenant: string;
  clientId: string;
  /** seconds since the epoch; nbf and iat */
  now: number;
  jti: string;
  lifetime?: number;
  audience?: EndpointVersion;
  authorityHost?: string;
}

/**
 * The claims of RFC 7523 §3 as Entra reads them: aud = the token endpoint, iss = sub = client id,
 * jti unique, nbf and exp in seconds (NumericDate, RFC 7519 §2), exp = nbf + lifetime.
 */
export function assertionClaims(options: AssertionClaimsOptions): AssertionClaims {
  checkTenant(options.tenant);
  checkClientId(options.clientId);
  const lifetime = options.lifetime ?? DEFAULT_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime <= 0)
    throw new KitError("LIFETIME", `A lifetime of ${lifetime} seconds is not a positive whole number.`, "Use --lifetime 600 (ten minutes, as MSAL does).");
  return {
    aud: tokenEndpoint(options.tenant, options.audience ?? "v2", options.authorityHost),
    iss: options.clientId,
    sub: options.clientId,
    jti: options.jti,
    nbf: options.now,
    iat: options.now,
    exp: options.now + lifetime,
  };
}

/** A random (version 4) UUID, RFC 9562 §5.4, from 16 bytes the caller may fix. */
export function uuidV4(random: Uint8Array = crypto.getRandomValues(new Uint8Array(16))): string {
  if (random.length !== 16) throw new Error("uuidV4 needs 16 bytes");
  const b = random.slice();
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4 in the high nibble of octet 6
  b[8] = (b[8]! & 0x3f) | 0x80; // variant 10xx in octet 8
  const hex = toHex(b);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
