/**
 * The access token and the token response, shaped like Entra's app-only (client credentials) ones.
 *
 * Token format follows the resource, not the endpoint (the API's accessTokenAcceptedVersion):
 * Microsoft Graph and Azure Digital Twins get v1 tokens, the demo API v2 tokens.
 *   v1: iss https://sts.windows.net/{tid}/, aud = the resource as asked for, appid, appidacr "2"
 *       (2 = certificate or client assertion, 1 = secret, 0 = public client), idp, ver "1.0";
 *       header {typ, alg, x5t, kid}.
 *   v2: iss {origin}/{tid}/v2.0 (the issuer of the v2 discovery document), aud = the API's app ID,
 *       azp, azpacr "2", ver "2.0"; header {typ, alg, kid}.
 * Both: iat = nbf = now − 5 min (observed in Entra's tokens: keycloakify/oidc-spa#162, 2026, and
 * psignoret/aad-sso-wordpress#34, 2015; not documented; "for clock skew" is inferred), exp = now + 3599 s,
 * oid = sub = the service principal's object ID, idtyp "app", roles = the granted application
 * permissions (absent when none), tid, uti (unique token id), aio and rh (opaque to clients;
 * here random-looking bytes), xms_tcdt (v1: the tenant's creation time).
 */
import { createHash, sign } from "node:crypto";
import { GRAPH_APP_ID } from "../lib/entra/protocol.ts";
import type { Application, Resource, Tenant } from "./registry.ts";
import type { LoadedSigningKey } from "./signing-key.ts";

/** expires_in of every token response (Entra's usual 3599 for app-only tokens). */
export const TOKEN_LIFETIME_SECONDS = 3599;
/** iat and nbf lie this far in the past. */
export const BACKDATE_SECONDS = 300;

export interface IssueTokenInput {
  application: Application;
  tenant: Tenant;
  resource: Resource;
  /** The resource as the request named it (scope without /.default, or v1 resource). */
  requestedResource: string;
  /** The request's origin, for the v2 issuer. */
  origin: string;
  now: Date;
  ids: () => string;
  signingKey: LoadedSigningKey;
  /** Claims a token of this kind carries too, e.g. a managed identity's xms_mirid. */
  extraClaims?: Record<string, unknown>;
}

export interface IssuedToken {
  accessToken: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  notBefore: number;
  expiresOn: number;
}

/** The token, signed on this thread. */
export function issueAccessToken(input: IssueTokenInput): IssuedToken {
  const unsigned = unsignedAccessToken(input);
  return signed(unsigned, sign("sha256", unsigned.signed, input.signingKey.privateKey));
}

/**
 * The same token, signed on libuv's thread pool (node:crypto's sign with a callback): a server's
 * main thread meanwhile serves other connections. The bytes are the same (PKCS#1 v1.5 is deterministic).
 */
export function issueAccessTokenAsync(input: IssueTokenInput): Promise<IssuedToken> {
  const unsigned = unsignedAccessToken(input);
  return new Promise((done, fail) => {
    sign("sha256", unsigned.signed, input.signingKey.privateKey, (error, signature) => (error ? fail(error) : done(signed(unsigned, signature))));
  });
}

interface UnsignedToken {
  signingInput: string;
  /** The bytes the signature covers (for Graph's tokens, not the signing input: see graphSignedHeader). */
  signed: Buffer;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  iat: number;
  exp: number;
}

/** RS256 is RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3). */
function signed(token: UnsignedToken, signature: Buffer): IssuedToken {
  return { accessToken: `${token.signingInput}.${signature.toString("base64url")}`, header: token.header, claims: token.claims, notBefore: token.iat, expiresOn: token.exp };
}

