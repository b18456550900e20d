/**
 * The doctor for Graph's addKey proof, against the mock Graph: proofs made with node:crypto (not the
 * kit's code), one per mistake; the doctor names the mistake and predicts 401
 * Authentication_MissingOrMalformed exactly when the mock answers it (a good proof: no cause, 200).
 * And the doctor reading a pasted 700027 next to the app's registered certificates tells a rotation
 * (old-cert-removed-early) from a certificate never uploaded.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { diagnose, diagnoseKeyProof } from "../../lib/entra/doctor/index.ts";
import { DEMO_APP_OBJECT_ID, defaultRegistry, keyCredential, type KeyCredential } from "../../mock-aad/registry.ts";
import { assertion, DEMO_CLIENT_ID, DEMO_TENANT_ID, makeCertificate, makeMock, NOW, NOW_S, signParts, tokenForm, tokenRequest, type TestCertificate } from "../mock-aad/helpers.ts";

let current: TestCertificate;
let lapsed: TestCertificate;
let adding: TestCertificate;
beforeAll(async () => {
  [current, lapsed, adding] = await Promise.all([makeCertificate(2048), makeCertificate(2048), makeCertificate(2048)]);
});

const registered = (): KeyCredential[] => [keyCredential(current.der), keyCredential(lapsed.der, { end: new Date(NOW.getTime() - 86400_000) })];

function proof(signer: TestCertificate, claims: Record<string, unknown> = {}): string {
  const payload = { aud: "00000002-0000-0000-c000-000000000000", iss: DEMO_APP_OBJECT_ID, nbf: NOW_S, exp: NOW_S + 600, ...claims };
  return signParts(JSON.stringify({ alg: "RS256", typ: "JWT", x5t: signer.x5t }), JSON.stringify(payload), signer.privateKey);
}

/** The mock Graph's answer to addKey with this proof: status and error code. */
async function mockAnswer(p: string): Promise<{ status: number; code?: string }> {
  const registry = defaultRegistry();
  registry.applications[0]!.keyCredentials = registered();
  const mock = makeMock(registry);
  const token = (await (await mock.handle(tokenRequest(tokenForm(assertion(current), { scope: "https://graph.microsoft.com/.default" })))).json()) as { access_token: string };
  const body = { keyCredential: { type: "AsymmetricX509Cert", usage: "Verify", key: Buffer.from(adding.der).toString("base64") }, passwordCredential: null, proof: p };
  const response = await mock.handle(new Request(`https://graph.microsoft.com/v1.0/applications/${DEMO_APP_OBJECT_ID}/addKey`, { method: "POST", headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" }, body: JSON.stringify(body) }));
  const json = (await response.json()) as { error?: { code: string } };
  return { status: response.status, ...(json.error ? { code: json.error.code } : {}) };
}

function doctor(p: string) {
  return diagnoseKeyProof({ proof: p, applicationObjectId: DEMO_APP_OBJECT_ID, appId: DEMO_CLIENT_ID, registered: registered().map((k) => ({ der: k.certificateDer, start: k.startDateTime, end: k.endDateTime })), now: NOW });
}

describe("the doctor names the proof's mistake, and predicts what the mock Graph answers", () => {
  const cases: Array<[string | undefined, () => string]> = [
    [undefined, () => proof(current)],
    ["proof-wrong-aud", () => proof(current, { aud: "00000003-0000-0000-c000-000000000000" })],
    ["proof-iss-not-object-id", () => proof(current, { iss: DEMO_CLIENT_ID })],
    ["proof-times", () => proof(current, { exp: NOW_S + 3600 })],
    ["proof-times", () => proof(current, { nbf: "2025-06-01T12:00:00Z", exp: "2025-06-01T12:10:00Z" })],
    ["proof-times", () => proof(current, { nbf: NOW_S - 7200, exp: NOW_S - 6600 })],
    ["proof-signed-by-expired-key", () => proof(lapsed)],
    ["proof-unknown-key", () => proof(adding)],
    [
      "proof-padded",
      () => {
        const [h, p, s] = proof(current).split(".");
        return `${h}=.${p}.${s}`;
      },
    ],
  ];
  for (const [id, make] of cases) {
    test(id ?? "a good proof: no cause, and the mock adds the key", async () => {
      const p = make();
      const found = doctor(p);
      const answer = await mockAnswer(p);
      if (id === undefined) {
        expect(found.causes).toEqual([]);
        expect(found.predicted).toBeUndefined();
        expect(answer).toEqual({ status: 200 });
        return;
      }
      expect(found.causes[0]?.id).toBe(id);
      // Graph's answer as the sources tell it: 401 for a refused proof, but 500 to ISO date strings (#15103).
      const iso = typeof (JSON.parse(Buffer.from(p.split(".")[1]!, "base64url").toString()) as { nbf?: unknown }).nbf === "string";
      expect(found.causes[0]?.evidence.at(-1)).toEqual(["Graph answers", iso ? "500 to ISO date strings (microsoft-graph-docs#15103); the mock answers 401" : "401 Authentication_MissingOrMalformed (text confirmed, status inferred)"]);
      expect(found.predicted).toEqual(answer);
      expect(answer).toEqual({ status: 401, code: "Authentication_MissingOrMalformed" });
    });
  }
});

describe("a pasted 700027 read next to the app's registered certificates", () => {
  test("same subject, another thumbprint registered: old-cert-removed-early first; nothing registered: cert-not-uploaded first", async () => {
    const mock = makeMock((() => {
      const r = defaultRegistry();
      r.applications[0]!.keyCredentials = [keyCredential(adding.der)];
      return r;
    })());
    const answer = await (await mock.handle(tokenRequest(tokenForm(assertion(current))))).text();
    expect(answer).toContain(current.sha1Hex);
    const withRegistered = diagnose({ text: answer, certificate: { der: current.der }, registered: [{ der: adding.der }], tenant: DEMO_TENANT_ID, now: NOW });
    expect(withRegistered.error?.catalogId).toBe("700027-not-registered");
    expect(withRegistered.causes[0]?.id).toBe("old-cert-removed-early");
    expect(withRegistered.causes[0]?.evidence).toContainEqual(["registered instead", expect.stringContaining(adding.sha1Hex)]);
    const without = diagnose({ text: answer, certificate: { der: current.der }, registered: [], tenant: DEMO_TENANT_ID, now: NOW });
    expect(without.causes[0]?.id).toBe("cert-not-uploaded");
  });
});

describe("a proof signed by the certificate it adds (rotating with a PFX whose password is gone)", () => {
  test("given the certificate addKey adds, the doctor tells it from a key nobody knows; the mock refuses both", async () => {
    const stranger = await makeCertificate(2048);
    const withAdding = (p: string) => diagnoseKeyProof({ proof: p, applicationObjectId: DEMO_APP_OBJECT_ID, registered: registered().map((k) => ({ der: k.certificateDer })), adding: adding.der, now: NOW });
    expect(withAdding(proof(adding)).causes.map((c) => c.id)).toEqual(["proof-signed-by-new-key"]);
    expect(withAdding(proof(stranger)).causes.map((c) => c.id)).toEqual(["proof-unknown-key"]);
    expect(withAdding(proof(current)).causes).toEqual([]);
    expect(await mockAnswer(proof(adding))).toEqual({ status: 401, code: "Authentication_MissingOrMalformed" });
  });
});
