/**
 * JSON Web Token in JWS Compact Serialization (RFC 7519 §7.1, RFC 7515 §7.1), RS256 and PS256 only
 * (RFC 7518 §3.3 and §3.5): the two algorithms Entra accepts in a client assertion.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-7.1
 */
import { base64urlDecode, base64urlEncode } from "./base64url.ts";
import { utf8Decode, utf8Encode } from "../bytes.ts";
import { KitError } from "../errors.ts";
import { rsassaPkcs1v15Sign, rsassaPkcs1v15Verify, rsassaPssSign, rsassaPssVerify, type RsaPrivateKey, type RsaPublicKey } from "./rsa/index.ts";
import { SHA256 } from "./sha256.ts";

/** The "alg" values the kit signs and verifies (RFC 7518 §3.1 names them). */
export type JwsAlgorithm = "RS256" | "PS256";
/** Every {@link JwsAlgorithm}, for option parsing and messages. */
export const JWS_ALGORITHMS: readonly JwsAlgorithm[] = ["RS256", "PS256"];

/** The JOSE header fields a client assertion uses (RFC 7515 §4.1). */
export interface JoseHeader {
  alg: string;
  typ?: string;
  /** base64url of the SHA-1 of the certificate DER (RFC 7515 §4.1.7). */
  x5t?: string;
  /** base64url of the SHA-256 of the certificate DER (RFC 7515 §4.1.8). */
  "x5t#S256"?: string;
  /** the certificate chain, standard base64 DER, not base64url (RFC 7515 §4.1.6). */
  x5c?: string[];
  kid?: string;
  [name: string]: unknown;
}

/** A JSON object: a JOSE header or a JWT claims set (both must be objects, RFC 7519 §7.2). */
export type JsonObject = Record<string, unknown>;

/** One JWS segment at every stage: the JSON text, its UTF-8 bytes, their base64url. */
export interface EncodedSegment {
  json: string;
  bytes: Uint8Array;
  base64url: string;
}

/**
 * BASE64URL(UTF8(JSON)) of a header or claims set (RFC 7515 §7.1 steps for the Protected Header and
 * Payload). The JSON text is kept because the signature covers these exact bytes, not the object.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
export function encodeSegment(value: JsonObject): EncodedSegment {
  const json = JSON.stringify(value);
  const bytes = utf8Encode(json);
  return { json, bytes, base64url: base64urlEncode(bytes) };
}

/**
 * ASCII(BASE64URL(UTF8(JWS Protected Header)) || '.' || BASE64URL(JWS Payload)), RFC 7515 §5.1 step 5.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.1
 */
export function jwsSigningInput(headerB64: string, payloadB64: string): Uint8Array {
  return utf8Encode(`${headerB64}.${payloadB64}`);
}

/**
 * Signs a JWS signing input with RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 §3.3) or PS256
 * (RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt, RFC 7518 §3.5).
 * `salt` is used for PS256 only; pass a fixed one for reproducible output.
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.3
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-3.5
 */
export function signJws(alg: JwsAlgorithm, key: RsaPrivateKey, signingInput: Uint8Array, salt?: Uint8Array): Uint8Array {
  if (alg === "RS256") return rsassaPkcs1v15Sign(key, signingInput, SHA256);
  if (!salt || salt.length !== SHA256.outputLength)
    throw new KitError("PSS_SALT", "PS256 needs a 32-byte salt (RFC 7518 §3.5: the salt is as long as the hash).", "Pass 32 random bytes.");
  return rsassaPssSign(key, signingInput, SHA256, salt);
}

/**
 * Verifies an RS256 or PS256 signature with the kit's own RSA code (RFC 7515 §5.2 step 8); any other
 * alg is false.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2
 */
export function verifyJwsSignature(alg: string, key: RsaPublicKey, signingInput: Uint8Array, signature: Uint8Array): boolean {
  if (alg === "RS256") return rsassaPkcs1v15Verify(key, signingInput, signature, SHA256);
  if (alg === "PS256") return rsassaPssVerify(key, signingInput, signature, SHA256, SHA256.outputLength);
  return false;
}

