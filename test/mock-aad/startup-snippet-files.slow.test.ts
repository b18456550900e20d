/**
 * The files the HTTPS mock's startup snippets read (mock-aad/server/snippet-files.ts), and the hints
 * it gives, as the installed bin (`npx entra-mock-aad`, invokedAs "bin") and as the kit's
 * `npm run mock-aad`: with --cert and --key the snippets name the user's own files and work as
 * pasted; a file the server was not given is a <placeholder> with a line saying what goes there; the
 * bin names no kit command; the server's own pid is printed, and killing it stops the server.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { DEMO_CLIENT_ID } from "../../lib/entra/demo.ts";
import { KitError } from "../../lib/errors.ts";
import { createThrowawayCertificate } from "../../mock-aad/index.ts";
import { parseMockAadArgs, startMockAadCli } from "../../mock-aad/server/cli.ts";
import { buildRegistry } from "../../mock-aad/server/config-file.ts";
import type { Invocation } from "../../mock-aad/server/options.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mock-snippet-files-"));
  dirs.push(dir);
  return dir;
}

/** A user's project: a throwaway certificate as my.pem (PEM) and my.cer (DER), its key as my-key.pem, and another key. */
function project(): { dir: string; thumbprintSha256: string } {
  const dir = tempDir();
  const mine = createThrowawayCertificate(); // throwaway test key, this run only
  writeFileSync(join(dir, "my.pem"), mine.certificatePem);
  writeFileSync(join(dir, "my.cer"), mine.certificateDer);
  writeFileSync(join(dir, "my-key.pem"), mine.privateKeyPem, { mode: 0o600 });
  writeFileSync(join(dir, "other-key.pem"), createThrowawayCertificate().privateKeyPem, { mode: 0o600 });
  return { dir, thumbprintSha256: mine.thumbprintSha256 };
}

async function started(argv: string[], how: Invocation) {
  let text = "";
  const running = await startMockAadCli(argv, { out: (t) => (text += t), err: (t) => (text += t), color: false }, how);
  return { running: running!, text };
}

/** The code under a section title of the startup text, without its two-space indent. */
function section(text: string, title: string, next: string): string {
  const body = text.slice(text.indexOf(`\n${title}\n`) + title.length + 2, text.indexOf(`\n\n${next}\n`));
  return body.split("\n").map((line) => line.replace(/^ {2}/, "")).join("\n") + "\n";
}

function runNode(script: string, cwd: string, ca: string): Promise<string> {
  return new Promise((done, fail) =>
    execFile(process.execPath, [script], { cwd, env: { ...process.env, NODE_EXTRA_CA_CERTS: ca }, timeout: 20_000 }, (error, stdout, stderr) =>
      error ? fail(new Error(`${script}: ${stderr || error.message}`)) : done(stdout.trim()),
    ),
  );
}

