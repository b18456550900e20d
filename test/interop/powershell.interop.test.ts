/**
 * PowerShell 7 (pwsh) runs the kit's PowerShell snippets: the "The same in PowerShell" lines of
 * steps 1–8, the lab's and the doctor's PowerShell fixes, and the mock's startup text.
 *
 *   - A snippet that computes a value runs on the kit's own --fixed files and must give the kit's
 *     bytes (thumbprints, base64url, SHA-256, the RS256 signature, the assembled JWT).
 *   - A snippet that talks to Entra runs against the mock (`mock-aad/server/cli.ts --port 0`, its startup
 *     text captured), trusting the mock's CA the way the snippet's Windows line does, in the .NET
 *     CurrentUser\Root store (under a temporary HOME on Linux), not by skipping the check.
 *   - Windows-only lines (New-SelfSignedCertificate, the Cert:\ drive, Import-Certificate) cannot run
 *     here: their equivalent with the PFX runs instead, and the texts must say they are Windows-only.
 *   - Every snippet must parse, use nothing Windows PowerShell 5.1 lacks unless it says PowerShell 7,
 *     and read only variables that an earlier snippet sets.
 *
 * Skips visibly when pwsh is not installed (PATH, ~/.dotnet/tools/pwsh).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { constants, createPublicKey, verify, X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnvironment, findTool, runChild, skipNote } from "./harness.ts";
import {
  DEMO_CLIENT_ID,
  DEMO_TENANT_ID,
  doctorSnippets,
  KIT_CLI,
  KIT_PFX_PASSWORD,
  labSnippets,
  MOCK_CLI,
  mockStartupSnippets,
  ROOT,
  startupSnippets,
  stepSnippets,
  TSX,
  type Snippet,
} from "./powershell-snippets.ts";

const PWSH = findTool("pwsh", ["~/.dotnet/tools/pwsh", "/opt/microsoft/powershell/7/pwsh", "/usr/local/bin/pwsh"]);
if (!PWSH) skipNote("PowerShell 7 (pwsh)", "pwsh is not installed (dotnet tool install --global PowerShell --version 7.6.9)");

const PS_TIMEOUT_MS = 60_000;
const KIT_TIMEOUT_MS = 120_000;

// ── What Windows PowerShell 5.1 lacks, and what only Windows has ────────────────────────────────

/** Constructs of PowerShell 7 / .NET Core that Windows PowerShell 5.1 (.NET Framework 4.x) does not have. */
export const PS7_ONLY: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /-SkipCertificateCheck\b/i, what: "-SkipCertificateCheck (Invoke-RestMethod/-WebRequest, PowerShell 6+)" },
  { pattern: /-AsHashtable\b/i, what: "ConvertFrom-Json -AsHashtable (PowerShell 6+)" },
  { pattern: /\[Convert\]::(To|From)HexString/i, what: "[Convert]::ToHexString (.NET 5+)" },
  { pattern: /\.ImportFromPem\(|::CreateFromPem|X509CertificateLoader/i, what: "PEM import (.NET 5+ / .NET 9+)" },
  { pattern: /GetCertHash\(\s*[^)\s]/i, what: "X509Certificate.GetCertHash(HashAlgorithmName) (.NET Core 3.0+)" },
  { pattern: /GetCertHashString\(\s*[^)\s]/i, what: "GetCertHashString(HashAlgorithmName) (.NET Core 3.0+)" },
  { pattern: /-Encoding\s+(utf8BOM|utf8NoBOM)\b/i, what: "-Encoding utf8BOM/utf8NoBOM (PowerShell 6+)" },
  { pattern: /-AsByteStream\b/i, what: "-AsByteStream (PowerShell 6+; 5.1 has -Encoding Byte)" },
  { pattern: /\s(&&|\|\|)\s/, what: "pipeline chain operators && || (PowerShell 7)" },
  { pattern: /\?\?=?|\?\.\w/, what: "null-coalescing / null-conditional operators (PowerShell 7)" },
  { pattern: /ForEach-Object\s+-Parallel/i, what: "ForEach-Object -Parallel (PowerShell 7)" },
  { pattern: /\bJoin-String\b|\bTest-Json\b|\bGet-Error\b/i, what: "a cmdlet new in PowerShell 6/7" },
  { pattern: /\[System\.Text\.Json|\[Text\.Json/i, what: "System.Text.Json (not in .NET Framework)" },
];

/** Lines that only run on Windows: the PKI module, the Cert:\ drive, w32tm. */
export const WINDOWS_ONLY: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /\bNew-SelfSignedCertificate\b/i, what: "New-SelfSignedCertificate (PKI module)" },
  { pattern: /\bImport-Certificate\b|\bExport-Certificate\b|\bExport-PfxCertificate\b|\bImport-PfxCertificate\b/i, what: "PKI module certificate cmdlets" },
  { pattern: /\bCert:\\/i, what: "the Cert:\\ drive" },
  { pattern: /\bw32tm\b/i, what: "w32tm" },
];

/** `aud = "…"`, `iss = $ClientId; sub = $ClientId`: an entry of a hashtable literal, not a statement. */
const HASHTABLE_ENTRY = /^[a-z_][a-z0-9_]* = /i;

