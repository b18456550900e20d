/**
 * The doctor for Graph's addKey / removeKey proof of possession: what in the proof makes Graph
 * refuse it, checked the way the mock checks it (mock-aad/graph-keys.ts, which cites and grades each
 * refusal), but with the kit's own code. Graph's answer names no reason: every bad proof gets
 * 401 Authentication_MissingOrMalformed "Access Token missing or malformed." (the code and the text
 * are confirmed from pasted answers, microsoft-graph-docs#10686 and -contrib#2862; the status is
 * inferred), so the proof itself is what tells the causes apart.
 *
 * @example
 * diagnoseKeyProof({ proof, applicationObjectId, registered: [{ der, start, end }], now: new Date() }).causes[0]?.id;
 * // "proof-wrong-aud"
 */
import { jwsSigningInput, verifyJwsSignature } from "../../crypto/jws.ts";
import { windowsThumbprint } from "../../formats/x509/index.ts";
import { MAX_PROOF_LIFETIME_SECONDS, PROOF_AUDIENCE } from "../protocol.ts";
import { cause, type CauseId } from "./causes.ts";
import { certFacts, type CertFacts } from "./thumbprints.ts";
import { CLOCK_SKEW_SECONDS, utcText } from "./times.ts";
import { readJwsTolerantly } from "./tolerant-jwt.ts";
import type { Cause } from "./types.ts";

/** What Graph answers a bad proof with, as the doctor shows it, graded. */
export const GRAPH_PROOF_REFUSAL = {
  status: 401,
  code: "Authentication_MissingOrMalformed",
  message: "Access Token missing or malformed.",
  evidence: "code and text confirmed (microsoft-graph-docs#10686, -contrib#2862, #4307); status inferred",
} as const;

export interface KeyProofInput {
  /** The proof JWT (the body's `proof`). */
  proof: string;
  /** The application's object ID (Graph's id): iss must be it. */
  applicationObjectId?: string;
  /** The application's appId (client ID): the usual wrong iss. */
  appId?: string;
  /** The app's registered certificates with the dates Entra keeps for them (default: the certificate's own). */
  registered?: { der: Uint8Array; start?: Date; end?: Date }[];
  /** The certificate addKey adds (the body's keyCredential.key, as DER): a proof signed by it proves nothing. */
  adding?: Uint8Array;
  now: Date;
}

export interface KeyProofDiagnosis {
  /** The causes found, in the order Graph (the mock) meets them. */
  causes: Cause[];
  /** What Graph answers: a refusal when a cause was found; undefined when the proof looks right. */
  predicted?: { status: number; code: string };
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  notes: string[];
}

