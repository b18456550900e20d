/**
 * The kit's addKey/removeKey proof and bodies: signed by the kit's own JWS code, then checked by
 * two independent verifiers (jose, node:crypto) and accepted by the mock Graph (which judges with
 * node:crypto). Keys are throwaway, made by the test.
 */
import { createHash, verify, X509Certificate } from "node:crypto";
import { importX509, jwtVerify } from "jose";
import { beforeAll, describe, expect, test } from "vitest";
import { addKeyBody, GRAPH_BASE_URL, keyActionUrl, MAX_PROOF_LIFETIME_SECONDS, PROOF_AUDIENCE, proofClaims, removeKeyBody, signProof } from "../../../lib/entra/key-proof.ts";
import { rsaPrivateKeyFromPem } from "../../../lib/formats/keys/index.ts";
import type { RsaPrivateKey } from "../../../lib/crypto/rsa/index.ts";
import { DEMO_APP_OBJECT_ID } from "../../../mock-aad/registry.ts";
import { thrownKitError } from "../../helpers/kit-error.ts";
import { assertion, DEMO_CLIENT_ID, makeCertificate, makeMock, NOW_S, registryWith, tokenForm, tokenRequest, type TestCertificate } from "../../mock-aad/helpers.ts";

let current: TestCertificate;
let next: TestCertificate;
let currentKey: RsaPrivateKey;
let nextKey: RsaPrivateKey;
beforeAll(async () => {
  [current, next] = await Promise.all([makeCertificate(2048), makeCertificate(2048)]);
  currentKey = rsaPrivateKeyFromPem(current.privateKey.export({ type: "pkcs8", format: "pem" }) as string);
  nextKey = rsaPrivateKeyFromPem(next.privateKey.export({ type: "pkcs8", format: "pem" }) as string);
});

function expectKitError(fn: () => unknown, code: string, message?: RegExp): void {
  const error = thrownKitError(fn);
  expect(error.code).toBe(code);
  if (message) expect(error.message).toMatch(message);
  expect(error.hint).toBeTruthy();
}

const pem = (der: Uint8Array) => new X509Certificate(Buffer.from(der)).toString();

describe("proofClaims", () => {
  test("aud, iss, nbf, exp as Microsoft's page lists them, and nothing else", () => {
    expect(PROOF_AUDIENCE).toBe("00000002-0000-0000-c000-000000000000");
    expect(proofClaims({ applicationObjectId: DEMO_APP_OBJECT_ID.toUpperCase(), now: 1_700_000_000 })).toEqual({ aud: PROOF_AUDIENCE, iss: DEMO_APP_OBJECT_ID, nbf: 1_700_000_000, exp: 1_700_000_600 });
    expect(proofClaims({ applicationObjectId: DEMO_APP_OBJECT_ID, now: 10, lifetime: 60 }).exp).toBe(70);
  });

  test("more than 10 minutes, or an object id that is not a GUID, is a KitError with the next step", () => {
    expectKitError(() => proofClaims({ applicationObjectId: DEMO_APP_OBJECT_ID, now: 0, lifetime: MAX_PROOF_LIFETIME_SECONDS + 1 }), "LIFETIME", /601 seconds/);
    expectKitError(() => proofClaims({ applicationObjectId: "my-app", now: 0 }), "APP_OBJECT_ID_FORMAT", /Object ID/);
    expectKitError(() => removeKeyBody({ keyId: "old", proof: "x" }), "KEY_ID_FORMAT", /GUID/);
  });
});

describe("signProof: the kit's JWS, checked by jose and node:crypto", () => {
  test("RS256 + x5t: jose verifies signature, aud, iss and the time window; node:crypto verifies the bytes", async () => {
    const signed = signProof({ applicationObjectId: DEMO_APP_OBJECT_ID, now: NOW_S, certificateDer: current.der, key: currentKey });
    expect(signed.headerObject).toEqual({ alg: "RS256", typ: "JWT", x5t: createHash("sha1").update(current.der).digest("base64url") });
    const { payload, protectedHeader } = await jwtVerify(signed.compact, await importX509(pem(current.der), "RS256"), {
      audience: PROOF_AUDIENCE,
      issuer: DEMO_APP_OBJECT_ID,
      currentDate: new Date((NOW_S + 1) * 1000),
      requiredClaims: ["nbf", "exp"],
    });
    expect(protectedHeader.alg).toBe("RS256");
    expect(payload).toEqual({ aud: PROOF_AUDIENCE, iss: DEMO_APP_OBJECT_ID, nbf: NOW_S, exp: NOW_S + 600 });
    const [h, p, s] = signed.compact.split(".") as [string, string, string];
    expect(verify("sha256", Buffer.from(`${h}.${p}`), current.publicKey, Buffer.from(s, "base64url"))).toBe(true);
    expect(verify("sha256", Buffer.from(`${h}.${p}`), next.publicKey, Buffer.from(s, "base64url"))).toBe(false);
  });

  test("PS256 + x5t#S256 with a fixed salt: the same bytes twice, and jose verifies them", async () => {
    const salt = new Uint8Array(32).fill(7);
    const a = signProof({ applicationObjectId: DEMO_APP_OBJECT_ID, now: NOW_S, certificateDer: current.der, key: currentKey, alg: "PS256", salt });
    const b = signProof({ applicationObjectId: DEMO_APP_OBJECT_ID, now: NOW_S, certificateDer: current.der, key: currentKey, alg: "PS256", salt });
    expect(a.compact).toBe(b.compact);
    expect(a.headerObject["x5t#S256"]).toBe(current.x5tS256);
    await jwtVerify(a.compact, await importX509(pem(current.der), "PS256"), { audience: PROOF_AUDIENCE, currentDate: new Date(NOW_S * 1000) });
  });
});