/**
 * header.payload.signature (RFC 7515 §7.1).
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
export function assembleJws(headerB64: string, payloadB64: string, signature: Uint8Array): string {
  return `${headerB64}.${payloadB64}.${base64urlEncode(signature)}`;
}

/**
 * Builds and signs a whole JWT (RFC 7519 §7.1); returns every intermediate so a caller can show them.
 * @see https://www.rfc-editor.org/rfc/rfc7519#section-7.1
 */
export function createJwt(header: JoseHeader, claims: JsonObject, key: RsaPrivateKey, salt?: Uint8Array) {
  if (!isJwsAlgorithm(header.alg))
    throw new KitError("UNSUPPORTED_ALG", `The kit signs with RS256 or PS256, not ${JSON.stringify(header.alg)}.`, "Use --alg RS256 or --alg PS256.");
  const headerSegment = encodeSegment(header);
  const payloadSegment = encodeSegment(claims);
  const signingInput = jwsSigningInput(headerSegment.base64url, payloadSegment.base64url);
  const signature = signJws(header.alg, key, signingInput, salt);
  return { header: headerSegment, payload: payloadSegment, signingInput, signature, compact: assembleJws(headerSegment.base64url, payloadSegment.base64url, signature) };
}

/** Whether `alg` is one of the kit's {@link JwsAlgorithm}s (compared exactly: "rs256" is not). */
export function isJwsAlgorithm(alg: unknown): alg is JwsAlgorithm {
  return alg === "RS256" || alg === "PS256";
}

/** A JWS split and decoded; every field is what the bytes say, not what they should say. */
export interface DecodedJws {
  segments: [string, string, string];
  header: JoseHeader;
  payload: JsonObject;
  headerBytes: Uint8Array;
  payloadBytes: Uint8Array;
  signingInput: Uint8Array;
  signature: Uint8Array;
}

function decodeJsonSegment(name: "header" | "payload", segment: string): { bytes: Uint8Array; value: JsonObject } {
  let bytes: Uint8Array;
  try {
    bytes = base64urlDecode(segment);
  } catch (error) {
    const detail = error instanceof KitError ? error.message : String(error);
    throw new KitError("JWT_SEGMENT_ENCODING", `The JWT ${name} is not valid base64url: ${detail}`, error instanceof KitError ? error.hint : undefined);
  }
  let text: string;
  try {
    text = utf8Decode(bytes);
  } catch {
    throw new KitError("JWT_SEGMENT_UTF8", `The JWT ${name} is not UTF-8 text.`, "Encode the JSON as UTF-8 before base64url (RFC 7515 §7.1).");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KitError("JWT_SEGMENT_JSON", `The JWT ${name} is not valid JSON.`, "Check the JSON text before it is encoded.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new KitError("JWT_SEGMENT_JSON", `The JWT ${name} is JSON but not an object.`, "A JOSE header and a claims set are JSON objects (RFC 7519 §7.2).");
  return { bytes, value: value as JsonObject };
}

/**
 * Splits a compact JWS into its three parts and decodes them strictly (RFC 7515 §5.2 steps 1–5).
 * It does not verify anything: see verifyJwsSignature.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2
 */
export function decodeJws(compact: string): DecodedJws {
  const token = compact.trim();
  const segments = token.split(".");
  if (segments.length !== 3)
    throw new KitError("JWT_SEGMENTS", `A signed JWT has 3 parts separated by dots; this one has ${segments.length}.`, "Copy the whole token: header.payload.signature.");
  const [h, p, s] = segments as [string, string, string];
  const header = decodeJsonSegment("header", h);
  const payload = decodeJsonSegment("payload", p);
  let signature: Uint8Array;
  try {
    signature = base64urlDecode(s);
  } catch (error) {
    throw new KitError("JWT_SEGMENT_ENCODING", `The JWT signature is not valid base64url: ${(error as Error).message}`);
  }
  return {
    segments: [h, p, s],
    header: header.value as JoseHeader,
    payload: payload.value,
    headerBytes: header.bytes,
    payloadBytes: payload.bytes,
    signingInput: jwsSigningInput(h, p),
    signature,
  };
}
