/**
 * The managed identity endpoints: IMDS (Metadata: true, 2018-02-01), App Service (X-IDENTITY-HEADER,
 * 2019-08-01) and the legacy MSI_ENDPOINT + Secret (2017-09-01). The tokens are checked with
 * node:crypto against the mock's published JWKS, and by Key Vault itself.
 */
import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEMO_IDENTITY_CLIENT_ID, DEMO_IDENTITY_HEADER, DEMO_IDENTITY_PRINCIPAL_ID } from "../../mock-aad/key-vault/store.ts";
import { vaultMock, vaultRequest } from "./key-vault-helpers.ts";

const RESOURCE = "https://vault.azure.net";

function get(url: string, headers: Record<string, string> = {}, method = "GET"): Request {
  return new Request(url, { method, headers });
}

async function body(response: Response): Promise<Record<string, any>> {
  return (await response.json()) as Record<string, any>;
}

describe("managed identity endpoints", () => {
  it("IMDS: a v1 token for the resource, the identity's oid and appid, signed by the mock's key (node:crypto checks it)", async () => {
    const { mock } = await vaultMock();
    const response = await mock.handle(get(`http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${RESOURCE}`, { Metadata: "true" }));
    expect(response.status).toBe(200);
    const answer = await body(response);
    expect(Object.keys(answer).sort()).toEqual(["access_token", "client_id", "expires_in", "expires_on", "ext_expires_in", "not_before", "refresh_token", "resource", "token_type"]);
    expect(answer).toMatchObject({ refresh_token: "", resource: RESOURCE, token_type: "Bearer", client_id: DEMO_IDENTITY_CLIENT_ID, expires_in: "3599" });
    for (const field of ["expires_in", "expires_on", "not_before"]) expect(answer[field]).toMatch(/^\d+$/);
    const [h, p, s] = (answer.access_token as string).split(".");
    const header = JSON.parse(Buffer.from(h!, "base64url").toString());
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
    expect(claims).toMatchObject({ aud: RESOURCE, appid: DEMO_IDENTITY_CLIENT_ID, oid: DEMO_IDENTITY_PRINCIPAL_ID, sub: DEMO_IDENTITY_PRINCIPAL_ID, idtyp: "app", ver: "1.0" });
    expect(claims.xms_mirid).toMatch(/\/providers\/Microsoft\.Web\/sites\/entra-workshop-func$/);
    const jwk = mock.jwks.keys.find((k) => (k as { kid: string }).kid === header.kid) as { n: string; e: string; kty: string };
    expect(verify("sha256", Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(s!, "base64url"))).toBe(true);
    expect(String(claims.exp)).toBe(answer.expires_on);
    // The same path on the HTTPS server's own origin.
    expect((await mock.handle(get(`https://127.0.0.1:8443/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${RESOURCE}`, { Metadata: "true" }))).status).toBe(200);
  });

  it("IMDS refusals: no Metadata header, no resource, an unknown resource, no api-version, another method", async () => {
    const { mock } = await vaultMock();
    const imds = (query: string, headers: Record<string, string> = { Metadata: "true" }, method = "GET") => mock.handle(get(`http://169.254.169.254/metadata/identity/oauth2/token${query}`, headers, method));
    let r = await imds(`?api-version=2018-02-01&resource=${RESOURCE}`, {});
    expect([r.status, await body(r)]).toEqual([400, { error: "bad_request_102", error_description: "Required metadata header not specified" }]);
    r = await imds(`?api-version=2018-02-01&resource=${RESOURCE}`, { Metadata: "yes" });
    expect(r.status).toBe(400);
    r = await imds("?api-version=2018-02-01");
    expect([r.status, await body(r)]).toEqual([400, { error: "invalid_request", error_description: "Required query variable 'resource' is missing" }]);
    r = await imds("?api-version=2018-02-01&resource=https://nothing.example");
    const unknown = await body(r);
    expect([r.status, unknown.error]).toEqual([400, "invalid_resource"]);
    expect(unknown.error_description).toMatch(/^AADSTS500011: The resource principal named https:\/\/nothing\.example was not found in the tenant named Entra Workshop Demo\./);
    r = await imds(`?resource=${RESOURCE}`);
    expect([r.status, (await body(r)).error]).toEqual([400, "invalid_request"]);
    r = await imds(`?api-version=2018-02-01&resource=${RESOURCE}`, { Metadata: "true" }, "POST");
    expect(r.status).toBe(405);
  });

  it("App Service 2019-08-01: X-IDENTITY-HEADER; expires_on in Unix seconds; the token opens the vault", async () => {
    const { mock } = await vaultMock();
    const response = await mock.handle(get(`http://169.254.169.254/msi/token?api-version=2019-08-01&resource=${RESOURCE}`, { "X-IDENTITY-HEADER": DEMO_IDENTITY_HEADER }));
    const answer = await body(response);
    expect(Object.keys(answer).sort()).toEqual(["access_token", "client_id", "expires_on", "resource", "token_type"]);
    expect(answer).toMatchObject({ resource: RESOURCE, token_type: "Bearer", client_id: DEMO_IDENTITY_CLIENT_ID });
    expect(answer.expires_on).toMatch(/^\d{10}$/);
    expect((await mock.handle(vaultRequest("/certificates/workshop-cert", answer.access_token))).status).toBe(200);
    // client_id picks the identity; an unknown one is refused.
    const named = await mock.handle(get(`http://169.254.169.254/msi/token?api-version=2019-08-01&resource=${RESOURCE}&client_id=${DEMO_IDENTITY_CLIENT_ID}`, { "X-IDENTITY-HEADER": DEMO_IDENTITY_HEADER }));
    expect(named.status).toBe(200);
    const other = await mock.handle(get(`http://169.254.169.254/msi/token?api-version=2019-08-01&resource=${RESOURCE}&client_id=00000000-0000-4000-8000-000000000000`, { "X-IDENTITY-HEADER": DEMO_IDENTITY_HEADER }));
    expect(other.status).toBe(400);
  });

  it("legacy 2017-09-01: the Secret header (seed 001's MSI_SECRET); expires_on as a date; X-IDENTITY-HEADER is not read there", async () => {
    const { mock } = await vaultMock();
    const ok = await body(await mock.handle(get(`https://127.0.0.1:8443/msi/token?api-version=2017-09-01&resource=${RESOURCE}`, { Secret: DEMO_IDENTITY_HEADER })));
    expect(Object.keys(ok).sort()).toEqual(["access_token", "expires_on", "resource", "token_type"]);
    expect(ok.expires_on).toMatch(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d (AM|PM) \+00:00$/);
    const claims = JSON.parse(Buffer.from(ok.access_token.split(".")[1], "base64url").toString());
    // The date says the same instant as the token's exp (the clock is 2025-06-01T12:00:00Z, exp 3599 s later).
    expect(ok.expires_on).toBe("06/01/2025 12:59:59 PM +00:00");
    expect(claims.exp).toBe(Date.parse("2025-06-01T12:59:59Z") / 1000);
    const wrong = await mock.handle(get(`https://127.0.0.1:8443/msi/token?api-version=2017-09-01&resource=${RESOURCE}`, { "X-IDENTITY-HEADER": DEMO_IDENTITY_HEADER }));
    expect(wrong.status).toBe(401);
    expect((await body(wrong)).message).toBe("Missing Secret header (api-version 2017-09-01 reads the Secret header, not X-IDENTITY-HEADER).");
  });

  it("App Service refusals: no or a wrong header (401), no resource, an unknown api-version (400), POST (405), in App Service's {statusCode, message, correlationId} shape", async () => {
    const { mock } = await vaultMock();
    const msi = (query: string, headers: Record<string, string>, method = "GET") => mock.handle(get(`http://169.254.169.254/msi/token${query}`, headers, method));
    const cases: Array<[Response, number, RegExp]> = [
      [await msi(`?api-version=2019-08-01&resource=${RESOURCE}`, {}), 401, /^Missing X-IDENTITY-HEADER header\.$/],
      [await msi(`?api-version=2019-08-01&resource=${RESOURCE}`, { "X-IDENTITY-HEADER": "guess" }), 401, /^Invalid X-IDENTITY-HEADER header\.$/],
      [await msi(`?api-version=2019-08-01&resource=${RESOURCE}`, { Secret: DEMO_IDENTITY_HEADER }), 401, /reads the X-IDENTITY-HEADER header, not Secret/],
      [await msi("?api-version=2019-08-01", { "X-IDENTITY-HEADER": DEMO_IDENTITY_HEADER }), 400, /'resource' query parameter is missing/],
      [await msi(`?api-version=2020-01-01&resource=${RESOURCE}`, { "X-IDENTITY-HEADER": DEMO_IDENTITY_HEADER }), 400, /Invalid api-version '2020-01-01'/],
      [await msi(`?api-version=2019-08-01&resource=${RESOURCE}`, { "X-IDENTITY-HEADER": DEMO_IDENTITY_HEADER }, "POST"), 405, /answers GET, not POST/],
    ];
    for (const [response, status, message] of cases) {
      const answer = await body(response);
      expect(response.status).toBe(status);
      expect(answer.statusCode).toBe(status);
      expect(answer.message).toMatch(message);
      expect(answer.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});
