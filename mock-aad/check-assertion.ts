/**
 * The client assertion, judged the way Entra ID judges it, with node:crypto only: never with the
 * kit's hand-built lib/ code (base64url, SHA, RSA, JWT), so that a bug there shows up as a rejected
 * assertion, exactly as it would against the real service.
 *
 * Order of the checks (each stops at the first failure). Entra does not publish its order; this
 * one is inferred, and puts cheap, structural checks before the key and the signature:
 *   1. shape: three non-empty base64url parts (no + / = or whitespace), each of header and payload
 *      UTF-8 JSON objects without a byte-order mark ............................... 50027
 *      each part the canonical base64url of its bytes, no name twice in either JSON object 50027 (inferred)
 *   2. alg: RS256, RS384, RS512 or PS256 (missing or not a string: 50027) ........ 5002738
 *      no crit header (RFC 7515 §4.1.11: the mock understands no extension) ....... 50027 (inferred)
 *   3. claims present and typed: aud an array or not a string: 50027; iss, sub, aud
 *      missing ................................................................... 90014
 *   4. sub = iss ...................................................................... 50048
 *   5. iss = the form's client_id ..................................................... 700021
 *   6. aud = this tenant's v1 or v2 token endpoint URL ................................ 700023
 *   7. now within [nbf − skew, exp + skew); nbf optional (1970), exp required (a missing
 *      exp reads as 1970, as Entra reports it); numbers or numeric strings; other types: 50027 700024
 *   8. which key: x5t#S256, else x5t, else the first x5c certificate's SHA-1, else kid (a
 *      base64url SHA-1 thumbprint, as MSAL.NET 4.7-4.9 sent it, or the credential's keyId);
 *      no header of these at all .................................................. 5002723
 *      x5t#S256 and x5t both present and not naming the same registered key ........ 50027 (inferred)
 *      a thumbprint header that is empty or undecodable, an x5c that holds no certificate, a kid
 *      that names no key .............................................. 700027 key not found
 *   9. that key is registered on the app ................................... 700027 not registered
 *  10. now within the registration's start and end dates .................... 700027 key expired
 *  11. an RSA key (an EC certificate cannot make RS/PS signatures) .................. 5002730
 *  12. at least 2048 bits .............................................. 50032 (after 70002)
 *  13. the signature verifies: RS256/384/512 = RSASSA-PKCS1-v1_5, PS256 = RSASSA-PSS with
 *      SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 7518 §3.5; a PSS signature with another salt
 *      length fails; .NET's RSASignaturePadding.Pss also uses the hash length) .. 700027 bad signature
 * Not checked: jti (three Microsoft libraries reuse their assertion, so Entra does not refuse a
 * jti it has seen), typ, iat, the assertion's lifetime (the docs say Entra places no restriction on
 * exp), x5c when a thumbprint is also present.
 *
 * The JOSE edge cases marked "inferred" above are the ones where JOSE readers disagree (RFC 7515 §4
 * lets a reader take the last of two names or refuse; JSON.parse takes the last), so an assertion
 * could mean one thing to the client's tooling and another to the judge. No Microsoft client sends
 * any of them and Entra's answer is not known: a test double refuses them (catalog "50027-jose") and
 * says why in its log. Evidence and decisions: lib/entra/evidence/entra-errors.md, "JOSE edge cases".
 *
 * Tolerated because Microsoft's own clients send them in production (evidence: what a Microsoft
 * client sends and Entra accepts; lib/entra/evidence/clients-observed.md cites each library's source):
 * - x5t / x5t#S256 in base64url WITH `=` padding (MSAL Python), or in standard base64 with `+ / =`
 *   (msal4j 2019-2025, MSAL Go): the thumbprint is read in any of the three base64 forms;
 * - x5c as one string instead of an array (MSAL.NET WithSendX5C), and x5c entries holding line
 *   breaks (MSAL Python's PEM body);
 * - a header with only kid = base64url SHA-1 thumbprint (MSAL.NET 4.7-4.9);
 * - float exp/iat (MSAL Python), string nbf/exp (MSAL.NET), no nbf, no iat.
 */
import { createHash, verify, X509Certificate, constants, type KeyObject } from "node:crypto";
import { certificateFacts, thumbprintOf } from "./certificate-facts.ts";
import type { CatalogId } from "../lib/entra/aadsts-catalog.ts";
import { duplicateJsonKeys } from "../lib/json-duplicate-keys.ts";
import type { Application, KeyCredential, Tenant } from "./registry.ts";

