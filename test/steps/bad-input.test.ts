/**
 * User mistakes get one clear sentence, exit code 1, no stack trace, and nothing already written is
 * overwritten or lost.
 */
import { createHash, generateKeyPairSync, X509Certificate } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CERT_FILES } from "../../steps/01-certificate.ts";
import { run, tempDir } from "./helpers.ts";

let work: string;
let snapshot: Record<string, string>;
const hashes = () => Object.fromEntries(CERT_FILES.map((f) => [f, createHash("sha256").update(readFileSync(join(work, f))).digest("hex")]));

function expectUserError(r: { code: number; out: string; err: string }, message: RegExp) {
  expect(r.code).toBe(1);
  expect(r.err).toMatch(message);
  expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  expect(r.err.trim().split("\n").length).toBeLessThanOrEqual(2); // the sentence and what to do
}

beforeAll(async () => {
  work = tempDir("bad-");
  expect((await run("1", "--fixed", "--out", work)).code).toBe(0);
  snapshot = hashes();
}, 60_000);

describe("bad input to step 1", () => {
  it("a missing PFX file", async () => {
    expectUserError(await run("1", "--out", work, "--pfx", join(work, "nope.pfx"), "--password", "x"), /does not exist/);
    expect(hashes()).toEqual(snapshot);
  });

  it("a wrong PFX password", async () => {
    expectUserError(await run("1", "--out", work, "--pfx", join(work, "cert.pfx"), "--password", "wrong"), /password/i);
    expect(hashes()).toEqual(snapshot);
  });

  it("a file that is not a certificate (a private key PEM passed as --pem)", async () => {
    expectUserError(await run("1", "--out", work, "--pem", join(work, "private-key.pem")), /no CERTIFICATE/);
    expect(hashes()).toEqual(snapshot);
  });

  it("a DER certificate passed as --pfx", async () => {
    expectUserError(await run("1", "--out", work, "--pfx", join(work, "cert.cer"), "--password", "x"), /PFX|PKCS#12|certificate/i);
    expect(hashes()).toEqual(snapshot);
  });

  it("an EC key and certificate", async () => {
    const dir = tempDir("ec-");
    const key = join(dir, "ec.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=ec-throwaway", "-days", "1", "-keyout", key, "-out", join(dir, "ec-cert.pem")], { stdio: "ignore" });
    writeFileSync(join(dir, "both.pem"), readFileSync(join(dir, "ec-cert.pem"), "utf8") + readFileSync(key, "utf8"));
    expectUserError(await run("1", "--out", work, "--pem", join(dir, "both.pem")), /EC|RSA/);
    expect(hashes()).toEqual(snapshot);
  });

  it("a private key that does not match the certificate", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "pem", type: "pkcs8" }) as string;
    const keyFile = join(tempDir("other-"), "other-throwaway-key.pem");
    writeFileSync(keyFile, other);
    expectUserError(await run("1", "--out", work, "--pem", join(work, "cert.pem"), "--key", keyFile), /does not belong/);
    expect(hashes()).toEqual(snapshot);
  });

  it("an output folder that cannot be written (a file is in the way)", async () => {
    const file = join(tempDir("file-"), "a-file");
    writeFileSync(file, "x");
    expectUserError(await run("1", "--out", join(file, "sub")), /Cannot write to the output folder/);
  });
});

describe("the runner", () => {
  it("--list names all six steps", async () => {
    const r = await run("--list");
    expect(r.code).toBe(0);
    for (const name of ["certificate", "thumbprint", "header-payload", "sha256", "signature", "assembly"]) expect(r.out).toContain(name);
  });

  it("--help of a step lists its options", async () => {
    const r = await run("3", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("--alg ALG");
    expect(r.out).toContain("--client-id ID");
  });

  it("an unknown step, an unknown option and a bad choice are usage errors", async () => {
    expectUserError(await run("9"), /no step "9"/);
    expectUserError(await run("3", "--colour"), /Unknown option '--colour'/);
    expectUserError(await run("3", "--alg", "HS256"), /not one of RS256, PS256/);
    expectUserError(await run("3", "--tenant", "common", "--out", tempDir()), /not a tenant/);
  });

  it("step 1 keeps an existing certificate, and --new sets the old files aside instead of deleting them", async () => {
    const dir = tempDir("new-");
    expect((await run("1", "--out", dir)).code).toBe(0);
    const first = readFileSync(join(dir, "cert.cer"));
    const again = await run("1", "--out", dir);
    expect(again.out).toContain("already in");
    expect(readFileSync(join(dir, "cert.cer")).equals(first)).toBe(true);
    const fresh = await run("1", "--out", dir, "--new");
    expect(fresh.code).toBe(0);
    expect(readFileSync(join(dir, "cert.cer")).equals(first)).toBe(false);
    const moved = /moved the previous files to\s+(\S+)/.exec(fresh.out)![1]!;
    expect(new X509Certificate(readFileSync(join(moved.startsWith("/") ? "" : process.cwd(), moved, "cert.cer"))).raw.equals(first)).toBe(true);
  }, 60_000);

  it("--json prints parseable JSON with the step's data", async () => {
    const r = await run("2", "--fixed", "--json", "--out", tempDir());
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.out);
    expect(parsed.step).toBe(2);
    expect(parsed.result.sha1.oracleMatches).toBe(true);
    expect(parsed.notes[0]).toMatch(/step 1/);
  });
});
