/**
 * Pasted Entra errors: the JSON body or loose text, explained from the mock's catalog, with the ids
 * to quote to support, the likely causes ranked, and the lab scenarios. The texts are the real ones
 * collected in the kit's research notes (and test/fixtures/error-corpus/ for real pastes; the ids and thumbprints here are made up).
 */
import { labScenarioFor } from "../../steps/lab/names.ts";
import { beforeAll, describe, expect, it } from "vitest";
import { CATALOG, catalogEntriesFor, describeError, type CatalogId } from "../../lib/entra/aadsts-catalog.ts";
import { diagnose, likelyCausesFor } from "../../lib/entra/doctor/index.ts";
import { b64url, build, certFor, cli, DEMO_CLIENT_ID, mockAnswer, NOW, rsaKeys, tokenForm, type TestCert } from "./helpers.ts";

const TRACE = "0d7c7f4e-1a2b-4c3d-9e8f-112233445566";
const CORRELATION = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";
const trailer = (sep: string) => `${sep}Trace ID: ${TRACE}${sep}Correlation ID: ${CORRELATION}${sep}Timestamp: 2025-08-29 05:47:32Z`;
const explain = (text: string, cert?: TestCert) => diagnose({ text, now: NOW, ...(cert ? { certificate: { der: cert.der } } : {}) });

let cert: TestCert;
beforeAll(async () => {
  cert = await certFor(rsaKeys());
});