export interface AssertionCheckInput {
  /** The client_assertion form field. */
  assertion: string;
  /** The client_id form field. */
  clientId: string;
  application: Application;
  tenant: Tenant;
  /** The origin the request was sent to, e.g. https://127.0.0.1:8443. */
  origin: string;
  now: Date;
  clockSkewSeconds: number;
}

export type AssertionVerdict =
  | { ok: true; key: KeyCredential; alg: string; header: Record<string, unknown>; claims: Record<string, unknown> }
  | { ok: false; id: CatalogId; params: Record<string, string | number>; /** For the mock's log: what did not match, which Entra's text does not say. */ detail?: string };

/** Where the workshop builds aud for: the real authority host (the request's own origin is also accepted). */
export const ENTRA_ORIGIN = "https://login.microsoftonline.com";

export interface AlgorithmSpec {
  hash: "sha256" | "sha384" | "sha512";
  pss: boolean;
}

/**
 * What the mock verifies. RS384 and RS512 because Entra's own 5002738 text lists them; PS256
 * because Microsoft's certificate-credentials page (2025) and MSAL use it.
 */
export const ALGORITHMS: Readonly<Record<string, AlgorithmSpec>> = {
  RS256: { hash: "sha256", pss: false },
  RS384: { hash: "sha384", pss: false },
  RS512: { hash: "sha512", pss: false },
  PS256: { hash: "sha256", pss: true },
};

const MIN_RSA_BITS = 2048;

/** Checks 1 to 13 (see the list above), with the signature verified on this thread. */
export function checkAssertion(input: AssertionCheckInput): AssertionVerdict {
  const checked = checkAllButSignature(input);
  if (!("verify" in checked)) return checked;
  return verifySignature(checked.verify) ? checked.pass : checked.badSignature;
}

/**
 * The same checks, with the RSA verification done on libuv's thread pool (node:crypto's verify
 * with a callback), so that a server's main thread can meanwhile read and write other requests.
 * The HTTPS mock answers 16 connections with it; the verdict is the very same.
 */
export async function checkAssertionAsync(input: AssertionCheckInput): Promise<AssertionVerdict> {
  const checked = checkAllButSignature(input);
  if (!("verify" in checked)) return checked;
  return (await verifySignatureOnThreadPool(checked.verify)) ? checked.pass : checked.badSignature;
}

/** What is left once checks 1 to 12 have passed: the signature (13) and the two verdicts it decides between. */
interface SignatureLeft {
  verify: SignatureCheck;
  pass: AssertionVerdict & { ok: true };
  badSignature: AssertionVerdict;
}

export interface SignatureCheck {
  spec: AlgorithmSpec;
  key: KeyObject;
  data: Buffer;
  signature: Buffer;
}

