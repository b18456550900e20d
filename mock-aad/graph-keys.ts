/**
 * Microsoft Graph's addKey and removeKey on an application: how an app rolls its own certificates.
 * Judged with node:crypto only, like everything the mock judges.
 *
 *   POST /applications/{id}/addKey             {keyCredential: {type, usage, key}, passwordCredential: null, proof}
 *   POST /applications(appId='{appId}')/addKey → 200 and the new keyCredential
 *   POST /applications/{id}/removeKey          {keyId, proof}
 *   POST /applications(appId='{appId}')/removeKey → 204
 * Sources: https://learn.microsoft.com/graph/api/application-addkey and -removekey (v1.0; both
 * address forms, the body, "An application does not need any specific permission to roll its own
 * keys"), https://learn.microsoft.com/graph/application-rollkey-prooftoken (the proof's claims),
 * https://learn.microsoft.com/graph/api/resources/keycredential.
 *
 * The proof is a JWT signed with the private key of one of the application's valid certificates:
 * aud 00000002-0000-0000-c000-000000000000, iss the application's object id (not its appId:
 * microsoftgraph/microsoft-graph-docs#10563, answered by the asker), nbf, exp = nbf + 10 minutes.
 *
 * What the mock answers, and how sure it is (the kit's grades: confirmed = a pasted Graph answer or
 * Microsoft's docs; inferred = no pasted answer, with the hint it rests on, if any). Details and the
 * exact bodies: lib/entra/evidence/graph-key-actions.md.
 *   caller is neither the app nor holds Application.ReadWrite.All / Directory.ReadWrite.All
 *     403 Authorization_RequestDenied "Insufficient privileges to complete the operation."  code and
 *     text confirmed for Graph (graph.ts); for these actions inferred.
 *   no proof
 *     403 Authorization_RequestDenied, same text: inferred from a user's words (microsoftgraph/msgraph-sdk-powershell#779:
 *     "requires Proof to be provided … or else it would fail with the Insufficient privileges").
 *   body not JSON                           400 BadRequest "Unable to read JSON request payload. …": inferred.
 *   key not base64 (base64url, say)        400 Request_BadRequest "Cannot convert a primitive value to the
 *     expected type 'Edm.Binary'. See the inner exception for more details.": confirmed
 *     (microsoftgraph/microsoft-graph-docs-contrib#4307, a base64url key). keyId not a GUID: the same
 *     text with 'Edm.Guid', inferred.
 *   a bad proof (malformed, = padding, wrong aud or iss, times, lifetime, signature, an expired key)
 *     401 Authentication_MissingOrMalformed "Access Token missing or malformed.": code and text
 *     confirmed for proofs Graph refused (microsoft-graph-docs#10686 and -contrib#4259: a proof of aud
 *     and iss only; -contrib#2862; -contrib#4307); the = padding case is in Microsoft's proof-token
 *     page. The status is inferred (the pastes show bodies only). Graph's text names no reason; the
 *     mock adds one in parentheses after it, marked "mock-aad:". nbf/exp as ISO date strings made
 *     Graph answer 500 (microsoft-graph-docs#15103); the mock answers 401 instead (never a 5xx).
 *   which faults count, their order, the 5-minute skew and the 10-minute ceiling: inferred (the docs
 *     say exp "should be nbf + 10 mins"; their sample: "token validity should not be more than 10 minutes").
 *   not an AsymmetricX509Cert/Verify certificate, passwordCredential not null, not a certificate,
 *     already registered, no keyCredential at all   400 Request_BadRequest, inferred texts.
 *   startDateTime/endDateTime that are no dates      400 "Cannot convert … 'Edm.DateTimeOffset'", the
 *     shape confirmed for Edm.Binary (-contrib#4307), its use for dates inferred.
 *   certificate already expired            400 Request_BadRequest "Key credential end date is invalid.":
 *     recorded from Azure AD Graph for keyCredentials (Azure/azure-rest-api-specs#11985), inferred here.
 *   removeKey of an unknown keyId          404 Request_ResourceNotFound, Graph's not-found text: inferred.
 *   removeKey of the last valid key        400 Request_BadRequest: inferred (the docs say an app without
 *     a valid certificate cannot use these actions again).
 */
import { X509Certificate } from "node:crypto";
import { MAX_PROOF_LIFETIME_SECONDS, PROOF_AUDIENCE } from "../lib/entra/protocol.ts";
import { RESOURCE_CLOCK_SKEW_SECONDS, rolesOf } from "./bearer.ts";
import { ALGORITHMS, decodeJsonPart, verifySignature } from "./check-assertion.ts";
import { readBodyAtMost } from "./form.ts";
import { recordKeyChange } from "./key-replication.ts";
import { keyCredential, type Application, type KeyCredential } from "./registry.ts";

