/**
 * The Azure SDK for JavaScript against the mock Key Vault over HTTPS, as a Function app runs it
 * (node/key-vault.mjs): ManagedIdentityCredential from IDENTITY_ENDPOINT/IDENTITY_HEADER,
 * KeyClient list and getKey, CertificateClient getCertificate, CryptographyClient sign and verify.
 * node:crypto is the oracle: the SDK's signature verifies over the message against the registered
 * certificate, and the assertion made with it is redeemed at the mock's token endpoint.
 */
import { constants, createHash, verify, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInteropMock, type InteropMock } from "./harness.ts";
import { packageVersion, runNodeClient } from "./node-client.ts";
import { ClientReport } from "./report.ts";

const VERSIONS = `@azure/identity ${packageVersion("@azure/identity")}, @azure/keyvault-keys ${packageVersion("@azure/keyvault-keys")}, @azure/keyvault-certificates ${packageVersion("@azure/keyvault-certificates")}`;

let mock: InteropMock;
beforeAll(async () => {
  mock = await startInteropMock();
});
afterAll(async () => {
  await mock?.close();
});

/** POSTs a form over HTTPS trusting the mock's CA; the status. */
function postForm(url: string, body: string, ca: string): Promise<number> {
  return new Promise((done, fail) => {
    const req = httpsRequest(url, { method: "POST", ca, headers: { "Content-Type": "application/x-www-form-urlencoded" } }, (res) => {
      res.resume();
      res.on("end", () => done(res.statusCode ?? 0));
    });
    req.on("error", fail);
    req.end(body);
  });
}

function job(alg: string, digest: Buffer, disableChallengeResourceVerification = true): object {
  return { vaultUrl: mock.keyVault.url, name: mock.keyVault.certificateName, identityEndpoint: mock.keyVault.identityEndpoint, identityHeader: mock.keyVault.identityHeader, alg, digest: digest.toString("base64url"), disableChallengeResourceVerification };
}

describe(`Key Vault SDK (${VERSIONS}) against the mock`, () => {
  const report = new ClientReport("@azure/keyvault-keys + certificates, ManagedIdentityCredential (App Service)", VERSIONS);
  afterAll(() => {
    report.finish();
  });

  it("RS256: token, list, getKey, getCertificate, sign, verify; node:crypto verifies the signature and Entra redeems the assertion", async () => {
    const der = readFileSync(mock.certDerPath);
    const x5t = createHash("sha1").update(der).digest("base64url");
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const aud = `${mock.url}/${mock.tenant}/oauth2/v2.0/token`;
    const now = Math.floor(Date.now() / 1000);
    const signingInput = `${b64({ alg: "RS256", typ: "JWT", x5t })}.${b64({ aud, iss: mock.clientId, sub: mock.clientId, jti: crypto.randomUUID(), nbf: now, exp: now + 600 })}`;
    const before = mock.requests.length;
    const { answer } = await runNodeClient(mock, "key-vault", job("RS256", createHash("sha256").update(signingInput).digest()));
    report.outcome("RS256 sign", answer.ok ? "signature" : JSON.stringify(answer.error));
    expect(answer.error).toBeUndefined();
    expect(answer.steps).toEqual(["token", "list", "getKey", "getCertificate", "sign", "verify"]);
    expect(answer.listed).toEqual([mock.keyVault.certificateName]);
    const certificate = answer.certificate as Record<string, string>;
    expect(certificate.x5t).toBe(x5t);
    expect(Buffer.from(certificate.cer, "base64").equals(der)).toBe(true);
    const key = answer.key as Record<string, unknown>;
    expect(key.hasD).toBe(false);
    const publicJwk = new X509Certificate(der).publicKey.export({ format: "jwk" });
    expect([key.n, key.e]).toEqual([publicJwk.n, publicJwk.e]);
    expect(answer.verified).toBe(true);
    expect(answer.tamperedVerified).toBe(false);

    const signature = Buffer.from(answer.signature as string, "base64url");
    expect(verify("sha256", Buffer.from(signingInput), new X509Certificate(der).publicKey, signature)).toBe(true);
    const form = new URLSearchParams({ client_id: mock.clientId, scope: "https://graph.microsoft.com/.default", grant_type: "client_credentials", client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: `${signingInput}.${answer.signature as string}` });
    expect(await postForm(aud, form.toString(), mock.caPem)).toBe(200);

    // What went over the wire: the App Service token request, the challenge, then bearer calls; never a private key.
    const sent = mock.requests.slice(before);
    const paths = sent.map((r) => `${r.method} ${new URL(r.url).pathname} ${r.response?.status}`);
    expect(paths[0]).toBe("GET /msi/token 200");
    expect(sent[0]!.headers["x-identity-header"]).toBe(mock.keyVault.identityHeader);
    expect(new URL(sent[0]!.url).searchParams.get("api-version")).toBe("2019-08-01");
    expect(paths).toContain("GET /keys 401");
    expect(paths.some((p) => /^POST \/keys\/workshop-cert\/[0-9a-f]{32}\/sign 200$/.test(p))).toBe(true);
    expect(sent.every((r) => !/"(d|p|q|dp|dq|qi)":/.test(r.response?.body ?? ""))).toBe(true);
    report.outcome("wire", paths.join(", "));
  });

  it("PS256: the SDK's signature verifies with node:crypto (RSA-PSS, salt 32)", async () => {
    const message = Buffer.from("header.payload, PS256");
    const { answer } = await runNodeClient(mock, "key-vault", job("PS256", createHash("sha256").update(message).digest()));
    report.outcome("PS256 sign", answer.ok ? "signature" : JSON.stringify(answer.error));
    expect(answer.error).toBeUndefined();
    const signature = Buffer.from(answer.signature as string, "base64url");
    expect(verify("sha256", message, { key: new X509Certificate(readFileSync(mock.certDerPath)).publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)).toBe(true);
    expect(answer.verified).toBe(true);
  });

  it("without disableChallengeResourceVerification the SDK refuses a vault that is not at *.vault.azure.net (why the option is set)", async () => {
    const { answer } = await runNodeClient(mock, "key-vault", job("RS256", Buffer.alloc(32), false));
    report.outcome("challenge verification on", answer.ok ? "signature" : String((answer.error as { message: string }).message).slice(0, 80));
    expect(answer.ok).toBe(false);
    expect(answer.steps).toEqual(["token"]);
    expect(answer.error!.message).toMatch(/The challenge resource 'vault\.azure\.net' does not match the requested domain/);
  });
});
