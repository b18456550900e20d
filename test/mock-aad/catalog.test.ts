/**
 * One test (at least) per catalog entry: the request or assertion that provokes it, and the answer
 * checked for status, error, error_codes and the exact description text (written out here, not
 * taken from the catalog, so a changed template fails).
 */
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CATALOG } from "../../mock-aad/catalog.ts";
import { MOCK_CATALOG_IDS } from "../../lib/entra/aadsts-catalog.ts";
import { buildIssuedCertificate } from "../../mock-aad/certificate-builder.ts";
import { defaultRegistry } from "../../mock-aad/registry.ts";
import {
  assertion,
  b64url,
  certificateFacts,
  claims,
  DEMO_CLIENT_ID,
  DEMO_TENANT_ID,
  ENTRA,
  expectAadError,
  makeCertificate,
  makeMock,
  NOW_S,
  registryWith,
  signParts,
  tokenForm,
  tokenRequest,
  V2_AUD,
  type TestCertificate,
} from "./helpers.ts";

let app: TestCertificate; // registered on the demo app
let other: TestCertificate; // never registered
let small: TestCertificate; // 1024 bits, registered in one test
const covered = new Set<string>();

beforeAll(async () => {
  [app, other, small] = await Promise.all([makeCertificate(2048), makeCertificate(2048), makeCertificate(1024)]);
});

afterAll(() => {
  // Every entry of the catalog was provoked by some test in this file.
  expect([...covered].sort()).toEqual([...MOCK_CATALOG_IDS].sort());
});

const TENANT_NAME = "Entra Workshop Demo";
const SEE_KEYS =
  `Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${DEMO_CLIENT_ID}'. ` +
  "Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and " +
  "https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as " +
  `'https://graph.microsoft.com/beta/applications/${DEMO_CLIENT_ID}'].`;
const CERT_DOCS_OLD = "https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials";

function mock() {
  return makeMock(registryWith({ cert: app }));
}

async function post(form: Record<string, string>, options?: Parameters<typeof tokenRequest>[1]) {
  return mock().handle(tokenRequest(form, options));
}

function entry(id: string, name: string, body: () => Promise<void>) {
  test(`${id}: ${name}`, async () => {
    covered.add(id);
    await body();
  });
}

