/**
 * The mock remembers what it worked out about a registered certificate (certificate-facts.ts).
 * The registry is mutable (tests, --config, Graph's addKey/removeKey), so what it remembers must
 * follow the registry: a key added later is found, a key removed is no longer accepted, and bytes
 * changed in place are noticed. And whether the RSA work runs on this thread or on libuv's pool,
 * the answers are the same.
 */
import { verify } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { certificateFacts } from "../../mock-aad/certificate-facts.ts";
import { keyCredential } from "../../mock-aad/registry.ts";
import { assertion, decodeJwt, makeCertificate, makeMock, registryWith, tokenForm, tokenRequest, type TestCertificate } from "./helpers.ts";

let first: TestCertificate;
let second: TestCertificate;
let small: TestCertificate;
beforeAll(async () => {
  [first, second, small] = await Promise.all([makeCertificate(), makeCertificate(), makeCertificate(1024)]);
});

describe("what the mock remembers about registered certificates follows the registry", () => {
  it("agrees with node:crypto's own reading of the certificate", async () => {
    const facts = certificateFacts(first.der);
    expect(facts.sha1.toString("hex").toUpperCase()).toBe(first.sha1Hex);
    expect(facts.sha256.toString("hex").toUpperCase()).toBe(first.sha256Hex);
    expect(facts.publicKey.equals(first.publicKey)).toBe(true);
    expect([facts.keyType, facts.bits]).toEqual(["rsa", 2048]);
  });

  it("a key registered after the first request is accepted; a removed one is refused", async () => {
    const registry = registryWith({ cert: first });
    const mock = makeMock(registry);
    expect((await mock.handle(tokenRequest(tokenForm(assertion(first))))).status).toBe(200);
    expect((await mock.handle(tokenRequest(tokenForm(assertion(second))))).status).toBe(401);

    // As Graph's addKey and removeKey do: the list changes under a running mock.
    registry.applications[0]!.keyCredentials = [keyCredential(second.der)];
    expect((await mock.handle(tokenRequest(tokenForm(assertion(second))))).status).toBe(200);
    const refused = await mock.handle(tokenRequest(tokenForm(assertion(first))));
    const body = (await refused.json()) as { error_codes: number[]; error_description: string };
    expect([refused.status, body.error_codes]).toEqual([401, [700027]]);
    expect(body.error_description).toContain(`Thumbprint of key used by client: '${first.sha1Hex}'`);
  });

  it("certificate bytes replaced in place are read again, not taken from memory", async () => {
    const registry = registryWith({ cert: first });
    const mock = makeMock(registry);
    expect((await mock.handle(tokenRequest(tokenForm(assertion(first))))).status).toBe(200);
    const credential = registry.applications[0]!.keyCredentials[0]!;
    credential.certificateDer.set(second.der.subarray(0, credential.certificateDer.length)); // same object, other bytes
    if (second.der.length === credential.certificateDer.length) {
      expect((await mock.handle(tokenRequest(tokenForm(assertion(second))))).status).toBe(200);
    }
    expect((await mock.handle(tokenRequest(tokenForm(assertion(first))))).status).toBe(401);
  });
});

describe("RSA on this thread or on libuv's thread pool: the same answers", () => {
  const cases: Array<[string, () => TestCertificate[], () => string, number]> = [
    ["a good assertion", () => [first], () => assertion(first), 200],
    ["a bad signature", () => [first], () => assertion(first, {}, {}, second.privateKey), 401],
    ["a 1024-bit key", () => [small], () => assertion(small), 401],
    ["PS256", () => [first], () => assertion(first, {}, { alg: "PS256" }), 200],
  ];
  for (const [name, certs, make, status] of cases) {
    it(name, async () => {
      const registry = () => registryWith(...certs().map((cert) => ({ cert })));
      const onThread = makeMock(registry());
      const onPool = makeMock(registry(), { rsaOnThreadPool: true });
      const jwt = make();
      const form = tokenForm(jwt, { scope: "api://entra-workshop-demo-api/.default" }); // a v2 token: its signature checks against the JWKS (Graph's do not, by design)
      const [a, b] = await Promise.all([onThread.handle(tokenRequest(form)), onPool.handle(tokenRequest(form))]);
      const [bodyA, bodyB] = (await Promise.all([a.json(), b.json()])) as Array<Record<string, unknown>>;
      expect([a.status, b.status]).toEqual([status, status]);
      if (status === 200) {
        // Same clock, same IDs, same key: PKCS#1 v1.5 makes the very same token, and it verifies.
        expect(bodyB.access_token).toBe(bodyA.access_token);
        const { parts } = decodeJwt(String(bodyB.access_token));
        const jwk = onPool.jwks.keys[0] as { n: string; e: string; kty: "RSA" };
        expect(verify("sha256", Buffer.from(`${parts[0]}.${parts[1]}`), { key: jwk, format: "jwk" }, Buffer.from(parts[2]!, "base64url"))).toBe(true);
      } else {
        expect(bodyB.error_codes).toEqual(bodyA.error_codes);
      }
    });
  }
});
