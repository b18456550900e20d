/**
 * Lab scenarios of certificates over time: a rotation done in the wrong order, and Graph's addKey
 * refusing its proof of possession. The proofs are built with the kit's own code
 * (lib/entra/key-proof.ts, through lib/crypto/jws.ts); the mock Graph judges them with node:crypto.
 */
import { createJwt } from "../../lib/crypto/jws.ts";
import { assertionHeader } from "../../lib/entra/assertion.ts";
import { addKeyBody, GRAPH_BASE_URL, keyActionUrl, proofClaims, signProof } from "../../lib/entra/key-proof.ts";
import { GRAPH_APP_ID } from "../../lib/entra/protocol.ts";
import { DEMO_APP_OBJECT_ID, keyCredential } from "../../mock-aad/registry.ts";
import { goodRequest } from "./build-request.ts";
import type { LabCertificate, LabContext } from "./context.ts";
import type { Attempt, Scenario } from "./scenario.ts";

const ADD_KEY_URL = keyActionUrl(GRAPH_BASE_URL, { objectId: DEMO_APP_OBJECT_ID }, "addKey");
const GRAPH_REFUSAL = { status: 401, code: "Authentication_MissingOrMalformed" };

/** addKey of `adding`, its proof signed by `signer` with the claims `claims` makes of the right ones. */
function addKeyAttempt(ctx: LabContext, label: string, o: { tokenWith: LabCertificate; signer: LabCertificate; adding: LabCertificate; registered: Attempt["registered"]; claims?: (c: ReturnType<typeof proofClaims>) => Record<string, unknown> }): Attempt {
  const right = proofClaims({ applicationObjectId: DEMO_APP_OBJECT_ID, now: ctx.nowSeconds });
  const proof = o.claims
    ? createJwt(assertionHeader("RS256", o.signer.der), o.claims(right), o.signer.key).compact
    : signProof({ applicationObjectId: DEMO_APP_OBJECT_ID, now: ctx.nowSeconds, certificateDer: o.signer.der, key: o.signer.key }).compact;
  return {
    request: goodRequest(ctx, `${label}:token`, { certificate: o.tokenWith }),
    keyAction: { url: ADD_KEY_URL, body: addKeyBody({ certificateDer: o.adding.der, proof }), thenRequest: goodRequest(ctx, `${label}:new-key`, { certificate: o.adding }) },
    ...(o.registered ? { registered: o.registered } : {}),
    certificate: o.signer.der,
  };
}

const oldCertRemovedEarly: Scenario = {
  name: "old-cert-removed-early",
  title: "the old certificate was removed before every machine had switched to the new one",
  story: [
    "The app was rotated: a new certificate added, the profiles switched, the old certificate removed.",
    "One machine (a build agent, a second server) was missed and still signs with the old certificate.",
    "Entra no longer knows that key. The request is as right as yesterday's: the doctor reads Entra's answer",
    "next to the certificates the app has now.",
  ],
  expectedAadsts: 700027,
  doctorInput: "answer",
  focus: ["registered", "x5t"],
  // The straggler: last month's certificate (ctx.other), while only today's (ctx.current) is registered.
  build: (ctx) => ({ request: goodRequest(ctx, "old-cert-removed-early", { certificate: ctx.other }), registered: [keyCredential(ctx.current.der)], certificate: ctx.other.der }),
  fix: (ctx) => ({ request: goodRequest(ctx, "old-cert-removed-early:fixed"), registered: [keyCredential(ctx.current.der)] }),
  fixText: {
    what: [
      "Switch the straggler to the new certificate. Or, until every machine has switched, add the old .cer back",
      "(Graph addKey, its proof signed by the new key) and remove it only then (cert rotate --finish).",
    ],
    label: "the straggler's profile",
    before: "npm run token -- --profile build-agent   # still --pem old-cert.pem",
    after: "npm run profile -- edit build-agent --pem new-cert.pem",
  },
};