function mentions(snippet: Snippet, word: RegExp): boolean {
  return word.test(snippet.label) || snippet.lines.some((l) => /#.*/.test(l) && word.test(l.slice(l.indexOf("#"))));
}

// ── Running pwsh ─────────────────────────────────────────────────────────────────────────────────

/** A PowerShell string literal (single quotes; ' doubled). */
function q(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The Linux stand-in for step 1's New-SelfSignedCertificate (and the Cert:\ look-ups): the PFX the kit wrote. */
function certFromPfx(pfx: string, password = KIT_PFX_PASSWORD): string {
  return `$cert = [Security.Cryptography.X509Certificates.X509Certificate2]::new(${q(pfx)}, ${q(password)}, 'Exportable')`;
}

/** The Linux stand-in for `Import-Certificate … -CertStoreLocation Cert:\CurrentUser\Root`: the same .NET store. */
function trustCa(caPath: string): string {
  return [
    `$store = [Security.Cryptography.X509Certificates.X509Store]::new('Root', 'CurrentUser')`,
    `$store.Open('ReadWrite'); $store.Add([Security.Cryptography.X509Certificates.X509Certificate2]::new(${q(caPath)})); $store.Close()`,
  ].join("\n");
}

interface Kit {
  /** --all --fixed: the published demo key on the fixed clock. */
  fixed: { dir: string; output: string };
  /** --all --fixed --alg PS256. */
  pss: { dir: string; output: string };
  /** --all on the real clock: a fresh assertion the running mock accepts. */
  live: { dir: string; output: string };
}

interface RunningMock {
  url: string;
  text: string;
  child: ChildProcess;
}

describe.skipIf(!PWSH)("PowerShell 7 runs the kit's PowerShell snippets", () => {
  let work = "";
  let home = "";
  let kit: Kit;
  let mock: RunningMock | undefined;
  let labResults: Record<string, { ok: boolean; value?: unknown; error?: string }> = {};

  /** Runs a script in pwsh: strict errors, plain text, its own HOME (the .NET certificate stores live there). */
  async function ps(script: string, env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const file = join(work, `script-${Math.random().toString(36).slice(2)}.ps1`);
    const prologue = "$ErrorActionPreference = 'Stop'\n$ProgressPreference = 'SilentlyContinue'\n$PSStyle.OutputRendering = 'PlainText'\n";
    writeFileSync(file, prologue + script + "\n");
    return runChild(PWSH!, ["-NoLogo", "-NoProfile", "-NonInteractive", "-File", file], {
      cwd: work,
      timeoutMs: PS_TIMEOUT_MS,
      env: { HOME: home, POWERSHELL_TELEMETRY_OPTOUT: "1", POWERSHELL_UPDATECHECK: "Off", DOTNET_CLI_TELEMETRY_OPTOUT: "1", SSL_CERT_FILE: undefined, SSL_CERT_DIR: undefined, NO_COLOR: "1", ...env },
    });
  }

  /** Runs a script whose last output line is JSON (ConvertTo-Json -Compress), and parses it. */
  async function psJson<T = Record<string, unknown>>(script: string, env?: Record<string, string | undefined>): Promise<T> {
    const r = await ps(script, env);
    const last = r.stdout.trim().split("\n").pop() ?? "";
    if (r.code !== 0) throw new Error(`pwsh exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
    try {
      return JSON.parse(last) as T;
    } catch {
      throw new Error(`pwsh printed no JSON:\n${r.stdout}\n${r.stderr}`);
    }
  }

  async function runKit(args: string[]): Promise<string> {
    const r = await runChild(process.execPath, [TSX, KIT_CLI, ...args, "--no-color"], { cwd: ROOT, timeoutMs: KIT_TIMEOUT_MS, env: { NO_COLOR: "1", FORCE_COLOR: undefined } });
    if (r.code !== 0) throw new Error(`the kit failed: ${args.join(" ")}\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  /** `npm run mock-aad -- --port 0 --out DIR`, until it has printed its startup text. */
  function startMockCli(out: string): Promise<RunningMock> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [TSX, MOCK_CLI, "--port", "0", "--out", out], {
        cwd: ROOT,
        env: childEnvironment({ NO_COLOR: "1", FORCE_COLOR: undefined }),
        stdio: ["ignore", "pipe", "pipe"],
        detached: true, // its own process group: stopMock ends it and anything it started
      });
      const running: RunningMock = { url: "", text: "", child };
      let errors = "";
      const timer = setTimeout(() => {
        void stopMock(running);
        fail(new Error(`the mock did not start in 30 s:\n${running.text}\n${errors}`));
      }, 30_000);
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        running.text += chunk; // the request log keeps coming after the startup text
        const url = /listening on (https:\/\/\S+)/.exec(running.text)?.[1];
        if (url && !running.url && /\nRequests\n/.test(running.text)) {
          clearTimeout(timer);
          running.url = url;
          done(running);
        }
      });
      child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (errors += chunk));
      child.on("exit", (code) => {
        clearTimeout(timer);
        fail(new Error(`the mock exited (${code}):\n${running.text}\n${errors}`));
      });
    });
  }

  function stopMock(m: RunningMock | undefined): Promise<void> {
    if (!m || m.child.exitCode !== null || m.child.pid === undefined) return Promise.resolve();
    const pid = m.child.pid;
    return new Promise((done) => {
      const kill = setTimeout(() => {
        try {
          process.kill(-pid, "SIGKILL");
        } catch {
          // gone
        }
        done();
      }, 5_000);
      m.child.once("exit", () => {
        clearTimeout(kill);
        done();
      });
      try {
        process.kill(-pid, "SIGTERM");
      } catch {
        clearTimeout(kill);
        done();
      }
    });
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "interop-pwsh-"));
    home = join(work, "home");
    mkdirSync(home);
    const dirs = { fixed: join(work, "fixed"), pss: join(work, "pss"), live: join(work, "live") };
    const [fixed, pss, live] = await Promise.all([
      runKit(["--all", "--fixed", "--out", dirs.fixed]),
      runKit(["--all", "--fixed", "--alg", "PS256", "--out", dirs.pss]),
      runKit(["--all", "--out", dirs.live]),
    ]);
    kit = { fixed: { dir: dirs.fixed, output: fixed }, pss: { dir: dirs.pss, output: pss }, live: { dir: dirs.live, output: live } };
    mock = await startMockCli(dirs.live);
  }, 240_000);

  afterAll(async () => {
    await stopMock(mock);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const step = (output: string, n: number): Snippet => {
    const found = stepSnippets(output).find((s) => s.source === `step ${n}`);
    if (!found) throw new Error(`step ${n} printed no PowerShell snippet`);
    return found;
  };
  const code = (s: Snippet) => s.lines.join("\n");
  const fixedFile = (name: string) => readFileSync(join(kit.fixed.dir, name));
  const thumbprints = () => JSON.parse(fixedFile("thumbprints.json").toString("utf8")) as Record<string, string>;
  const startup = () => {
    const found = startupSnippets(mock!.text);
    const block = found.find((s) => s.source.includes("block"));
    const env = found.find((s) => s.source.includes("trust"));
    if (!block || !env) throw new Error(`the mock printed no PowerShell snippets:\n${mock!.text}`);
    return { block, env };
  };
  const allSnippets = (): Snippet[] => [
    ...stepSnippets(kit.fixed.output),
    ...stepSnippets(kit.pss.output).filter((s) => s.source === "step 3" || s.source === "step 5"),
    ...startupSnippets(mock!.text),
    ...labSnippets(),
    ...doctorSnippets(),
  ];

  // ── Every snippet: syntax, PowerShell 5.1, Windows-only lines, variables ───────────────────

  it("finds the snippets: steps 1–6 and 8, the mock's startup text, the lab's and the doctor's fixes", () => {
    expect(stepSnippets(kit.fixed.output).map((s) => s.source)).toEqual(["step 1", "step 2", "step 3", "step 4", "step 5", "step 6", "step 7", "step 8"]);
    expect(startupSnippets(mock!.text).map((s) => s.source)).toEqual(["mock startup (trust the local CA)", "mock startup (PowerShell block)"]);
    expect(labSnippets().length).toBeGreaterThan(20);
    expect(doctorSnippets().length).toBeGreaterThan(2);
    const summary = allSnippets().map((s) => `${s.source} [${s.label}]`);
    console.log(`interop pwsh: ${summary.length} snippets: ${summary.join("; ")}`);
  });

  it("the mock's printed PowerShell block is the one snippets() makes", () => {
    const { block } = startup();
    const url = mock!.url;
    const assertion = join(kit.live.dir, "client-assertion.jwt");
    const made = mockStartupSnippets({
      url,
      tenant: DEMO_TENANT_ID,
      clientId: DEMO_CLIENT_ID,
      caPath: join(kit.live.dir, "mock-aad", "ca.pem"),
      caPathAbsolute: join(kit.live.dir, "mock-aad", "ca.pem"),
      certPemPath: join(kit.live.dir, "cert.pem"),
      privateKeyPath: join(kit.live.dir, "private-key.pem"),
      assertionPath: assertion,
      caThumbprint: /Root\\([0-9A-F]{40})/.exec(code(block))?.[1] ?? "",
    }).powershell;
    expect(code(block)).toBe(made.trimEnd());
  });

  it("every snippet parses in PowerShell 7", async () => {
    const snippets = allSnippets();
    const input = join(work, "snippets.json");
    // A lab fix like `aud = "…"` or `jti = [guid]::NewGuid()` is an entry of the claims' @{ }: parse it there.
    const asCode = (s: Snippet) => (HASHTABLE_ENTRY.test(s.lines[0]!) ? `@{\n${code(s)}\n}` : code(s));
    writeFileSync(input, JSON.stringify(snippets.map(asCode)));
    const errors = await psJson<string[] | string>(`
      $out = @()
      $i = 0
      foreach ($text in (Get-Content ${q(input)} -Raw | ConvertFrom-Json)) {
        $tokens = $null; $errs = $null
        [void][System.Management.Automation.Language.Parser]::ParseInput($text, [ref]$tokens, [ref]$errs)
        foreach ($e in $errs) { $out += "#$i $($e.Message)" }
        $i++
      }
      ConvertTo-Json -Compress -InputObject @($out)`);
    const named = ([] as string[]).concat(errors).map((e) => e.replace(/^#(\d+)/, (_, i: string) => snippets[Number(i)]!.source));
    expect(named).toEqual([]);
  });

  it("no snippet uses what Windows PowerShell 5.1 lacks unless it says PowerShell 7", () => {
    const offenders: string[] = [];
    for (const s of allSnippets()) {
      for (const line of s.lines) {
        const codePart = line.replace(/#.*$/, "");
        for (const { pattern, what } of PS7_ONLY) {
          if (pattern.test(codePart) && !mentions(s, /PowerShell 7|PowerShell [67]\+|pwsh/i)) offenders.push(`${s.source} [${s.label}]: ${what}: ${line.trim()}`);
        }
      }
    }
    console.log(`interop pwsh: needs PowerShell 7, not labelled: ${offenders.length ? offenders.join(" | ") : "none"}`);
    expect(offenders).toEqual([]);
  });

  it("Windows-only lines say Windows (the equivalents with the PFX run below)", () => {
    const unlabelled: string[] = [];
    const all: string[] = [];
    for (const s of allSnippets()) {
      for (const line of s.lines) {
        const hit = WINDOWS_ONLY.find(({ pattern }) => pattern.test(line.replace(/#.*$/, "")));
        if (!hit) continue;
        all.push(`${s.source}: ${line.trim()}`);
        if (!mentions(s, /Windows/i)) unlabelled.push(`${s.source} [${s.label}]: ${hit.what}`);
      }
    }
    console.log(`interop pwsh: Windows-only lines: ${all.join(" | ")}`);
    expect(unlabelled).toEqual([]);
  });

  it("every variable the steps' snippets read is set by an earlier snippet (steps 1–6, the mock's block, step 8)", async () => {
    // The order a learner pastes them in: steps 1–6 make the assertion, the mock's block sends it, step 8 calls the API.
    const steps = stepSnippets(kit.live.output);
    const sequence = [...steps.filter((s) => s.source !== "step 8"), startup().block, ...steps.filter((s) => s.source === "step 8")];
    const input = join(work, "sequence.json");
    writeFileSync(input, JSON.stringify(sequence.map(code)));
    const perSnippet = await psJson<{ reads: string[]; assigns: string[] }[]>(`
      $automatic = 'true','false','null','_','PSItem','args','this','input','PSScriptRoot','PSVersionTable','HOME','PWD','Matches','LASTEXITCODE','env'
      $result = foreach ($text in (Get-Content ${q(input)} -Raw | ConvertFrom-Json)) {
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($text, [ref]$null, [ref]$null)
        $params = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.ParameterAst] }, $true) | ForEach-Object { $_.Name.VariablePath.UserPath })
        $vars = $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.VariableExpressionAst] }, $true)
        $assigns = @(); $reads = @()
        foreach ($v in $vars) {
          $name = $v.VariablePath.UserPath
          if ($v.VariablePath.DriveName) { continue }
          if ($v.Parent -is [System.Management.Automation.Language.AssignmentStatementAst] -and $v.Parent.Left -eq $v) { $assigns += $name }
          elseif ($v.Parent -is [System.Management.Automation.Language.ParameterAst]) { }
          elseif ($automatic -notcontains $name -and $params -notcontains $name -and $assigns -notcontains $name) { $reads += $name }
        }
        [pscustomobject]@{ reads = @($reads | Select-Object -Unique); assigns = @($assigns | Select-Object -Unique) }
      }
      ConvertTo-Json -Compress -Depth 4 -InputObject @($result)`);
    const set = new Set<string>();
    const unset: string[] = [];
    perSnippet.forEach((s, i) => {
      for (const name of s.reads) if (!set.has(name.toLowerCase())) unset.push(`${sequence[i]!.source} reads $${name}`);
      for (const name of s.assigns) set.add(name.toLowerCase());
    });
    console.log(`interop pwsh: variables no snippet sets: ${unset.join(" | ") || "none"}`);
    expect(unset).toEqual([]);
  });

  // ── Steps 1–6 on the kit's --fixed files: byte for byte ─────────────────────────────────────

  it("step 1 (Windows-only New-SelfSignedCertificate): the PFX has what the snippet asks for, and exports the kit's cert.cer", async () => {
    const s = code(step(kit.fixed.output, 1));
    const subject = /-Subject "([^"]+)"/.exec(s)?.[1];
    const bits = Number(/-KeyLength (\d+)/.exec(s)?.[1]);
    const years = Number(/AddYears\((\d+)\)/.exec(s)?.[1]);
    expect(s).toMatch(/-HashAlgorithm SHA256/);
    const r = await psJson(`${certFromPfx(join(kit.fixed.dir, "cert.pfx"))}
      [pscustomobject]@{
        subject = $cert.Subject; bits = $cert.PublicKey.GetRSAPublicKey().KeySize; sigAlg = $cert.SignatureAlgorithm.Value
        years = $cert.NotAfter.Year - $cert.NotBefore.Year; der = [Convert]::ToBase64String($cert.Export('Cert')); hasKey = $cert.HasPrivateKey
      } | ConvertTo-Json -Compress`);
    expect(r).toMatchObject({ subject, bits, years, sigAlg: "1.2.840.113549.1.1.11", hasKey: true });
    // Export-Certificate -Type CERT (the default) writes the DER: the kit's cert.cer.
    expect(Buffer.from(r.der as string, "base64").equals(fixedFile("cert.cer"))).toBe(true);
  });

  it("step 2: Thumbprint, x5t and x5t#S256 equal the kit's thumbprints.json", async () => {
    const r = await psJson(`${certFromPfx(join(kit.fixed.dir, "cert.pfx"))}
      $shown = @(. {
${code(step(kit.fixed.output, 2))}
})
      [pscustomobject]@{ thumbprint = [string]$shown[0]; x5t = $x5t; x5tS256 = $x5tS256 } | ConvertTo-Json -Compress`);
    const t = thumbprints();
    expect(r).toEqual({ thumbprint: t.sha1, x5t: t.x5t, x5tS256: t["x5t#S256"] });
  });

  it("step 2 for Windows PowerShell 5.1: SHA256.ComputeHash($cert.RawData) gives the same x5t#S256", async () => {
    const r = await psJson(`${certFromPfx(join(kit.fixed.dir, "cert.pfx"))}
      $x5tS256 = [Convert]::ToBase64String([Security.Cryptography.SHA256]::Create().ComputeHash($cert.RawData)).TrimEnd('=').Replace('+','-').Replace('/','_')
      [pscustomobject]@{ x5tS256 = $x5tS256 } | ConvertTo-Json -Compress`);
    expect(r.x5tS256).toBe(thumbprints()["x5t#S256"]);
  });

  it("step 3: $b64url of the kit's header.json and payload.json bytes is the kit's signing input", async () => {
    const b64url = step(kit.fixed.output, 3).lines[0]!;
    expect(b64url).toMatch(/^\$b64url = \{/);
    const r = await psJson(`${b64url}
      # header.json and payload.json end with a newline that is not part of the signed JSON text
      $h = & $b64url ([Text.Encoding]::UTF8.GetBytes([IO.File]::ReadAllText(${q(join(kit.fixed.dir, "header.json"))}).TrimEnd("\`n")))
      $p = & $b64url ([Text.Encoding]::UTF8.GetBytes([IO.File]::ReadAllText(${q(join(kit.fixed.dir, "payload.json"))}).TrimEnd("\`n")))
      [pscustomobject]@{ signingInput = "$h.$p" } | ConvertTo-Json -Compress`);
    expect(r.signingInput).toBe(fixedFile("signing-input.txt").toString("ascii"));
  });

  for (const alg of ["RS256", "PS256"] as const) {
    it(`step 3 (${alg}): the header and claims it builds have the kit's values and JSON types`, async () => {
      const k = alg === "RS256" ? kit.fixed : kit.pss;
      const t = thumbprints();
      const r = await psJson<{ header: string; payload: string; signingInput: string }>(`
        $x5t = ${q(t.x5t!)}; $x5tS256 = ${q(t["x5t#S256"]!)}; $clientId = ${q(DEMO_CLIENT_ID)}
        ${code(step(k.output, 3))}
        [pscustomobject]@{ header = $header; payload = $payload; signingInput = $signingInput } | ConvertTo-Json -Compress`);
      const header = JSON.parse(r.header) as Record<string, unknown>;
      const payload = JSON.parse(r.payload) as Record<string, unknown>;
      const kitHeader = JSON.parse(readFileSync(join(k.dir, "header.json"), "utf8")) as Record<string, unknown>;
      const kitPayload = JSON.parse(readFileSync(join(k.dir, "payload.json"), "utf8")) as Record<string, unknown>;
      expect(header).toEqual(kitHeader); // the same members and values, in PowerShell's order
      expect(Object.keys(payload).sort()).toEqual(Object.keys(kitPayload).sort());
      expect(payload).toMatchObject({ aud: kitPayload.aud, iss: DEMO_CLIENT_ID, sub: DEMO_CLIENT_ID });
      for (const name of ["nbf", "iat", "exp"]) expect(typeof payload[name], `${name} is a JSON number`).toBe("number");
      expect((payload.exp as number) - (payload.nbf as number)).toBe((kitPayload.exp as number) - (kitPayload.nbf as number));
      expect(payload.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const [h, p] = r.signingInput.split(".");
      expect(Buffer.from(h!, "base64url").toString("utf8")).toBe(r.header);
      expect(Buffer.from(p!, "base64url").toString("utf8")).toBe(r.payload);
      expect(r.signingInput).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    });
  }

  it("step 4: the SHA-256 of the kit's signing input equals signing-input.sha256", async () => {
    const r = await psJson(`$signingInput = [IO.File]::ReadAllText(${q(join(kit.fixed.dir, "signing-input.txt"))})
      ${code(step(kit.fixed.output, 4))}
      [pscustomobject]@{ hex = -join ($hash | ForEach-Object { $_.ToString('x2') }) } | ConvertTo-Json -Compress`);
    expect(r.hex).toBe(fixedFile("signing-input.sha256").toString("ascii").trim().split(/\s+/)[0]);
  });

  it("step 5 (RS256): the signature is the kit's signature.bin, byte for byte", async () => {
    const r = await psJson(`${certFromPfx(join(kit.fixed.dir, "cert.pfx"))}
      $signingInput = [IO.File]::ReadAllText(${q(join(kit.fixed.dir, "signing-input.txt"))})
      ${code(step(kit.fixed.output, 5))}
      [pscustomobject]@{ sig = [Convert]::ToBase64String($sig) } | ConvertTo-Json -Compress`);
    expect(Buffer.from(r.sig as string, "base64").equals(fixedFile("signature.bin"))).toBe(true);
  });

  it("step 5 (PS256): the PSS signature verifies with a 32-byte salt, and .NET verifies the kit's", async () => {
    const dir = kit.pss.dir;
    const r = await psJson(`${certFromPfx(join(dir, "cert.pfx"))}
      $signingInput = [IO.File]::ReadAllText(${q(join(dir, "signing-input.txt"))})
      ${code(step(kit.pss.output, 5))}
      $kitSig = [IO.File]::ReadAllBytes(${q(join(dir, "signature.bin"))})
      $kitOk = $cert.PublicKey.GetRSAPublicKey().VerifyData([Text.Encoding]::ASCII.GetBytes($signingInput), $kitSig, 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pss)
      [pscustomobject]@{ sig = [Convert]::ToBase64String($sig); kitOk = $kitOk } | ConvertTo-Json -Compress`);
    const key = createPublicKey(new X509Certificate(readFileSync(join(dir, "cert.cer"))).publicKey.export({ type: "spki", format: "pem" }));
    const data = readFileSync(join(dir, "signing-input.txt"));
    const ok = verify("sha256", data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, Buffer.from(r.sig as string, "base64"));
    expect(ok, "pwsh's PSS signature verifies with saltLength 32 (what Entra and the mock require)").toBe(true);
    expect(r.kitOk).toBe(true);
  });

  it("step 6: $signingInput + '.' + (& $b64url $sig) is the kit's client-assertion.jwt", async () => {
    const r = await psJson(`${certFromPfx(join(kit.fixed.dir, "cert.pfx"))}
      ${step(kit.fixed.output, 3).lines[0]}
      $signingInput = [IO.File]::ReadAllText(${q(join(kit.fixed.dir, "signing-input.txt"))})
      ${code(step(kit.fixed.output, 5))}
      ${code(step(kit.fixed.output, 6))}
      [pscustomobject]@{ jwt = $clientAssertion } | ConvertTo-Json -Compress`);
    expect(r.jwt).toBe(fixedFile("client-assertion.jwt").toString("ascii").trim());
  });

  // ── Against the running mock ────────────────────────────────────────────────────────────────

  it("mock startup: $env:NODE_EXTRA_CA_CERTS = … lets node (msal-node's runtime) trust the mock; without it node refuses", async () => {
    const { env } = startup();
    const probe = `const u = new URL(${JSON.stringify(`${mock!.url}/${DEMO_TENANT_ID}/v2.0/.well-known/openid-configuration`)}); require("node:https").get(u, (r) => { let b = ""; r.on("data", (c) => (b += c)); r.on("end", () => console.log(JSON.parse(b).issuer)); }).on("error", (e) => { console.log("ERROR " + e.code); });`;
    const node = `& ${q(process.execPath)} -e ${q(probe)}`;
    const withLine = await ps(`${code(env)}\n${node}`, { NODE_EXTRA_CA_CERTS: undefined });
    const without = await ps(node, { NODE_EXTRA_CA_CERTS: undefined });
    expect(withLine.stdout.trim(), withLine.stderr).toBe(`${mock!.url}/${DEMO_TENANT_ID}/v2.0`);
    expect(without.stdout.trim()).toMatch(/^ERROR (SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
  });

  /** The block as printed, its Windows-only Import-Certificate line replaced by the same .NET store on Linux. */
  function startupBlockOnLinux(extra: { skipCheck?: boolean; trust?: boolean } = {}): string {
    const { block } = startup();
    const ca = join(kit.live.dir, "mock-aad", "ca.pem");
    return block.lines
      .map((l) => (/^Import-Certificate\b/.test(l) ? (extra.trust === false ? "# (no trust)" : trustCa(ca)) : l))
      .map((l) => (extra.skipCheck && /^(?:\$\w+ = )?Invoke-RestMethod\b/.test(l) ? `${l} -SkipCertificateCheck` : l))
      .join("\n");
  }

  function expectDemoToken(token: unknown): void {
    expect(token).toBeTypeOf("string");
    const claims = JSON.parse(Buffer.from(String(token).split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    expect(claims).toMatchObject({ appid: DEMO_CLIENT_ID, aud: "https://graph.microsoft.com", tid: DEMO_TENANT_ID });
  }

  it("mock startup block: with the CA in CurrentUser\\Root (the Import-Certificate line's store), Invoke-RestMethod gets a token", async () => {
    const r = await psJson(`$response = & {\n${startupBlockOnLinux()}\n}\n$response | ConvertTo-Json -Compress`);
    expect(r.token_type).toBe("Bearer");
    expectDemoToken(r.access_token);
  });

  it("mock startup block: with -SkipCertificateCheck instead (its PowerShell 7 comment) it also gets a token; with neither, TLS fails", async () => {
    // A HOME of their own: no CA in this CurrentUser\Root.
    const fresh = (name: string) => {
      const dir = join(work, name);
      mkdirSync(dir, { recursive: true });
      return { HOME: dir };
    };
    const skipped = await psJson(`$response = & {\n${startupBlockOnLinux({ trust: false, skipCheck: true })}\n}\n$response | ConvertTo-Json -Compress`, fresh("home-skip"));
    expectDemoToken(skipped.access_token);
    const refused = await ps(`& {\n${startupBlockOnLinux({ trust: false })}\n}`, fresh("home-refused"));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr + refused.stdout).toMatch(/SSL connection could not be established|certificate/i);
  });

  it("the whole flow in PowerShell: steps 2–6 make the assertion, the mock's block sends it, step 8 calls Graph", async () => {
    const steps = stepSnippets(kit.live.output);
    const get = (n: number) => code(steps.find((s) => s.source === `step ${n}`)!);
    const assertionPath = join(kit.live.dir, "client-assertion.jwt");
    // Step 8 prints the real Graph URL; the local mock serves Graph under /graph.
    const step8 = get(8).replace("https://graph.microsoft.com/", `${mock!.url}/graph/`);
    const script = [
      certFromPfx(join(kit.live.dir, "cert.pfx")), // step 1 on Linux
      `$clientId = ${q(DEMO_CLIENT_ID)}`, // set by no snippet (see the variables test)
      `$null = . {\n${get(2)}\n} # its first line prints the thumbprint`,
      get(3),
      get(4),
      get(5),
      get(6),
      `Set-Content -NoNewline -Path ${q(assertionPath)} -Value $clientAssertion # the file the mock's block reads`,
      `$response = & {\n${startupBlockOnLinux()}\n}`,
      `$token = $response.access_token # set by no snippet (see the variables test)`,
      `$app = ${step8}`,
      `[pscustomobject]@{ token = $token; appId = $app.appId; assertion = $clientAssertion } | ConvertTo-Json -Compress`,
    ].join("\n");
    const r = await psJson(script);
    expectDemoToken(r.token);
    expect(r.appId).toBe(DEMO_CLIENT_ID);
    expect(readFileSync(assertionPath, "ascii")).toBe(r.assertion); // Set-Content -NoNewline: no trailing newline
    expect(mock!.text).toMatch(/POST \/[0-9a-f-]+\/oauth2\/v2\.0\/token {2}200/);
  });

  it("step 7's snippet, sent to the mock instead of login.microsoftonline.com, gets a token for the assertion of step 6", async () => {
    const step7 = code(step(kit.live.output, 7))
      .replace(/https:\/\/login\.microsoftonline\.com\//g, `${mock!.url}/`)
      .split("\n")
      .map((l) => (/^\$response = Invoke-RestMethod\b/.test(l) ? `${l} -SkipCertificateCheck` : l)) // the local CA is trusted by the mock's block, not here
      .join("\n");
    const r = await psJson(`${step7}\n[pscustomobject]@{ token = $token } | ConvertTo-Json -Compress`);
    expectDemoToken(r.token);
  });

  // ── The lab's and the doctor's fixes ───────────────────────────────────────────────────────

  /** One check per lab scenario with a PowerShell fix: a script that leaves its result in $value. */
  const LAB_CHECKS: Record<string, { script: (side: "before" | "after", text: string) => string; expected: (side: "before" | "after") => unknown; note?: string }> = {};
  const fragment = (text: string) => `$now = 1768467600; $TenantId = ${q(DEMO_TENANT_ID)}; $TestTenantId = '11111111-2222-4333-8444-555555555555'; $ClientId = ${q(DEMO_CLIENT_ID)}; $DevClientId = '99999999-2222-4333-8444-555555555555'; $ServicePrincipalObjectId = '7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f'
    $h = @{\n${text}\n}`;
  const aud = (tenant: string, v: "v1" | "v2" = "v2") => `https://login.microsoftonline.com/${tenant}/oauth2/${v === "v2" ? "v2.0/" : ""}token`;

  function defineLabChecks(): void {
    const fixedPfx = join(kit.fixed.dir, "cert.pfx");
    const t = thumbprints();
    const x5tCheck = (before: unknown) => ({ script: (_: string, text: string) => `${certFromPfx(fixedPfx)}\n${text}\n$value = $x5t`, expected: (side: string) => (side === "after" ? t.x5t : before) });
    LAB_CHECKS["x5t-hex-text"] = x5tCheck(Buffer.from(t.sha1!, "ascii").toString("base64url"));
    LAB_CHECKS["x5t-standard-base64"] = x5tCheck(Buffer.from(t.sha1!, "hex").toString("base64"));
    LAB_CHECKS["x5t-padded"] = x5tCheck(Buffer.from(t.sha1!, "hex").toString("base64").replace(/\+/g, "-").replace(/\//g, "_"));
    LAB_CHECKS["sha1-in-x5t-s256"] = { script: (_, text) => `${certFromPfx(fixedPfx)}\n${text}\n$value = $x5tS256`, expected: (side) => (side === "after" ? t["x5t#S256"] : t.x5t) };
    LAB_CHECKS["x5t-other-certificate"] = {
      note: "Windows-only (Cert:\\ drive); ran the same look-up in the .NET CurrentUser\\My store",
      script: () => `${certFromPfx(fixedPfx)}
        $my = [Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser'); $my.Open('ReadWrite'); $my.Add($cert)
        $Thumbprint = ${q(t.sha1!)}
        $value = $my.Certificates.Find('FindByThumbprint', $Thumbprint, $false)[0].Thumbprint; $my.Close()`,
      expected: () => t.sha1,
    };
    LAB_CHECKS["key-mismatch"] = {
      script: (side, text) =>
        side === "after"
          ? `${certFromPfx(fixedPfx)}\n${text}\n$d = [Text.Encoding]::ASCII.GetBytes('x'); $value = $cert.PublicKey.GetRSAPublicKey().VerifyData($d, $rsa.SignData($d, 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1), 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)`
          : `Copy-Item ${q(join(kit.fixed.dir, "private-key.pem"))} old-key.pem\n${text}\n$value = $rsa.KeySize`,
      expected: (side) => (side === "after" ? true : 2048),
    };
    LAB_CHECKS["ps256-with-pkcs1-signature"] = {
      script: (_, text) => `${certFromPfx(fixedPfx)}\n$rsa = [Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($cert)\n$bytes = [IO.File]::ReadAllBytes(${q(join(kit.pss.dir, "signing-input.txt"))})\n${text}\n$value = [Convert]::ToBase64String($sig)`,
      expected: () => "(verified in TS)",
    };
    LAB_CHECKS["lifetime-too-long"] = { script: (_, text) => `${fragment(text)}\n$value = $h.exp - $now`, expected: (side) => (side === "after" ? 600 : 365 * 24 * 3600) };
    LAB_CHECKS["aud-other-tenant"] = { script: (_, text) => `${fragment(text)}\n$value = $h.aud`, expected: (side) => (side === "after" ? aud(DEMO_TENANT_ID) : aud("11111111-2222-4333-8444-555555555555")) };
    LAB_CHECKS["aud-graph-resource"] = { script: (_, text) => `${fragment(text)}\n$value = $h.aud`, expected: (side) => (side === "after" ? aud(DEMO_TENANT_ID) : "https://graph.microsoft.com") };
    LAB_CHECKS["aud-v1-vs-v2"] = { script: (_, text) => `${fragment(text)}\n$value = $h.aud`, expected: (side) => aud(DEMO_TENANT_ID, side === "after" ? "v2" : "v1") };
    LAB_CHECKS["aud-common"] = {
      script: (_, text) => `$TenantId = ${q(DEMO_TENANT_ID)}\n${text}\n$value = "$Authority/oauth2/v2.0/token"`,
      expected: (side) => (side === "after" ? aud(DEMO_TENANT_ID) : aud("common")),
    };
    LAB_CHECKS["aud-case"] = { script: (_, text) => `${text}\n$value = $TenantId`, expected: (side) => (side === "after" ? DEMO_TENANT_ID : DEMO_TENANT_ID.toUpperCase()) };
    LAB_CHECKS["iss-sub-mismatch"] = {
      script: (_, text) => `${fragment(text)}\n$value = "$($h.iss) $($h.sub)"`,
      expected: (side) => (side === "after" ? `${DEMO_CLIENT_ID} ${DEMO_CLIENT_ID}` : `${DEMO_CLIENT_ID} 7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f`),
    };
    LAB_CHECKS["iss-client-id-mismatch"] = {
      script: (_, text) => `${fragment(text)}\n$value = "$($h.iss) $($h.sub)"`,
      expected: (side) => (side === "after" ? `${DEMO_CLIENT_ID} ${DEMO_CLIENT_ID}` : "99999999-2222-4333-8444-555555555555 99999999-2222-4333-8444-555555555555"),
    };
    LAB_CHECKS["proof-wrong-aud"] = {
      script: (_, text) => `$claims = @{ aud = $null }\n${text}\n$value = $claims.aud`,
      expected: (side) => (side === "after" ? "00000002-0000-0000-c000-000000000000" : "00000003-0000-0000-c000-000000000000"),
    };
    LAB_CHECKS["jti-missing"] = { script: (_, text) => `${fragment(text)}\n$value = [bool]($h.jti -match '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')`, expected: () => true };
    LAB_CHECKS["json-bom"] = {
      note: "before: PowerShell 7's Out-File -Encoding utf8 writes NO byte-order mark; only Windows PowerShell 5.1 does (PS7: -Encoding utf8BOM)",
      script: (_, text) => `$claims = [ordered]@{ aud = 'a'; iss = 'b' }\n${text}\n$value = [int]$bytes[0]`,
      expected: () => 0x7b, // "{": no EF BB BF in PowerShell 7, before or after
    };
    LAB_CHECKS["json-not-utf8"] = {
      script: (_, text) => `$json = '{"sub":"é"}'\n${text}\n$value = [Convert]::ToBase64String($bytes)`,
      expected: (side) => Buffer.from('{"sub":"é"}', side === "after" ? "utf8" : "utf16le").toString("base64"),
    };
    LAB_CHECKS["segment-standard-base64"] = {
      script: (_, text) => `$headerBytes = [byte[]](0xfb, 0xff, 0xbf, 0x7b, 0x22)\n${text}\n$value = $header64`,
      expected: (side) => (side === "after" ? Buffer.from([0xfb, 0xff, 0xbf, 0x7b, 0x22]).toString("base64url") : Buffer.from([0xfb, 0xff, 0xbf, 0x7b, 0x22]).toString("base64")),
    };
    const jwt = fixedFile("client-assertion.jwt").toString("ascii").trim();
    LAB_CHECKS["malformed-jwt"] = {
      script: (_, text) => `[IO.File]::WriteAllText((Join-Path $PWD 'assertion.txt'), ${q(`${jwt.slice(0, 76)}\r\n${jwt.slice(76)}\r\n`)})\n${text}\n$value = $jwt`,
      expected: (side) => (side === "after" ? jwt : `${jwt.slice(0, 76)}\r\n${jwt.slice(76)}\r\n`),
    };
    const liveJwt = readFileSync(join(kit.live.dir, "client-assertion.jwt"), "ascii").trim();
    const ca = join(kit.live.dir, "mock-aad", "ca.pem");
    LAB_CHECKS["jwt-as-scope"] = {
      script: (_, text) => `${trustCa(ca)}\n$ClientId = ${q(DEMO_CLIENT_ID)}; $jwt = ${q(liveJwt)}\n${text}
        $value = try { (Invoke-RestMethod -Method Post -Uri ${q(`${mock!.url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`)} -Body $body).token_type } catch { [string]$_.ErrorDetails.Message -replace '(?s)^.*?(AADSTS\\d+).*$', '$1' }`,
      expected: (side) => (side === "after" ? "Bearer" : "AADSTS7000216"),
    };
    // Seed 001's recipe (the Key Vault flow): its token request before and after, sent to the HTTPS mock.
    LAB_CHECKS["keyvault-jwt-as-scope"] = {
      script: (_, text) => `${trustCa(ca)}\n$clientid = ${q(DEMO_CLIENT_ID)}; $tenantid = ${q(DEMO_TENANT_ID)}; $JWT = ${q(liveJwt)}
        $value = try { ${text.split("https://login.microsoftonline.com").join(mock!.url)}; $token.token_type } catch { [string]$_.ErrorDetails.Message -replace '(?s)^.*?(AADSTS\\d+).*$', '$1' }`,
      expected: (side) => (side === "after" ? "Bearer" : "AADSTS900144"),
    };
    const sample = "{\"k\":\"??>>ÿ\"}"; // its UTF-8 is eyJrIjoiPz8+PsO/In0= in standard base64: +, / and =
    LAB_CHECKS["keyvault-segment-standard-base64"] = {
      script: (side, text) => `${text}\n$s = ${q(sample)}\n$value = ${side === "after" ? "ConvertTo-Base64Url" : "ConvertTo-Base64"} $s`,
      expected: (side) => Buffer.from(sample, "utf8").toString(side === "after" ? "base64url" : "base64"),
    };
    const newCert = (notBefore: string) => `$key = [Security.Cryptography.RSA]::Create(2048)
      $req = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=entra-workshop-app', $key, 'SHA256', [Security.Cryptography.RSASignaturePadding]::Pkcs1)
      $cert = $req.CreateSelfSigned(${notBefore}, (Get-Date).AddYears(2))
      $value = [pscustomobject]@{ subject = $cert.Subject; bits = $cert.PublicKey.GetRSAPublicKey().KeySize; validNow = ($cert.NotBefore -le (Get-Date)) -and ($cert.NotAfter -gt (Get-Date).AddYears(1)) }`;
    LAB_CHECKS["cert-expired"] = { note: "Windows-only (New-SelfSignedCertificate); ran .NET's CertificateRequest instead", script: () => newCert("(Get-Date)"), expected: () => ({ subject: "CN=entra-workshop-app", bits: 2048, validNow: true }) };
    LAB_CHECKS["cert-not-yet-valid"] = { note: "Windows-only (w32tm, New-SelfSignedCertificate); ran .NET's CertificateRequest instead", script: () => newCert("(Get-Date).AddMinutes(-10)"), expected: () => ({ subject: "CN=entra-workshop-app", bits: 2048, validNow: true }) };
  }
  /** Scenarios whose PowerShell fix cannot run here, and why (the parse test still covers them). */
  const NOT_RUNNABLE: Record<string, string> = {
    expired: "New-ClientAssertion is the reader's own function (steps 3–6 wrapped up); the kit defines none",
    "wrong-tenant": "Get-AzContext needs the Az.Accounts module and Connect-AzAccount (a real tenant)",
    "unknown-client-id": "Get-AzADApplication needs the Az.Resources module and Connect-AzAccount (a real tenant)",
  };

  it("every lab scenario with a PowerShell fix has a check here (or a reason it cannot run)", () => {
    defineLabChecks();
    const names = [...new Set(labSnippets().map((s) => s.scenario))];
    expect(names.filter((n) => !(n in LAB_CHECKS) && !(n in NOT_RUNNABLE))).toEqual([]);
  });

  it("lab fixes: each before and after line does what the lab says (all in one pwsh run)", async () => {
    if (Object.keys(LAB_CHECKS).length === 0) defineLabChecks();
    const jobs = labSnippets().filter((s) => s.scenario in LAB_CHECKS);
    // One pwsh process, each fix in its own scope and folder; one JSON line per fix.
    const script = jobs
      .map((s, i) => {
        const dir = join(work, `lab-${s.scenario}-${s.side}`);
        mkdirSync(dir, { recursive: true });
        return `$r = @(& {
  try {
    Set-Location ${q(dir)}; [Environment]::CurrentDirectory = $PWD.Path
${LAB_CHECKS[s.scenario]!.script(s.side, s.lines[0]!)}
    [pscustomobject]@{ i = ${i}; ok = $true; value = $value }
  } catch { [pscustomobject]@{ i = ${i}; ok = $false; error = "$_" } }
})[-1]
"LAB " + ($r | ConvertTo-Json -Compress -Depth 5)`;
      })
      .join("\n");
    const run = await ps(script);
    const lines = run.stdout.split("\n").filter((l) => l.startsWith("LAB ")).map((l) => JSON.parse(l.slice(4)) as { i: number; ok: boolean; value?: unknown; error?: string });
    expect(lines.length, `pwsh ran ${lines.length} of ${jobs.length} fixes:\n${run.stderr}`).toBe(jobs.length);
    const failures: string[] = [];
    for (const { i, ok, value, error } of lines) {
      const s = jobs[i]!;
      const check = LAB_CHECKS[s.scenario]!;
      labResults[`${s.scenario} ${s.side}`] = ok ? { ok, value } : { ok, error };
      if (!ok) {
        failures.push(`${s.source}: pwsh failed: ${error}`);
        continue;
      }
      if (s.scenario === "ps256-with-pkcs1-signature") {
        const key = createPublicKey(new X509Certificate(fixedFile("cert.cer")).publicKey.export({ type: "spki", format: "pem" }));
        const data = readFileSync(join(kit.pss.dir, "signing-input.txt"));
        const padding = s.side === "after" ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : { padding: constants.RSA_PKCS1_PADDING };
        if (!verify("sha256", data, { key, ...padding }, Buffer.from(String(value), "base64"))) failures.push(`${s.source}: the signature does not verify as ${s.side === "after" ? "PSS (salt 32)" : "PKCS#1 v1.5"}`);
        continue;
      }
      if (JSON.stringify(value) !== JSON.stringify(check.expected(s.side))) failures.push(`${s.source}: got ${JSON.stringify(value)}, expected ${JSON.stringify(check.expected(s.side))}`);
    }
    const notes = Object.entries(LAB_CHECKS).filter(([, c]) => c.note).map(([n, c]) => `${n}: ${c.note}`);
    console.log(`interop pwsh: lab fixes run: ${jobs.length}; notes: ${notes.join(" | ")}; not runnable: ${Object.entries(NOT_RUNNABLE).map(([n, why]) => `${n}: ${why}`).join(" | ")}`);
    expect(failures).toEqual([]);
  });

  it("doctor fixes: the x5t line, the UTF-8 lines; New-SelfSignedCertificate is Windows-only", async () => {
    const t = thumbprints();
    const found = doctorSnippets();
    const x5t = found.find((s) => s.cause === "x5t-hex-text");
    const bom = found.find((s) => s.cause === "json-bom");
    const utf8 = found.find((s) => s.cause === "json-not-utf8");
    expect(x5t && bom && utf8, found.map((s) => s.source).join(", ")).toBeTruthy();
    const r = await psJson(`${certFromPfx(join(kit.fixed.dir, "cert.pfx"))}
      $json = '{"sub":"é"}'
      $x5t = ${x5t!.lines[0]}
      $noBom = ${bom!.lines[0]}
      $utf8 = ${utf8!.lines[0]}
      [pscustomobject]@{ x5t = $x5t; noBom = [Convert]::ToBase64String($noBom); utf8 = [Convert]::ToBase64String($utf8) } | ConvertTo-Json -Compress`);
    const expected = Buffer.from('{"sub":"é"}', "utf8").toString("base64");
    expect(r).toEqual({ x5t: t.x5t, noBom: expected, utf8: expected });
  });

  afterAll(() => {
    const file = process.env.INTEROP_REPORT;
    if (file && Object.keys(labResults).length) writeFileSync(file, `${JSON.stringify({ suite: "powershell", lab: labResults })}\n`, { flag: "a" });
  });
});