function checkAllButSignature(input: AssertionCheckInput): AssertionVerdict | SignatureLeft {
  // 1. Shape.
  const parts = input.assertion.split(".");
  if (parts.length !== 3) return fail("50027");
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const headerJson = decodeJsonPart(headerPart);
  const claimsJson = decodeJsonPart(payloadPart);
  const signature = decodeBase64url(signaturePart);
  if (!headerJson || !claimsJson || !signature) return fail("50027");
  const named = { header: headerPart, payload: payloadPart, signature: signaturePart };
  for (const [name, part] of Object.entries(named)) {
    if (!isCanonicalBase64url(part)) return fail("50027-jose", {}, `the ${name} part is not canonical base64url: its last character carries non-zero trailing bits (RFC 4648 §3.5), so two texts would stand for the same bytes`);
  }
  // A name twice in the header is refused (inferred: no Microsoft client sends it). A name twice in
  // the payload is read as JSON.parse reads it, the last one counting: MSAL.NET 4.92's
  // WithClientClaims(…, mergeWithDefaultClaims: true) appends the claims it is given after its own,
  // so an overridden aud arrives twice (client evidence, seen in the interop suite).
  const twice = duplicateJsonKeys(headerJson.text);
  if (twice.length) return fail("50027-jose", {}, `the header JSON has ${twice.map((n) => JSON.stringify(n)).join(", ")} more than once (RFC 7515 §4: readers may take either one)`);
  const header = headerJson.value;
  const claims = claimsJson.value;

  // 2. Algorithm.
  if (typeof header.alg !== "string" || header.alg === "") return fail("50027");
  const spec = ALGORITHMS[header.alg];
  if (!spec) return fail("5002738", { alg: header.alg });
  if (header.crit !== undefined) return fail("50027-jose", {}, `the header has crit ${JSON.stringify(header.crit)}: extensions the mock does not understand, so the JWS is invalid (RFC 7515 §4.1.11)`);

  // 3. Claims present, of the right type.
  if (Array.isArray(claims.aud)) return fail("50027");
  for (const name of ["iss", "sub", "aud"] as const) {
    if (claims[name] !== undefined && claims[name] !== null && typeof claims[name] !== "string") return fail("50027");
  }
  for (const name of ["iss", "sub", "aud"] as const) {
    if (typeof claims[name] !== "string" || claims[name] === "") return fail("90014", { field: name });
  }
  const iss = claims.iss as string;
  const sub = claims.sub as string;
  const aud = claims.aud as string;

  // 4–6. Who and for whom.
  if (iss.toLowerCase() !== sub.toLowerCase()) return fail("50048");
  if (iss.toLowerCase() !== input.clientId.toLowerCase()) return fail("700021");
  if (!audienceMatches(aud, input.tenant, input.origin)) {
    return { ok: false, id: "700023", params: {}, detail: `aud ${aud} is not the token endpoint of tenant ${input.tenant.id}; it accepts ${acceptedAudiences(input.tenant, input.origin).join(", ")}` };
  }

  // 7. When.
  const nbf = numericDate(claims.nbf);
  const exp = numericDate(claims.exp);
  if (nbf === "bad" || exp === "bad") return fail("50027");
  const nowSeconds = input.now.getTime() / 1000;
  const from = nbf ?? 0;
  const until = exp ?? 0;
  if (!(nowSeconds >= from - input.clockSkewSeconds && nowSeconds < until + input.clockSkewSeconds)) {
    return fail("700024", { now: dotNetRoundTrip(input.now.getTime()), nbf: dotNetRoundTrip(from * 1000), exp: dotNetRoundTrip(until * 1000) });
  }

  // 8–9. Which key, and is it registered.
  const identified = identifyKey(header, input.application.keyCredentials);
  if (identified === "none") return fail("5002723");
  if (identified === "contradiction") return fail("50027-jose", {}, "x5t#S256 and x5t do not name the same registered certificate: which one the judge believes decides who signed (the mock refuses; Entra's choice is not known)");
  if (identified === "unreadable") {
    // Entra quotes an empty thumbprint when the header had one it could not read, none for kid or x5c.
    const hadThumbprint = header.x5t !== undefined || header["x5t#S256"] !== undefined;
    return fail("700027-key-not-found", { appId: input.application.appId, thumbprintPart: hadThumbprint ? "Thumbprint of key used by client: '', " : "" });
  }
  const { key, thumbprint } = identified;
  if (!key) {
    return fail("700027-not-registered", {
      appId: input.application.appId,
      thumbprintPart: thumbprint ? `Thumbprint of key used by client: '${thumbprint}', ` : "",
    });
  }
  const shown = thumbprint ?? hex(thumbprintOf(key.certificateDer, "sha1"));
  const found = { thumbprint: shown, start: entraKeyDate(key.startDateTime), end: entraKeyDate(key.endDateTime) };

  // 10. The registration's dates.
  if (input.now < key.startDateTime || input.now > key.endDateTime) return fail("700027-key-expired", found);

  // 11–12. The key itself.
  const { publicKey, keyType, bits } = certificateFacts(key.certificateDer);
  if (keyType !== "rsa") return fail("5002730");
  if (bits < MIN_RSA_BITS) return fail("50032", { bits });

  // 13. The signature over ASCII(header part "." payload part), RFC 7515 §5.2.
  const signingInput = Buffer.from(`${headerPart}.${payloadPart}`, "ascii");
  return {
    verify: { spec, key: publicKey, data: signingInput, signature },
    pass: { ok: true, key, alg: header.alg, header, claims },
    badSignature: fail("700027-bad-signature", found),
  };
}

function fail(id: CatalogId, params: Record<string, string | number> = {}, detail?: string): AssertionVerdict {
  return detail ? { ok: false, id, params, detail } : { ok: false, id, params };
}

// ── Decoding ─────────────────────────────────────────────────────────────────────────────────────

