/**
 * The time, audience, issuer, encoding, algorithm and form causes: for each, an assertion (or a
 * form) built with that mistake makes the doctor name that cause and no other, and the mock answers
 * the code the doctor predicted. Warn-only causes (lifetime-too-long, aud-v1-vs-v2, aud-case,
 * jti-missing, exp-milliseconds alone): the mock accepts, and the doctor predicts success.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { diagnose } from "../../lib/entra/doctor/index.ts";
import { CLOCK_SKEW_SECONDS } from "../../lib/entra/doctor/times.ts";
import { DEFAULT_CLOCK_SKEW_SECONDS } from "../../mock-aad/index.ts";
import { b64url, build, causeIds, certFor, claims, DEMO_CLIENT_ID, DEMO_TENANT_ID, ENTRA, judge, NOW, NOW_S, OTHER_GUID, rsaKeys, tokenForm, V1_AUD, V2_AUD, type TestCert } from "./helpers.ts";

let cert: TestCert;
beforeAll(async () => {
  cert = await certFor(rsaKeys());
});

const ids = async (assertion: string) => {
  const { diagnosis, mock } = await judge(cert, { assertion });
  return { diagnosis, mock, causes: causeIds(diagnosis) };
};

it("the doctor allows the same clock skew as the mock", () => {
  expect(CLOCK_SKEW_SECONDS).toBe(DEFAULT_CLOCK_SKEW_SECONDS);
});

describe("time causes", () => {
  it("exp-milliseconds: a warning; the mock (taking it as seconds) accepts", async () => {
    const r = await ids(build(cert, { claims: { exp: (NOW_S + 600) * 1000 } }));
    expect(r.mock).toBe("ok");
    expect(r.diagnosis.verdict).toBe("accepted");
    expect(r.causes).toEqual(["exp-milliseconds"]);
    expect(r.diagnosis.causes[0]!.severity).toBe("warning");
    expect(r.diagnosis.causes[0]!.detail).toContain("as milliseconds it would be 2025-06-01 12:10:00 UTC");
  });

  it("nbf-milliseconds: far in the future as seconds → 700024", async () => {
    const r = await ids(build(cert, { claims: { nbf: NOW_S * 1000 } }));
    expect(r.mock).toBe(700024);
    expect(r.causes).toEqual(["nbf-milliseconds"]);
  });

  it("nbf and exp both in milliseconds (Date.now() for both): the nbf error first, the exp warning after", async () => {
    const r = await ids(build(cert, { claims: { nbf: NOW_S * 1000, iat: NOW_S * 1000, exp: (NOW_S + 600) * 1000 } }));
    expect(r.mock).toBe(700024);
    expect(r.causes).toEqual(["nbf-milliseconds", "exp-milliseconds"]);
  });

  it("expired: exp 30 minutes ago", async () => {
    const r = await ids(build(cert, { claims: { nbf: NOW_S - 2400, iat: NOW_S - 2400, exp: NOW_S - 1800 } }));
    expect(r.mock).toBe(700024);
    expect(r.causes).toEqual(["expired"]);
    const evidence = Object.fromEntries(r.diagnosis.causes[0]!.evidence);
    expect(evidence.exp).toContain("2025-06-01 11:30:00 UTC");
    expect(evidence.exp).toContain("30 min ago");
    expect(evidence["local time"]).toMatch(/UTC[+-]\d\d:\d\d/);
  });

  it("expired but within the clock skew: accepted, with a warning check", async () => {
    const r = await ids(build(cert, { claims: { nbf: NOW_S - 800, iat: NOW_S - 800, exp: NOW_S - 200 } }));
    expect(r.mock).toBe("ok");
    expect(r.diagnosis.checks.find((c) => c.id === "time")!.status).toBe("warn");
    expect(r.causes).toEqual([]);
  });

  it("not-yet-valid: nbf an hour ahead", async () => {
    const r = await ids(build(cert, { claims: { nbf: NOW_S + 3600, iat: NOW_S + 3600, exp: NOW_S + 4200 } }));
    expect(r.mock).toBe(700024);
    expect(r.causes).toEqual(["not-yet-valid"]);
  });

  it("lifetime-too-long: a warning (Entra does not enforce it)", async () => {
    const r = await ids(build(cert, { claims: { exp: NOW_S + 3600 } }));
    expect(r.mock).toBe("ok");
    expect(r.diagnosis.verdict).toBe("accepted");
    expect(r.causes).toEqual(["lifetime-too-long"]);
    expect(r.diagnosis.causes[0]!.severity).toBe("warning");
    expect(r.diagnosis.causes[0]!.aadsts).toBeUndefined();
  });

  it("times as numeric strings (MSAL.NET) are read like numbers", async () => {
    const r = await ids(build(cert, { claims: { nbf: String(NOW_S), exp: String(NOW_S + 600), iat: undefined } }));
    expect(r.mock).toBe("ok");
    expect(r.causes).toEqual([]);
  });
});

describe("audience causes", () => {
  it("aud-v1-vs-v2: information only, both are accepted", async () => {
    const r = await ids(build(cert, { claims: { aud: V1_AUD } }));
    expect(r.mock).toBe("ok");
    expect(r.diagnosis.verdict).toBe("accepted");
    expect(r.causes).toEqual(["aud-v1-vs-v2"]);
    expect(r.diagnosis.causes[0]!.severity).toBe("info");
  });

  it("aud-other-tenant", async () => {
    const r = await ids(build(cert, { claims: { aud: `${ENTRA}/${OTHER_GUID}/oauth2/v2.0/token` } }));
    expect(r.mock).toBe(700023);
    expect(r.causes).toEqual(["aud-other-tenant"]);
  });

  it("aud-common (and organizations)", async () => {
    for (const word of ["common", "organizations"]) {
      const r = await ids(build(cert, { claims: { aud: `${ENTRA}/${word}/oauth2/v2.0/token` } }));
      expect(r.mock).toBe(700023);
      expect(r.causes).toEqual(["aud-common"]);
    }
  });

  it("aud-trailing-slash", async () => {
    const r = await ids(build(cert, { claims: { aud: `${V2_AUD}/` } }));
    expect(r.mock).toBe(700023);
    expect(r.causes).toEqual(["aud-trailing-slash"]);
  });

  it("aud-case: a warning; the mock compares without regard to case", async () => {
    const r = await ids(build(cert, { claims: { aud: `${ENTRA}/${DEMO_TENANT_ID}/OAuth2/V2.0/Token` } }));
    expect(r.mock).toBe("ok");
    expect(r.causes).toEqual(["aud-case"]);
    expect(r.diagnosis.causes[0]!.severity).toBe("warning");
  });

  it("aud-graph-resource", async () => {
    for (const aud of ["https://graph.microsoft.com", "https://graph.microsoft.com/.default", "00000003-0000-0000-c000-000000000000"]) {
      const r = await ids(build(cert, { claims: { aud } }));
      expect(r.mock).toBe(700023);
      expect(r.causes).toEqual(["aud-graph-resource"]);
    }
  });

  it("the authority instead of the token endpoint", async () => {
    const r = await ids(build(cert, { claims: { aud: `${ENTRA}/${DEMO_TENANT_ID}/v2.0` } }));
    expect(r.mock).toBe(700023);
    expect(r.causes).toEqual(["aud-not-token-endpoint"]);
  });
});

describe("issuer, subject and jti causes", () => {
  it("iss-sub-mismatch", async () => {
    const r = await ids(build(cert, { claims: { sub: OTHER_GUID } }));
    expect(r.mock).toBe(50048);
    expect(r.causes).toEqual(["iss-sub-mismatch"]);
  });

  it("iss-client-id-mismatch", async () => {
    const r = await ids(build(cert, { claims: { iss: OTHER_GUID, sub: OTHER_GUID } }));
    expect(r.mock).toBe(700021);
    expect(r.causes).toEqual(["iss-client-id-mismatch"]);
  });

  it("jti-missing: a warning", async () => {
    const r = await ids(build(cert, { claims: { jti: undefined } }));
    expect(r.mock).toBe("ok");
    expect(r.causes).toEqual(["jti-missing"]);
  });

  it("a missing iss", async () => {
    const r = await ids(build(cert, { claims: { iss: undefined } }));
    expect(r.mock).toBe(90014);
    expect(r.causes).toEqual(["claim-missing"]);
  });
});

describe("encoding causes", () => {
  const json = (o: unknown) => Buffer.from(JSON.stringify(o));

  it("json-bom: a UTF-8 byte-order mark before the payload JSON", async () => {
    const r = await ids(build(cert, { payloadBytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(claims())]) }));
    expect(r.mock).toBe(50027);
    expect(r.causes).toEqual(["json-bom"]);
  });

  it("json-not-utf8: the payload in UTF-16LE (PowerShell's [Text.Encoding]::Unicode)", async () => {
    const r = await ids(build(cert, { payloadBytes: Buffer.from(JSON.stringify(claims()), "utf16le") }));
    expect(r.mock).toBe(50027);
    expect(r.causes).toEqual(["json-not-utf8"]);
    expect(r.diagnosis.causes[0]!.detail).toContain("UTF-16LE");
    // Read tolerantly, the claims are still there, and the other checks still run.
    expect(r.diagnosis.decoded?.payload?.iss).toBe(DEMO_CLIENT_ID);
  });

  it("json-not-utf8: a Latin-1 claim", async () => {
    const r = await ids(build(cert, { payloadBytes: Buffer.from(JSON.stringify(claims({ name: "Société générale" })), "latin1") }));
    expect(r.mock).toBe(50027);
    expect(r.causes).toEqual(["json-not-utf8"]);
  });

  it("segment-standard-base64: header, payload and signature in padded standard base64", async () => {
    const std = (b: Uint8Array) => Buffer.from(b).toString("base64");
    // A claim sized so that the payload needs padding, and a signature (256 bytes) that always does.
    let extra = "";
    while (JSON.stringify(claims({ x: extra })).length % 3 === 0) extra += "a";
    const r = await ids(build(cert, { claims: { x: extra }, encode: std, encodeSignature: std }));
    expect(r.mock).toBe(50027);
    expect(r.causes).toEqual(["segment-standard-base64"]);
  });
});

describe("algorithm and shape causes", () => {
  it("alg-none with an empty signature: malformed first (50027)", async () => {
    const r = await ids(build(cert, { header: { alg: "none" } }));
    expect(r.mock).toBe(50027);
    expect(r.causes).toEqual(["alg-none"]);
  });

  it("alg-none with a signature: 5002738", async () => {
    const jwt = build(cert, { header: { alg: "none" }, how: "RS256" });
    const r = await ids(jwt);
    expect(r.mock).toBe(5002738);
    expect(r.causes).toEqual(["alg-none"]);
  });

  it("alg-unsupported: HS256", async () => {
    const r = await ids(build(cert, { header: { alg: "HS256" }, how: "HS256" }));
    expect(r.mock).toBe(5002738);
    expect(r.causes).toEqual(["alg-unsupported"]);
  });

  it("malformed-jwt: two parts, a cut signature, garbage", async () => {
    const good = build(cert);
    const [h, p, s] = good.split(".") as [string, string, string];
    for (const text of [`${h}.${p}`, `${h}.${p}.${s.slice(0, 101)}`, `${h}.${p}.`, "not a jwt at all", `${h}.${p.slice(0, 40)}`]) {
      const r = await ids(text);
      expect(r.mock, text).toBe(50027);
      expect(r.causes, text).toEqual(["malformed-jwt"]);
    }
  });
});

describe("form causes", () => {
  it("jwt-as-scope: the JWT in scope and no client_assertion (the widely copied recipe bug)", async () => {
    const jwt = build(cert);
    const { diagnosis, mock } = await judge(cert, { fields: tokenForm(undefined, { scope: jwt }) });
    expect(mock).toBe(7000216);
    expect(diagnosis.found?.field).toBe("scope");
    expect(causeIds(diagnosis)).toEqual(["jwt-as-scope"]);
  });

  it("scope-without-default", async () => {
    const { diagnosis, mock } = await judge(cert, { fields: tokenForm(build(cert), { scope: "https://graph.microsoft.com/User.Read.All" }) });
    expect(mock).toBe(1002012);
    expect(causeIds(diagnosis)).toEqual(["scope-without-default"]);
    expect(diagnosis.causes[0]!.evidence).toContainEqual(["expected", "https://graph.microsoft.com/.default"]);
  });

  it("a good form: accepted, every check in order", async () => {
    const { diagnosis, mock } = await judge(cert, { fields: tokenForm(build(cert)) });
    expect(mock).toBe("ok");
    expect(diagnosis.verdict).toBe("accepted");
    expect(diagnosis.checks.map((c) => c.id)).toEqual([
      "form-grant-type", "form-client-id", "form-scope", "form-client-assertion", "form-assertion-type",
      "shape", "alg", "claims", "sub-iss", "iss-client-id", "aud", "time", "lifetime", "jti",
      "key-id", "key-registered", "key-dates", "key-type", "key-size", "signature", "form-scope-default",
    ]);
  });

  it("the form's client_id is what iss is compared with", async () => {
    const d = diagnose({ text: new URLSearchParams(tokenForm(build(cert), { client_id: OTHER_GUID })).toString(), certificate: { der: cert.der }, now: NOW });
    expect(d.predicted?.aadsts).toBe(700021);
    expect(causeIds(d)).toEqual(["iss-client-id-mismatch"]);
  });

  it("a wrong client_assertion_type", async () => {
    const { diagnosis, mock } = await judge(cert, { fields: tokenForm(build(cert), { client_assertion_type: "jwt" }) });
    expect(mock).toBe(90011);
    expect(causeIds(diagnosis)).toEqual(["form-field"]);
  });
});

it("every cause id the doctor can name has a title and a fix, and the lab scenarios reproduce cause ids", async () => {
  const { CAUSES } = await import("../../lib/entra/doctor/index.ts");
  const { LAB_CAUSE_IDS: LAB_SCENARIOS } = await import("../../steps/lab/names.ts");
  for (const [id, spec] of Object.entries(CAUSES)) {
    expect(spec.title.length, id).toBeGreaterThan(10);
    expect(spec.fix.length, id).toBeGreaterThan(10);
  }
  for (const name of LAB_SCENARIOS) expect(Object.keys(CAUSES)).toContain(name);
  expect(b64url("x")).toBe("eA");
});
