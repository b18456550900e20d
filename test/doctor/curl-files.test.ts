/**
 * A curl command line that sends the assertion from a file: the doctor lists the file
 * (found.fileRefs), the CLI reads it (lib/entra/doctor/ never touches files) and the doctor judges the
 * form as curl sends it: --data-urlencode name@file URL-encodes the content WITH its trailing
 * newline (which Entra, and the mock, refuse as a malformed JWT, 50027); -d @file strips line
 * breaks; --data-binary @file keeps them; -d name=@file and --data name@file read no file at all.
 * A file the CLI cannot read is one clear sentence and exit 1, never a prediction of 7000216.
 *
 * Also: a warning whose outcome is unknown (aud names a domain, the URL a GUID) says so instead of
 * "Entra accepts it today".
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { diagnose } from "../../lib/entra/doctor/index.ts";
import { createMockAad, createSigningKey, defaultRegistry } from "../../mock-aad/index.ts";
import { build, certFor, cli, DEMO_CLIENT_ID, DEMO_TENANT_ID, ENTRA, JWT_BEARER, mockAnswer, NOW, rsaKeys, tokenForm, type TestCert } from "./helpers.ts";
import { nextThrowawayKeyPair } from "../helpers/throwaway-keys.ts";

const URL_V2 = `${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token`;
/** The fields before client_assertion, as -d pieces (all unreserved or already encoded). */
const OTHER_FIELDS = `grant_type=client_credentials&client_id=${DEMO_CLIENT_ID}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&client_assertion_type=${encodeURIComponent(JWT_BEARER)}`;

let cert: TestCert;
let dir: string;
let good: string;

