/**
 * The assertions of Microsoft clients that cannot run on this machine (msal4j, MSAL Go), and of the
 * older shapes of those that can, reproduced header and claims exactly as each library builds them.
 * Each shape is copied from the library source named in lib/entra/evidence/clients-observed.md:
 *   msal4j   JwtHelper.java / ClientCertificate.java (2019-2024: RS256, x5t in STANDARD base64 with
 *            padding, x5c array, nbf/exp in seconds, jti, no iat; 2025: PS256 + x5t#S256, standard base64)
 *   MSAL Go  apps/internal/oauth/ops/accesstokens/accesstokens.go (PS256 + x5t#S256 in StdEncoding;
 *            scope + " openid offline_access profile"; client_info=1; 0.1.0: nbf/exp as strings, 5 minutes)
 *   MSAL.NET Internal/JsonWebToken.cs (today: PS256 + x5t#S256, x5c as ONE string with WithSendX5C,
 *            nbf/exp as strings, no iat; 4.7-4.9: kid = base64url SHA-1 only)
 *   MSAL Python msal/oauth2cli/assertion.py (RS256, x5t padded with "=", float exp/iat, no nbf,
 *            x5c entries holding the PEM body with line breaks)
 * All of them sign in to the real Entra in production, so the mock must give each a token; the
 * same shapes with an unregistered certificate get AADSTS700027 (the key is looked up, not refused).
 * The oracle for the thumbprints is node:crypto (createHash over the certificate DER).
 */
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_CLIENT_ID, makeCertificate, makeMock, NOW_S, registryWith, signParts, tokenForm, tokenRequest, V2_AUD, type TestCertificate } from "./helpers.ts";

let app: TestCertificate; // registered
let other: TestCertificate; // not registered
beforeAll(async () => {
  [app, other] = await Promise.all([makeCertificate(2048), makeCertificate(2048)]);
});

const std = (cert: TestCertificate, hash: "sha1" | "sha256") => createHash(hash).update(cert.der).digest("base64"); // + / and = padding
/** Python's base64.urlsafe_b64encode: base64url with its padding (20 and 32 bytes both end in one "="). */
const urlPadded = (cert: TestCertificate, hash: "sha1" | "sha256") => createHash(hash).update(cert.der).digest("base64url") + "=";
const derBase64 = (cert: TestCertificate) => Buffer.from(cert.der).toString("base64");
const pemBody = (cert: TestCertificate) => derBase64(cert).match(/.{1,64}/g)!.join("\n");

interface Shape {
  client: string;
  alg: "RS256" | "PS256";
  header: (cert: TestCertificate) => Record<string, unknown>;
  claims: () => Record<string, unknown>;
  form?: Record<string, string>;
}

const base = { aud: V2_AUD, iss: DEMO_CLIENT_ID, sub: DEMO_CLIENT_ID };
const SHAPES: Shape[] = [
  {
    client: "msal4j 2019-2024 (RS256, x5t standard base64, x5c array)",
    alg: "RS256",
    header: (c) => ({ alg: "RS256", typ: "JWT", x5t: std(c, "sha1"), x5c: [derBase64(c)] }),
    claims: () => ({ ...base, nbf: NOW_S, exp: NOW_S + 600, jti: "msal4j-2019" }),
  },
  {
    client: "msal4j 2025 (PS256, x5t#S256 standard base64)",
    alg: "PS256",
    header: (c) => ({ alg: "PS256", typ: "JWT", "x5t#S256": std(c, "sha256"), x5c: [derBase64(c)] }),
    claims: () => ({ ...base, nbf: NOW_S, exp: NOW_S + 600, jti: "msal4j-2025" }),
  },
  {
    client: "MSAL Go (PS256, x5t#S256 StdEncoding, OIDC scopes appended, client_info=1)",
    alg: "PS256",
    header: (c) => ({ alg: "PS256", typ: "JWT", "x5t#S256": std(c, "sha256") }),
    claims: () => ({ ...base, nbf: NOW_S, exp: NOW_S + 600, jti: "go-today" }),
    form: { scope: "https://graph.microsoft.com/.default openid offline_access profile", client_info: "1" },
  },
  {
    client: "MSAL Go 0.1.0 (nbf/exp as strings, five minutes)",
    alg: "PS256",
    header: (c) => ({ alg: "PS256", typ: "JWT", "x5t#S256": std(c, "sha256") }),
    claims: () => ({ ...base, nbf: String(NOW_S), exp: String(NOW_S + 300), jti: "go-0.1.0" }),
  },
  {
    client: "MSAL.NET 4.92 WithSendX5C (x5c as one string, nbf/exp strings, no iat)",
    alg: "PS256",
    header: (c) => ({ alg: "PS256", typ: "JWT", "x5t#S256": createHash("sha256").update(c.der).digest("base64url"), x5c: derBase64(c) }),
    claims: () => ({ ...base, nbf: String(NOW_S), exp: String(NOW_S + 600), jti: "net-today" }),
    form: { client_info: "1" },
  },
  {
    client: "MSAL.NET 4.7-4.9 (kid = base64url SHA-1 only)",
    alg: "RS256",
    header: (c) => ({ alg: "RS256", typ: "JWT", kid: createHash("sha1").update(c.der).digest("base64url") }),
    claims: () => ({ ...base, nbf: NOW_S, exp: NOW_S + 600, jti: "net-4.7" }),
  },
  {
    client: "MSAL Python 1.21 (x5t padded, float exp/iat, no nbf, x5c with line breaks)",
    alg: "RS256",
    header: (c) => ({ alg: "RS256", typ: "JWT", x5t: urlPadded(c, "sha1"), x5c: [pemBody(c)] }),
    claims: () => ({ ...base, exp: NOW_S + 600.8260148, iat: NOW_S + 0.8260148, jti: "python-1.21" }),
    form: { client_info: "1" },
  },
];

