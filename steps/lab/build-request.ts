/**
 * The lab's request builder: a client assertion and a token request made with the kit's own lib/
 * code (assertion.ts for the header and claims, jwt.ts for the segments and the signing input,
 * rsa.ts through jwt.ts for the signature), with hooks where a scenario puts its mistake.
 */
import { assertionClaims, assertionHeader, tokenEndpoint, type AssertionClaims } from "../../lib/entra/assertion.ts";
import { assembleJws, encodeSegment, jwsSigningInput, signJws, type JoseHeader, type JsonObject, type JwsAlgorithm } from "../../lib/crypto/jws.ts";
import type { RsaPrivateKey } from "../../lib/crypto/rsa/index.ts";
import { formBody, tokenRequestFields } from "../../lib/entra/token-request.ts";
import type { LabCertificate, LabContext } from "./context.ts";
import type { LabRequest } from "./scenario.ts";

export const GRAPH_DEFAULT_SCOPE = "https://graph.microsoft.com/.default";

export interface AssertionOptions {
  /** Names this assertion's jti and PSS salt, so each one is fixed and different. */
  label: string;
  /** RS256 + x5t (the classic recipes) unless told otherwise; PS256 goes with x5t#S256. */
  alg?: JwsAlgorithm;
  /** The certificate whose thumbprint goes in the header; default ctx.current. */
  certificate?: LabCertificate;
  /** The key that signs; default the certificate's own. */
  key?: RsaPrivateKey;
  /** The mistake in the header, if any. */
  header?: (header: JoseHeader) => JoseHeader;
  /** The mistake in the claims, if any. */
  claims?: (claims: AssertionClaims) => JsonObject;
  /** Encode the header's or the payload's JSON text some other way than base64url(UTF-8(json)). */
  headerEncoding?: (json: string) => string;
  payloadEncoding?: (json: string) => string;
  /** Sign some other way than alg says (another padding, another PSS salt length). */
  signWith?: (key: RsaPrivateKey, signingInput: Uint8Array) => Uint8Array;
  /** Sign other bytes than the ones sent (a re-serialised header and payload). */
  signedSegments?: (header: JoseHeader, claims: JsonObject) => [string, string];
}

/** A client assertion (RFC 7523 §2.2) for the demo app, with the scenario's mistake in it. */
export function clientAssertion(ctx: LabContext, options: AssertionOptions): string {
  const certificate = options.certificate ?? ctx.current;
  const key = options.key ?? certificate.key;
  const alg = options.alg ?? "RS256";
  const header = (options.header ?? ((h) => h))(assertionHeader(alg, certificate.der));
  const baseClaims = assertionClaims({ tenant: ctx.tenant, clientId: ctx.clientId, now: ctx.nowSeconds, jti: ctx.uuid(`${options.label}:jti`) });
  const claims = (options.claims ?? ((c) => c))(baseClaims);
  const headerSegment = encodeSegment(header);
  const headerB64 = options.headerEncoding ? options.headerEncoding(headerSegment.json) : headerSegment.base64url;
  const payloadSegment = encodeSegment(claims);
  const payloadB64 = options.payloadEncoding ? options.payloadEncoding(payloadSegment.json) : payloadSegment.base64url;
  const [signedHeader, signedPayload] = options.signedSegments?.(header, claims) ?? [headerB64, payloadB64];
  const input = jwsSigningInput(signedHeader, signedPayload);
  const signature = options.signWith ? options.signWith(key, input) : signJws(alg, key, input, ctx.bytes(`${options.label}:salt`, 32));
  return assembleJws(headerB64, payloadB64, signature);
}

/** An unsecured JWT (RFC 7519 §6: alg "none", empty signature), as a JWT library makes one when it is given no key. */
export function unsecuredAssertion(ctx: LabContext, label: string): string {
  const claims = assertionClaims({ tenant: ctx.tenant, clientId: ctx.clientId, now: ctx.nowSeconds, jti: ctx.uuid(`${label}:jti`) });
  return `${encodeSegment({ alg: "none", typ: "JWT" }).base64url}.${encodeSegment(claims).base64url}.`;
}

export interface TokenRequestOptions {
  /** The tenant in the URL; default the demo tenant. */
  tenant?: string;
  clientId?: string;
  scope?: string;
  /** The client assertion; undefined sends no client_assertion and no client_assertion_type. */
  assertion?: string;
  /** The fields as the faulty recipe writes them, instead of the usual ones. */
  fields?: [string, string][];
}

/** POST {tenant}/oauth2/v2.0/token with the client credentials grant and a client assertion (RFC 6749 §4.4, RFC 7523 §2.2). */
export function tokenRequest(ctx: LabContext, options: TokenRequestOptions): LabRequest {
  const url = tokenEndpoint(options.tenant ?? ctx.tenant, "v2");
  if (options.fields) return { url, fields: options.fields };
  const fields = tokenRequestFields({ clientId: options.clientId ?? ctx.clientId, scope: options.scope ?? GRAPH_DEFAULT_SCOPE, ...(options.assertion === undefined ? {} : { assertion: options.assertion }) });
  return { url, fields };
}

/** The form body, application/x-www-form-urlencoded. */
export function requestBody(request: LabRequest): string {
  return formBody(request.fields);
}

/** The usual request: a correct assertion, the demo app, Graph's /.default scope. */
export function goodRequest(ctx: LabContext, label: string, options: Omit<AssertionOptions, "label"> = {}): LabRequest {
  return tokenRequest(ctx, { assertion: clientAssertion(ctx, { label, ...options }) });
}
