/**
 * jose as an API would use it to check the mock's tokens (node/jose-verify.mjs): jwks_uri and
 * issuer from the tenant's v2 discovery document, createRemoteJWKSet, jwtVerify with the API's
 * audience. The token is a v2 token for the workshop's demo API, obtained by msal-node.
 *
 * Tokens for the demo API verify. A token for Microsoft Graph does not, and must not: it carries a
 * nonce in its header, as Graph's real tokens do, and only Graph can validate it (the last test).
 * A verifier has no "wrong key" or "unregistered certificate" of its own: its failure cases are a
 * token for another audience, another tenant's issuer, a changed payload and a foreign signing key.
 */
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_API_APP_ID, DEMO_API_RESOURCE, GRAPH_APP_ID, startInteropMock, type InteropMock } from "./harness.ts";
import { packageVersion, runNodeClient } from "./node-client.ts";
import { outcomeOf } from "./outcome.ts";
import { ClientReport } from "./report.ts";

const VERSION = packageVersion("jose");

let mock: InteropMock;
let token: string;
beforeAll(async () => {
  mock = await startInteropMock();
  const { answer } = await runNodeClient(mock, "msal-node", {
    clientId: mock.clientId,
    authority: `${mock.url}/${mock.tenant}/`,
    knownAuthorities: [new URL(mock.url).host],
    clientCertificate: { thumbprintSha256: mock.thumbprintSha256Hex, privateKeyPath: mock.keyPemPath },
    scopes: [`${DEMO_API_RESOURCE}/.default`],
  });
  if (!answer.accessToken) throw new Error(`no demo API token from msal-node: ${JSON.stringify(answer.error)}`);
  token = answer.accessToken;
});
afterAll(async () => {
  await mock?.close();
});

const parts = (jwt: string) => jwt.split(".") as [string, string, string];
const decode = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;

describe(`jose ${VERSION}: createRemoteJWKSet + jwtVerify on a v2 token for the demo API`, () => {
  const report = new ClientReport("jose (verifier)", VERSION);
  afterAll(() => {
    report.finish();
  });

  const discoveryUrl = () => `${mock.url}/${mock.tenant}/v2.0/.well-known/openid-configuration`;
  const verify = (jwt: string, options: { audience?: string; issuer?: string } = {}) =>
    runNodeClient(mock, "jose-verify", { discoveryUrl: discoveryUrl(), token: jwt, audience: options.audience ?? DEMO_API_APP_ID, issuer: options.issuer });

  it("verifies against the JWKS from discovery, with the discovery issuer and the API's app ID as audience", async () => {
    const before = mock.requests.length;
    const { answer } = await verify(token);
    const [header, payload] = parts(token);
    report.checked(decode(header), decode(payload));
    report.outcome("valid token", answer.ok ? "verified" : outcomeOf(answer));
    expect(answer.error).toBeUndefined();
    expect(answer.jwksUri).toBe(`${mock.url}/${mock.tenant}/discovery/v2.0/keys`);
    expect(answer.issuer).toBe(`${mock.url}/${mock.tenant}/v2.0`);
    expect(answer.payload).toMatchObject({ aud: DEMO_API_APP_ID, iss: answer.issuer, azp: mock.clientId, azpacr: "2", ver: "2.0", roles: ["Demo.Read"] });
    expect(answer.protectedHeader).toMatchObject({ alg: "RS256", kid: expect.any(String) });
    expect(mock.requests.slice(before).some((r) => r.url === answer.jwksUri && r.response?.status === 200)).toBe(true);
  });

  it("another audience (Graph's app ID) is refused: ERR_JWT_CLAIM_VALIDATION_FAILED on aud", async () => {
    const { answer } = await verify(token, { audience: GRAPH_APP_ID });
    report.outcome("other audience", `${answer.error?.code} ${answer.error?.claim ?? ""}`.trim());
    expect(answer.ok).toBe(false);
    expect(answer.error).toMatchObject({ code: "ERR_JWT_CLAIM_VALIDATION_FAILED", claim: "aud" });
  });

  it("another tenant's issuer is refused: ERR_JWT_CLAIM_VALIDATION_FAILED on iss", async () => {
    const { answer } = await verify(token, { issuer: `${mock.url}/${mock.otherTenant}/v2.0` });
    report.outcome("other tenant issuer", `${answer.error?.code} ${answer.error?.claim ?? ""}`.trim());
    expect(answer.ok).toBe(false);
    expect(answer.error).toMatchObject({ code: "ERR_JWT_CLAIM_VALIDATION_FAILED", claim: "iss" });
  });

  it("a changed payload is refused: ERR_JWS_SIGNATURE_VERIFICATION_FAILED", async () => {
    const [header, payload, signature] = parts(token);
    const changed = Buffer.from(JSON.stringify({ ...decode(payload), roles: ["Demo.Write"] })).toString("base64url");
    const { answer } = await verify(`${header}.${changed}.${signature}`);
    report.outcome("changed payload", String(answer.error?.code));
    expect(answer.ok).toBe(false);
    expect(answer.error?.code).toBe("ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
  });

  it("a token signed by a key the JWKS does not hold is refused: ERR_JWKS_NO_MATCHING_KEY", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 }); // throwaway
    const kid = createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("base64url");
    const header = Buffer.from(JSON.stringify({ typ: "JWT", alg: "RS256", kid })).toString("base64url");
    const payload = parts(token)[1];
    const signature = sign("sha256", Buffer.from(`${header}.${payload}`), privateKey).toString("base64url");
    const { answer } = await verify(`${header}.${payload}.${signature}`);
    report.outcome("foreign key", String(answer.error?.code));
    expect(answer.ok).toBe(false);
    expect(answer.error?.code).toBe("ERR_JWKS_NO_MATCHING_KEY");
  });

  it("a Microsoft Graph token (nonce header, like the real ones) does not verify: an API must not validate Graph's tokens", async () => {
    const { answer: got } = await runNodeClient(mock, "msal-node", {
      clientId: mock.clientId,
      authority: `${mock.url}/${mock.tenant}/`,
      knownAuthorities: [new URL(mock.url).host],
      clientCertificate: { thumbprintSha256: mock.thumbprintSha256Hex, privateKeyPath: mock.keyPemPath },
      scopes: ["https://graph.microsoft.com/.default"],
    });
    const graphToken = String(got.accessToken);
    expect(decode(parts(graphToken)[0])).toHaveProperty("nonce");
    const v1Discovery = `${mock.url}/${mock.tenant}/.well-known/openid-configuration`;
    const { answer } = await runNodeClient(mock, "jose-verify", { discoveryUrl: v1Discovery, token: graphToken, audience: "https://graph.microsoft.com", issuer: undefined });
    report.outcome("Graph token", String(answer.error?.code));
    expect(answer.ok).toBe(false);
    expect(answer.error?.code).toBe("ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
  });
});