function assertionOf(shape: Shape, cert: TestCertificate): string {
  return signParts(JSON.stringify(shape.header(cert)), JSON.stringify(shape.claims()), cert.privateKey, shape.alg);
}

describe.each(SHAPES.map((s) => [s.client, s] as const))("%s", (_client, shape) => {
  it("gets a token with the registered certificate", async () => {
    const response = await makeMock(registryWith({ cert: app })).handle(tokenRequest(tokenForm(assertionOf(shape, app), shape.form ?? {})));
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3599 });
  });

  it("an unregistered certificate in the same shape: AADSTS700027 (the thumbprint is read and looked up)", async () => {
    const response = await makeMock(registryWith({ cert: app })).handle(tokenRequest(tokenForm(assertionOf(shape, other), shape.form ?? {})));
    const body = (await response.json()) as { error_codes: number[]; error_description: string };
    expect(response.status).toBe(401);
    expect(body.error_codes).toEqual([700027]);
    // Entra quotes the thumbprint it decoded: the unregistered certificate's own (node:crypto), except for kid-only.
    if (!("kid" in shape.header(other))) {
      const usesSha256 = "x5t#S256" in shape.header(other);
      expect(body.error_description).toContain(createHash(usesSha256 ? "sha256" : "sha1").update(other.der).digest("hex").toUpperCase());
    }
  });
});

describe("assertions reused within their lifetime (msal-node, MSAL Python and MSAL.NET cache theirs)", () => {
  it("the same jti twice: both get a token (Entra does not enforce jti replay)", async () => {
    const mock = makeMock(registryWith({ cert: app }));
    const jwt = assertionOf(SHAPES[0]!, app);
    for (let i = 0; i < 2; i++) expect((await mock.handle(tokenRequest(tokenForm(jwt)))).status).toBe(200);
  });
});

describe("the forms that stay refused around the tolerated ones", () => {
  it("a thumbprint mixing the two alphabets, or with a space inside, is unreadable: 700027 quoting ''", async () => {
    const mixed = createHash("sha1").update(app.der).digest("base64url").replace(/^(.)/, "+").replace(/(.)$/, "_");
    for (const x5t of [mixed.includes("+") && mixed.includes("_") ? mixed : `+${mixed.slice(1, -1)}_`, `${app.x5t.slice(0, 4)} ${app.x5t.slice(4)}`]) {
      const jwt = signParts(JSON.stringify({ alg: "RS256", typ: "JWT", x5t }), JSON.stringify({ ...base, nbf: NOW_S, exp: NOW_S + 600, jti: "x" }), app.privateKey);
      const body = (await (await makeMock(registryWith({ cert: app })).handle(tokenRequest(tokenForm(jwt)))).json()) as { error_codes: number[]; error_description: string };
      expect(body.error_codes, x5t).toEqual([700027]);
      expect(body.error_description).toContain("Thumbprint of key used by client: ''");
    }
  });
  it("padding in the JWT's own segments is still malformed (50027, inferred): only the thumbprint value is read leniently", async () => {
    const good = assertionOf(SHAPES[2]!, app).split(".");
    const padded = `${good[0]}=.${good[1]}.${good[2]}`;
    const body = (await (await makeMock(registryWith({ cert: app })).handle(tokenRequest(tokenForm(padded)))).json()) as { error_codes: number[] };
    expect(body.error_codes).toEqual([50027]);
  });
});