export { MAX_PROOF_LIFETIME_SECONDS, PROOF_AUDIENCE } from "../lib/entra/protocol.ts";

/**
 * Application permissions that let an app roll another app's keys (the actions' Permissions table).
 * Application.ReadWrite.OwnedBy is left out: it covers the apps the caller owns, and the mock records
 * no owners (an app rolling its own keys needs no permission at all).
 */
const KEY_WRITERS = ["Application.ReadWrite.All", "Directory.ReadWrite.All"];

const MAX_BODY = 64 * 1024;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type KeyAction = "addKey" | "removeKey";

/** What Graph answers, as data: graph.ts makes the Response. */
export type KeyActionAnswer =
  | { status: 200; body: Record<string, unknown> }
  | { status: 204 }
  | { status: number; code: string; message: string };

export interface KeyActionInput {
  request: Request;
  action: KeyAction;
  application: Application;
  /** The bearer token's claims (already checked by bearer.ts). */
  claims: Record<string, unknown>;
  now: Date;
  /** Seconds until the token service sees the change (key-replication.ts); 0: at once. */
  replicationDelaySeconds: number;
  /** "v1.0" or "beta", for @odata.context. */
  version: string;
}

const MALFORMED = "Access Token missing or malformed.";
const INSUFFICIENT = "Insufficient privileges to complete the operation.";

const refuse = (status: number, code: string, message: string): KeyActionAnswer => ({ status, code, message });
const badProof = (reason: string): KeyActionAnswer => refuse(401, "Authentication_MissingOrMalformed", `${MALFORMED} (mock-aad: ${reason})`);
const badRequest = (message: string): KeyActionAnswer => refuse(400, "Request_BadRequest", message);
const cannotConvert = (type: string): KeyActionAnswer => badRequest(`Cannot convert a primitive value to the expected type '${type}'. See the inner exception for more details.`);

