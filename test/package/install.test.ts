/**
 * `npm run test:package`: the kit as another project gets it. Packs the tarball (npm pack, which
 * runs the "prepare" build), installs it into an empty project under os.tmpdir() with npm (from the
 * local cache when it can: --offline, else --prefer-offline, which asks the registry only for what the
 * cache lacks) the packages README.md's install lines name (readme-install.ts reads them; at the
 * versions the kit tests with), then, with plain Node (no tsx, no vitest):
 *   - runs README.md's node:test example (taken from README.md itself) with `node --test`, and its
 *     vitest and jest examples with vitest (the kit's version) and jest (JEST_VERSION);
 *   - makes the certificate and key with README.md's openssl line (when openssl is on PATH), starts the
 *     installed bin with --port 0 and the README's relative --cert, --key and --config paths, checks
 *     that its startup text names those files and no kit command, and gets tokens from it with a
 *     node:https request to 127.0.0.1 that trusts the CA the bin printed.
 * Kept out of `npm test` (packing and installing take tens of seconds); .ci/run runs it.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash, createPrivateKey, randomUUID, sign, X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readmeExample, readmeInstallLines, readmeShellLines, ROOT } from "./readme-install.ts";
import { pemDecode } from "../../lib/formats/pem.ts";

const kit = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** The jest the README's jest example is run with (not a kit dependency: installed into the temporary project only). */
const JEST_VERSION = "30.5.2";

/** README.md's install lines: the tarball's (the kit and what the examples need) and the runners'. */
const INSTALL = readmeInstallLines();
const WITH_TARBALL = INSTALL.find((l) => l.kit?.endsWith(".tgz"))!.packages;
const RUNNERS = INSTALL.filter((l) => l.kit === undefined).flatMap((l) => l.packages);
/** A package as README.md names it, at the version the kit tests with (so the npm cache has it). */
function tested(name: string): string {
  const version = name === "jest" ? JEST_VERSION : kit.devDependencies[name];
  if (version === undefined) throw new Error(`README.md installs ${name}, which the kit does not test with: add it to devDependencies.`);
  return `${name}@${version}`;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** npm itself: the one running this script (npm run sets npm_execpath), else the npm on PATH. */
function npm(args: string[], cwd: string, timeout = 240_000): Promise<Run> {
  const cli = process.env.npm_execpath;
  const [cmd, argv] = cli && /\.c?js$/.test(cli) ? [process.execPath, [cli, ...args]] : ["npm", args];
  return run(cmd, argv, cwd, timeout, { shell: process.platform === "win32" && cmd === "npm" });
}

function run(cmd: string, args: string[], cwd: string, timeout: number, extra: { shell?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024, shell: extra.shell ?? false, env: extra.env ?? process.env }, (error, stdout, stderr) =>
      // A non-zero exit: error.code is the number; a timeout or a missing program: not a number.
      done({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr }),
    );
  });
}

/** npm install into the temporary project: from the npm cache, else asking the registry for what the cache lacks. */
async function install(packages: string[]): Promise<string> {
  const common = ["install", "--no-audit", "--no-fund", "--no-update-notifier", ...packages];
  let result = await npm([...common, "--offline"], work);
  let note = "from the npm cache (--offline)";
  if (result.code !== 0 && /ENOTCACHED/.test(result.stderr)) {
    result = await npm([...common, "--prefer-offline"], work);
    note = "with --prefer-offline (the npm cache lacked some packages; the registry gave them)";
  }
  expect(result.code, result.stderr).toBe(0);
  return note;
}