describe("the bodies and the URL", () => {
  test("addKey: standard base64 DER (node:crypto reads it back), passwordCredential null; removeKey: keyId, proof", () => {
    const body = addKeyBody({ certificateDer: current.der, proof: "p" });
    expect(Object.keys(body)).toEqual(["keyCredential", "passwordCredential", "proof"]);
    expect(body.passwordCredential).toBeNull();
    expect(body.keyCredential.type).toBe("AsymmetricX509Cert");
    expect(body.keyCredential.usage).toBe("Verify");
    expect(body.keyCredential.key).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(new X509Certificate(Buffer.from(body.keyCredential.key, "base64")).fingerprint256.replace(/:/g, "")).toBe(current.sha256Hex);
    expect(removeKeyBody({ keyId: "11111111-2222-4333-8444-55555555555A", proof: "p" })).toEqual({ keyId: "11111111-2222-4333-8444-55555555555a", proof: "p" });
  });

  test("both documented addresses, under Graph or the mock's /graph URL", () => {
    expect(keyActionUrl(GRAPH_BASE_URL, { objectId: DEMO_APP_OBJECT_ID }, "addKey")).toBe(`https://graph.microsoft.com/v1.0/applications/${DEMO_APP_OBJECT_ID}/addKey`);
    expect(keyActionUrl("https://127.0.0.1:8443/graph/", { appId: DEMO_CLIENT_ID }, "removeKey", "beta")).toBe(`https://127.0.0.1:8443/graph/beta/applications(appId='${DEMO_CLIENT_ID}')/removeKey`);
    expectKitError(() => keyActionUrl(GRAPH_BASE_URL, { appId: "x" }, "addKey"), "CLIENT_ID_FORMAT");
  });
});

describe("against the mock Graph", () => {
  test("the kit's proof adds the new certificate, then the new key's proof removes the old one; tokens follow", async () => {
    const registry = registryWith({ cert: current });
    const mock = makeMock(registry);
    const tokenWith = (cert: TestCertificate) => mock.handle(tokenRequest(tokenForm(assertion(cert), { scope: "https://graph.microsoft.com/.default" })));
    const bearer = ((await (await tokenWith(current)).json()) as { access_token: string }).access_token;
    const post = (url: string, body: unknown) => mock.handle(new Request(url, { method: "POST", headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" }, body: JSON.stringify(body) }));

    const proof = signProof({ applicationObjectId: DEMO_APP_OBJECT_ID, now: NOW_S, certificateDer: current.der, key: currentKey }).compact;
    const added = await post(keyActionUrl(GRAPH_BASE_URL, { objectId: DEMO_APP_OBJECT_ID }, "addKey"), addKeyBody({ certificateDer: next.der, proof }));
    expect(added.status, await added.clone().text()).toBe(200);
    const newKey = (await added.json()) as { keyId: string; customKeyIdentifier: string };
    expect(newKey.customKeyIdentifier).toBe(next.sha1Hex);
    expect((await tokenWith(next)).status).toBe(200);

    const oldKeyId = registry.applications[0]!.keyCredentials[0]!.keyId;
    expect(oldKeyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    const proofByNew = signProof({ applicationObjectId: DEMO_APP_OBJECT_ID, now: NOW_S, certificateDer: next.der, key: nextKey, alg: "PS256" }).compact;
    const removed = await post(keyActionUrl(GRAPH_BASE_URL, { appId: DEMO_CLIENT_ID }, "removeKey"), removeKeyBody({ keyId: oldKeyId, proof: proofByNew }));
    expect(removed.status, await removed.clone().text()).toBe(204);
    expect((await tokenWith(current)).status).toBe(401);
    expect((await tokenWith(next)).status).toBe(200);
  });
});