const proofWrongAud: Scenario = {
  name: "proof-wrong-aud",
  title: "addKey's proof has Microsoft Graph's ID as aud instead of 00000002-…",
  story: [
    "The rotation script builds the proof like a client assertion and, since the call goes to Microsoft Graph,",
    "puts Microsoft Graph's ID (00000003-…) in aud. The proof's audience is Azure AD Graph's ID, 00000002-…:",
    "Graph refuses the proof with a message that names no reason.",
  ],
  expectedGraphError: GRAPH_REFUSAL,
  doctorInput: "proof",
  focus: ["aud"],
  build: (ctx) => addKeyAttempt(ctx, "proof-wrong-aud", { tokenWith: ctx.current, signer: ctx.current, adding: ctx.other, registered: [keyCredential(ctx.current.der)], claims: (c) => ({ ...c, aud: GRAPH_APP_ID }) }),
  fix: (ctx) => addKeyAttempt(ctx, "proof-wrong-aud:fixed", { tokenWith: ctx.current, signer: ctx.current, adding: ctx.other, registered: [keyCredential(ctx.current.der)] }),
  fixText: {
    what: ["The proof's aud is 00000002-0000-0000-c000-000000000000, whatever host the call goes to (Microsoft's proof-token page)."],
    label: "PowerShell (Microsoft's proof sample)",
    before: '$claims.aud = "00000003-0000-0000-c000-000000000000"',
    after: '$claims.aud = "00000002-0000-0000-c000-000000000000"',
  },
};

const proofSignedByExpiredKey: Scenario = {
  name: "proof-signed-by-expired-key",
  title: "addKey's proof is signed by the certificate that has expired",
  story: [
    "Renewing the expired certificate, the script signs the proof with that old certificate's key: it is the",
    "one being replaced, after all. Graph wants the proof signed by a certificate that is valid now. The app",
    "still has one (the team's other certificate): signed with it, the renewal goes through.",
  ],
  expectedGraphError: GRAPH_REFUSAL,
  doctorInput: "proof",
  focus: ["x5t", "registered"],
  build: (ctx) => addKeyAttempt(ctx, "proof-signed-by-expired-key", { tokenWith: ctx.other, signer: ctx.expired, adding: ctx.renewed, registered: [keyCredential(ctx.expired.der), keyCredential(ctx.other.der)] }),
  fix: (ctx) => addKeyAttempt(ctx, "proof-signed-by-expired-key:fixed", { tokenWith: ctx.other, signer: ctx.other, adding: ctx.renewed, registered: [keyCredential(ctx.expired.der), keyCredential(ctx.other.der)] }),
  fixText: {
    what: [
      "Sign the proof with a certificate that is registered and valid now. With none left, addKey cannot help:",
      "upload the new certificate in the portal or with Update application (PATCH keyCredentials).",
    ],
    label: "Node.js (lib/entra/key-proof.ts)",
    before: "signProof({ applicationObjectId, now, certificateDer: expired.der, key: expiredKey })",
    after: "signProof({ applicationObjectId, now, certificateDer: valid.der, key: validKey })",
  },
};

const proofSignedByNewKey: Scenario = {
  name: "proof-signed-by-new-key",
  title: "rotating with a PFX whose password is gone: the proof signed by the new certificate",
  story: [
    "This server's PFX opens no more: its password left with the person who made it. The rotation script",
    "cannot sign with the old key, so it signs addKey's proof with the only key it can open: the new one it",
    "is adding. A key the app does not have yet cannot vouch for itself, and Graph refuses the proof.",
    "The build agent's certificate is still registered and valid (its Graph token came from it).",
  ],
  expectedGraphError: GRAPH_REFUSAL,
  doctorInput: "proof",
  focus: ["x5t", "registered"],
  // Registered: this server's certificate (ctx.current, key lost) and the build agent's (ctx.other).
  build: (ctx) => addKeyAttempt(ctx, "proof-signed-by-new-key", { tokenWith: ctx.other, signer: ctx.fresh, adding: ctx.fresh, registered: [keyCredential(ctx.current.der), keyCredential(ctx.other.der)] }),
  fix: (ctx) => addKeyAttempt(ctx, "proof-signed-by-new-key:fixed", { tokenWith: ctx.other, signer: ctx.other, adding: ctx.fresh, registered: [keyCredential(ctx.current.der), keyCredential(ctx.other.der)] }),
  fixText: {
    what: [
      "Sign the proof with another certificate the app has that is valid now (here the build agent's). With none",
      "left, upload the new .cer in the portal (or an admin's Update application), then npm run profile -- edit.",
    ],
    label: "Node.js (lib/entra/key-proof.ts)",
    before: "signProof({ applicationObjectId, now, certificateDer: newCert.der, key: newKey })",
    after: "signProof({ applicationObjectId, now, certificateDer: buildAgentCert.der, key: buildAgentKey })",
  },
};

export const ROTATION_SCENARIOS: readonly Scenario[] = [oldCertRemovedEarly, proofWrongAud, proofSignedByExpiredKey, proofSignedByNewKey];