beforeAll(async () => {
  cert = await certFor(rsaKeys());
  dir = mkdtempSync(join(tmpdir(), "doctor-curl-"));
  writeFileSync(join(dir, "cert.cer"), cert.der);
  good = build(cert);
  writeFileSync(join(dir, "assertion.jwt"), `${good}\n`); // as `echo $jwt > assertion.jwt` writes it
  writeFileSync(join(dir, "assertion-no-newline.jwt"), good); // as `printf '%s' $jwt > …` writes it
  writeFileSync(join(dir, "body.txt"), `${OTHER_FIELDS}&\r\nclient_assertion=${good}\r\n`); // a body wrapped by an editor
  writeFileSync(join(dir, "one-line-body.txt"), `${OTHER_FIELDS}&client_assertion=${good}\n`);
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** curl posting the token request, with the assertion given by `assertionOption`. */
function curl(assertionOption: string): string {
  return `curl -X POST ${URL_V2} -H "Content-Type: application/x-www-form-urlencoded" -d ${OTHER_FIELDS} ${assertionOption}`;
}

/** What the mock answers for this exact body (the first error code, or "ok"). */
async function mockAnswersBody(body: string): Promise<number | "ok"> {
  const mock = createMockAad({ registry: defaultRegistry({ certificates: [cert.der] }), clock: () => NOW, signingKey: createSigningKey(NOW, nextThrowawayKeyPair()) });
  const response = await mock.handle(new Request(URL_V2, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body }));
  if (response.status === 200) return "ok";
  return ((await response.json()) as { error_codes?: number[] }).error_codes?.[0] ?? -1;
}

async function doctorJson(argv: string[]) {
  const r = await cli([...argv, "--json"]);
  return { code: r.code, err: r.err, d: JSON.parse(r.out) };
}

describe("curl --data-urlencode client_assertion@file", () => {
  it("the mock refuses a client_assertion with a trailing newline as malformed (50027)", async () => {
    // The body curl 7.88.1 sends for `--data-urlencode client_assertion@assertion.jwt` when the file
    // ends with a newline: the content URL-encoded, the newline as %0A.
    expect(await mockAnswersBody(`${OTHER_FIELDS}&client_assertion=${good}%0A`)).toBe(50027);
    expect(await mockAnswer(tokenForm(`${good}\r\n`), [cert.der])).toBe(50027);
    // The same body without the newline is accepted: the newline is the whole mistake.
    expect(await mockAnswersBody(`${OTHER_FIELDS}&client_assertion=${good}`)).toBe("ok");
  });

  it("the CLI reads the file, and names the trailing newline (50027, as the mock), never 7000216", async () => {
    const file = join(dir, "assertion.jwt");
    const r = await cli([curl(`--data-urlencode client_assertion@${file}`), "--cert", join(dir, "cert.cer")]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("Entra would refuse it: AADSTS50027");
    expect(r.out).toContain("[malformed-jwt]");
    expect(r.out).toMatch(/a trailing newline from --data-urlencode\s+name@file/);
    expect(r.out).not.toContain("7000216");
    expect(r.out).not.toMatch(/cannot see/);

    const { d } = await doctorJson([curl(`--data-urlencode client_assertion@${file}`), "--cert", join(dir, "cert.cer")]);
    expect(d.found.fileRefs).toEqual([{ option: `--data-urlencode client_assertion@${file}`, field: "client_assertion", path: file, how: "urlencode", read: true }]);
    expect(d.found.assertion).toBe(`${good}\n`);
    expect(d.predicted).toEqual({ aadsts: 50027, catalogId: "50027" });
    expect(d.causes.map((c: { id: string }) => c.id)).toEqual(["malformed-jwt"]);
    expect(d.causes[0].detail).toContain("a trailing newline from --data-urlencode name@file");
    expect(await mockAnswersBody(`${OTHER_FIELDS}&client_assertion=${encodeURIComponent(d.found.assertion)}`)).toBe(d.predicted.aadsts);
  });

  it("a file without the trailing newline: accepted (exit 0)", async () => {
    const r = await cli([curl(`--data-urlencode client_assertion@${join(dir, "assertion-no-newline.jwt")}`), "--cert", join(dir, "cert.cer")]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Entra would accept it");
  });

  it("the path is relative to the folder the command was typed in", async () => {
    vi.spyOn(process, "cwd").mockReturnValue(dir);
    vi.stubEnv("INIT_CWD", dir); // npm run: typed in dir (INIT_CWD), wherever npm starts the command
    const { code, d } = await doctorJson([curl("--data-urlencode 'client_assertion@assertion-no-newline.jwt'"), "--cert", join(dir, "cert.cer")]);
    expect(d.found.assertion).toBe(good);
    expect(d.verdict).toBe("accepted");
    expect(code).toBe(0);
  });

  it("a file that cannot be read: one sentence naming it, exit 1, no diagnosis", async () => {
    vi.spyOn(process, "cwd").mockReturnValue(dir);
    vi.stubEnv("INIT_CWD", dir);
    const r = await cli([curl("--data-urlencode client_assertion@missing.jwt"), "--cert", join(dir, "cert.cer")]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/reads client_assertion from the file missing\.jwt .*the doctor cannot read it: there is no such file in /);
    expect(r.err).toMatch(/needs that file/);
    expect(r.err).not.toContain("7000216");
    expect(r.err.trim().split("\n").length).toBeLessThanOrEqual(2);

    const fromStdin = await cli([curl("--data-urlencode client_assertion@-")]);
    expect(fromStdin.code).toBe(1);
    expect(fromStdin.err).toMatch(/reads client_assertion from its standard input/);
  });

  it("without the file's content (lib only), the field is not judged: no 7000216", () => {
    const d = diagnose({ text: curl("--data-urlencode client_assertion@assertion.jwt"), now: NOW });
    expect(d.found?.fileRefs).toEqual([{ option: "--data-urlencode client_assertion@assertion.jwt", field: "client_assertion", path: "assertion.jwt", how: "urlencode", read: false }]);
    expect(d.predicted).toBeUndefined();
    expect(d.verdict).toBe("not-verified");
    expect(d.checks.find((c) => c.id === "form-client-assertion")?.status).toBe("skip");
    expect(d.notes.join(" ")).toMatch(/not given that file/);
  });
});

describe("curl -d and --data-binary with files", () => {
  it("-d @body.txt: curl strips every CR and LF, so the body is clean (accepted)", async () => {
    const { code, d } = await doctorJson([`curl ${URL_V2} -d @${join(dir, "body.txt")}`, "--cert", join(dir, "cert.cer")]);
    expect(d.found.fileRefs[0]).toMatchObject({ how: "strip-newlines", read: true });
    expect(d.found.assertion).toBe(good);
    expect(d.verdict).toBe("accepted");
    expect(code).toBe(0);
  });

  it("--data-binary @file: sent as it is, so the last field ends with the file's newline (50027, as the mock)", async () => {
    const { code, d } = await doctorJson([`curl ${URL_V2} --data-binary @${join(dir, "one-line-body.txt")}`, "--cert", join(dir, "cert.cer")]);
    expect(d.found.fileRefs[0]).toMatchObject({ how: "binary", read: true });
    expect(d.found.assertion).toBe(`${good}\n`);
    expect(d.predicted.aadsts).toBe(50027);
    expect(d.causes[0].detail).toContain("trailing newline from --data-binary");
    expect(await mockAnswersBody(`${OTHER_FIELDS}&client_assertion=${good}\n`)).toBe(50027);
    expect(code).toBe(1);
  });

  it("--data-binary @file with a line break before a name: that field is another name (7000216, as the mock)", async () => {
    const { d } = await doctorJson([`curl ${URL_V2} --data-binary @${join(dir, "body.txt")}`, "--cert", join(dir, "cert.cer")]);
    expect(Object.keys(d.found.formFields)).toContain("\r\nclient_assertion");
    expect(d.predicted.aadsts).toBe(7000216);
    expect(d.causes[0].detail).toMatch(/the field is named "\\r\\nclient_assertion", with a line break in the name/);
    expect(await mockAnswersBody(`${OTHER_FIELDS}&\r\nclient_assertion=${good}\r\n`)).toBe(7000216);
  });

  it("-d client_assertion=@file reads no file (curl sends the text @file): named as such, 50027 as the mock", async () => {
    const { d } = await doctorJson([curl("-d client_assertion=@assertion.jwt"), "--cert", join(dir, "cert.cer")]);
    expect(d.found.fileRefs).toBeUndefined();
    expect(d.found.assertion).toBe("@assertion.jwt");
    expect(d.predicted.aadsts).toBe(50027);
    expect(d.causes[0].detail).toMatch(/is the text "@assertion\.jwt"/);
    expect(await mockAnswersBody(`${OTHER_FIELDS}&client_assertion=@assertion.jwt`)).toBe(50027);
  });

  it("--data client_assertion@file reads no file (a field named client_assertion@file): 7000216 as the mock, and why", async () => {
    const { d } = await doctorJson([curl("--data client_assertion@assertion.jwt"), "--cert", join(dir, "cert.cer")]);
    expect(d.found.formFields["client_assertion@assertion.jwt"]).toBe("");
    expect(d.predicted.aadsts).toBe(7000216);
    expect(d.causes[0].detail).toMatch(/curl sends "client_assertion@assertion\.jwt" as it is/);
    expect(await mockAnswersBody(`${OTHER_FIELDS}&client_assertion@assertion.jwt`)).toBe(7000216);
  });
});

describe("a warning's outcome", () => {
  const domainAud = `${ENTRA}/contoso.onmicrosoft.com/oauth2/v2.0/token`;

  it("aud names a domain and the URL a GUID: the outcome is unknown (700023 unless the domain is this tenant's)", async () => {
    const jwt = build(cert, { claims: { aud: domainAud } });
    const d = diagnose({ text: jwt, certificate: { der: cert.der }, clientId: DEMO_CLIENT_ID, tenant: DEMO_TENANT_ID, now: NOW });
    const c = d.causes.find((x) => x.id === "aud-other-tenant")!;
    expect(c.severity).toBe("warning");
    expect(c.aadsts).toBeUndefined();
    expect(c.outcome).toBe(`unknown: AADSTS700023 unless contoso.onmicrosoft.com is a domain of the tenant ${DEMO_TENANT_ID}`);

    const r = await cli([jwt, "--cert", join(dir, "cert.cer"), "--client-id", DEMO_CLIENT_ID, "--tenant", DEMO_TENANT_ID]);
    const block = r.out.slice(r.out.indexOf("[aud-other-tenant]"));
    expect(block).toMatch(/Entra\s+unknown: AADSTS700023 unless contoso\.onmicrosoft\.com is a domain of the tenant/);
    expect(r.out).not.toContain("accepts it today");
  });

  it("a warning without an outcome of its own still says Entra accepts it today", async () => {
    const r = await cli([build(cert, { claims: { jti: undefined } }), "--cert", join(dir, "cert.cer"), "--client-id", DEMO_CLIENT_ID, "--tenant", DEMO_TENANT_ID]);
    expect(r.out).toContain("[jti-missing]");
    expect(r.out).toMatch(/Entra\s+accepts it today/);
  });
});