describe("pasted Entra errors", () => {
  it("700027 (2023+ text) as a whole JSON body: catalog entry, support ids, ranked causes, lab scenarios", () => {
    const description = `AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '8BDEB5A1C3D2E4F5061728394A5B6C7D8E9F0A1B', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${DEMO_CLIENT_ID}'.${trailer(" ")}`;
    const body = { error: "invalid_client", error_description: description, error_codes: [700027], timestamp: "2025-08-29 05:47:32Z", trace_id: TRACE, correlation_id: CORRELATION, error_uri: "https://login.microsoftonline.com/error?code=700027" };
    const d = explain(JSON.stringify(body));
    expect(d.kind).toBe("entra-error");
    expect(d.verdict).toBe("explained");
    expect(d.error).toMatchObject({ code: 700027, catalogId: "700027-not-registered", correlationId: CORRELATION, traceId: TRACE, timestamp: "2025-08-29 05:47:32Z", error: "invalid_client" });
    expect(d.error!.meaning).toBe(CATALOG["700027-not-registered"]!.meaning);
    expect(d.error!.fix).toBe(CATALOG["700027-not-registered"]!.fix);
    expect(d.error!.likelyCauses.slice(0, 3)).toEqual(["cert-not-uploaded", "x5t-hex-text", "x5t-other-certificate"]);
    expect(d.error!.likelyCauses.filter((id) => labScenarioFor(id))).toContain("cert-not-uploaded");
    expect(d.error!.likelyCauses.filter((id) => labScenarioFor(id))).toContain("x5t-hex-text");
  });

  it("700027 (2020 text, CRLF trailer) with a thumbprint of 80 hex digits: the hex-text x5t ranks first", () => {
    // Entra quotes the bytes x5t decoded to: base64url of the hex TEXT gives the ASCII codes of the digits.
    const quoted = Buffer.from(cert.sha1Hex).toString("hex").toUpperCase();
    const text = `AADSTS700027: Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '${quoted}', Please visit 'https://developer.microsoft.com/en-us/graph/graph-explorer' and query for 'https://graph.microsoft.com/beta/applications/${DEMO_CLIENT_ID}' to see configured keys]${trailer("\r\n")}`;
    const d = explain(text, cert);
    expect(d.error?.catalogId).toBe("700027-not-registered");
    expect(d.error?.likelyCauses[0]).toBe("x5t-hex-text");
    expect(d.error).toMatchObject({ traceId: TRACE, correlationId: CORRELATION, timestamp: "2025-08-29 05:47:32Z" });
    expect(d.causes[0]!.detail).toContain("your certificate's thumbprint");
    expect(d.causes[0]!.evidence).toContainEqual(["those bytes as text", cert.sha1Hex]);
  });

  it("700027 quoting this certificate's own thumbprint: it is not uploaded", () => {
    const d = explain(`AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${cert.sha1Hex}', Please visit …]`, cert);
    expect(d.error?.likelyCauses[0]).toBe("cert-not-uploaded");
  });

  it("700027 quoting another thumbprint: another certificate", () => {
    const d = explain(`AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '1C74D7AA00112233445566778899AABBCCDDEEFF', …]`, cert);
    expect(d.error?.likelyCauses[0]).toBe("x5t-other-certificate");
  });

  it("700027 key expired: the certificate's dates against the error's time", () => {
    const d = explain(`AADSTS700027: Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '${cert.sha1Hex}', Found key 'Start=06/29/2021 21:13:15, End=06/29/2023 21:13:15'${trailer("\r\n")}`);
    expect(d.error?.catalogId).toBe("700027-key-expired");
    expect(d.error?.likelyCauses[0]).toBe("cert-expired");
    expect(Object.fromEntries(d.causes[0]!.evidence)["key valid until"]).toBe("2023-06-29 21:13:15 UTC");
  });

  it("700024 (2025-08 text): expired, with the times shown", () => {
    const d = explain(
      "AADSTS700024: Client assertion is not within its valid time range. Current time: 2025-08-29T05:47:32.1501147Z, assertion valid from 1970-01-01T00:00:00.0000000Z, expiry time of assertion 2025-08-29T00:30:05.0000000Z. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials ." + trailer(" "),
    );
    expect(d.error?.code).toBe(700024);
    expect(d.error?.likelyCauses[0]).toBe("expired");
    expect(d.causes[0]!.detail).toContain("5 h 17 min");
    expect(d.error?.likelyCauses.filter((id) => labScenarioFor(id))).toEqual(["expired", "nbf-milliseconds", "not-yet-valid"]);
  });

  it("700024 with nbf far in the future: nbf in milliseconds", () => {
    const d = explain("AADSTS700024: Client assertion is not within its valid time range. Current time: 2025-06-01T12:00:00.0000000Z, assertion valid from 9999-12-31T23:59:59.9999999Z, expiry time of assertion 9999-12-31T23:59:59.9999999Z. Review the documentation …");
    expect(d.error?.likelyCauses[0]).toBe("nbf-milliseconds");
  });

  it("700023 and 5002738, as loose text", () => {
    const a = explain("AADSTS700023: Client assertion audience claim does not match Realm issuer. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .");
    expect(a.error?.catalogId).toBe("700023");
    expect(a.error?.likelyCauses).toEqual(likelyCausesFor("700023"));
    const b = explain("AADSTS5002738: Invalid JWT token. 'ES384' is not a supported signature algorithm. Supported signing algorithms are: 'RS256, HS256'");
    expect(b.error?.likelyCauses[0]).toBe("alg-unsupported");
  });

  it("700016: unknown client id, with the ids from the text", () => {
    const d = explain(`{"error":"unauthorized_client","error_description":"AADSTS700016: Application with identifier '${DEMO_CLIENT_ID}' was not found in the directory 'Contoso'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.${trailer(" ")}","error_codes":[700016]}`);
    expect(d.error?.likelyCauses).toEqual(["unknown-client-id", "wrong-tenant", "wrong-cloud"]);
    expect(d.error?.likelyCauses.filter((id) => labScenarioFor(id))).toEqual(["unknown-client-id", "wrong-tenant"]);
  });

  it("a code the catalog does not have is still explained as far as it goes", () => {
    const d = explain("AADSTS50058: A silent sign-in request was sent but no user is signed in.");
    expect(d.error?.code).toBe(50058);
    expect(d.error?.catalogId).toBeUndefined();
    expect(d.error?.likelyCauses).toEqual([]);
    expect(d.notes.join(" ")).toContain("error?code=50058");
  });

  it("the ADAL-era two-code form: the second code names the failure (ADAL Python #79, #136)", () => {
    const d = explain("AADSTS70002: Error validating credentials. AADSTS50012: Client assertion audience claim does not match Realm issuer.\r\nTrace ID: 0b0b0b0b-0000-4000-8000-000000000000\r\nCorrelation ID: 1c1c1c1c-0000-4000-8000-000000000000\r\nTimestamp: 2017-05-02 10:00:00Z");
    expect(d.error?.code).toBe(50012);
    expect(d.error?.catalogId).toBe("50012");
    expect(d.error?.description).toBe("Client assertion audience claim does not match Realm issuer.");
    expect(d.notes.join(" ")).toContain("AADSTS70002 only says the credential was refused");
    const json = explain(`{"error":"invalid_client","error_description":"AADSTS70002: Error validating credentials. AADSTS50032: RSA key size 1024 is less than the minimum required 2048 bits.","error_codes":[70002,50032]}`);
    expect(json.error?.code).toBe(50032);
    expect(json.error?.likelyCauses[0]).toBe("rsa-under-2048");
  });

  it("a Python dict (MSAL Python's result), single quotes and escaped \\r\\n", () => {
    const d = explain(`{'error': 'invalid_client', 'error_description': "AADSTS7000222: The provided client secret keys for app 'ccc' are expired.\\r\\nTrace ID: redacted\\r\\nCorrelation ID: xxxx", 'error_codes': [7000222], 'timestamp': '2024-01-01 00:00:00Z'}`);
    expect(d.error?.code).toBe(7000222);
    expect(d.error?.error).toBe("invalid_client");
    expect(d.error?.likelyCauses).toEqual(["secret-expired"]);
    expect(d.error?.traceId).toBe("redacted");
    expect(d.error?.description).toBe("The provided client secret keys for app 'ccc' are expired.");
  });

  it("700027 quoting an empty thumbprint is 'the key was not found': the header had none Entra could read", () => {
    const d = explain("AADSTS700027: Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '', Please visit the Azure Portal]");
    expect(d.error?.catalogId).toBe("700027-key-not-found");
    expect(d.error?.likelyCauses[0]).toBe("thumbprint-unreadable");
  });

  it("every catalog code has at least one likely cause, and each is a cause the doctor knows", async () => {
    const { CAUSES } = await import("../../lib/entra/doctor/index.ts");
    for (const id of Object.keys(CATALOG) as CatalogId[]) {
      if (id === "70002") continue; // only ever the first of two codes: the second one is explained
      const causes = likelyCausesFor(id).length ? likelyCausesFor(id) : likelyCausesFor(String(CATALOG[id].code));
      expect(causes.length, id).toBeGreaterThan(0);
      for (const c of causes) expect(Object.keys(CAUSES), `${id} → ${c}`).toContain(c);
    }
  });

  it("every ranking names catalog ids (or codes) and causes the doctor knows", async () => {
    const { CAUSES } = await import("../../lib/entra/doctor/index.ts");
    for (const key of ["700027-not-registered", "700027-bad-signature", "700027-key-expired", "700027-key-not-found", "50032", "700024", "700023", "700021", "50048", "50027", "5002738", "5002723", "5002730", "1002012", "7000216", "700016", "90002"]) {
      expect(CATALOG[key as CatalogId] ?? Object.values(CATALOG).find((e) => String(e.code) === key), key).toBeDefined();
      for (const id of likelyCausesFor(key)) expect(Object.keys(CAUSES), `${key} → ${id}`).toContain(id);
    }
  });
});