describe("the installed bin, given --cert and --key", () => {
  it("names the user's own files, and its msal-node and @azure/identity snippets get tokens as pasted (a DER --cert too)", async () => {
    const { dir, thumbprintSha256 } = project();
    const { running, text } = await started(["--port", "0", "--cert", join(dir, "my.cer"), "--key", join(dir, "my-key.pem"), "--out", join(dir, ".workshop")], "bin");
    try {
      expect(section(text, "The snippets read (replace what is in <angle brackets>)", "msal-node")).toBe(
        [
          `certificate    ${join(dir, "my.cer")}`,
          `private key    ${join(dir, "my-key.pem")}`,
          "assertion      <client-assertion.jwt>  for curl and PowerShell: a file holding a client assertion (a JWT signed with that key, expiring within minutes); msal-node and @azure/identity make their own",
          "",
        ].join("\n"),
      );
      // No file the user does not have: nothing under --out but the CA, and no kit command.
      expect(text).not.toMatch(/private-key\.pem|client-assertion\.jwt"|cert\.pem/);
      expect(text).not.toMatch(/npm run/);
      expect(text).toContain(`thumbprintSha256: "${thumbprintSha256}"`);

      symlinkSync(join(process.cwd(), "node_modules"), join(dir, "node_modules"), "junction");
      writeFileSync(join(dir, "token-msal.mjs"), section(text, "msal-node", "@azure/identity"));
      writeFileSync(join(dir, "token-identity.mjs"), section(text, "@azure/identity", "curl"));
      const ca = running.info.caPathAbsolute;
      const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8"));
      const [msal, identity] = await Promise.all([runNode("token-msal.mjs", dir, ca), runNode("token-identity.mjs", dir, ca)]);
      expect(claims(msal)).toMatchObject({ appid: DEMO_CLIENT_ID, appidacr: "2" });
      expect(claims(identity)).toMatchObject({ appid: DEMO_CLIENT_ID, appidacr: "2" });
    } finally {
      await running.close();
    }
  }, 60_000);

  it("without --key: a placeholder for the key, and the line says how to have it named", async () => {
    const { dir } = project();
    const { running, text } = await started(["--port", "0", "--cert", join(dir, "my.pem"), "--out", join(dir, ".workshop")], "bin");
    await running.close();
    expect(text).toContain("private key    <private key of my.pem>  the key made with my.pem (PEM): start with --key FILE to have it named here\n");
    expect(text).toContain('privateKey: readFileSync("<private key of my.pem>", "utf8")');
  });

  it("a PEM --cert that holds its key too: that file is the key", async () => {
    const { dir } = project();
    const both = join(dir, "cert-and-key.pem");
    const mine = createThrowawayCertificate();
    writeFileSync(both, mine.certificatePem + mine.privateKeyPem, { mode: 0o600 });
    const { running, text } = await started(["--port", "0", "--cert", both, "--out", join(dir, ".workshop")], "bin");
    await running.close();
    expect(text).toContain(`private key    ${both}\n`);
  });

  it("a --key that is not the certificate's, or not a key, is refused before the server starts", async () => {
    const { dir } = project();
    const refused = async (key: string) => {
      const error = await startMockAadCli(["--port", "0", "--cert", join(dir, "my.pem"), "--key", key, "--out", join(dir, ".workshop")], { out: () => {}, err: () => {}, color: false }, "bin").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KitError);
      return error as KitError;
    };
    expect((await refused(join(dir, "other-key.pem"))).code).toBe("KEY_MISMATCH");
    expect((await refused(join(dir, "my.pem"))).code).toBe("BAD_KEY_FILE");
    expect((await refused(join(dir, "missing.pem"))).message).toMatch(/^Cannot read the private key .*missing\.pem given by --key \(ENOENT\)\.$/);
    expect(existsSync(join(dir, ".workshop"))).toBe(false); // refused before the TLS files were made
  });
});