describe("the tenant in the URL", () => {
  entry("900023", "a tenant that is neither a GUID nor a domain", async () => {
    await expectAadError(await post(tokenForm(assertion(app)), { tenant: "invalid_tenant" }), 400, "invalid_request", 900023,
      "Specified tenant identifier 'invalid_tenant' is neither a valid DNS name, nor a valid external domain.");
  });
  entry("90002", "a well-formed tenant that does not exist", async () => {
    const tenant = "0a0b0c0d-1e1f-4a2b-8c3d-4e5f6a7b8c9d";
    await expectAadError(await post(tokenForm(assertion(app)), { tenant }), 400, "invalid_request", 90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
  });
  entry("90002-discovery", "the discovery document of a tenant that does not exist", async () => {
    const response = await mock().handle(new Request(`${ENTRA}/nowhere.onmicrosoft.com/v2.0/.well-known/openid-configuration`));
    await expectAadError(response, 400, "invalid_tenant", 90002,
      "Tenant 'nowhere.onmicrosoft.com' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.");
  });
  entry("9001023", "client credentials at /common and /organizations", async () => {
    for (const tenant of ["common", "organizations"]) {
      await expectAadError(await post(tokenForm(assertion(app)), { tenant }), 400, "invalid_request", 9001023,
        "The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.");
    }
  });
  entry("50049", "instance discovery for a host the instance does not serve", async () => {
    const url = `${ENTRA}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent("https://login.example.com/common/oauth2/v2.0/authorize")}`;
    await expectAadError(await mock().handle(new Request(url)), 400, "invalid_instance", 50049, "Unknown or invalid instance.");
  });
});

describe("the request", () => {
  entry("9000411", "a form field sent twice", async () => {
    const body = new URLSearchParams(tokenForm(assertion(app)));
    body.append("scope", "https://graph.microsoft.com/.default");
    const response = await mock().handle(new Request(`${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: body.toString() }));
    await expectAadError(response, 400, "invalid_request", 9000411, "The request is not properly formatted. The parameter 'scope' is duplicated.");
  });
  entry("9002313-two-credentials", "a client_secret next to the client assertion", async () => {
    await expectAadError(await post({ ...tokenForm(assertion(app)), client_secret: "throwaway-secret" }), 400, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid.");
  });
  entry("50027-jose", "a header with alg twice (the JOSE edge cases: test/mock-aad/jose-edge-cases.test.ts)", async () => {
    const jwt = signParts(`{"alg":"none","typ":"JWT","x5t":"${app.x5t}","alg":"RS256"}`, JSON.stringify(claims()), app.privateKey);
    await expectAadError(await post(tokenForm(jwt)), 400, "invalid_request", 50027, "JWT token is invalid or malformed.");
  });
  entry("900561", "GET on the token endpoint", async () => {
    const response = await mock().handle(new Request(`${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token`));
    await expectAadError(response, 400, "invalid_request", 900561, "The endpoint only accepts POST requests. Received a GET request.");
  });
  entry("9002313", "a body over 1 MiB", async () => {
    const response = await post(tokenForm(assertion(app), { padding: "x".repeat(1024 * 1024) }));
    await expectAadError(response, 413, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid.");
  });
  entry("9002313-malformed", "a request the HTTPS door refuses before routing (unknown or malformed Host)", async () => {
    const log: { status: number; aadsts?: number }[] = [];
    const response = makeMock(registryWith({ cert: app }), { onRequest: (e) => log.push(e) }).refuseMalformed("POST", "/x");
    await expectAadError(response, 400, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid.");
    expect(log).toMatchObject([{ status: 400, aadsts: 9002313 }]);
  });
  entry("9002313-not-found", "a path the mock does not serve", async () => {
    const response = await makeMock(registryWith({ cert: app })).handle(new Request(`${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/authorize`));
    await expectAadError(response, 404, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid.");
  });
  entry("900144", "each missing parameter, and a JSON body", async () => {
    const text = (p: string) => `The request body must contain the following parameter: '${p}'.`;
    await expectAadError(await post(tokenForm(assertion(app), { grant_type: undefined })), 400, "invalid_request", 900144, text("grant_type"));
    await expectAadError(await post(tokenForm(assertion(app), { client_id: undefined })), 400, "invalid_request", 900144, text("client_id"));
    await expectAadError(await post(tokenForm(assertion(app), { client_assertion_type: undefined })), 400, "invalid_request", 900144, text("client_assertion_type"));
    await expectAadError(await post(tokenForm(assertion(app, { aud: `${ENTRA}/${DEMO_TENANT_ID}/oauth2/token` }), { scope: undefined }), { version: "v1" }), 400, "invalid_request", 900144, text("resource"));
    const json = new Request(`${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(tokenForm(assertion(app))) });
    await expectAadError(await mock().handle(json), 400, "invalid_request", 900144, text("grant_type"));
  });
  entry("70003", "a grant type other than client_credentials", async () => {
    await expectAadError(await post(tokenForm(assertion(app), { grant_type: "password" })), 400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type 'password'.");
  });
  entry("90014", "no scope; no iss or aud in the assertion", async () => {
    const text = (f: string) => `The required field '${f}' is missing from the credential. Ensure that you have all the necessary parameters for the login request.`;
    await expectAadError(await post(tokenForm(assertion(app), { scope: undefined })), 400, "invalid_request", 90014, text("scope"));
    await expectAadError(await post(tokenForm(assertion(app, { iss: undefined }))), 400, "invalid_request", 90014, text("iss"));
    await expectAadError(await post(tokenForm(assertion(app, { aud: undefined }))), 400, "invalid_request", 90014, text("aud"));
  });
  entry("7000216", "neither client_assertion nor client_secret", async () => {
    await expectAadError(await post(tokenForm("", { client_assertion: undefined, client_assertion_type: undefined })), 401, "invalid_client", 7000216,
      "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.");
  });
  entry("90011", "a client_assertion_type that is not jwt-bearer", async () => {
    await expectAadError(await post(tokenForm(assertion(app), { client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:saml2-bearer" })), 400, "invalid_request", 90011, "Unexpected client assertion type.");
  });
});

describe("the application", () => {
  entry("700016", "a client ID not registered in the tenant", async () => {
    const clientId = "99999999-8888-4777-8666-555555555555";
    await expectAadError(await post(tokenForm(assertion(app, { iss: clientId, sub: clientId }), { client_id: clientId })), 400, "unauthorized_client", 700016,
      `Application with identifier '${clientId}' was not found in the directory '${TENANT_NAME}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
  });
  entry("7000112", "a disabled application", async () => {
    const registry = registryWith({ cert: app });
    registry.applications[0]!.enabled = false;
    await expectAadError(await makeMock(registry).handle(tokenRequest(tokenForm(assertion(app)))), 400, "unauthorized_client", 7000112,
      `Application '${DEMO_CLIENT_ID}'(Entra workshop demo app) is disabled.`);
  });
  entry("7000215", "a client secret instead of an assertion", async () => {
    await expectAadError(await post(tokenForm("", { client_assertion: undefined, client_assertion_type: undefined, client_secret: "s3cret" })), 401, "invalid_client", 7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${DEMO_CLIENT_ID}'.`);
  });
});

describe("the assertion's shape", () => {
  const malformed = "JWT token is invalid or malformed.";
  const good = () => assertion(app);
  const cases: Array<[string, () => string]> = [
    ["two parts", () => good().split(".").slice(0, 2).join(".")],
    ["five parts (a JWE)", () => `${good()}.a.b`],
    ["an empty signature", () => `${good().split(".").slice(0, 2).join(".")}.`],
    ["standard base64 + and /", () => good().replace(/-/g, "+").replace(/_/g, "/").replace(/^([^.]*)/, "$1+/")],
    ["= padding", () => good().split(".").map((p) => `${p}==`).join(".")],
    ["whitespace inside", () => good().replace(".", " .")],
    ["a UTF-8 byte-order mark before the header JSON", () => signParts(`\uFEFF${JSON.stringify({ alg: "RS256", typ: "JWT", x5t: app.x5t })}`, JSON.stringify(claims()), app.privateKey)],
    ["a header that is not JSON", () => signParts("{alg: RS256}", JSON.stringify(claims()), app.privateKey)],
    ["a payload that is a JSON array", () => signParts(JSON.stringify({ alg: "RS256", x5t: app.x5t }), "[1,2]", app.privateKey)],
    ["a payload that is not UTF-8", () => `${b64url(JSON.stringify({ alg: "RS256", x5t: app.x5t }))}.${b64url(Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d))}.${good().split(".")[2]}`],
    ["aud as an array", () => assertion(app, { aud: [V2_AUD] })],
    ["nbf that is not a number", () => assertion(app, { nbf: "soon" })],
    ["no alg", () => assertion(app, {}, { alg: undefined })],
  ];
  entry("50027", "every kind of malformed JWT", async () => {
    for (const [name, make] of cases) {
      const response = await post(tokenForm(make()));
      const body = await expectAadError(response, 400, "invalid_request", 50027, malformed).catch((error: Error) => {
        throw new Error(`${name}: ${error.message}`);
      });
      expect(body.error_codes, name).toEqual([50027]);
    }
  });
  entry("5002738", "alg none, HS256 and ES256", async () => {
    for (const alg of ["none", "HS256", "ES256"]) {
      const jwt = `${b64url(JSON.stringify({ alg, typ: "JWT", x5t: app.x5t }))}.${b64url(JSON.stringify(claims()))}.c2lnbmF0dXJl`;
      // 400 invalid_request as pasted from login.microsoftonline.com (2021); the wording is the 2023 one.
      await expectAadError(await post(tokenForm(jwt)), 400, "invalid_request", 5002738,
        `Invalid JWT token. '${alg}' is not a supported signature algorithm. Supported signing algorithms are: 'RS256,RS384,RS512'`);
    }
  });
  entry("5002723", "a header with no thumbprint, x5c or kid", async () => {
    await expectAadError(await post(tokenForm(assertion(app, {}, { x5t: undefined }))), 400, "invalid_request", 5002723,
      "Invalid JWT token. No certificate SHA-1 thumbprint, certificate SHA-256 thumbprint, nor keyId specified in token header.");
  });
  entry("5002730", "an EC certificate registered, an RS256 assertion", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const der = buildIssuedCertificate({ subject: "CN=ec test", publicKey: ec.publicKey, signingKey: rsa.privateKey, notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2027-01-01T00:00:00Z"), extensions: [] });
    const ecCert = certificateFacts(ec.privateKey, ec.publicKey, der);
    const response = await makeMock(registryWith({ cert: ecCert })).handle(tokenRequest(tokenForm(assertion(ecCert, {}, {}, rsa.privateKey))));
    await expectAadError(response, 400, "invalid_request", 5002730, "Invalid JWT token. Unsupported key for the signing algorithm.");
  });
});

describe("the assertion's claims", () => {
  entry("50048", "sub different from iss", async () => {
    await expectAadError(await post(tokenForm(assertion(app, { sub: "someone-else" }))), 401, "invalid_client", 50048, "Subject must match the issuer claim in the client assertion.");
  });
  entry("700021", "iss and sub different from client_id", async () => {
    const otherId = "12345678-1234-4234-8234-123456789abc";
    await expectAadError(await post(tokenForm(assertion(app, { iss: otherId, sub: otherId }))), 401, "invalid_client", 700021,
      `Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at ${CERT_DOCS_OLD} .`);
  });
  entry("700023", "aud with a trailing slash, at /common, the bare authority, another tenant", async () => {
    const text = `Client assertion audience claim does not match Realm issuer. Review the documentation at ${CERT_DOCS_OLD} .`;
    for (const aud of [`${V2_AUD}/`, `${ENTRA}/common/oauth2/v2.0/token`, `${ENTRA}/${DEMO_TENANT_ID}/v2.0`, `${ENTRA}/contoso.onmicrosoft.com/oauth2/v2.0/token`, `${V2_AUD}?x=1`, "not a url"]) {
      await expectAadError(await post(tokenForm(assertion(app, { aud }))), 401, "invalid_client", 700023, text);
    }
  });
  entry("700024", "expired, not yet valid, no exp", async () => {
    const text = (from: string, until: string) =>
      `Client assertion is not within its valid time range. Current time: 2025-06-01T12:00:00.0000000Z, assertion valid from ${from}, expiry time of assertion ${until}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`;
    // exp 10 minutes ago: beyond the 5-minute skew.
    await expectAadError(await post(tokenForm(assertion(app, { nbf: NOW_S - 1200, exp: NOW_S - 600 }))), 401, "invalid_client", 700024, text("2025-06-01T11:40:00.0000000Z", "2025-06-01T11:50:00.0000000Z"));
    // nbf 10 minutes ahead, as MSAL.NET writes it (strings).
    await expectAadError(await post(tokenForm(assertion(app, { nbf: String(NOW_S + 600), exp: String(NOW_S + 1200), iat: undefined }))), 401, "invalid_client", 700024, text("2025-06-01T12:10:00.0000000Z", "2025-06-01T12:20:00.0000000Z"));
    // No exp at all reads as 1970; no nbf too.
    await expectAadError(await post(tokenForm(assertion(app, { nbf: undefined, exp: undefined }))), 401, "invalid_client", 700024, text("1970-01-01T00:00:00.0000000Z", "1970-01-01T00:00:00.0000000Z"));
  });
});

describe("the assertion's key and signature", () => {
  entry("700027-not-registered", "an unregistered certificate; x5t of the hex text; kid only", async () => {
    const text = (thumbprintPart: string) => `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., ${thumbprintPart}${SEE_KEYS}`;
    await expectAadError(await post(tokenForm(assertion(other))), 401, "invalid_client", 700027, text(`Thumbprint of key used by client: '${other.sha1Hex}', `));
    await expectAadError(await post(tokenForm(assertion(other, {}, { alg: "PS256", x5t: undefined, "x5t#S256": other.x5tS256 }))), 401, "invalid_client", 700027, text(`Thumbprint of key used by client: '${other.sha256Hex}', `));
    // The classic mistake: base64url of the thumbprint's hex text instead of its 20 bytes.
    const hexText = b64url(app.sha1Hex);
    await expectAadError(await post(tokenForm(assertion(app, {}, { x5t: hexText }))), 401, "invalid_client", 700027, text(`Thumbprint of key used by client: '${Buffer.from(app.sha1Hex).toString("hex").toUpperCase()}', `));
  });
  entry("700027-key-not-found", "an empty or undecodable x5t, an x5c with no certificate, a kid that names no key", async () => {
    // pnp/cli-microsoft365 #1532 (empty x5t), keycloak #19425 (kid only), Q&A 5915574 (undecodable x5t#S256).
    const text = (thumbprintPart: string) => `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., ${thumbprintPart}${SEE_KEYS}`;
    for (const x5t of ["", "!!", 5]) {
      await expectAadError(await post(tokenForm(assertion(app, {}, { x5t }))), 401, "invalid_client", 700027, text("Thumbprint of key used by client: '', "));
    }
    await expectAadError(await post(tokenForm(assertion(app, {}, { alg: "PS256", x5t: undefined, "x5t#S256": "a b" }))), 401, "invalid_client", 700027, text("Thumbprint of key used by client: '', "));
    await expectAadError(await post(tokenForm(assertion(app, {}, { x5t: undefined, x5c: [Buffer.from(app.der).toString("base64url")] }))), 401, "invalid_client", 700027, text(""));
    await expectAadError(await post(tokenForm(assertion(app, {}, { x5t: undefined, kid: "not-a-key-id" }))), 401, "invalid_client", 700027, text(""));
  });
  entry("700027-key-expired", "a registration that ended, one that has not started", async () => {
    const expired = registryWith({ cert: app, options: { start: new Date("2024-01-01T00:00:00Z"), end: new Date("2025-01-01T00:00:00Z") } });
    await expectAadError(await makeMock(expired).handle(tokenRequest(tokenForm(assertion(app)))), 401, "invalid_client", 700027,
      `Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '${app.sha1Hex}', Found key 'Start=01/01/2024 00:00:00, End=01/01/2025 00:00:00']`);
    const future = registryWith({ cert: app, options: { start: new Date("2025-09-09T17:51:32Z"), end: new Date("2026-09-09T17:51:32Z") } });
    await expectAadError(await makeMock(future).handle(tokenRequest(tokenForm(assertion(app)))), 401, "invalid_client", 700027,
      `Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '${app.sha1Hex}', Found key 'Start=09/09/2025 17:51:32, End=09/09/2026 17:51:32']`);
  });
  entry("50032", "a 1024-bit certificate (the two-code form pasted in ADAL Python #136)", async () => {
    const response = await makeMock(registryWith({ cert: small })).handle(tokenRequest(tokenForm(assertion(small))));
    await expectAadError(response, 401, "invalid_client", [70002, 50032],
      "AADSTS70002: Error validating credentials. AADSTS50032: RSA key size 1024 is less than the minimum required 2048 bits.");
  });
  entry("700027-bad-signature", "another key; PS256 over PKCS#1 v1.5; a PSS salt of 20; a changed payload", async () => {
    const text = `Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${app.sha1Hex}', Found key 'Start=01/01/2025 00:00:00, End=01/01/2027 00:00:00']`;
    const header = JSON.stringify({ alg: "PS256", typ: "JWT", x5t: app.x5t });
    const signedByOther = assertion(app, {}, {}, other.privateKey);
    const pssHeaderPkcs1Signature = signParts(header, JSON.stringify(claims()), app.privateKey, "RS256");
    const salt20 = signParts(header, JSON.stringify(claims()), app.privateKey, "PS256", 20);
    const [h, , s] = assertion(app).split(".");
    const changedPayload = `${h}.${b64url(JSON.stringify(claims({ jti: "changed" })))}.${s}`;
    for (const jwt of [signedByOther, pssHeaderPkcs1Signature, salt20, changedPayload]) {
      await expectAadError(await post(tokenForm(jwt)), 401, "invalid_client", 700027, text);
    }
  });
});

describe("the scope and the resource", () => {
  entry("1002012", "a single permission instead of /.default", async () => {
    await expectAadError(await post(tokenForm(assertion(app), { scope: "https://graph.microsoft.com/User.Read" })), 400, "invalid_scope", 1002012,
      "The provided value for scope https://graph.microsoft.com/User.Read is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
  });
  entry("70011", "no resource URI before /.default; two resources", async () => {
    const text = (s: string) => `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${s} is not valid.`;
    await expectAadError(await post(tokenForm(assertion(app), { scope: "user.read/.default" })), 400, "invalid_scope", 70011, text("user.read/.default"));
    const two = "https://graph.microsoft.com/.default https://digitaltwins.azure.net/.default";
    await expectAadError(await post(tokenForm(assertion(app), { scope: two })), 400, "invalid_scope", 70011, text(two));
  });
  entry("500011", "a resource the tenant does not have", async () => {
    const text = (r: string) =>
      `The resource principal named ${r} was not found in the tenant named ${TENANT_NAME}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`;
    await expectAadError(await post(tokenForm(assertion(app), { scope: "https://graph.microsoft.com/user.read/.default" })), 400, "invalid_resource", 500011, text("https://graph.microsoft.com/user.read"));
    const v1 = tokenForm(assertion(app, { aud: `${ENTRA}/${DEMO_TENANT_ID}/oauth2/token` }), { scope: undefined, resource: "https://storage.azure.com" });
    await expectAadError(await post(v1, { version: "v1" }), 400, "invalid_resource", 500011, text("https://storage.azure.com"));
  });
});

describe("the mock itself", () => {
  entry("50000", "an exception inside the handler becomes a 500 JSON answer", async () => {
    let calls = 0;
    const broken = makeMock(defaultRegistry(), {
      ids: () => {
        calls++;
        throw new Error("the id generator broke");
      },
    });
    const response = await broken.handle(tokenRequest(tokenForm(assertion(app))));
    await expectAadError(response, 500, "server_error", 50000, "There was an error issuing a token or an issue with our sign-in service.");
    expect(calls).toBeGreaterThan(0);
  });
});

test("every catalog entry cites a source or says inferred, and has a meaning and a fix", () => {
  for (const e of Object.values(CATALOG)) {
    expect(e.source.length, e.id).toBeGreaterThan(5);
    expect(e.meaning.length, e.id).toBeGreaterThan(20);
    expect(e.fix.length, e.id).toBeGreaterThan(20);
    expect(e.template).not.toMatch(/^AADSTS/);
  }
  expect(Object.keys(CATALOG).length).toBeGreaterThanOrEqual(20);
});
