/**
 * Rolling an application's own certificate through Microsoft Graph, as data: the proof-of-possession
 * JWT and the bodies of `POST /applications/{id}/addKey` and `…/removeKey`. Nothing here sends a
 * request; the caller posts the body with a Graph token of the app itself (an application needs no
 * permission to roll its own keys).
 *
 * The proof is signed like a client assertion, by the kit's own JWS code (lib/crypto/jws.ts) with
 * the header assertion.ts builds (RS256 + x5t, or PS256 + x5t#S256), with the private key of a
 * certificate the app already has and that is valid now. Its claims, from Microsoft's page:
 *   aud  00000002-0000-0000-c000-000000000000 (Azure AD Graph's ID, not Microsoft Graph's 00000003-…)
 *   iss  the application's object ID (Graph's `id`), not its appId
 *   nbf  not before, seconds (NumericDate, RFC 7519 §2)
 *   exp  nbf + 10 minutes at most
 * @see https://learn.microsoft.com/graph/application-rollkey-prooftoken
 * @see https://learn.microsoft.com/graph/api/application-addkey
 * @see https://learn.microsoft.com/graph/api/application-removekey
 */
import { base64Encode } from "../crypto/base64url.ts";
import { createJwt, type JwsAlgorithm } from "../crypto/jws.ts";
import type { RsaPrivateKey } from "../crypto/rsa/index.ts";
import { KitError } from "../errors.ts";
import { assertionHeader } from "./assertion.ts";
import { isGuid, MAX_PROOF_LIFETIME_SECONDS, PROOF_AUDIENCE } from "./protocol.ts";

export { MAX_PROOF_LIFETIME_SECONDS, PROOF_AUDIENCE } from "./protocol.ts";
/** Where Graph lives, unless a profile names the mock's /graph URL. */
export const GRAPH_BASE_URL = "https://graph.microsoft.com";

export interface ProofClaims {
  aud: string;
  iss: string;
  nbf: number;
  exp: number;
  [name: string]: unknown;
}

export interface ProofClaimsOptions {
  /** The application object's ID (Graph's `id`; "Object ID" on the app registration's Overview page). */
  applicationObjectId: string;
  /** Seconds since the epoch; nbf. */
  now: number;
  /** exp − nbf, in seconds; default and maximum 600. */
  lifetime?: number;
}

/** The proof's claims: aud, iss, nbf, exp (and nothing else: Microsoft's sample sends only these). */
export function proofClaims(options: ProofClaimsOptions): ProofClaims {
  checkObjectId(options.applicationObjectId);
  const lifetime = options.lifetime ?? MAX_PROOF_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime <= 0 || lifetime > MAX_PROOF_LIFETIME_SECONDS)
    throw new KitError("LIFETIME", `A proof lifetime of ${lifetime} seconds is not a whole number from 1 to ${MAX_PROOF_LIFETIME_SECONDS}.`, "Graph wants exp at most 10 minutes after nbf: use 600.");
  return { aud: PROOF_AUDIENCE, iss: options.applicationObjectId.toLowerCase(), nbf: options.now, exp: options.now + lifetime };
}

export interface SignProofOptions extends ProofClaimsOptions {
  /** The DER of the certificate whose key signs: one the app already has, valid now. */
  certificateDer: Uint8Array;
  key: RsaPrivateKey;
  /** Default RS256 (what Microsoft's sample, through X509SigningCredentials, signs with). */
  alg?: JwsAlgorithm;
  /** PS256's 32-byte salt; pass a fixed one for reproducible output. */
  salt?: Uint8Array;
}

/**
 * The signed proof, with every intermediate (createJwt's), so a command can print and explain it
 * like any other assertion.
 */
export function signProof(options: SignProofOptions) {
  const claims = proofClaims(options);
  const alg = options.alg ?? "RS256";
  const header = assertionHeader(alg, options.certificateDer);
  const jwt = createJwt(header, claims, options.key, alg === "PS256" ? options.salt ?? crypto.getRandomValues(new Uint8Array(32)) : undefined);
  return { headerObject: header, claims, ...jwt };
}

/** addKey's body: the new certificate as a keyCredential, no password, the proof. */
export interface AddKeyBody {
  keyCredential: { type: "AsymmetricX509Cert"; usage: "Verify"; key: string; displayName?: string };
  passwordCredential: null;
  proof: string;
}

/**
 * `key` is the certificate's DER in standard base64 (OData's Edm.Binary): base64url is refused with
 * "Cannot convert a primitive value to the expected type 'Edm.Binary'" (microsoft-graph-docs-contrib#4307).
 * Only the public certificate goes up, never the PFX.
 */
export function addKeyBody(options: { certificateDer: Uint8Array; proof: string; displayName?: string }): AddKeyBody {
  return {
    keyCredential: { type: "AsymmetricX509Cert", usage: "Verify", key: base64Encode(options.certificateDer), ...(options.displayName ? { displayName: options.displayName } : {}) },
    passwordCredential: null,
    proof: options.proof,
  };
}

/** removeKey's body: the keyId of the credential to remove (Graph's keyCredentials[].keyId) and the proof. */
export function removeKeyBody(options: { keyId: string; proof: string }): { keyId: string; proof: string } {
  if (!isGuid(options.keyId))
    throw new KitError("KEY_ID_FORMAT", `"${options.keyId}" is not a key ID: Graph names each registered certificate by a GUID.`, "Read it from the app's keyCredentials (npm run cert -- check, or GET /applications/{id}).");
  return { keyId: options.keyId.toLowerCase(), proof: options.proof };
}

export type KeyAction = "addKey" | "removeKey";

/**
 * The action's URL, the application addressed by object ID (`/applications/{id}`) or by appId
 * (`/applications(appId='…')`), both documented. `graph` is https://graph.microsoft.com or the mock's
 * …/graph URL.
 */
export function keyActionUrl(graph: string, application: { objectId: string } | { appId: string }, action: KeyAction, version: "v1.0" | "beta" = "v1.0"): string {
  const base = graph.replace(/\/+$/, "");
  if ("objectId" in application) {
    checkObjectId(application.objectId);
    return `${base}/${version}/applications/${application.objectId}/${action}`;
  }
  if (!isGuid(application.appId))
    throw new KitError("CLIENT_ID_FORMAT", `"${application.appId}" is not a GUID: the appId is the Application (client) ID.`, "Copy it from the app registration's Overview page.");
  return `${base}/${version}/applications(appId='${application.appId}')/${action}`;
}

function checkObjectId(objectId: string): void {
  if (!isGuid(objectId))
    throw new KitError("APP_OBJECT_ID_FORMAT", `"${objectId}" is not a GUID: the proof's iss is the application's Object ID.`, "Copy the Object ID (not the Application (client) ID) from the app registration's Overview page, or read `id` from GET /applications(appId='…').");
}
