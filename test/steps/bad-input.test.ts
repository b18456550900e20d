/**
 * User mistakes get one clear sentence, exit code 1, no stack trace, and nothing already written is
 * overwritten or lost.
 */
import { createHash, generateKeyPairSync, X509Certificate } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
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
    expectUserError(await run("1", "--out", work, "--pfx", join(work, "cert.cer"), "--password", "x"), /not a PFX|is a certificate|DER certificate/i);
    expect(hashes()).toEqual(snapshot);
  });

  it("an EC key and certificate", async () => {
    const dir = tempDir("ec-");
    const key = join(dir, "ec.pem");
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=ec-throwaway", "-days", "1", "-keyout", key, "-out", join(dir, "ec-cert.pem")], { stdio: "ignore" });
    writeFileSync(join(dir, "both.pem"), readFileSync(join(dir, "ec-cert.pem"), "utf8") + readFileSync(key, "utf8"));
    expectUserError(await run("1", "--out", work, "--pem", join(dir, "both.pem")), /elliptic-curve/);
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
    expectUserError(await run("1", "--out", join(file, "sub")), /Cannot create the folder .*: .* is a file, not a folder \(ENOTDIR\)\./);
  });
});

describe("keys are never lost", () => {
  it("--fixed over a folder holding a real key moves that key aside first", async () => {
    const dir = tempDir("real-");
    expect((await run("1", "--out", dir)).code).toBe(0);
    const realKey = readFileSync(join(dir, "private-key.pem"));
    const r = await run("1", "--fixed", "--out", dir);
    expect(r.code, r.err).toBe(0);
    const moved = /moved the previous files to\s+(\S+)/.exec(r.out)![1]!;
    expect(readFileSync(join(isAbsolute(moved) ? moved : join(process.cwd(), moved), "private-key.pem")).equals(realKey)).toBe(true);
  }, 30_000);

  it("a missing private key is an error, not a silent new key pair", async () => {
    const dir = tempDir("half-");
    expect((await run("1", "--out", dir)).code).toBe(0);
    const cert = readFileSync(join(dir, "cert.cer"));
    rmSync(join(dir, "private-key.pem"));
    expectUserError(await run("5", "--out", dir), /private-key.pem is missing/);
    expect(readFileSync(join(dir, "cert.cer")).equals(cert)).toBe(true);
  }, 30_000);

  it("options that only apply to a new certificate are refused when one exists", async () => {
    const dir = tempDir("opts-");
    expect((await run("1", "--out", dir)).code).toBe(0);
    expectUserError(await run("1", "--out", dir, "--subject", "CN=other"), /--subject applies when a new certificate is made/);
  }, 30_000);

  it("--pfx without --password on a protected PFX asks for the password", async () => {
    expectUserError(await run("1", "--out", tempDir(), "--pfx", join(work, "cert.pfx")), /none was given/);
  });

  it("--fixed refuses --pfx", async () => {
    expectUserError(await run("1", "--fixed", "--out", tempDir(), "--pfx", join(work, "cert.pfx")), /does not take --pfx/);
  });
});

describe("failed checks fail the command", () => {
  it("step 6 on an expired assertion exits 1 and does not say Done", async () => {
    const dir = tempDir("stale-");
    expect((await run("5", "--fixed", "--out", dir)).code).toBe(0);
    // Without --fixed the clock is real: the January 2026 assertion has expired.
    const r = await run("6", "--out", dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain("✗ valid now");
    expect(r.out).not.toContain("Done:");
  }, 30_000);

  it("a damaged cert.cer is one clear sentence, not a stack trace", async () => {
    const dir = tempDir("damaged-");
    expect((await run("1", "--out", dir)).code).toBe(0);
    writeFileSync(join(dir, "cert.cer"), "not a certificate");
    expectUserError(await run("2", "--out", dir), /cert.cer is not a certificate any more/);
  }, 30_000);

  it("options typed without -- get told about npm's --", async () => {
    expectUserError(await run("3", "PS256"), /only after "--"/);
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
    expect(new X509Certificate(readFileSync(isAbsolute(moved) ? join(moved, "cert.cer") : join(process.cwd(), moved, "cert.cer"))).raw.equals(first)).toBe(true);
  }, 60_000);

  it("--json prints parseable JSON with the step's data", async () => {
    const dir = tempDir();
    const r = await run("2", "--fixed", "--json", "--out", dir);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.out);
    expect(parsed.step).toBe(2);
    const der = readFileSync(join(dir, "cert.cer"));
    expect(parsed.result.sha1.x5t).toBe(createHash("sha1").update(der).digest("base64url"));
    expect(parsed.notes[0]).toMatch(/step 1/);
  });
});