describe("a bare code with several answers in the catalog", () => {
  const params = { appId: DEMO_CLIENT_ID, thumbprint: "8BDEB5A1C3D2E4F5061728394A5B6C7D8E9F0A1B", thumbprintPart: "Thumbprint of key used by client: '8BDEB5A1C3D2E4F5061728394A5B6C7D8E9F0A1B', ", start: "06/29/2021 21:13:15", end: "06/29/2023 21:13:15", tenant: "contoso.onmicrosoft.com" };

  it("AADSTS700027 alone, or with a colon and no text: every 700027 answer, its meaning, its Reason text, its causes", () => {
    for (const text of ["AADSTS700027", "AADSTS700027:", " aadsts700027 : "]) {
      const d = explain(text);
      expect(d.error?.catalogId, text).toBeUndefined();
      expect(d.error?.meaning).toMatch(/^AADSTS700027 is 4 different answers in the kit's catalog/);
      expect(d.notes.join(" ")).not.toMatch(/not in the kit's catalog/);
      const variants = d.error!.variants!;
      expect(variants.map((v) => v.catalogId)).toEqual(catalogEntriesFor(700027).map((e) => e.id));
      for (const v of variants) {
        expect(v.meaning).toBe(CATALOG[v.catalogId].meaning);
        expect(v.likelyCauses).toEqual(likelyCausesFor(v.catalogId));
        // The tell is in the text Entra (and the mock) sends for that answer: its "[Reason - …]" piece.
        const reason = /\[Reason - [^\]]+?\./.exec(v.tell)![0];
        expect(describeError(v.catalogId, params), v.catalogId).toContain(reason);
      }
      expect(variants.find((v) => v.catalogId === "700027-key-expired")!.tell).toBe("[Reason - The key used is expired.]");
      expect(d.causes.length).toBeGreaterThan(0);
    }
  });

  it("each tell is what the doctor reads: the full text of each answer is explained as that answer", () => {
    for (const v of explain("AADSTS700027").error!.variants!) {
      const full = describeError(v.catalogId, v.catalogId === "700027-key-not-found" ? { ...params, thumbprintPart: "Thumbprint of key used by client: '', " } : params);
      expect(explain(full).error?.catalogId, full).toBe(v.catalogId);
    }
    // Two answers with one Reason text: the quoted thumbprint tells them apart, and the tells say so.
    const [registered, notFound] = ["700027-not-registered", "700027-key-not-found"].map((id) => explain("AADSTS700027").error!.variants!.find((v) => v.catalogId === id)!.tell);
    expect(registered).toMatch(/thumbprint quoted/);
    expect(notFound).toMatch(/empty thumbprint/);
  });

  it("any code with several answers: 90002 is told by its error value; a code with one answer is that answer", async () => {
    const d = explain("AADSTS90002");
    expect(d.error!.variants!.map((v) => [v.catalogId, v.tell])).toEqual([
      ["90002", "HTTP 400 invalid_request (the same text as the others)"],
      ["90002-discovery", "HTTP 400 invalid_tenant (the same text as the others)"],
    ]);
    expect(explain("AADSTS700024").error).toMatchObject({ catalogId: "700024" });
    expect(explain("AADSTS700024").error!.variants).toBeUndefined();
    const r = await cli(["AADSTS700027"]);
    expect(r.code).toBe(1);
    expect(r.out).not.toContain("does not have this code");
    for (const id of ["700027-not-registered", "700027-key-not-found", "700027-key-expired", "700027-bad-signature"]) expect(r.out).toContain(`  ${id}  HTTP 401 invalid_client`);
    expect(r.out).toContain("tell    [Reason - The key used is expired.]");
  });
});

describe("the mock's own answers, pasted back", () => {
  it("the doctor explains each with the catalog entry the mock used", async () => {
    const cases: [string, Record<string, string>][] = [
      ["700027-not-registered", tokenForm(build(cert, { header: { x5t: b64url(cert.sha1Hex) } }))],
      ["700027-bad-signature", tokenForm(build(cert, { how: "PS256" }))],
      ["700024", tokenForm(build(cert, { claims: { exp: 1_700_000_000 } }))],
      ["700021", tokenForm(build(cert, { claims: { iss: "12345678-1234-4234-8234-123456789abc", sub: "12345678-1234-4234-8234-123456789abc" } }))],
      ["700016", tokenForm(build(cert), { client_id: "12345678-1234-4234-8234-123456789abc" })],
      ["50027", tokenForm("not.a.jwt")],
    ];
    const { createMockAad, defaultRegistry, createSigningKey } = await import("../../mock-aad/index.ts");
    const signingKey = createSigningKey(NOW);
    for (const [catalogId, fields] of cases) {
      const mock = createMockAad({ registry: defaultRegistry({ certificates: [cert.der] }), clock: () => NOW, signingKey });
      const body = await (await mock.handle(new Request("https://login.microsoftonline.com/4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f/oauth2/v2.0/token", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() }))).text();
      const d = explain(body, cert);
      expect(d.error?.catalogId, catalogId).toBe(catalogId);
      expect(d.error?.correlationId).toBe(JSON.parse(body).correlation_id);
      if (catalogId === "700027-not-registered") expect(d.error?.likelyCauses[0]).toBe("x5t-hex-text");
    }
    expect(await mockAnswer(tokenForm(build(cert)), [cert.der])).toBe("ok");
  }, 20_000);

  it("the CLI prints the cause, the fix and the ids to quote, and exits 1", async () => {
    const body = JSON.stringify({ error: "invalid_client", error_description: `AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${Buffer.from(cert.sha1Hex).toString("hex")}', …].${trailer(" ")}`, error_codes: [700027], trace_id: TRACE, correlation_id: CORRELATION, timestamp: "2025-08-29 05:47:32Z" });
    const r = await cli([body]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("AADSTS700027");
    expect(r.out).toContain("x5t is made from the hex text of the thumbprint");
    expect(r.out).toContain("npm run lab -- x5t-hex-text");
    expect(r.out).toContain(CORRELATION);
    expect(r.out.indexOf("Likely causes")).toBeLessThan(r.out.indexOf("To quote to Microsoft support"));
  });
});

describe("a key-expired 700027 with its timestamp", () => {
  const text = (ts: string) => `{"error":"invalid_client","error_description":"AADSTS700027: Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: 'ABCDEF', Found key 'Start=06/29/2021 21:13:15, End=06/29/2023 21:13:15']","error_codes":[700027],"timestamp":"${ts}"}`;
  it("after End: the certificate expired", () => {
    expect(explain(text("2023-07-01 10:00:00Z")).error?.likelyCauses[0]).toBe("cert-expired");
  });
  it("within Start..End by the answer's own timestamp: a clock problem, not the dates", () => {
    const d = explain(text("2022-01-01 10:00:00Z"));
    expect(d.error?.likelyCauses[0]).toBe("clock-skew");
    expect(d.causes[0]!.detail).toMatch(/clock or time-zone difference/);
  });
});
