/**
 * The thumbprint, signature and certificate causes: for each, an assertion built with that mistake
 * makes the doctor name that cause and no other, and the mock Entra ID answers the code the doctor
 * predicted.
 */
import { labScenarioFor } from "../../steps/lab/names.ts";
import { generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { buildIssuedCertificate } from "../../mock-aad/certificate-builder.ts";
import { b64url, build, causeIds, certFor, facts, judge, rsaKeys, type TestCert } from "./helpers.ts";

let cert: TestCert;
let other: TestCert;
let small: TestCert;
/** A certificate of `cert`'s key whose SHA-1, in standard base64, has a + or a /. */
let plusSlash: TestCert;

beforeAll(async () => {
  const keys = rsaKeys();
  cert = await certFor(keys);
  other = await certFor(rsaKeys(), { serial: 2 });
  small = await certFor(rsaKeys(1024), { serial: 3 });
  for (let serial = 10; ; serial++) {
    const candidate = await certFor(keys, { serial });
    if (/[+/]/.test(candidate.sha1.toString("base64"))) {
      plusSlash = candidate;
      break;
    }
  }
});

describe("a correct assertion", () => {
  it("RS256 + x5t: accepted, no causes", async () => {
    const { diagnosis } = await judge(cert, { assertion: build(cert) });
    expect(diagnosis.verdict).toBe("accepted");
    expect(diagnosis.causes).toEqual([]);
    expect(diagnosis.checks.every((c) => c.status === "pass")).toBe(true);
  });

  it("PS256 + x5t#S256: accepted, no causes", async () => {
    const { diagnosis } = await judge(cert, { assertion: build(cert, { header: { alg: "PS256", x5t: undefined, "x5t#S256": cert.x5tS256 } }) });
    expect(diagnosis.verdict).toBe("accepted");
    expect(diagnosis.causes).toEqual([]);
  });

  it("checks come in Entra's order", async () => {
    const { diagnosis } = await judge(cert, { assertion: build(cert) });
    expect(diagnosis.checks.map((c) => c.id)).toEqual(["shape", "alg", "claims", "sub-iss", "iss-client-id", "aud", "time", "lifetime", "jti", "key-id", "key-registered", "key-dates", "key-type", "key-size", "signature"]);
  });
});

describe("thumbprint causes", () => {
  it("x5t-hex-text: base64url of the hex text of the SHA-1", async () => {
    const { diagnosis, mock } = await judge(cert, { assertion: build(cert, { header: { x5t: b64url(cert.sha1Hex) } }) });
    expect(mock).toBe(700027);
    expect(diagnosis.predicted).toEqual({ aadsts: 700027, catalogId: "700027-not-registered" });
    expect(causeIds(diagnosis)).toEqual(["x5t-hex-text"]);
    const c = diagnosis.causes[0]!;
    expect(c.detail).toContain("hex text of this certificate's SHA-1");
    expect(c.evidence).toContainEqual(["that is the text", cert.sha1Hex]);
    expect(c.evidence).toContainEqual(["expected x5t", cert.x5t]);
    expect(labScenarioFor(c.id)).toBe("x5t-hex-text");
    // Both thumbprints side by side: as Windows shows them and as x5t.
    const row = diagnosis.thumbprints!.find((r) => r.header === "x5t")!;
    expect(row).toMatchObject({ inHeaderText: cert.sha1Hex, certificateWindows: cert.sha1Hex, certificateHeader: cert.x5t, used: true });
  });

  it("x5t-hex-text: the hex thumbprint itself, not encoded", async () => {
    const { diagnosis } = await judge(cert, { assertion: build(cert, { header: { x5t: cert.sha1Hex } }) });
    expect(causeIds(diagnosis)).toEqual(["x5t-hex-text"]);
  });

  it("x5t-standard-base64: + or / in x5t", async () => {
    const x5t = plusSlash.sha1.toString("base64");
    expect(x5t).toMatch(/[+/]/);
    // msal4j (2019-2025) and MSAL Go send thumbprints so, and Entra accepts them: a note, not a refusal.
    const { diagnosis, mock } = await judge(plusSlash, { assertion: build(plusSlash, { header: { x5t } }) });
    expect(mock).toBe("ok");
    expect(diagnosis.predicted).toBeUndefined();
    expect(diagnosis.causes.map((c) => [c.id, c.severity])).toEqual([["x5t-standard-base64", "info"]]);
    expect(diagnosis.checks.find((c) => c.id === "key-registered")!.status).toBe("pass");
  });

  it("x5t-padded: base64url with = padding", async () => {
    // MSAL Python pads its x5t (base64.urlsafe_b64encode) and signs in to Entra with it.
    const { diagnosis, mock } = await judge(cert, { assertion: build(cert, { header: { x5t: `${cert.x5t}=` } }) });
    expect(mock).toBe("ok");
    expect(diagnosis.causes.map((c) => [c.id, c.severity])).toEqual([["x5t-padded", "info"]]);
  });

  it("thumbprint-unreadable: an empty or undecodable x5t is 700027 'The key was not found'", async () => {
    for (const x5t of ["", "!!", `${cert.x5t.slice(0, 5)}+_${cert.x5t.slice(7)}`]) {
      const { diagnosis, mock } = await judge(cert, { assertion: build(cert, { header: { x5t } }) });
      expect(mock, JSON.stringify(x5t)).toBe(700027);
      expect(diagnosis.predicted, JSON.stringify(x5t)).toEqual({ aadsts: 700027, catalogId: "700027-key-not-found" });
      expect(diagnosis.causes.filter((c) => c.severity === "error").map((c) => c.id), JSON.stringify(x5t)).toEqual(["thumbprint-unreadable"]);
    }
  });

  it("sha256-in-x5t: a SHA-256 thumbprint in x5t", async () => {
    const { diagnosis, mock } = await judge(cert, { assertion: build(cert, { header: { x5t: cert.x5tS256 } }) });
    expect(mock).toBe(700027);
    expect(causeIds(diagnosis)).toEqual(["sha256-in-x5t"]);
    expect(diagnosis.causes[0]!.detail).toContain("this certificate's SHA-256");
  });

  it("sha1-in-x5t-s256: a SHA-1 thumbprint in x5t#S256", async () => {
    const { diagnosis, mock } = await judge(cert, { assertion: build(cert, { header: { alg: "PS256", x5t: undefined, "x5t#S256": cert.x5t } }) });
    expect(mock).toBe(700027);
    expect(causeIds(diagnosis)).toEqual(["sha1-in-x5t-s256"]);
  });

  it("x5t-other-certificate: another certificate's thumbprint", async () => {
    const { diagnosis, mock } = await judge(cert, { assertion: build(cert, { header: { x5t: other.x5t } }) });
    expect(mock).toBe(700027);
    expect(causeIds(diagnosis)).toEqual(["x5t-other-certificate"]);
    const row = diagnosis.thumbprints!.find((r) => r.header === "x5t")!;
    expect(row).toMatchObject({ inHeader: other.x5t, inHeaderHex: other.sha1Hex, certificateWindows: cert.sha1Hex, certificateHeader: cert.x5t });
  });

  it("no-thumbprint: no x5t, x5t#S256, x5c or kid", async () => {
    const { diagnosis, mock } = await judge(cert, { assertion: build(cert, { header: { x5t: undefined } }) });
    expect(mock).toBe(5002723);
    expect(causeIds(diagnosis)).toEqual(["no-thumbprint"]);
  });
});

describe("signature causes", () => {
  it("key-mismatch: signed with another key", async () => {
    const { diagnosis, mock } = await judge(cert, { assertion: build(cert, { key: other.privateKey }) });
    expect(mock).toBe(700027);
    expect(diagnosis.predicted?.catalogId).toBe("700027-bad-signature");
    expect(causeIds(diagnosis)).toEqual(["key-mismatch"]);
  });

  it("key-mismatch: signed with a key of another size", async () => {
    const { diagnosis } = await judge(cert, { assertion: build(cert, { key: small.privateKey }) });
    expect(causeIds(diagnosis)).toEqual(["key-mismatch"]);
    expect(diagnosis.causes[0]!.detail).toContain("128 bytes");
  });

  it("ps256-with-pkcs1-signature: PS256 header over a PKCS#1 v1.5 signature", async () => {
    const { diagnosis, mock } = await judge(cert, { assertion: build(cert, { header: { alg: "PS256", x5t: undefined, "x5t#S256": cert.x5tS256 }, how: "RS256" }) });
    expect(mock).toBe(700027);
    expect(causeIds(diagnosis)).toEqual(["ps256-with-pkcs1-signature"]);
    expect(diagnosis.causes[0]!.detail).toContain("a valid RS256 signature of this very header.payload");
  });

  it("rs256-with-pss-signature: RS256 header over a PSS signature", async () => {
    const { diagnosis, mock } = await judge(cert, { assertion: build(cert, { how: "PS256" }) });
    expect(mock).toBe(700027);
    expect(causeIds(diagnosis)).toEqual(["rs256-with-pss-signature"]);
  });

  it("signature-over-other-input: signed the pretty-printed JSON, sent the compact one", async () => {
    const signInstead = (h: string, p: string) => {
      const pretty = (part: string) => b64url(JSON.stringify(JSON.parse(Buffer.from(part, "base64url").toString()), null, 2));
      return `${pretty(h)}.${pretty(p)}`;
    };
    const { diagnosis, mock } = await judge(cert, { assertion: build(cert, { signInstead }) });
    expect(mock).toBe(700027);
    expect(causeIds(diagnosis)).toEqual(["signature-over-other-input"]);
    expect(diagnosis.causes[0]!.detail).toContain("JSON indented with 2 spaces");
  });

  it("signature-over-other-input: x5t added to the header after signing", async () => {
    const signInstead = (_h: string, p: string) => `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }))}.${p}`;
    const { diagnosis } = await judge(cert, { assertion: build(cert, { signInstead }) });
    expect(causeIds(diagnosis)).toEqual(["signature-over-other-input"]);
    expect(diagnosis.causes[0]!.detail).toContain('the header without "x5t"');
  });

  it("signature-over-other-input: the digest hashed twice (PSS too)", async () => {
    const { createHash } = await import("node:crypto");
    const signInstead = (h: string, p: string) => createHash("sha256").update(`${h}.${p}`).digest();
    const { diagnosis } = await judge(cert, { assertion: build(cert, { signInstead, header: { alg: "PS256", x5t: undefined, "x5t#S256": cert.x5tS256 } }) });
    expect(causeIds(diagnosis)).toEqual(["signature-over-other-input"]);
    expect(diagnosis.causes[0]!.detail).toContain("hashed twice");
  });

  it("a PSS signature with node's default (maximum) salt length is named too", async () => {
    const { diagnosis, mock } = await judge(cert, { assertion: build(cert, { header: { alg: "PS256", x5t: undefined, "x5t#S256": cert.x5tS256 }, how: "PS256-max-salt" }) });
    expect(mock).toBe(700027);
    expect(causeIds(diagnosis)).toEqual(["pss-salt-length"]);
  });
});

describe("certificate causes", () => {
  it("cert-expired", async () => {
    const old = await certFor({ privateKey: cert.privateKey, publicKey: cert.publicKey }, { notBefore: new Date("2023-01-01T00:00:00Z"), notAfter: new Date("2024-01-01T00:00:00Z"), serial: 4 });
    const { diagnosis, mock } = await judge(old, { assertion: build(old) });
    expect(mock).toBe(700027);
    expect(diagnosis.predicted).toEqual({ aadsts: 700027, catalogId: "700027-key-expired" });
    expect(causeIds(diagnosis)).toEqual(["cert-expired"]);
  });

  it("cert-not-yet-valid", async () => {
    const future = await certFor({ privateKey: cert.privateKey, publicKey: cert.publicKey }, { notBefore: new Date("2026-01-01T00:00:00Z"), notAfter: new Date("2028-01-01T00:00:00Z"), serial: 5 });
    const { diagnosis, mock } = await judge(future, { assertion: build(future) });
    expect(mock).toBe(700027);
    expect(diagnosis.predicted?.catalogId).toBe("700027-key-expired");
    expect(causeIds(diagnosis)).toEqual(["cert-not-yet-valid"]);
  });

  it("rsa-under-2048", async () => {
    const { diagnosis, mock } = await judge(small, { assertion: build(small) });
    expect(mock).toBe(50032);
    expect(diagnosis.predicted).toEqual({ aadsts: 50032, catalogId: "50032" });
    expect(causeIds(diagnosis)).toEqual(["rsa-under-2048"]);
  });

  it("ec-key", async () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const der = buildIssuedCertificate({ subject: "CN=doctor ec test (throwaway)", publicKey: ec.publicKey, signingKey: cert.privateKey, notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2027-01-01T00:00:00Z"), extensions: [] });
    const ecCert = facts(ec, der);
    const { diagnosis, mock } = await judge(ecCert, { assertion: build(ecCert, { key: cert.privateKey }) });
    expect(mock).toBe(5002730);
    expect(causeIds(diagnosis)).toEqual(["ec-key"]);
    expect(diagnosis.checks.find((c) => c.id === "signature")!.status).toBe("skip");
  });
});

describe("without a certificate", () => {
  it("names the hex-text x5t and predicts 700027 all the same (no SHA-1 is 40 bytes)", async () => {
    const { diagnose } = await import("../../lib/entra/doctor/index.ts");
    const d = diagnose({ text: build(cert, { header: { x5t: b64url(cert.sha1Hex) } }), now: new Date("2025-06-01T12:00:00Z") });
    expect(causeIds(d)).toEqual(["x5t-hex-text"]);
    expect(d.predicted?.aadsts).toBe(700027);
  });

  it("a good assertion is 'not verified': the key checks are skipped, nothing fails", async () => {
    const { diagnose } = await import("../../lib/entra/doctor/index.ts");
    const d = diagnose({ text: build(cert), now: new Date("2025-06-01T12:00:00Z") });
    expect(d.verdict).toBe("not-verified");
    expect(d.causes).toEqual([]);
    expect(d.checks.find((c) => c.id === "signature")!.status).toBe("skip");
  });
});