export function diagnoseKeyProof(input: KeyProofInput): KeyProofDiagnosis {
  const notes: string[] = [];
  const causes: Cause[] = [];
  const graphRow: [string, string] = ["Graph answers", `${GRAPH_PROOF_REFUSAL.status} ${GRAPH_PROOF_REFUSAL.code} (text confirmed, status inferred)`];
  const found = (id: CauseId, detail: string, rows: [string, string][] = [], answer: [string, string] = graphRow) => causes.push(cause(id, detail, [...rows, answer]));
  const jws = readJwsTolerantly(input.proof.trim());
  const header = jws.header?.json.value;
  const claims = jws.payload?.json.value;
  const done = (): KeyProofDiagnosis => ({
    causes,
    ...(causes.length ? { predicted: { status: GRAPH_PROOF_REFUSAL.status, code: GRAPH_PROOF_REFUSAL.code } } : {}),
    ...(header ? { header } : {}),
    ...(claims ? { claims } : {}),
    notes,
  });

  const [h = "", p = ""] = jws.parts;
  if (/=/.test(h) || /=/.test(p)) found("proof-padded", "The header or payload part ends with =: Graph's reader wants base64url without padding (Microsoft's proof-token page).", [["header part ends", h.slice(-6)], ["payload part ends", p.slice(-6)]]);
  if (jws.parts.length !== 3 || !header || !claims) {
    notes.push("The proof is not three base64url parts holding JSON: the doctor could read no claims.");
    return done();
  }

  // aud, iss (mock order).
  if (typeof claims.aud !== "string" || claims.aud.toLowerCase() !== PROOF_AUDIENCE)
    found("proof-wrong-aud", `aud is ${JSON.stringify(claims.aud)}${claims.aud === "00000003-0000-0000-c000-000000000000" ? ", Microsoft Graph's ID: the proof wants Azure AD Graph's" : ""} (Microsoft's proof-token page: aud ${PROOF_AUDIENCE}).`, [["aud sent", String(claims.aud)], ["aud expected", PROOF_AUDIENCE]]);
  if (input.applicationObjectId && (typeof claims.iss !== "string" || claims.iss.toLowerCase() !== input.applicationObjectId.toLowerCase())) {
    const isAppId = typeof claims.iss === "string" && input.appId !== undefined && claims.iss.toLowerCase() === input.appId.toLowerCase();
    found("proof-iss-not-object-id", `iss is ${JSON.stringify(claims.iss)}${isAppId ? ", the appId (client ID)" : ""}; Graph wants the application's object ID (Microsoft's proof-token page).`, [["iss sent", String(claims.iss)], ["object ID", input.applicationObjectId]]);
  }

  // nbf, exp: numbers, at most 10 minutes apart, around now (5 minutes of skew, inferred).
  const nbf = claims.nbf;
  const exp = claims.exp;
  const seconds = input.now.getTime() / 1000;
  if (typeof nbf !== "number" || typeof exp !== "number") found("proof-times", `nbf is ${JSON.stringify(nbf)} and exp ${JSON.stringify(exp)}: both must be NumericDate numbers.`, [], ["Graph answers", "500 to ISO date strings (microsoft-graph-docs#15103); the mock answers 401"]);
  else if (exp - nbf > MAX_PROOF_LIFETIME_SECONDS || exp <= nbf) found("proof-times", `exp − nbf is ${exp - nbf} s; it must be more than 0 and at most ${MAX_PROOF_LIFETIME_SECONDS} (Microsoft's proof-token page: 10 minutes).`, [["nbf", utcText(nbf * 1000)], ["exp", utcText(exp * 1000)]]);
  else if (seconds < nbf - CLOCK_SKEW_SECONDS || seconds >= exp + CLOCK_SKEW_SECONDS)
    found("proof-times", seconds >= exp ? `The proof expired ${Math.round(seconds - exp)} s before it was judged (5 minutes of clock skew allowed: inferred).` : `The proof is not valid for another ${Math.round(nbf - seconds)} s (5 minutes of clock skew allowed: inferred).`, [["nbf", utcText(nbf * 1000)], ["exp", utcText(exp * 1000)], ["now", utcText(input.now.getTime())]]);

  // The signer, among the registered certificates, and whether its registration is valid now.
  if (!input.registered) {
    notes.push("No registered certificates given: the signature and the signing key's dates were not checked.");
    return done();
  }
  const registered = input.registered.flatMap((r) => {
    try {
      const facts = certFacts(r.der);
      return [{ facts, start: r.start ?? facts.info.notBefore, end: r.end ?? facts.info.notAfter }];
    } catch {
      notes.push("A registered certificate could not be read; it was left out.");
      return [];
    }
  });
  const signature = jws.signature?.bytes;
  const alg = typeof header.alg === "string" ? header.alg : "";
  // A key registered twice (a renewed certificate): the valid registration is the one that counts.
  const validNow = (r: { start: Date; end: Date }) => input.now >= r.start && input.now <= r.end;
  const byValidity = [...registered].sort((a, b) => Number(validNow(b)) - Number(validNow(a)));
  const signer = signature ? byValidity.find((r) => r.facts.publicKey && verifiesWith(alg, r.facts, h, p, signature)) : undefined;
  if (!signer) {
    if (alg !== "RS256" && alg !== "PS256") notes.push(`alg ${JSON.stringify(header.alg)}: the doctor verifies RS256 and PS256 only.`);
    else if (input.adding && signedByAdded(alg, input.adding, h, p, signature))
      found("proof-signed-by-new-key", "The proof is signed by the very certificate addKey is adding: a key the application does not have yet cannot vouch for itself (the docs: signed by a certificate the app already has; the refusal inferred).", [["signed by", windowsThumbprint(certFacts(input.adding).sha1)], ...registered.map((r, i) => [`registered ${i + 1}`, windowsThumbprint(r.facts.sha1)] as [string, string])]);
    else found("proof-unknown-key", `The signature verifies with none of the ${registered.length} registered certificate(s) (the docs: signed by a certificate the app already has; the refusal inferred).`, registered.map((r, i) => [`registered ${i + 1}`, windowsThumbprint(r.facts.sha1)] as [string, string]));
  } else if (!validNow(signer)) {
    found("proof-signed-by-expired-key", `The proof is signed by ${windowsThumbprint(signer.facts.sha1)}, registered ${signer.start.toISOString().slice(0, 10)} → ${signer.end.toISOString().slice(0, 10)}: not valid now (the docs: an app without a valid certificate cannot use addKey; the refusal inferred).`, [
      ["signed by", windowsThumbprint(signer.facts.sha1)],
      ["registration", `${utcText(signer.start.getTime())} → ${utcText(signer.end.getTime())}`],
      ["now", utcText(input.now.getTime())],
      ...registered.filter((r) => r !== signer && validNow(r)).map((r) => ["valid instead", windowsThumbprint(r.facts.sha1)] as [string, string]),
    ]);
  }
  return done();
}

function signedByAdded(alg: string, der: Uint8Array, headerPart: string, payloadPart: string, signature: Uint8Array | undefined): boolean {
  try {
    return signature !== undefined && verifiesWith(alg, certFacts(der), headerPart, payloadPart, signature);
  } catch {
    return false; // not a certificate: Graph refuses the body anyway
  }
}

function verifiesWith(alg: string, cert: CertFacts, headerPart: string, payloadPart: string, signature: Uint8Array): boolean {
  try {
    return verifyJwsSignature(alg, cert.publicKey!, jwsSigningInput(headerPart, payloadPart), signature);
  } catch {
    return false;
  }
}