describe("hints name the commands of where the server runs", () => {
  it("the bin, with no certificate: no kit command in the startup text (Certificate, Key Vault, the snippet files)", async () => {
    const dir = tempDir();
    const { running, text } = await started(["--port", "0", "--out", join(dir, ".workshop")], "bin");
    await running.close();
    expect(text).not.toMatch(/npm run/);
    expect(text).toContain("Pass --cert FILE (and --key FILE), or --out the kit's .workshop folder.");
    expect(text).toContain(`(workshop-vault: empty; --config adds certificates to it ("vaults" in --help); token for https://vault.azure.net)`);
    expect(text).toContain(`private key    ${join(dir, ".workshop", "private-key.pem")}  not there: --cert FILE --key FILE name your own\n`);
  });

  it("the kit, with no certificate yet: the steps that make the files", async () => {
    const dir = tempDir();
    const { running, text } = await started(["--port", "0", "--out", join(dir, ".workshop")], "kit");
    await running.close();
    expect(text).toContain(`assertion      ${join(dir, ".workshop", "client-assertion.jwt")}  not there yet: npm run step 6 writes it\n`);
    expect(text).toContain("empty; npm run step 1 makes the certificate it holds");
  });

  it("a --cert or --config that cannot be read: the bin's hint names no kit command", () => {
    const dir = tempDir();
    const hint = (argv: string[], how: Invocation) => {
      try {
        buildRegistry({ ...parseMockAadArgs(argv), invokedAs: how });
      } catch (error) {
        return (error as KitError).hint;
      }
      throw new Error("no error");
    };
    expect(hint(["--cert", join(dir, "missing.pem")], "bin")).toBe("Check the path: relative paths start from the folder you ran the command in.");
    expect(hint(["--cert", join(dir, "missing.pem")], "kit")).toBe("Check the path; npm run step 1 makes .workshop/cert.cer.");
    writeFileSync(join(dir, "registry.json"), "{ nope");
    expect(hint(["--config", join(dir, "registry.json")], "bin")).toBe("See npx entra-mock-aad --help for the format.");
    expect(hint(["--config", join(dir, "registry.json")], "kit")).toBe("See npm run mock-aad -- --help for the format.");
    writeFileSync(join(dir, "registry.json"), JSON.stringify({ applications: [{ appId: DEMO_CLIENT_ID, tenantId: "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", keyCredentials: ["nowhere.pem"] }] }));
    expect(hint(["--config", join(dir, "registry.json")], "bin")).toBe("Check the path: certificate paths are relative to the --config file.");
  });
});

describe("relative paths", () => {
  it("the bin's are its own folder's, not INIT_CWD's (a package.json script runs it in the package's folder); the kit's npm run takes INIT_CWD's", () => {
    const typedIn = tempDir();
    vi.stubEnv("INIT_CWD", typedIn);
    try {
      expect(parseMockAadArgs(["--cert", "my.pem", "--key", "my-key.pem", "--config", "registry.json", "--out", ".workshop"], "bin")).toMatchObject({ certFiles: ["my.pem"], keyFile: "my-key.pem", config: "registry.json", out: ".workshop" });
      expect(parseMockAadArgs(["--cert", "my.pem", "--key", "my-key.pem"], "kit")).toMatchObject({ certFiles: [join(typedIn, "my.pem")], keyFile: join(typedIn, "my-key.pem") });
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe("the server's own pid", () => {
  it("is printed in the startup text and in --json", async () => {
    const dir = tempDir();
    const text = await started(["--port", "0", "--out", join(dir, ".workshop")], "kit");
    await text.running.close();
    expect(text.text).toContain(`(pid ${process.pid}: Ctrl-C or kill ${process.pid} stops it)`);
    const json = await started(["--port", "0", "--out", join(dir, ".workshop"), "--json"], "kit");
    await json.running.close();
    expect(JSON.parse(json.text).pid).toBe(process.pid);
  });

  // On Windows a signal ends a process without running its handlers (Node's docs, subprocess.kill).
  it.skipIf(process.platform === "win32")("kill <that pid> stops the server even when it was started through a wrapper (tsx here, npm in a shell)", async () => {
    const tsx = join(process.cwd(), "node_modules", "tsx", "dist", "cli.mjs");
    const cli = join(process.cwd(), "mock-aad", "server", "cli.ts");
    const wrapper = spawn(process.execPath, [tsx, cli, "--port", "0", "--out", join(tempDir(), ".workshop"), "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    wrapper.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    wrapper.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((done) => wrapper.on("exit", (code) => done(code)));
    const end = Date.now() + 20_000;
    while (!stdout.includes("\n") && Date.now() < end && wrapper.exitCode === null) await new Promise((r) => setTimeout(r, 25));
    const { pid } = JSON.parse(stdout) as { pid: number };
    expect(pid).not.toBe(wrapper.pid); // tsx runs the server in a child of its own, as npm run does
    process.kill(pid, "SIGTERM");
    expect(await exited).toBe(0); // the server stopped, and the wrapper with it
    expect(stderr).toMatch(/SIGTERM: stopping…\nMock Entra ID stopped\.\n$/);
  }, 30_000);
});