export async function keyAction(input: KeyActionInput): Promise<KeyActionAnswer> {
  const { application: app, claims, now } = input;
  const caller = String(claims.appid ?? claims.azp ?? "");
  const self = caller.toLowerCase() === app.appId.toLowerCase();
  if (!self && !rolesOf(claims).some((r) => KEY_WRITERS.includes(r))) return refuse(403, "Authorization_RequestDenied", INSUFFICIENT);

  const body = await readJsonObject(input.request);
  if (!body) return refuse(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");

  // OData reads the body's typed values before the action runs.
  let newKey: { der: Uint8Array; start?: Date; end?: Date; displayName?: string } | undefined;
  let keyId: string | undefined;
  if (input.action === "addKey") {
    const parsed = readKeyCredential(body.keyCredential);
    if ("status" in parsed) return parsed;
    newKey = parsed;
  } else {
    if (typeof body.keyId !== "string" || !GUID.test(body.keyId)) return cannotConvert("Edm.Guid");
    keyId = body.keyId.toLowerCase();
  }

  if (typeof body.proof !== "string" || body.proof === "") return refuse(403, "Authorization_RequestDenied", INSUFFICIENT);
  const proof = checkProof(body.proof, app, now);
  if (!proof.ok) return badProof(proof.reason);

  return newKey ? addKey(input, newKey, body.passwordCredential) : removeKey(input, keyId!);
}

// ── The two actions ──────────────────────────────────────────────────────────────────────────────

function addKey(input: KeyActionInput, parsed: { der: Uint8Array; start?: Date; end?: Date; displayName?: string }, passwordCredential: unknown): KeyActionAnswer {
  const { application: app, now } = input;
  if (passwordCredential !== undefined && passwordCredential !== null)
    return badRequest("passwordCredential is for keys of type X509CertAndPassword; with an AsymmetricX509Cert set it to null. (mock-aad supports AsymmetricX509Cert only.)");
  let key: KeyCredential;
  try {
    key = keyCredential(parsed.der, { ...(parsed.start ? { start: parsed.start } : {}), ...(parsed.end ? { end: parsed.end } : {}), ...(parsed.displayName ? { displayName: parsed.displayName } : {}) });
  } catch {
    return badRequest("The key credential's key is not an X.509 certificate: send the certificate's DER (the .cer file) in standard base64.");
  }
  if (key.endDateTime <= now) return badRequest("Key credential end date is invalid.");
  const same = app.keyCredentials.find((k) => k.keyId === key.keyId || Buffer.from(k.certificateDer).equals(Buffer.from(key.certificateDer)));
  if (same) return badRequest(`This certificate is already registered on the application, as keyId ${same.keyId}.`);
  app.keyCredentials.push(key);
  recordKeyChange(app, "added", key, now, input.replicationDelaySeconds);
  return { status: 200, body: { "@odata.context": `https://graph.microsoft.com/${input.version}/$metadata#microsoft.graph.keyCredential`, ...keyCredentialResource(key) } };
}

function removeKey(input: KeyActionInput, keyId: string): KeyActionAnswer {
  const { application: app, now } = input;
  const index = app.keyCredentials.findIndex((k) => k.keyId.toLowerCase() === keyId);
  if (index < 0) return refuse(404, "Request_ResourceNotFound", `Resource '${keyId}' does not exist or one of its queried reference-property objects are not present.`);
  const key = app.keyCredentials[index]!;
  const othersValid = app.keyCredentials.some((k, i) => i !== index && isValidAt(k, now));
  if (isValidAt(key, now) && !othersValid)
    return badRequest(`Key ${keyId} is the application's last valid certificate: removing it would leave the application unable to sign in or to roll its keys. Add the new certificate with addKey first.`);
  app.keyCredentials.splice(index, 1);
  recordKeyChange(app, "removed", key, now, input.replicationDelaySeconds);
  return { status: 204 };
}

/**
 * A registered certificate as Graph's keyCredential resource. key (the DER, base64) is "returned only
 * on $select for a single object, that is, GET applications/{applicationId}?$select=keyCredentials
 * … otherwise, it's always null" (https://learn.microsoft.com/graph/api/resources/keycredential).
 */
export function keyCredentialResource(k: KeyCredential, withKey = false): Record<string, unknown> {
  return {
    customKeyIdentifier: thumbprint(k),
    displayName: k.displayName,
    endDateTime: graphDate(k.endDateTime),
    key: withKey ? Buffer.from(k.certificateDer).toString("base64") : null,
    keyId: k.keyId,
    startDateTime: graphDate(k.startDateTime),
    type: "AsymmetricX509Cert",
    usage: "Verify",
  };
}

// ── The proof ────────────────────────────────────────────────────────────────────────────────────

export type ProofVerdict = { ok: true; key: KeyCredential } | { ok: false; reason: string };

/**
 * The proof of possession, checked in this order (inferred): shape, alg, aud, iss, nbf/exp and the
 * lifetime, then the signature against each of the application's certificates (node:crypto).
 */
export function checkProof(proof: string, app: Application, now: Date): ProofVerdict {
  const no = (reason: string): ProofVerdict => ({ ok: false, reason });
  const parts = proof.split(".");
  if (parts.length !== 3) return no(`the proof is not a signed JWT (header.payload.signature); it has ${parts.length} part(s).`);
  const [h, p, s] = parts as [string, string, string];
  if (/=/.test(h) || /=/.test(p)) return no("the proof's header or payload ends with = padding; JWT parts are base64url without padding (RFC 7515 §2).");
  const header = decodeJsonPart(h)?.value;
  const claims = decodeJsonPart(p)?.value;
  if (!header || !claims || !/^[A-Za-z0-9_-]+$/.test(s)) return no("the proof's parts are not base64url JSON (RFC 7515 §7.1).");
  const spec = typeof header.alg === "string" ? ALGORITHMS[header.alg] : undefined;
  if (!spec) return no(`the proof's alg is ${JSON.stringify(header.alg)}; sign it with RS256 (or PS256) like a client assertion.`);

  const aud = claims.aud;
  if (typeof aud !== "string" || aud.toLowerCase() !== PROOF_AUDIENCE)
    return no(`the proof's aud is ${JSON.stringify(aud)}; it must be ${PROOF_AUDIENCE} (Azure AD Graph's ID${aud === "00000003-0000-0000-c000-000000000000" ? ", not Microsoft Graph's 00000003-…" : ""}).`);
  const iss = claims.iss;
  if (typeof iss !== "string" || iss.toLowerCase() !== app.objectId.toLowerCase())
    return no(`the proof's iss is ${JSON.stringify(iss)}; it must be the application's object id ${app.objectId}${typeof iss === "string" && iss.toLowerCase() === app.appId.toLowerCase() ? " (that is its appId, the client id)" : ""}.`);

  const nbf = claims.nbf;
  const exp = claims.exp;
  if (typeof nbf !== "number" || typeof exp !== "number" || !Number.isFinite(nbf) || !Number.isFinite(exp))
    return no("the proof needs nbf and exp as NumericDate numbers (seconds since 1970, RFC 7519 §2).");
  if (exp <= nbf) return no(`the proof's exp (${exp}) is not after its nbf (${nbf}).`);
  if (exp - nbf > MAX_PROOF_LIFETIME_SECONDS) return no(`the proof lives ${exp - nbf} s (exp − nbf); at most ${MAX_PROOF_LIFETIME_SECONDS} s (10 minutes).`);
  const seconds = now.getTime() / 1000;
  if (seconds < nbf - RESOURCE_CLOCK_SKEW_SECONDS) return no(`the proof is not valid yet: nbf ${nbf} is ${Math.round(nbf - seconds)} s ahead of the clock.`);
  if (seconds >= exp + RESOURCE_CLOCK_SKEW_SECONDS) return no(`the proof expired: exp ${exp} was ${Math.round(seconds - exp)} s ago.`);

  // The signature over ASCII(header "." payload), RFC 7515 §5.2, against each registered certificate.
  const signingInput = Buffer.from(`${h}.${p}`, "ascii");
  const signature = Buffer.from(s, "base64url");
  // A key may be registered twice (a renewed certificate of the same key): a valid registration wins.
  const byValidity = [...app.keyCredentials].sort((a, b) => Number(isValidAt(b, now)) - Number(isValidAt(a, now)));
  const signer = byValidity.find((k) => {
    const publicKey = new X509Certificate(Buffer.from(k.certificateDer)).publicKey;
    return publicKey.asymmetricKeyType === "rsa" && verifySignature({ spec, key: publicKey, data: signingInput, signature });
  });
  if (!signer) {
    const valid = app.keyCredentials.filter((k) => isValidAt(k, now)).length;
    return no(valid === 0 ? "the application has no valid certificate left to sign a proof with; add one with Update application (PATCH keyCredentials) instead." : `the proof's signature verifies with none of the application's ${app.keyCredentials.length} certificate(s).`);
  }
  if (!isValidAt(signer, now))
    return no(`the proof is signed by the certificate ${thumbprint(signer)}, whose registration ${now < signer.startDateTime ? "starts" : "ended"} ${graphDate(now < signer.startDateTime ? signer.startDateTime : signer.endDateTime)}; sign it with a currently valid one.`);
  return { ok: true, key: signer };
}

// ── Reading the body ─────────────────────────────────────────────────────────────────────────────

async function readJsonObject(request: Request): Promise<Record<string, unknown> | undefined> {
  const bytes = await readBodyAtMost(request, MAX_BODY);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** keyCredential {type, usage, key, displayName?, startDateTime?, endDateTime?}, as OData would read it. */
function readKeyCredential(value: unknown): { der: Uint8Array; start?: Date; end?: Date; displayName?: string } | KeyActionAnswer {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return badRequest("keyCredential is required: {type: 'AsymmetricX509Cert', usage: 'Verify', key: '<base64 DER certificate>'}.");
  const k = value as Record<string, unknown>;
  // Edm.Binary is standard base64 (OData JSON format §7.1); base64url is refused (-contrib#4307).
  if (typeof k.key !== "string" || k.key === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(k.key) || k.key.length % 4 !== 0) return cannotConvert("Edm.Binary");
  const dates: { start?: Date; end?: Date } = {};
  for (const [field, name] of [["startDateTime", "start"], ["endDateTime", "end"]] as const) {
    if (k[field] === undefined || k[field] === null) continue;
    const date = typeof k[field] === "string" ? new Date(k[field] as string) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) return cannotConvert("Edm.DateTimeOffset");
    dates[name] = date;
  }
  if (k.type !== "AsymmetricX509Cert" || k.usage !== "Verify")
    return badRequest(`keyCredential type ${JSON.stringify(k.type)} with usage ${JSON.stringify(k.usage)} is not supported: a certificate for sign-in is type AsymmetricX509Cert, usage Verify. (mock-aad does not model X509CertAndPassword.)`);
  return { der: new Uint8Array(Buffer.from(k.key, "base64")), ...dates, ...(typeof k.displayName === "string" && k.displayName !== "" ? { displayName: k.displayName } : {}) };
}

// ── Small helpers ────────────────────────────────────────────────────────────────────────────────

function isValidAt(key: KeyCredential, now: Date): boolean {
  return key.startDateTime <= now && now <= key.endDateTime;
}

function thumbprint(key: KeyCredential): string {
  return new X509Certificate(Buffer.from(key.certificateDer)).fingerprint.replace(/:/g, "");
}

/** "2026-01-15T09:00:00Z": Graph's dates, without milliseconds when they are zero. */
export function graphDate(date: Date): string {
  return date.toISOString().replace(/\.000Z$/, "Z");
}
