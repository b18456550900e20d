/**
 * How the mock APIs (Graph, Azure Digital Twins) check the access token in `Authorization: Bearer`,
 * the way a resource server checks an Entra token: signature with the key the JWKS names by kid
 * (node:crypto, from the published JWK, not from the mock's private signing code), then
 * lifetime, audience and issuer. Role checks belong to each API.
 *
 * The failure messages are modelled on Microsoft Graph's InvalidAuthenticationToken answers
 * (wording inferred).
 */
import { createPublicKey, verify } from "node:crypto";
import { graphSignedHeader } from "./issue-token.ts";

/** Clock skew resource servers allow (Microsoft.IdentityModel's default, 5 minutes). */
export const RESOURCE_CLOCK_SKEW_SECONDS = 300;

export interface BearerCheckInput {
  request: Request;
  /** The key set the mock publishes. */
  jwks: { keys: object[] };
  /** aud values this API accepts. */
  audiences: readonly string[];
  now: Date;
}

export type BearerVerdict = { ok: true; claims: Record<string, unknown> } | { ok: false; message: string };

export function checkBearer(input: BearerCheckInput): BearerVerdict {
  const authorization = input.request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return { ok: false, message: authorization === "" ? "Access token is empty." : "Authorization header is not 'Bearer <token>'." };
  const parts = match[1]!.split(".");
  const header = parts.length === 3 ? json(parts[0]!) : undefined;
  const claims = parts.length === 3 ? json(parts[1]!) : undefined;
  if (!header || !claims || !/^[A-Za-z0-9_-]+$/.test(parts[2]!)) return { ok: false, message: "Access token validation failure. The token is not a signed JWT (header.payload.signature)." };

  // Signature: RS256 with the JWKS key named by kid.
  if (header.alg !== "RS256") return { ok: false, message: `Access token validation failure. Unexpected signing algorithm '${String(header.alg)}'.` };
  const jwk = input.jwks.keys.find((k) => (k as { kid?: unknown }).kid === header.kid) as { kty: string; n: string; e: string } | undefined;
  if (!jwk) return { ok: false, message: "Access token validation failure. Signature key (kid) not found in the issuer's key set." };
  const publicKey = createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: "jwk" });
  // A Graph token's nonce header: the signature covers the header with the nonce hashed (issue-token.ts).
  // The mock's own services know how their issuer signs; a third party's API cannot check such a token.
  const signedHeader = typeof header.nonce === "string" ? Buffer.from(JSON.stringify(graphSignedHeader(header))).toString("base64url") : parts[0];
  const signed = Buffer.from(`${signedHeader}.${parts[1]}`, "ascii");
  if (!verify("sha256", signed, publicKey, Buffer.from(parts[2]!, "base64url"))) return { ok: false, message: "Access token validation failure. Invalid signature." };

  // Lifetime.
  const now = input.now.getTime() / 1000;
  if (typeof claims.exp !== "number" || now >= claims.exp + RESOURCE_CLOCK_SKEW_SECONDS) return { ok: false, message: "Lifetime validation failed, the token is expired." };
  if (typeof claims.nbf === "number" && now < claims.nbf - RESOURCE_CLOCK_SKEW_SECONDS) return { ok: false, message: "Lifetime validation failed, the token is not yet valid." };

  // Audience and issuer.
  if (typeof claims.aud !== "string" || !input.audiences.some((a) => a.toLowerCase() === (claims.aud as string).toLowerCase()))
    return { ok: false, message: "Access token validation failure. Invalid audience." };
  const tid = claims.tid;
  const issuerOk =
    typeof tid === "string" &&
    typeof claims.iss === "string" &&
    (claims.iss === `https://sts.windows.net/${tid}/` || claims.iss.endsWith(`/${tid}/v2.0`));
  if (!issuerOk) return { ok: false, message: "Access token validation failure. Invalid issuer." };
  return { ok: true, claims };
}

function json(part: string): Record<string, unknown> | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The roles claim of an app-only token (empty when absent). */
export function rolesOf(claims: Record<string, unknown>): string[] {
  return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === "string") : [];
}

/**
 * RFC 6750 §3 challenge, with the fields Graph adds (realm, authorization_uri, client_id).
 * `error` is invalid_token for 401, insufficient_scope for 403.
 */
export function bearerChallenge(authority: string, resourceAppId: string, error: "invalid_token" | "insufficient_scope", description: string): string {
  const quoted = description.replace(/["\\]/g, "'");
  return `Bearer realm="", authorization_uri="${authority}/common/oauth2/authorize", client_id="${resourceAppId}", error="${error}", error_description="${quoted}"`;
}
