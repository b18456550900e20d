/**
 * The JOSE edge cases, decided (lib/entra/evidence/entra-errors.md, "JOSE edge cases", has the
 * evidence and the grades): for each, what the mock answers, what its log says, and that the doctor
 * names the pattern and predicts the same answer. Assertions are signed with node:crypto here; where
 * a case is "the same bytes, another text", node:crypto is the oracle that the bytes still verify.
 */
import { constants, verify } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { RequestLogEntry } from "../../mock-aad/core.ts";
import { diagnose } from "../../lib/entra/doctor/index.ts";
import { assertion, claims, DEMO_CLIENT_ID, DEMO_TENANT_ID, ENTRA, expectAadError, makeCertificate, makeMock, NOW, registryWith, signParts, tokenForm, tokenRequest, type TestCertificate } from "./helpers.ts";

let app: TestCertificate; // registered
let other: TestCertificate; // not registered
beforeAll(async () => {
  [app, other] = await Promise.all([makeCertificate(2048), makeCertificate(2048)]);
});

const MALFORMED = "JWT token is invalid or malformed.";

/** The mock's answer and log entry for a form, and the doctor's reading of the same form. */
async function judge(form: Record<string, string> | URLSearchParams, certificate: TestCertificate = app) {
  const log: RequestLogEntry[] = [];
  const mock = makeMock(registryWith({ cert: app }), { onRequest: (e) => log.push(e) });
  const body = new URLSearchParams(form).toString();
  const response = await mock.handle(new Request(`${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body }));
  const doctor = diagnose({ text: body, certificate: { der: certificate.der }, clientId: DEMO_CLIENT_ID, tenant: DEMO_TENANT_ID, now: NOW });
  return { response, entry: log[0]!, doctor, causes: doctor.causes.map((c) => c.id) };
}

describe("duplicate names in the header JSON (RFC 7515 §4): refused, inferred; in the payload: the last counts (client evidence)", () => {
  it('{"alg":"none",…,"alg":"RS256"}: JSON.parse would read RS256 and the signature verifies; the mock refuses', async () => {
    const header = `{"alg":"none","typ":"JWT","x5t":"${app.x5t}","alg":"RS256"}`;
    const jwt = signParts(header, JSON.stringify(claims()), app.privateKey);
    expect((JSON.parse(header) as { alg: string }).alg).toBe("RS256"); // what a last-wins reader sees
    const [h, p, sig] = jwt.split(".");
    expect(verify("sha256", Buffer.from(`${h}.${p}`), { key: app.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(sig!, "base64url"))).toBe(true);
    const r = await judge(tokenForm(jwt));
    await expectAadError(r.response, 400, "invalid_request", 50027, MALFORMED);
    expect(r.entry.detail).toMatch(/the header JSON has "alg" more than once/);
    expect(r.doctor.predicted).toEqual({ aadsts: 50027, catalogId: "50027-jose" });
    expect(r.causes[0]).toBe("json-duplicate-name");
  });

  it('a name twice in the payload is read as JSON.parse reads it (the last counts): MSAL.NET 4.92 WithClientClaims(mergeWithDefaultClaims: true) sends an overridden aud so (client evidence)', async () => {
    const rest = `"iss":"${DEMO_CLIENT_ID}","sub":"${DEMO_CLIENT_ID}","jti":"6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b","nbf":${NOW.getTime() / 1000},"exp":${NOW.getTime() / 1000 + 600}`;
    const good = `${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token`;
    // MSAL.NET's order: its default aud first, the given one last. Last = the mock's endpoint: a token.
    const lastGood = `{"aud":"https://login.microsoftonline.com/another-tenant/oauth2/v2.0/token",${rest},"aud":"${good}"}`;
    expect((JSON.parse(lastGood) as { aud: string }).aud).toBe(good); // the oracle: what a last-wins reader sees
    const accepted = await judge(tokenForm(signParts(JSON.stringify({ alg: "RS256", typ: "JWT", x5t: app.x5t }), lastGood, app.privateKey)));
    expect(accepted.response.status).toBe(200);
    expect(accepted.causes).toContain("payload-duplicate-name");
    // The other way round, and written once plainly and once escaped (\u0061ud): the last (wrong) aud counts, 700023.
    for (const payload of [`{"aud":"${good}",${rest},"aud":"https://evil.example/x"}`, `{"aud":"${good}",${rest},"\\u0061ud":"https://evil.example/x"}`]) {
      const r = await judge(tokenForm(signParts(JSON.stringify({ alg: "RS256", typ: "JWT", x5t: app.x5t }), payload, app.privateKey)));
      await expectAadError(r.response, 401, "invalid_client", 700023, "Client assertion audience claim does not match Realm issuer. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .");
      expect(r.causes).toContain("payload-duplicate-name");
    }
  });
});

describe("crit (RFC 7515 §4.1.11: understood or refused): refused, inferred", () => {
  it("crit naming an extension, and crit naming a registered parameter", async () => {
    for (const extra of [{ crit: ["http://example.com/rule"], "http://example.com/rule": true }, { crit: ["exp"] }]) {
      const r = await judge(tokenForm(assertion(app, {}, extra)));
      await expectAadError(r.response, 400, "invalid_request", 50027, MALFORMED);
      expect(r.entry.detail).toMatch(/^the header has crit \[.*\]: extensions the mock does not understand/);
      expect(r.doctor.predicted).toEqual({ aadsts: 50027, catalogId: "50027-jose" });
      expect(r.causes).toContain("crit-header");
    }
  });
});

describe("non-canonical base64url in a segment: refused, inferred (a padded or standard-base64 segment: 50027, as Entra answers)", () => {
  /** The same bytes with the unused low bits of the last character set (a 256-byte signature is 342 characters: 4 spare bits). */
  function withTrailingBits(part: string): string {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const last = alphabet.indexOf(part.at(-1)!);
    const spare = part.length % 4 === 2 ? 0b1111 : 0b11;
    return part.slice(0, -1) + alphabet[(last & ~spare) | 1]!;
  }

  it("the signature with non-zero trailing bits decodes to the same bytes (node:crypto still verifies them), and the mock refuses it", async () => {
    const good = assertion(app);
    const [h, p, sig] = good.split(".") as [string, string, string];
    const odd = withTrailingBits(sig);
    expect(odd).not.toBe(sig);
    expect(Buffer.from(odd, "base64url").equals(Buffer.from(sig, "base64url"))).toBe(true);
    expect(verify("sha256", Buffer.from(`${h}.${p}`), { key: app.publicKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(odd, "base64url"))).toBe(true);
    const r = await judge(tokenForm(`${h}.${p}.${odd}`));
    await expectAadError(r.response, 400, "invalid_request", 50027, MALFORMED);
    expect(r.entry.detail).toMatch(/^the signature part is not canonical base64url/);
    expect(r.doctor.predicted).toEqual({ aadsts: 50027, catalogId: "50027-jose" });
    expect(r.causes).toEqual(["segment-non-canonical"]);
    // and the canonical text is accepted
    expect((await judge(tokenForm(good))).response.status).toBe(200);
  });

  it("a header part with trailing bits too", async () => {
    // A header whose base64url length leaves spare bits (not a multiple of 4): pad it with a harmless typ-like field.
    let good = "";
    for (let n = 0; n < 8 && (good === "" || good.split(".")[0]!.length % 4 === 0); n++) good = assertion(app, {}, { cty: "x".repeat(n) });
    const [h, p, sig] = good.split(".") as [string, string, string];
    expect(h.length % 4).not.toBe(0);
    const r = await judge(tokenForm(`${withTrailingBits(h)}.${p}.${sig}`));
    await expectAadError(r.response, 400, "invalid_request", 50027, MALFORMED);
    expect(r.causes).toContain("segment-non-canonical");
  });

  it("x5t in the header is another question: padded (MSAL Python) and standard base64 (msal4j, MSAL Go) are accepted", async () => {
    const sha1 = Buffer.from(app.x5t, "base64url");
    for (const x5t of [sha1.toString("base64"), `${app.x5t}=`]) expect((await judge(tokenForm(assertion(app, {}, { x5t })))).response.status, x5t).toBe(200);
  });
});

describe("x5t contradicting x5t#S256 (no Microsoft client sends both): refused, inferred", () => {
  const both = (s256: TestCertificate, sha1: TestCertificate, alg = "PS256") => assertion(app, {}, { alg, "x5t#S256": s256.x5tS256, x5t: sha1.x5t });

  it("both name the registered certificate: a token", async () => {
    expect((await judge(tokenForm(both(app, app)))).response.status).toBe(200);
  });

  it("x5t#S256 the registered certificate, x5t another one (or unreadable): refused, where x5t#S256 alone would win", async () => {
    for (const jwt of [both(app, other), assertion(app, {}, { alg: "PS256", "x5t#S256": app.x5tS256, x5t: "not base64 !" })]) {
      const r = await judge(tokenForm(jwt));
      await expectAadError(r.response, 400, "invalid_request", 50027, MALFORMED);
      expect(r.entry.detail).toMatch(/^x5t#S256 and x5t do not name the same registered certificate/);
      expect(r.doctor.predicted).toEqual({ aadsts: 50027, catalogId: "50027-jose" });
      expect(r.causes[0]).toBe("thumbprints-disagree");
    }
  });

  it("x5t#S256 another certificate, x5t the registered one: refused (a reader that prefers x5t would accept it)", async () => {
    const r = await judge(tokenForm(both(other, app)));
    await expectAadError(r.response, 400, "invalid_request", 50027, MALFORMED);
    expect(r.causes[0]).toBe("thumbprints-disagree");
  });

  it("neither is registered: nothing to compare, the unregistered key's 700027", async () => {
    const r = await judge(tokenForm(both(other, other)), other);
    expect(((await r.response.json()) as { error_codes: number[] }).error_codes).toEqual([700027]);
  });

  it("the doctor without the certificate warns that it cannot tell", () => {
    const d = diagnose({ text: both(app, other), clientId: DEMO_CLIENT_ID, tenant: DEMO_TENANT_ID, now: NOW });
    const c = d.causes.find((x) => x.id === "thumbprints-disagree");
    expect(c).toMatchObject({ severity: "warning", outcome: expect.stringMatching(/the mock refuses it \(AADSTS50027\)/) });
  });
});

describe("duplicated form parameters (RFC 6749 §3.1): AADSTS9000411, confirmed", () => {
  it("scope twice, and an ignored field twice (the latter inferred)", async () => {
    for (const name of ["scope", "x-client-SKU"]) {
      const form = new URLSearchParams({ ...tokenForm(assertion(app)), "x-client-SKU": "msal.js.node" });
      form.append(name, name === "scope" ? "https://graph.microsoft.com/.default" : "other");
      const r = await judge(form);
      await expectAadError(r.response, 400, "invalid_request", 9000411, `The request is not properly formatted. The parameter '${name}' is duplicated.`);
      expect(r.doctor.predicted).toEqual({ aadsts: 9000411, catalogId: "9000411" });
      expect(r.causes[0]).toBe("form-duplicate-field");
    }
  });
});

describe("client_secret together with the assertion (RFC 6749 §2.3): refused, inferred", () => {
  it("400 9002313, and the doctor names it", async () => {
    const r = await judge({ ...tokenForm(assertion(app)), client_secret: "throwaway-secret-for-a-test" });
    await expectAadError(r.response, 400, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid.");
    expect(r.doctor.predicted).toEqual({ aadsts: 9002313, catalogId: "9002313-two-credentials" });
    expect(r.causes[0]).toBe("two-credentials");
  });
});

describe("jti replay: accepted (client evidence: msal-node, MSAL.NET and MSAL Python reuse their assertion until it expires)", () => {
  it("the same assertion twice gets two tokens; the doctor warns about a short fixed jti", async () => {
    const mock = makeMock(registryWith({ cert: app }));
    const jwt = assertion(app, { jti: "1" });
    for (let i = 0; i < 2; i++) expect((await mock.handle(tokenRequest(tokenForm(jwt)))).status).toBe(200);
    const d = diagnose({ text: jwt, certificate: { der: app.der }, clientId: DEMO_CLIENT_ID, tenant: DEMO_TENANT_ID, now: NOW });
    expect(d.verdict).toBe("accepted");
    expect(d.causes.find((c) => c.id === "jti-guessable")).toMatchObject({ severity: "warning", outcome: "accepted: Entra does not check jti for replay" });
  });

  it("a GUID jti raises no warning", () => {
    const d = diagnose({ text: assertion(app), certificate: { der: app.der }, clientId: DEMO_CLIENT_ID, tenant: DEMO_TENANT_ID, now: NOW });
    expect(d.causes).toEqual([]);
  });
});

