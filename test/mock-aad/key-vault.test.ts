/**
 * The mock Key Vault, judged by node:crypto: a remote signature verifies with crypto.verify over
 * the message against the certificate, for every algorithm; the assertion built with it is
 * redeemed at the mock's token endpoint; every bad input gets Key Vault's error body, never a 500.
 */
import { constants, createHash, createPublicKey, generateKeyPairSync, verify, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEMO_IDENTITY_PRINCIPAL_ID, vaultKey } from "../../mock-aad/key-vault/store.ts";
import { assertion, b64url, claims, tokenForm, tokenRequest } from "./helpers.ts";
import { appToken, identityToken, vaultMock, vaultRequest, VAULT } from "./key-vault-helpers.ts";

const ALGORITHMS = [
  { alg: "RS256", hash: "sha256", padding: constants.RSA_PKCS1_PADDING, bytes: 32 },
  { alg: "RS384", hash: "sha384", padding: constants.RSA_PKCS1_PADDING, bytes: 48 },
  { alg: "RS512", hash: "sha512", padding: constants.RSA_PKCS1_PADDING, bytes: 64 },
  { alg: "PS256", hash: "sha256", padding: constants.RSA_PKCS1_PSS_PADDING, bytes: 32 },
  { alg: "PS384", hash: "sha384", padding: constants.RSA_PKCS1_PSS_PADDING, bytes: 48 },
  { alg: "PS512", hash: "sha512", padding: constants.RSA_PKCS1_PSS_PADDING, bytes: 64 },
] as const;

