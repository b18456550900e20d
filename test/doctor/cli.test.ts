/**
 * `npm run doctor`, run in-process: the input forms it reads (JWT, file, form body, HTTP request,
 * curl in its many spellings, stdin), the certificate formats (.cer, .pem, .pfx), the output order
 * (cause first), exit codes, bad input (one clear sentence, exit 1, no stack trace, no hang), and
 * that it makes no network request at all.
 */
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { pemEncode } from "../../lib/formats/pem.ts";
import { b64url, build, certFor, cli, DEMO_CLIENT_ID, DEMO_TENANT_ID, OTHER_GUID, rsaKeys, tokenForm, type TestCert } from "./helpers.ts";

let cert: TestCert;
let dir: string;
let good: string;
let hexX5t: string;

beforeAll(async () => {
  cert = await certFor(rsaKeys());
  dir = mkdtempSync(join(tmpdir(), "doctor-"));
  writeFileSync(join(dir, "cert.cer"), cert.der);
  writeFileSync(join(dir, "cert.pem"), pemEncode("CERTIFICATE", cert.der));
  writeFileSync(join(dir, "throwaway-key.pem"), cert.privateKey.export({ type: "pkcs8", format: "pem" }) as string);
  good = build(cert);
  hexX5t = build(cert, { header: { x5t: b64url(cert.sha1Hex) } });
  writeFileSync(join(dir, "assertion.jwt"), `${hexX5t}\n`);
});

function expectUserError(r: { code: number; out: string; err: string }, message: RegExp) {
  expect(r.code).toBe(1);
  expect(r.err).toMatch(message);
  expect(r.err + r.out).not.toMatch(/\n\s+at /); // no stack trace
  expect(r.err.trim().split("\n").length).toBeLessThanOrEqual(2); // the sentence and what to do
}

/** A fake stdin: these chunks, then the end (or never, with `hang`). */
function stdin(chunks: (string | Uint8Array)[], options: { hang?: boolean } = {}) {
  return {
    isTTY: false,
    async *[Symbol.asyncIterator]() {
      for (const c of chunks) yield c;
      if (options.hang) await new Promise(() => undefined);
    },
  };
}