function unsignedAccessToken(input: IssueTokenInput): UnsignedToken {
  const { application: app, tenant, resource } = input;
  const now = Math.floor(input.now.getTime() / 1000);
  const iat = now - BACKDATE_SECONDS;
  const exp = now + TOKEN_LIFETIME_SECONDS;
  const granted = (app.appRoleGrants[resource.appId] ?? []).filter((role) => resource.appRoles.includes(role));
  const opaque = {
    aio: guidBytes(input.ids()).toString("base64"),
    rh: `0.${Buffer.concat([guidBytes(tenant.id), guidBytes(resource.appId), guidBytes(app.appId)]).toString("base64url")}.`,
    uti: guidBytes(input.ids()).toString("base64url"),
  };
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  if (resource.accessTokenVersion === 1) {
    header = { typ: "JWT", ...(resource.appId === GRAPH_APP_ID ? { nonce: guidBytes(input.ids()).toString("base64url") } : {}), alg: "RS256", x5t: input.signingKey.x5t, kid: input.signingKey.kid };
    claims = {
      aud: input.requestedResource,
      iss: `https://sts.windows.net/${tenant.id}/`,
      iat,
      nbf: iat,
      exp,
      aio: opaque.aio,
      app_displayname: app.displayName,
      appid: app.appId,
      appidacr: "2",
      idp: `https://sts.windows.net/${tenant.id}/`,
      idtyp: "app",
      oid: app.servicePrincipalId,
      rh: opaque.rh,
      ...(granted.length > 0 ? { roles: granted } : {}),
      sub: app.servicePrincipalId,
      tid: tenant.id,
      uti: opaque.uti,
      ver: "1.0",
      xms_tcdt: Math.floor(tenant.createdDateTime.getTime() / 1000),
    };
  } else {
    header = { typ: "JWT", alg: "RS256", kid: input.signingKey.kid };
    claims = {
      aud: resource.appId,
      iss: `${input.origin}/${tenant.id}/v2.0`,
      iat,
      nbf: iat,
      exp,
      aio: opaque.aio,
      azp: app.appId,
      azpacr: "2",
      idtyp: "app",
      oid: app.servicePrincipalId,
      rh: opaque.rh,
      ...(granted.length > 0 ? { roles: granted } : {}),
      sub: app.servicePrincipalId,
      tid: tenant.id,
      uti: opaque.uti,
      ver: "2.0",
    };
  }
  if (input.extraClaims) claims = { ...claims, ...input.extraClaims };
  const signingInput = `${segment(header)}.${segment(claims)}`;
  // Graph's tokens are signed over a header whose nonce is replaced by its hash: only Graph can
  // check them (graphSignedHeader), and a plain JWKS verification fails, as with the real ones.
  const covered = typeof header.nonce === "string" ? `${segment(graphSignedHeader(header))}.${segment(claims)}` : signingInput;
  return { signingInput, signed: Buffer.from(covered, "ascii"), header, claims, iat, exp };
}

/**
 * Microsoft Graph access tokens carry a `nonce` header, and "only Microsoft Graph can validate such
 * token" (Microsoft support article; AzureAD IdentityModel issues 609 and 853): the signature covers
 * the header with the nonce replaced by its SHA-256. The exact encoding of that hash is not
 * published; the mock uses base64url (inferred). An API must never validate a Graph token: it is
 * Graph's. Verify your own API's tokens (the demo API's v2 token) with the JWKS instead.
 */
export function graphSignedHeader(header: Record<string, unknown>): Record<string, unknown> {
  return { ...header, nonce: createHash("sha256").update(String(header.nonce)).digest("base64url") };
}

/** The v2 endpoint's success body: numbers. */
export function tokenResponseV2(token: IssuedToken): Record<string, unknown> {
  return { token_type: "Bearer", expires_in: TOKEN_LIFETIME_SECONDS, ext_expires_in: TOKEN_LIFETIME_SECONDS, access_token: token.accessToken };
}

/** The v1 endpoint's success body: every number as a string, plus expires_on, not_before and resource. */
export function tokenResponseV1(token: IssuedToken, requestedResource: string): Record<string, unknown> {
  return {
    token_type: "Bearer",
    expires_in: String(TOKEN_LIFETIME_SECONDS),
    ext_expires_in: String(TOKEN_LIFETIME_SECONDS),
    expires_on: String(token.expiresOn),
    not_before: String(token.notBefore),
    resource: requestedResource,
    access_token: token.accessToken,
  };
}

function segment(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

/** The 16 bytes of a GUID (in text order); any other string is padded or cut to 16 bytes, so ids() may return anything. */
function guidBytes(text: string): Buffer {
  const hex = text.replace(/-/g, "");
  if (/^[0-9a-f]{32}$/i.test(hex)) return Buffer.from(hex, "hex");
  return Buffer.from(text.padEnd(16, "\0").slice(0, 16), "latin1");
}