async function json(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

async function expectVaultError(response: Response, status: number, code: string, message: string | RegExp): Promise<Record<string, any>> {
  const body = await json(response);
  expect(response.status).toBe(status);
  expect(body.error.code).toBe(code);
  if (typeof message === "string") expect(body.error.message).toBe(message);
  else expect(body.error.message).toMatch(message);
  expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(response.headers.get("x-ms-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  return body;
}

describe("mock Key Vault: the flow of seed 001, checked by node:crypto", () => {
  it("a managed identity reads the certificate, the vault signs the digest, node:crypto verifies it and Entra redeems the assertion", async () => {
    const { mock, cert } = await vaultMock();
    const token = await identityToken(mock);

    const certificate = await json(await mock.handle(vaultRequest("/certificates/workshop-cert", token)));
    const der = Buffer.from(certificate.cer, "base64");
    expect(der.equals(Buffer.from(cert.der))).toBe(true);
    expect(certificate.x5t).toBe(createHash("sha1").update(der).digest("base64url")); // the oracle
    expect(certificate.kid).toMatch(new RegExp(`^${VAULT}/keys/workshop-cert/[0-9a-f]{32}$`));
    expect(certificate.sid).toBe(certificate.kid.replace("/keys/", "/secrets/"));
    expect(certificate.id).toBe(certificate.kid.replace("/keys/", "/certificates/"));
    const x = new X509Certificate(der);
    expect(certificate.attributes).toMatchObject({ enabled: true, nbf: Date.parse(x.validFrom) / 1000, exp: Date.parse(x.validTo) / 1000 });

    const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", x5t: certificate.x5t }));
    const payload = b64url(JSON.stringify(claims()));
    const signingInput = `${header}.${payload}`;
    const digest = createHash("sha256").update(signingInput).digest("base64url");
    const signed = await json(await mock.handle(vaultRequest(`/keys/workshop-cert/${certificate.kid.split("/").pop()}/sign`, token, { body: { alg: "RS256", value: digest } })));
    expect(signed.kid).toBe(certificate.kid);
    const signature = Buffer.from(signed.value, "base64url");
    expect(verify("sha256", Buffer.from(signingInput), x.publicKey, signature)).toBe(true);

    const redeemed = await mock.handle(tokenRequest(tokenForm(`${signingInput}.${signed.value}`)));
    expect(redeemed.status).toBe(200);
    expect(((await json(redeemed)).access_token as string).split(".")).toHaveLength(3);
  });

  it.each(ALGORITHMS)("$alg: the vault's signature verifies with crypto.verify over the message, and the vault's verify agrees", async ({ alg, hash, padding, bytes }) => {
    const { mock, cert } = await vaultMock();
    const token = await identityToken(mock);
    const message = Buffer.from(`header.payload for ${alg}`);
    const digest = createHash(hash).update(message).digest();
    expect(digest.length).toBe(bytes);
    const signed = await json(await mock.handle(vaultRequest("/keys/workshop-cert/sign", token, { body: { alg, value: digest.toString("base64url") } })));
    const signature = Buffer.from(signed.value, "base64url");
    expect(signature.length).toBe(256);
    expect(verify(hash, message, { key: cert.publicKey, padding, saltLength: bytes }, signature)).toBe(true);
    const checked = await json(await mock.handle(vaultRequest("/keys/workshop-cert//verify", token, { body: { alg, digest: digest.toString("base64url"), value: signed.value } })));
    expect(checked).toEqual({ value: true });
    signature[10]! ^= 1;
    const tampered = await json(await mock.handle(vaultRequest("/keys/workshop-cert//verify", token, { body: { alg, digest: digest.toString("base64url"), value: signature.toString("base64url") } })));
    expect(tampered).toEqual({ value: false });
  });

  it("keys: list and get show the public JWK only, equal to the certificate's key", async () => {
    const { mock, cert } = await vaultMock();
    const token = await identityToken(mock);
    const list = await json(await mock.handle(vaultRequest("/keys", token)));
    expect(list).toEqual({ value: [expect.objectContaining({ kid: `${VAULT}/keys/workshop-cert`, managed: true })], nextLink: null });
    const bundle = await json(await mock.handle(vaultRequest("/keys/WORKSHOP-CERT", token)));
    expect(Object.keys(bundle.key).sort()).toEqual(["e", "key_ops", "kid", "kty", "n"]);
    const theirs = cert.publicKey.export({ format: "jwk" });
    expect({ n: bundle.key.n, e: bundle.key.e, kty: bundle.key.kty }).toEqual({ n: theirs.n, e: theirs.e, kty: "RSA" });
    const again = await json(await mock.handle(vaultRequest(`/keys/workshop-cert/${bundle.key.kid.split("/").pop()}`, token)));
    expect(again.key).toEqual(bundle.key);
    expect(JSON.stringify([list, bundle])).not.toMatch(/"(d|p|q|dp|dq|qi)"/);
    const certificates = await json(await mock.handle(vaultRequest("/certificates", token)));
    expect(certificates.value).toEqual([expect.objectContaining({ id: `${VAULT}/certificates/workshop-cert`, x5t: cert.x5t })]);
    // The public key from the JWK is the certificate's.
    expect(createPublicKey({ key: bundle.key, format: "jwk" }).export({ format: "der", type: "spki" }).equals(cert.publicKey.export({ format: "der", type: "spki" }))).toBe(true);
  });

  it("the HTTPS server's root serves the first vault, its identifiers under the server's own origin", async () => {
    const { mock } = await vaultMock();
    const token = await identityToken(mock);
    const origin = "https://127.0.0.1:8443";
    const bundle = await json(await mock.handle(vaultRequest("/keys/workshop-cert", token, { origin })));
    expect(bundle.key.kid).toMatch(/^https:\/\/127\.0\.0\.1:8443\/keys\/workshop-cert\/[0-9a-f]{32}$/);
    const unauthenticated = await mock.handle(vaultRequest("/keys", undefined, { origin }));
    expect(unauthenticated.headers.get("www-authenticate")).toBe(`Bearer authorization="${origin}/4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", resource="https://vault.azure.net"`);
  });
});

describe("mock Key Vault: bad input gets Key Vault's error, never a 500", () => {
  it("a vault key under 2048 bits is refused when it is added (Key Vault's RSA sizes are 2048, 3072, 4096): a PS512 sign with it could not be made", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 }); // throwaway, for this test only
    expect(() => vaultKey({ name: "small", privateKey })).toThrow(/2048, 3072 or 4096 bits.*this one has 1024/);
  });

  it("no token: 401 AKV10000 with the bearer challenge (login.microsoftonline.com/{tenant}, resource https://vault.azure.net); a POST without body too", async () => {
    const { mock } = await vaultMock();
    for (const request of [vaultRequest("/keys", undefined), vaultRequest("/keys/workshop-cert//sign", undefined, { method: "POST" }), vaultRequest("/nothing", undefined, { apiVersion: null })]) {
      const response = await mock.handle(request);
      await expectVaultError(response, 401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.");
      expect(response.headers.get("www-authenticate")).toBe('Bearer authorization="https://login.microsoftonline.com/4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", resource="https://vault.azure.net"');
    }
  });

  it("a Graph token: 401 AKV10022 naming the audience; a forged token: 401", async () => {
    const { mock } = await vaultMock();
    const graph = await identityToken(mock, "https://graph.microsoft.com");
    await expectVaultError(await mock.handle(vaultRequest("/keys", graph)), 401, "Unauthorized", "AKV10022: Invalid audience. Expected https://vault.azure.net, found: https://graph.microsoft.com.");
    const token = await identityToken(mock);
    const [h, p] = token.split(".");
    await expectVaultError(await mock.handle(vaultRequest("/keys", `${h}.${p}.${"A".repeat(342)}`)), 401, "Unauthorized", /signature/i);
    await expectVaultError(await mock.handle(vaultRequest("/keys", "not-a-jwt")), 401, "Unauthorized", /not a signed JWT/);
  });

  it("a token from another tenant: 401 AKV10032", async () => {
    const { mock } = await vaultMock();
    mock.registry.vaults![0]!.tenantId = "11111111-1111-4111-8111-111111111111";
    const token = await identityToken(mock);
    await expectVaultError(
      await mock.handle(vaultRequest("/keys", token)),
      401,
      "Unauthorized",
      "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/11111111-1111-4111-8111-111111111111/, found https://sts.windows.net/4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f/.",
    );
  });

  it("an identity without the permission: 403 Forbidden naming appid, oid, the permission and the vault", async () => {
    const { mock, cert } = await vaultMock();
    const token = await appToken(mock, assertion(cert));
    const body = await expectVaultError(
      await mock.handle(vaultRequest("/keys/workshop-cert//sign", token, { body: { alg: "RS256", value: b64url(Buffer.alloc(32)) } })),
      403,
      "Forbidden",
      /^The user, group or application 'appid=8a7b6c5d-4e3f-4a2b-9c1d-0e1f2a3b4c5d;oid=7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f;iss=https:\/\/sts\.windows\.net\/4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f\/' does not have keys sign permission on key vault 'workshop-vault;location=westeurope'\. For help resolving this issue, please see https:\/\/go\.microsoft\.com\/fwlink\/\?linkid=2125287$/,
    );
    expect(body.error.innererror).toEqual({ code: "AccessDenied" });
    // Certificates Get only: the identity can read the certificate but not sign.
    mock.registry.vaults![0]!.accessPolicies = [{ objectId: DEMO_IDENTITY_PRINCIPAL_ID, keys: [], certificates: ["get"] }];
    const mi = await identityToken(mock);
    expect((await mock.handle(vaultRequest("/certificates/workshop-cert", mi))).status).toBe(200);
    await expectVaultError(await mock.handle(vaultRequest("/keys/workshop-cert//sign", mi, { body: { alg: "RS256", value: b64url(Buffer.alloc(32)) } })), 403, "Forbidden", /does not have keys sign permission/);
  });

  it("unknown key, version or certificate: 404 KeyNotFound / CertificateNotFound", async () => {
    const { mock } = await vaultMock();
    const token = await identityToken(mock);
    await expectVaultError(
      await mock.handle(vaultRequest("/keys/nope", token)),
      404,
      "KeyNotFound",
      "A key with (name/id) nope was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182",
    );
    await expectVaultError(await mock.handle(vaultRequest(`/keys/workshop-cert/${"0".repeat(32)}/sign`, token, { body: { alg: "RS256", value: b64url(Buffer.alloc(32)) } })), 404, "KeyNotFound", /^A key with \(name\/id\) workshop-cert\/0{32} was not found/);
    await expectVaultError(await mock.handle(vaultRequest("/certificates/other", token)), 404, "CertificateNotFound", /^A certificate with \(name\/id\) other was not found in this key vault\./);
  });

  it("sign: wrong digest length, unknown alg, non-base64url value, not JSON, oversized: 400 BadParameter", async () => {
    const { mock } = await vaultMock();
    const token = await identityToken(mock);
    const sign = (body: unknown) => mock.handle(vaultRequest("/keys/workshop-cert//sign", token, { body }));
    await expectVaultError(await sign({ alg: "RS256", value: b64url(Buffer.alloc(10)) }), 400, "BadParameter", "Invalid length of 'value': 10 bytes. RS256 requires 32 bytes, encoded with base64url.");
    await expectVaultError(await sign({ alg: "PS512", value: b64url(Buffer.alloc(32)) }), 400, "BadParameter", "Invalid length of 'value': 32 bytes. PS512 requires 64 bytes, encoded with base64url.");
    await expectVaultError(await sign({ alg: "HS256", value: b64url(Buffer.alloc(32)) }), 400, "BadParameter", /^Invalid algorithm "HS256"/);
    await expectVaultError(await sign({ alg: "rs256", value: b64url(Buffer.alloc(32)) }), 400, "BadParameter", /^Invalid algorithm "rs256"/);
    await expectVaultError(await sign({ alg: "RS256", value: "not base64url!" }), 400, "BadParameter", "Property 'value' is not a base64url string.");
    await expectVaultError(await sign({ alg: "RS256", value: 42 }), 400, "BadParameter", "Property 'value' is not a base64url string.");
    await expectVaultError(await sign("{not json"), 400, "BadParameter", /^Bad JSON content/);
    await expectVaultError(await sign([1, 2]), 400, "BadParameter", /^Bad JSON content/);
    await expectVaultError(await sign({ alg: "RS256", value: "A".repeat(70_000) }), 400, "BadParameter", /larger than 65536 bytes/);
  });

  it("standard base64 of the digest (seed 001 sends it) is read as the same digest", async () => {
    const { mock, cert } = await vaultMock();
    const token = await identityToken(mock);
    let message = Buffer.from("find a digest with + and / in its base64: 0");
    for (let i = 1; i < 1000 && !/[+/]/.test(createHash("sha256").update(message).digest("base64")); i++) message = Buffer.from(`find a digest with + and / in its base64: ${i}`);
    expect(createHash("sha256").update(message).digest("base64")).toMatch(/[+/]/); // the bounded search found one
    const digest = createHash("sha256").update(message).digest();
    const sign = async (value: string) => (await json(await mock.handle(vaultRequest("/keys/workshop-cert//sign", token, { body: { alg: "RS256", value } })))).value as string;
    const fromBase64 = await sign(digest.toString("base64"));
    // PKCS#1 v1.5 is deterministic: the same digest gives the same signature, and it verifies over the message.
    expect(fromBase64).toBe(await sign(digest.toString("base64url")));
    expect(verify("sha256", message, cert.publicKey, Buffer.from(fromBase64, "base64url"))).toBe(true);
  });

  it("disabled, expired and not yet valid keys: 403 Forbidden; api-version missing or unknown: 400; other paths 404, methods 405", async () => {
    const { mock } = await vaultMock();
    const token = await identityToken(mock);
    const key = mock.registry.vaults![0]!.keys[0]!;
    const sign = () => mock.handle(vaultRequest("/keys/workshop-cert//sign", token, { body: { alg: "RS256", value: b64url(Buffer.alloc(32)) } }));
    key.enabled = false;
    expect((await expectVaultError(await sign(), 403, "Forbidden", "Operation sign is not allowed on a disabled key.")).error.innererror).toEqual({ code: "KeyDisabled" });
    key.enabled = true;
    key.expires = new Date("2025-01-01T00:00:00Z");
    await expectVaultError(await sign(), 403, "Forbidden", "Operation sign is not allowed on an expired key.");
    key.expires = undefined;
    key.notBefore = new Date("2030-01-01T00:00:00Z");
    await expectVaultError(await sign(), 403, "Forbidden", "Operation sign is not allowed on a not yet valid key.");
    await expectVaultError(await mock.handle(vaultRequest("/keys", token, { apiVersion: null })), 400, "BadParameter", /api-version query parameter is missing/);
    await expectVaultError(await mock.handle(vaultRequest("/keys", token, { apiVersion: "banana" })), 400, "BadParameter", /\(banana\) is not recognized/);
    await expectVaultError(await mock.handle(vaultRequest("/secrets/x", token)), 404, "BadParameter", /does not serve GET \/secrets\/x/);
    await expectVaultError(await mock.handle(vaultRequest("/keys/workshop-cert", token, { method: "DELETE" })), 405, "MethodNotAllowed", /'DELETE'/);
    await expectVaultError(await mock.handle(vaultRequest("/keys/workshop-cert//sign", token, { method: "GET" })), 405, "MethodNotAllowed", /'GET'/);
    // An unknown vault host.
    await expectVaultError(await mock.handle(new Request("https://elsewhere.vault.azure.net/keys?api-version=7.4", { headers: { Authorization: `Bearer ${token}` } })), 404, "VaultNotFound", /workshop-vault\.vault\.azure\.net/);
  });

  it("garbage never gets a 500", async () => {
    const { mock } = await vaultMock();
    const token = await identityToken(mock);
    const paths = ["/keys/%zz", "/keys/a/b/c/d/e", "/certificates//", "/keys//sign", "/KEYS", "/certificates/a/b/c"];
    for (const path of paths)
      for (const method of ["GET", "POST", "PUT"]) {
        const response = await mock.handle(vaultRequest(path, token, { method, ...(method === "GET" ? {} : { body: "\u0000\u00ff" }) }));
        expect(response.status, `${method} ${path}`).toBeLessThan(500);
        const body = await json(response);
        // /KEYS and /certificates// are the lists (paths compare case-insensitively, empty segments drop);
        // everything else is Key Vault's error shape.
        if (response.status < 300) expect(Array.isArray(body.value), `${method} ${path}`).toBe(true);
        else expect(body.error, `${method} ${path}`).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      }
  });
});