describe("what the doctor reads", () => {
  it("a JWT and a .cer: the cause comes first, then the checks, the thumbprints and the decoded JWT; exit 1", async () => {
    const r = await cli([hexX5t, "--cert", join(dir, "cert.cer")]);
    expect(r.code).toBe(1);
    const at = (s: string) => r.out.indexOf(s);
    expect(at("Entra would refuse it: AADSTS700027")).toBeGreaterThan(0);
    expect(at("x5t is made from the hex text")).toBeGreaterThan(at("Entra would refuse it"));
    expect(at("npm run lab -- x5t-hex-text")).toBeGreaterThan(at("x5t is made from the hex text"));
    expect(at("The checks, in the order the mock Entra makes them")).toBeGreaterThan(at("npm run lab -- x5t-hex-text"));
    expect(at("Thumbprints: the header next to the certificate")).toBeGreaterThan(at("Entra's checks"));
    expect(at("Decoded")).toBeGreaterThan(at("Thumbprints"));
    // The cause is on the first screen.
    const firstScreen = r.out.split("\n").slice(0, 24).join("\n");
    expect(firstScreen).toContain("x5t-hex-text");
    expect(firstScreen).toContain("fix");
    expect(firstScreen).toContain(cert.sha1Hex);
  });

  it("a good JWT with its certificate: exit 0", async () => {
    const r = await cli([good, "--cert", join(dir, "cert.pem"), "--client-id", DEMO_CLIENT_ID, "--tenant", DEMO_TENANT_ID]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Entra would accept it");
  });

  it("a file holding the JWT", async () => {
    const r = await cli([join(dir, "assertion.jwt"), "--cert", join(dir, "cert.cer"), "--json"]);
    const d = JSON.parse(r.out);
    expect(d.found.from).toBe("file");
    expect(d.predicted).toEqual({ aadsts: 700027, catalogId: "700027-not-registered" });
    expect(r.code).toBe(1);
  });

  it("a JWT wrapped over several lines, in quotes", async () => {
    const wrapped = `"${good.match(/.{1,60}/g)!.join("\n")}"`;
    const d = JSON.parse((await cli([wrapped, "--json"])).out);
    expect(d.found.assertion).toBe(good);
    expect(d.causes).toEqual([]);
  });

  it("a form body, URL-encoded", async () => {
    const body = new URLSearchParams(tokenForm(hexX5t)).toString();
    const d = JSON.parse((await cli([body, "--cert", join(dir, "cert.cer"), "--json"])).out);
    expect(d.found.from).toBe("form-body");
    expect(d.found.assertion).toBe(hexX5t);
    expect(d.found.formFields.client_id).toBe(DEMO_CLIENT_ID);
    expect(d.causes.map((c: { id: string }) => c.id)).toEqual(["x5t-hex-text"]);
  });

  it("a form body whose client_assertion has a raw + (standard base64): noted, and named", async () => {
    const std = (b: Uint8Array) => Buffer.from(b).toString("base64");
    let jwt = "";
    for (let i = 0; i < 1000 && !jwt.includes("+"); i++) jwt = build(cert, { encodeSignature: std, claims: { jti: `6f1e2d3c-4b5a-4978-8a6b-${String(i).padStart(12, "0")}` } });
    expect(jwt).toContain("+"); // the bounded search found one
    const body = `grant_type=client_credentials&client_id=${DEMO_CLIENT_ID}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=${jwt}`;
    const d = JSON.parse((await cli([body, "--json"])).out);
    expect(d.notes.join(" ")).toContain('raw "+"');
    expect(d.causes.map((c: { id: string }) => c.id)).toEqual(["segment-standard-base64"]);
  });

  it("an HTTP request dump: the URL's tenant is used", async () => {
    const other = build(cert, { claims: { aud: `https://login.microsoftonline.com/${DEMO_TENANT_ID}/oauth2/v2.0/token` } });
    const text = [`POST /${OTHER_GUID}/oauth2/v2.0/token HTTP/1.1`, "Host: login.microsoftonline.com", "Content-Type: application/x-www-form-urlencoded", "", new URLSearchParams(tokenForm(other)).toString()].join("\r\n");
    const d = JSON.parse((await cli([text, "--json"])).out);
    expect(d.found.url).toBe(`https://login.microsoftonline.com/${OTHER_GUID}/oauth2/v2.0/token`);
    expect(d.causes.map((c: { id: string }) => c.id)).toEqual(["aud-other-tenant"]);
  });

  const curls: [string, (jwt: string) => string][] = [
    ["-d with single quotes, URL-encoded, continued lines", (jwt) => `curl -X POST 'https://login.microsoftonline.com/${DEMO_TENANT_ID}/oauth2/v2.0/token' \\\n  -H 'Content-Type: application/x-www-form-urlencoded' \\\n  -d '${new URLSearchParams(tokenForm(jwt)).toString()}'`],
    ["--data-urlencode fields in double quotes", (jwt) => `curl "https://login.microsoftonline.com/${DEMO_TENANT_ID}/oauth2/v2.0/token" --data-urlencode "client_id=${DEMO_CLIENT_ID}" --data-urlencode "grant_type=client_credentials" --data-urlencode "scope=https://graph.microsoft.com/.default" --data-urlencode "client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer" --data-urlencode "client_assertion=${jwt}"`],
    ["several -d, not quoted, not encoded", (jwt) => `curl -d client_id=${DEMO_CLIENT_ID} -d grant_type=client_credentials -d scope=https://graph.microsoft.com/.default -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer -d client_assertion=${jwt} https://login.microsoftonline.com/${DEMO_TENANT_ID}/oauth2/v2.0/token`],
    ["curl.exe with PowerShell backticks and --data=", (jwt) => `curl.exe -s \`\n --data="client_id=${DEMO_CLIENT_ID}&client_assertion=${jwt}&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&grant_type=client_credentials&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default" \`\n https://login.microsoftonline.com/${DEMO_TENANT_ID}/oauth2/v2.0/token`],
  ];
  for (const [name, make] of curls) {
    it(`a curl command line: ${name}`, async () => {
      const d = JSON.parse((await cli([make(hexX5t), "--cert", join(dir, "cert.cer"), "--json"])).out);
      expect(d.found.from).toBe("curl");
      expect(d.found.assertion).toBe(hexX5t);
      expect(d.found.url).toBe(`https://login.microsoftonline.com/${DEMO_TENANT_ID}/oauth2/v2.0/token`);
      expect(d.found.formFields.client_id).toBe(DEMO_CLIENT_ID);
      expect(d.causes.map((c: { id: string }) => c.id)).toEqual(["x5t-hex-text"]);
      expect(d.predicted.aadsts).toBe(700027);
    });
  }

  it("stdin, when no argument is given", async () => {
    const r = await cli(["--cert", join(dir, "cert.cer")], { stdin: stdin([hexX5t.slice(0, 100), hexX5t.slice(100), "\n"]) });
    expect(r.code).toBe(1);
    expect(r.out).toContain("[x5t-hex-text]");
  });

  it("a certificate from a PFX, with its password", async () => {
    const pfx = "test/fixtures/pfx/openssl3-default.pfx";
    const key = readFileSync("test/fixtures/pfx/fixture-throwaway-key.pem", "utf8");
    const fixture = readFileSync("test/fixtures/pfx/fixture-cert.pem", "utf8");
    const { createPrivateKey, createPublicKey, X509Certificate } = await import("node:crypto");
    const { facts } = await import("./helpers.ts");
    const fixtureCert = facts({ privateKey: createPrivateKey(key), publicKey: createPublicKey(key) }, new Uint8Array(new X509Certificate(fixture).raw));
    const validNow = new X509Certificate(fixture).validFrom;
    const r = await cli([build(fixtureCert), "--cert", pfx, "--password", "workshop", "--now", new Date(Date.parse(validNow) + 86400_000).toISOString(), "--json"]);
    const d = JSON.parse(r.out);
    expect(d.certificate.source).toBe("openssl3-default.pfx (PFX)");
    expect(d.checks.find((c: { id: string }) => c.id === "signature").status).toBe("pass");
  });

  it("--help", async () => {
    const r = await cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("npm run doctor -- <assertion | FILE> [options]");
  });
});

describe("bad input: one clear sentence, exit 1, never a stack trace, never a hang", () => {
  it("no argument and no stdin", async () => {
    expectUserError(await cli([]), /Give the doctor something to look at/);
  });

  it("an empty argument", async () => {
    expectUserError(await cli([""]), /empty/);
  });

  it("empty stdin", async () => {
    expectUserError(await cli([], { stdin: stdin([]) }), /stdin is empty/i);
  });

  it("stdin that never sends anything", async () => {
    expectUserError(await cli([], { stdin: stdin([], { hang: true }), stdinIdleMs: 50 }), /Nothing arrived on stdin/);
  });

  it("several MB on stdin: reading stops at 1 MiB", async () => {
    const chunk = "A".repeat(64 * 1024);
    expectUserError(await cli([], { stdin: stdin(Array.from({ length: 64 }, () => chunk)) }), /at most 1 MiB/);
  });

  it("several MB as the argument", async () => {
    expectUserError(await cli([`${good}.${"A".repeat(3 * 1024 * 1024)}`]), /at most 1 MiB/);
  });

  it("a file of several MB", async () => {
    const big = join(dir, "big.txt");
    writeFileSync(big, "x".repeat(3 * 1024 * 1024));
    expectUserError(await cli([big]), /at most 1 MiB/);
  });

  it("a file that does not exist", async () => {
    expectUserError(await cli([join(dir, "nope.jwt")]), /There is no file/);
  });

  it("a binary file as the assertion (the certificate by mistake)", async () => {
    expectUserError(await cli([join(dir, "cert.cer")]), /binary data/);
  });

  it("garbage and truncated JWTs: the diagnosis says so in a few lines, exit 1", async () => {
    for (const text of ["hello world", good.slice(0, 60), good.split(".").slice(0, 2).join(".") + ".", "eyJhbGciOiJSUzI1NiJ9"]) {
      const r = await cli([text]);
      expect(r.code, text).toBe(1);
      expect(r.out, text).toContain("[malformed-jwt]");
      expect(r.out + r.err).not.toMatch(/\n\s+at /);
    }
  });

  it("a certificate file in the wrong format: a private key", async () => {
    expectUserError(await cli([good, "--cert", join(dir, "throwaway-key.pem")]), /no CERTIFICATE block.*PRIVATE KEY/);
  });

  it("a certificate file in the wrong format: text", async () => {
    const text = join(dir, "notes.txt");
    writeFileSync(text, "my certificate is somewhere else");
    expectUserError(await cli([good, "--cert", text]), /not an X\.509 certificate|cannot be a certificate/i);
  });

  it("a certificate file that does not exist", async () => {
    expectUserError(await cli([good, "--cert", join(dir, "nope.cer")]), /There is no certificate file/);
  });

  it("a PFX with the wrong password", async () => {
    expectUserError(await cli([good, "--cert", "test/fixtures/pfx/openssl3-default.pfx", "--password", "wrong"]), /password is wrong/);
  });

  it("a PFX without a password: the hint names --password-env (and the .cer, which needs none)", async () => {
    const r = await cli([good, "--cert", "test/fixtures/pfx/openssl3-default.pfx"]);
    expectUserError(r, /is a password-protected PFX and no password was given\.\n  → Add --password-env VAR \(or --password P\) .*\.cer/);
  });

  it("--password-env VAR: the PFX opens with the password in $VAR, as profiles take it (never on the command line)", async () => {
    const pfx = "test/fixtures/pfx/openssl3-default.pfx";
    const r = await cli(["AADSTS700027", "--cert", pfx, "--password-env", "DOCTOR_TEST_PFX_PASSWORD", "--json"], { env: { DOCTOR_TEST_PFX_PASSWORD: "workshop" } });
    expect(r.err).toBe("");
    // The oracle: node:crypto's fingerprint of the certificate the fixture holds (test/fixtures/pfx/README.md).
    const sha1 = new X509Certificate(readFileSync("test/fixtures/pfx/fixture-cert.pem")).fingerprint.replace(/:/g, "");
    expect(JSON.parse(r.out).certificate.sha1Windows).toBe(sha1);
    expectUserError(await cli(["AADSTS700027", "--cert", pfx, "--password-env", "DOCTOR_TEST_PFX_PASSWORD"], { env: {} }), /^✗ \$DOCTOR_TEST_PFX_PASSWORD is not set, so .*openssl3-default\.pfx cannot be opened\./);
    {
      const r = await cli(["AADSTS700027", "--cert", pfx, "--password-env", "workshop!"], { env: {} });
      expectUserError(r, /The value after --password-env is not an environment variable's name .*: give the name, never the password itself\./);
      expect(JSON.stringify(r)).not.toContain("workshop!"); // what may be the password is never repeated
    }
    expectUserError(await cli(["AADSTS700027", "--cert", pfx, "--password-env", "V", "--password", "workshop"], { env: { V: "workshop" } }), /Give --password-env or --password, not both\./);
    expectUserError(await cli(["AADSTS700027", "--password-env", "V"], { env: { V: "workshop" } }), /--password-env goes with --cert FILE\.pfx/);
  });

  it("a curl command line passed unquoted (its options reach the doctor)", async () => {
    expectUserError(await cli(["curl", "-d", "client_assertion=x"]), /Unknown option '-d'/);
  });

  it("a client id that is not a GUID, a tenant that is common", async () => {
    expectUserError(await cli([good, "--client-id", "my-app"]), /not a GUID/);
    expectUserError(await cli([good, "--tenant", "common"]), /not a tenant/);
  });

  it("--now that is not a date", async () => {
    expectUserError(await cli([good, "--now", "yesterday"]), /not a date/);
  });
});

describe("offline", () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterAll(() => server.close());

  it("a full run makes no network request (msw with no handlers errors on any)", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    const requests: string[] = [];
    server.events.on("request:start", ({ request }) => requests.push(request.url));
    const r = await cli([new URLSearchParams(tokenForm(hexX5t)).toString(), "--cert", join(dir, "cert.cer"), "--client-id", DEMO_CLIENT_ID, "--tenant", DEMO_TENANT_ID]);
    const e = await cli([JSON.stringify({ error: "invalid_client", error_description: "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found.]", error_codes: [700027] })]);
    expect(r.code).toBe(1);
    expect(e.code).toBe(1);
    expect(r.err + e.err).toBe("");
    expect(requests).toEqual([]);
    expect(fetchSpy).not.toHaveBeenCalled();
    fetchSpy.mockRestore();
  });
});

describe("--thumbprint: the converter", () => {
  it("turns the Windows hex into x5t (the certificate-credentials page's example) and JSON for scripts", async () => {
    const text = await cli(["--thumbprint", "84E05C1D98BCE3A5421D225B140B36E86A3D5534", "--no-color"]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/x5t\s+hOBcHZi846VCHSJbFAs26Go9VTQ/);
    const json = JSON.parse((await cli(["--thumbprint", "hOBcHZi846VCHSJbFAs26Go9VTQ", "--json"])).out);
    expect(json).toMatchObject({ ok: true, hex: "84E05C1D98BCE3A5421D225B140B36E86A3D5534", header: "x5t" });
  });
  it("a value that is no thumbprint: one sentence, exit 1, no stack", async () => {
    const r = await cli(["--thumbprint", "hello", "--no-color"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("✗");
    expect(r.out + r.err).not.toMatch(/\n\s+at /);
  });
});