let work: string;
let tarball: string;
let tarballFiles: string[];
let installed: string;
let installNote: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "entra-package-"));
  const started = Date.now();
  const packed = await npm(["pack", "--json", "--pack-destination", work], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  // npm pack --json prints the prepare build's lines first; the JSON array is the rest.
  const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf("[\n"))) as Array<{ filename: string; files: Array<{ path: string }>; size: number; unpackedSize: number }>;
  tarball = join(work, info[0]!.filename);
  tarballFiles = info[0]!.files.map((f) => f.path);
  const packSeconds = (Date.now() - started) / 1000;

  writeFileSync(join(work, "package.json"), JSON.stringify({ name: "my-project", version: "1.0.0", private: true, type: "module" }, null, 2));
  // What README.md's tarball line installs: the kit, and what its examples need (test/readme-package-section.test.ts checks that it is enough).
  installNote = await install([tarball, ...WITH_TARBALL.map(tested)]);
  installed = join(work, "node_modules", ...kit.name.split("/"));
  console.log(
    `package: ${info[0]!.filename}, ${tarballFiles.length} files, ${info[0]!.size} bytes (${info[0]!.unpackedSize} unpacked); packed in ${packSeconds.toFixed(1)} s, installed ${installNote} in ${((Date.now() - started) / 1000 - packSeconds).toFixed(1)} s`,
  );
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the tarball", () => {
  it("carries the compiled mock and its types, and no sources, tests, fixtures or keys", () => {
    expect(tarballFiles).toContain("dist/mock-aad/index.js");
    expect(tarballFiles).toContain("dist/mock-aad/index.d.ts");
    expect(tarballFiles).toContain(kit.bin["entra-mock-aad"]!.replace(/^\.\//, ""));
    const unwanted = tarballFiles.filter((f) => /^(test|steps\/demo|\.workshop|bench|\.ci)\//.test(f) || /\.(pem|pfx|p12|cer|der|key|jwt)$/i.test(f) || (/\.ts$/.test(f) && !/\.d\.ts$/.test(f)));
    expect(unwanted).toEqual([]);
  });

  it("installs with its runtime dependencies and without tsx", () => {
    const modules = readdirSync(join(work, "node_modules"));
    for (const dependency of ["msw", "pkijs", "asn1js", "chalk"]) expect(modules).toContain(dependency);
    expect(modules).not.toContain("tsx");
  });
});

describe("README.md's node:test example, run with plain node --test in the new project", () => {
  it("passes its three tests", async () => {
    const file = "test/package/examples/node-test.test.mjs";
    const example = readmeExample(file);
    // The README block is the kit's file, byte for byte (workshop-md.test.ts checks it too).
    expect(example).toBe(readFileSync(join(ROOT, file), "utf8"));
    writeFileSync(join(work, "token.test.mjs"), example);
    const result = await run(process.execPath, ["--test", "token.test.mjs"], work, 120_000);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/^# pass 3$/m);
    expect(result.stdout).toMatch(/^# fail 0$/m);
  }, 180_000);
});

describe("README.md's vitest and jest examples, in the new project", () => {
  beforeAll(async () => {
    const started = Date.now();
    const runners = RUNNERS.map(tested);
    const note = await install(runners);
    console.log(`package: ${runners.join(" and ")} installed ${note} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 600_000);

  /** The example, as README.md shows it, alone in a folder of the project, run by the project's own runner. */
  async function runExample(file: string, folder: string, runner: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
    mkdirSync(join(work, folder));
    writeFileSync(join(work, folder, "token.test.mjs"), readmeExample(file));
    const bin = JSON.parse(readFileSync(join(work, "node_modules", runner[0]!, "package.json"), "utf8")).bin;
    const entry = join(work, "node_modules", runner[0]!, typeof bin === "string" ? bin : bin[runner[0]!]);
    // Without this run's own VITEST* variables, which would tell the project's vitest it is a worker of ours.
    const own = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("VITEST") && name !== "FORCE_COLOR"));
    return run(process.execPath, [entry, ...runner.slice(1)], join(work, folder), 120_000, { env: { ...own, NO_COLOR: "1", ...env } });
  }

  it("vitest run passes its two tests", async () => {
    const result = await runExample("test/package/examples/vitest.test.mjs", "with-vitest", ["vitest", "run", "--root", "."]);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/Tests\s+\S*2 passed/);
  }, 180_000);

  it("jest (ES modules, --experimental-vm-modules) passes its two tests", async () => {
    const result = await runExample("test/package/examples/jest.test.mjs", "with-jest", ["jest", "--rootDir", "."], { NODE_OPTIONS: "--experimental-vm-modules" });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).toMatch(/Tests:\s+2 passed, 2 total/);
  }, 180_000);
});

describe("the installed bin (the HTTPS mock, compiled JavaScript)", () => {
  /** A throwaway certificate from the installed package, checked with node:crypto: key and certificate belong together. */
  async function throwaway(): Promise<{ certificatePem: string; privateKeyPem: string }> {
    const mod = (await import(pathToFileURL(join(installed, "dist", "mock-aad", "index.js")).href)) as {
      createThrowawayCertificate(): { certificatePem: string; privateKeyPem: string; thumbprintSha256: string };
    };
    const made = mod.createThrowawayCertificate();
    const x = new X509Certificate(made.certificatePem);
    expect(x.checkPrivateKey(createPrivateKey(made.privateKeyPem))).toBe(true);
    expect(made.thumbprintSha256).toBe(x.fingerprint256.replaceAll(":", ""));
    return made;
  }

  /** A client assertion written out with node:crypto (RS256, x5t#S256), independently of the package. */
  function assertion(certificatePem: string, privateKeyPem: string, clientId: string, audience: string): string {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const der = new X509Certificate(certificatePem).raw;
    const now = Math.floor(Date.now() / 1000);
    const input = `${b64({ alg: "RS256", typ: "JWT", "x5t#S256": createHash("sha256").update(der).digest("base64url") })}.${b64({ aud: audience, iss: clientId, sub: clientId, jti: randomUUID(), nbf: now, exp: now + 600 })}`;
    return `${input}.${sign("sha256", Buffer.from(input), privateKeyPem).toString("base64url")}`;
  }

  function post(url: string, ca: string, form: Record<string, string>): Promise<{ status: number; body: any }> {
    return new Promise((done, fail) => {
      const body = new URLSearchParams(form).toString();
      const target = new URL(url);
      expect(target.hostname).toBe("127.0.0.1");
      const req = request(target, { method: "POST", ca, headers: { "content-type": "application/x-www-form-urlencoded" }, timeout: 10_000 }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => done({ status: res.statusCode!, body: JSON.parse(text) }));
      });
      req.on("timeout", () => req.destroy(new Error("no answer within 10 s")));
      req.on("error", fail);
      req.end(body);
    });
  }

  /** README.md's openssl line, run in the project (the newcomer's certificate); without openssl, a throwaway under the same names. */
  async function readmeCertificate(): Promise<{ certFile: string; keyFile: string; how: string }> {
    const line = readmeShellLines("Your own certificate, tenant and app").find((l) => l.startsWith("openssl req "))!;
    const args = line.match(/"[^"]*"|\S+/g)!.map((w) => w.replace(/^"|"$/g, "")).slice(1);
    const certFile = args[args.indexOf("-out") + 1]!;
    const keyFile = args[args.indexOf("-keyout") + 1]!;
    let how = "README.md's openssl line";
    try {
      execFileSync("openssl", args, { cwd: work, stdio: "pipe" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      const made = await throwaway();
      writeFileSync(join(work, certFile), made.certificatePem);
      writeFileSync(join(work, keyFile), made.privateKeyPem, { mode: 0o600 });
      how = "a throwaway certificate (no openssl on PATH)";
    }
    // What README.md says of it, checked with node:crypto: the key is PKCS#8 and belongs to the certificate.
    const keyPem = readFileSync(join(work, keyFile), "utf8");
    expect(pemDecode(keyPem).map((b) => b.label)).toEqual(["PRIVATE KEY"]); // PKCS#8
    expect(new X509Certificate(readFileSync(join(work, certFile))).checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    return { certFile, keyFile, how };
  }

  /** The installed bin, started in the project as npx starts it. */
  function startBin(args: string[]): ChildProcess {
    // What npx runs: the .bin link (a symlink to the compiled file) on Linux and macOS; on Windows
    // .bin holds shell shims, so the file the package's "bin" names.
    const entry = process.platform === "win32" ? join(installed, kit.bin["entra-mock-aad"]!) : join(work, "node_modules", ".bin", "entra-mock-aad");
    const child = spawn(process.execPath, [entry, ...args], { cwd: work, stdio: ["ignore", "pipe", "pipe"] });
    running.push(child);
    return child;
  }

  /** stdout up to the first `until`, or a clear failure when the bin prints nothing within 60 s or exits. */
  function readUntil(child: ChildProcess, until: string, stderr: () => string): Promise<string> {
    return new Promise<string>((done, fail) => {
      let out = "";
      const timer = setTimeout(() => fail(new Error(`the bin printed no ${JSON.stringify(until)} within 60 s:\n${out}\n${stderr()}`)), 60_000);
      child.stdout!.setEncoding("utf8").on("data", (t: string) => {
        out += t;
        if (out.includes(until)) {
          clearTimeout(timer);
          done(out.slice(0, out.indexOf(until)));
        }
      });
      child.once("exit", (code) => fail(new Error(`the bin exited with ${code}:\n${out}\n${stderr()}`)));
    });
  }

  /** Stops it by the pid it printed (here the spawned process itself: node runs the bin's file directly). */
  async function stop(child: ChildProcess, pid: number): Promise<void> {
    expect(pid).toBe(child.pid);
    const exited = new Promise((done) => child.once("exit", done));
    process.kill(pid, "SIGTERM");
    await exited;
  }

  const running: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of running) {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("README.md's first bin line: the startup text names the user's --cert and --key, and no kit command", async () => {
    const { certFile, keyFile, how } = await readmeCertificate();
    console.log(`package: the bin's certificate: ${how}`);
    const line = readmeShellLines("The HTTPS mock, for other clients")[0]!;
    expect(line).toBe(`npx entra-mock-aad --port 0 --cert ${certFile} --key ${keyFile}`);
    const child = startBin([...line.split(/\s+/).slice(2), "--no-color"]);
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    const text = await readUntil(child, "\nRequests\n", () => stderr);
    const here = realpathSync(work);
    const read = text.slice(text.indexOf("\nThe snippets read"), text.indexOf("\nmsal-node\n"));
    expect(read).toContain(`  certificate    ${join(here, certFile)}\n`);
    expect(read).toContain(`  private key    ${join(here, keyFile)}\n`);
    expect(read).toContain("  assertion      <client-assertion.jwt>  ");
    expect(text).toContain(`readFileSync(${JSON.stringify(join(here, keyFile).split("\\").join("/"))}, "utf8")`);
    expect(text).not.toMatch(/npm run|private-key\.pem/);
    const pid = Number(/listening on https:\/\/127\.0\.0\.1:\d+ {2}\(pid (\d+): Ctrl-C or kill \1 stops it\)/.exec(text)?.[1]);
    await stop(child, pid);
  }, 120_000);

  it("starts with --port 0, reads relative paths from the caller's folder, and gives tokens over HTTPS", async () => {
    const { certFile, keyFile } = await readmeCertificate();
    const mine = { certificatePem: readFileSync(join(work, certFile), "utf8"), privateKeyPem: readFileSync(join(work, keyFile), "utf8") };
    const stranger = await throwaway();
    // README.md's --config example, as a reader copies it (its certificate path, the openssl line's, is relative to the file).
    const config = JSON.parse(readmeExample("test/package/examples/registry.json")) as {
      tenants: Array<{ id: string }>;
      applications: Array<{ appId: string; tenantId: string; keyCredentials: string[] }>;
    };
    expect(config.applications[0]!.keyCredentials).toEqual([certFile]);
    writeFileSync(join(work, "registry.json"), JSON.stringify(config));

    const bin = startBin(["--port", "0", "--cert", certFile, "--key", keyFile, "--config", "registry.json", "--json"]);
    let stderr = "";
    bin.stderr!.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    const line = await readUntil(bin, "\n", () => stderr);
    const started = JSON.parse(line) as { url: string; caPath: string; tokenEndpoint: string; clientId: string; tenant: string; pid: number };
    // The CA is under the caller's folder (the default --out, .workshop, resolved from there; real
    // paths, as macOS's temp folder is a symlink).
    expect(relative(realpathSync(work), realpathSync(started.caPath))).toBe(join(".workshop", "mock-aad", "ca.pem"));
    const ca = readFileSync(started.caPath, "utf8");

    const scope = "https://graph.microsoft.com/.default";
    const form = (clientId: string, jwt: string) => ({
      client_id: clientId,
      scope,
      grant_type: "client_credentials",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: jwt,
    });
    const claims = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));

    // The demo app, with the certificate given by --cert my.pem.
    const ok = await post(started.tokenEndpoint, ca, form(started.clientId, assertion(mine.certificatePem, mine.privateKeyPem, started.clientId, started.tokenEndpoint)));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(claims(ok.body.access_token)).toMatchObject({ appid: started.clientId, tid: started.tenant });

    // The app the --config file registers, in its own tenant.
    const app = config.applications[0]!;
    const contosoEndpoint = `${started.url}/${app.tenantId}/oauth2/v2.0/token`;
    const own = await post(contosoEndpoint, ca, form(app.appId, assertion(mine.certificatePem, mine.privateKeyPem, app.appId, contosoEndpoint)));
    expect(own.status, JSON.stringify(own.body)).toBe(200);
    expect(claims(own.body.access_token)).toMatchObject({ appid: app.appId, tid: app.tenantId, roles: ["User.Read.All"] });

    // A certificate nobody registered.
    const refused = await post(started.tokenEndpoint, ca, form(started.clientId, assertion(stranger.certificatePem, stranger.privateKeyPem, started.clientId, started.tokenEndpoint)));
    expect(refused.status).toBe(401);
    expect(refused.body.error_codes).toEqual([700027]);
    expect(stderr).not.toMatch(/deprecated/);
    await stop(bin, started.pid);
  }, 120_000);
});