/** RFC 7515 §2: base64url without padding; + / = and whitespace make a part malformed. */
export function decodeBase64url(part: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(part) || part.length % 4 === 1) return undefined;
  return Buffer.from(part, "base64url");
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The canonical form: what the bytes encode back to. The last character of a part whose length is
 * 2 or 3 mod 4 has 4 or 2 bits that belong to no byte; decoders (node's included) ignore them, so
 * without this check "…Q" and "…R" would be the same signature (RFC 4648 §3.5 lets a decoder refuse).
 */
function isCanonicalBase64url(part: string): boolean {
  return Buffer.from(part, "base64url").toString("base64url") === part;
}

/** A base64url part holding a UTF-8 JSON object (RFC 7515 §5.2 steps 2–4), with its text; a BOM is refused. */
export function decodeJsonPart(part: string): { value: Record<string, unknown>; text: string } | undefined {
  const bytes = decodeBase64url(part);
  if (!bytes) return undefined;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return undefined;
  try {
    const text = STRICT_UTF8.decode(bytes);
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? { value: value as Record<string, unknown>, text } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * NumericDate (RFC 7519 §2), also as a numeric JSON string (MSAL.NET sends "1700000000").
 * Taken literally: a value in milliseconds is a date far in the future.
 */
export function numericDate(value: unknown): number | undefined | "bad" {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? value : "bad";
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return "bad";
}

// ── Audience ─────────────────────────────────────────────────────────────────────────────────────

/**
 * aud must be the tenant's token endpoint, v2 (/oauth2/v2.0/token) or v1 (/oauth2/token), with
 * the tenant as its GUID or any of its domains, at the origin the request came to or at
 * https://login.microsoftonline.com (the workshop builds aud for the real host even when it posts
 * to a local mock). The text compares case-insensitively (MSAL lower-cases aud) and is otherwise
 * taken as it is: a trailing slash, a query, an explicit :443 or a "/./" is a mismatch.
 */
export function audienceMatches(aud: string, tenant: Tenant, requestOrigin: string): boolean {
  return acceptedAudiences(tenant, requestOrigin).includes(aud.toLowerCase());
}

/** Every aud value the tenant accepts, lower case. */
export function acceptedAudiences(tenant: Tenant, requestOrigin: string): string[] {
  const origins = new Set([requestOrigin.toLowerCase(), ENTRA_ORIGIN]);
  const names = [tenant.id, ...tenant.domains].map((n) => n.toLowerCase());
  const out: string[] = [];
  for (const origin of origins) for (const name of names) out.push(`${origin}/${name}/oauth2/v2.0/token`, `${origin}/${name}/oauth2/token`);
  return out;
}

// ── The key ──────────────────────────────────────────────────────────────────────────────────────

type KeyIdentification = "none" | "unreadable" | "contradiction" | { key: KeyCredential | undefined; thumbprint: string | undefined };

/**
 * Finds the registered key the header points at, and the thumbprint Entra would quote (hex, upper
 * case). A header that names a key in a form nobody can read is "unreadable" (Entra: 700027 "The
 * key was not found." quoting an empty thumbprint); one that names no key at all is "none" (5002723).
 */
function identifyKey(header: Record<string, unknown>, keys: readonly KeyCredential[]): KeyIdentification {
  const x5tS256 = header["x5t#S256"];
  const x5t = header.x5t;
  const x5c = header.x5c;
  const kid = header.kid;
  if (x5tS256 === undefined && x5t === undefined && x5c === undefined && kid === undefined) return "none";
  // The first header present decides, in this order, even when it cannot be read (inferred).
  if (x5tS256 !== undefined) {
    const decided = byThumbprint(x5tS256, "sha256", keys);
    if (x5t === undefined || typeof decided !== "object") return decided;
    // Both thumbprints: they must name the same registered key (or, when neither names one, nothing
    // can be compared: the answer is the unregistered key's). No Microsoft client sends both.
    const other = byThumbprint(x5t, "sha1", keys);
    const otherKey = typeof other === "object" ? other.key : undefined;
    if ((decided.key || otherKey) && (other === "unreadable" || decided.key !== otherKey)) return "contradiction";
    return decided;
  }
  if (x5t !== undefined) return byThumbprint(x5t, "sha1", keys);
  if (x5c !== undefined) {
    const first = firstX5cCertificate(x5c);
    if (!first) return "unreadable";
    const thumb = sha(first, "sha1");
    return { key: keys.find((k) => thumbprintOf(k.certificateDer, "sha1").equals(thumb)), thumbprint: hex(thumb) };
  }
  if (typeof kid !== "string" || kid === "") return "unreadable";
  // MSAL.NET 4.7-4.9 sent kid = base64url SHA-1 thumbprint; the credential's keyId is inferred.
  const asThumbprint = byThumbprint(kid, "sha1", keys);
  if (typeof asThumbprint === "object" && asThumbprint.key) return asThumbprint;
  const byKeyId = keys.find((k) => k.keyId.toLowerCase() === kid.toLowerCase());
  return byKeyId ? { key: byKeyId, thumbprint: undefined } : "unreadable";
}

function byThumbprint(value: unknown, hash: "sha1" | "sha256", keys: readonly KeyCredential[]): KeyIdentification {
  if (typeof value !== "string") return "unreadable";
  const thumb = decodeThumbprint(value);
  if (!thumb) return "unreadable";
  // Entra quotes the bytes it decoded, whatever their length: base64url of the thumbprint's hex
  // TEXT shows up as 80 hex digits (e.g. '4442…'), which is the tell-tale of that mistake.
  return { key: keys.find((k) => thumbprintOf(k.certificateDer, hash).equals(thumb)), thumbprint: hex(thumb) };
}

/**
 * A thumbprint in base64url (RFC 7515 §4.1.7), padded or not (MSAL Python pads), or in standard
 * base64 (msal4j, MSAL Go): the two alphabets differ only in + / versus - _, so both are read.
 * Mixing them, other characters or an impossible length: undecodable.
 */
function decodeThumbprint(value: string): Buffer | undefined {
  const unpadded = value.replace(/={1,2}$/, "");
  if (unpadded === "" || !/^[A-Za-z0-9_-]+$|^[A-Za-z0-9+/]+$/.test(unpadded) || unpadded.length % 4 === 1) return undefined;
  return Buffer.from(unpadded.replace(/\+/g, "-").replace(/\//g, "_"), "base64url");
}

/**
 * x5c (RFC 7515 §4.1.6): an array of standard base64 DER certificates. Also one string (MSAL.NET
 * WithSendX5C) and entries with line breaks (MSAL Python's PEM body). The first must be a certificate.
 */
function firstX5cCertificate(x5c: unknown): Buffer | undefined {
  const first = Array.isArray(x5c) ? x5c[0] : x5c;
  if (typeof first !== "string") return undefined;
  const compact = first.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  const der = Buffer.from(compact, "base64");
  try {
    new X509Certificate(der);
    return der;
  } catch {
    return undefined;
  }
}

function sha(data: Uint8Array, hash: "sha1" | "sha256"): Buffer {
  return createHash(hash).update(data).digest();
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex").toUpperCase();
}

/** RS256/384/512: RSASSA-PKCS1-v1_5; PS256: RSASSA-PSS with a salt as long as the hash (RFC 7518 §3.5). */
function verifyOptions(check: SignatureCheck) {
  const { spec, key } = check;
  return spec.pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : { key, padding: constants.RSA_PKCS1_PADDING };
}

export function verifySignature(check: SignatureCheck): boolean {
  try {
    return verify(check.spec.hash, check.data, verifyOptions(check), check.signature);
  } catch {
    return false;
  }
}

function verifySignatureOnThreadPool(check: SignatureCheck): Promise<boolean> {
  return new Promise((done) => {
    try {
      verify(check.spec.hash, check.data, verifyOptions(check), check.signature, (error, valid) => done(!error && valid));
    } catch {
      done(false);
    }
  });
}

// ── Dates as Entra writes them ───────────────────────────────────────────────────────────────────

const DOTNET_MAX = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const DOTNET_MIN = -62135596800000; // 0001-01-01T00:00:00Z, DateTime.MinValue

/** .NET's round-trip format, 7 fraction digits: 2025-08-29T05:47:32.1500000Z. */
export function dotNetRoundTrip(milliseconds: number): string {
  if (!Number.isFinite(milliseconds) || milliseconds > DOTNET_MAX) return "9999-12-31T23:59:59.9999999Z";
  if (milliseconds < DOTNET_MIN) return "0001-01-01T00:00:00.0000000Z";
  return new Date(Math.floor(milliseconds)).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");
}

/** MM/DD/YYYY HH:MM:SS in UTC, as in "Found key 'Start=06/29/2021 21:13:15, End=…'". */
export function entraKeyDate(date: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(date.getUTCMonth() + 1)}/${p(date.getUTCDate())}/${date.getUTCFullYear()} ${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())}`;
}
