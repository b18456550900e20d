/**
 * The .NET clients against the mock Entra ID over real HTTPS: MSAL.NET (ConfidentialClientApplication
 * with a certificate), Azure.Identity (ClientCertificateCredential) and the Microsoft Graph SDK
 * (GraphServiceClient with that credential), in one small C# program (test/interop/dotnet/).
 *
 * Each case asserts what real Entra ID does (a token, or its AADSTS code), records the JOSE header
 * and the claim types the client sent (one console line per case; JSON lines appended to the file
 * named by INTEROP_REPORT when set), and fails when the mock disagrees.
 *
 * Skips, visibly: no dotnet on this machine, or NuGet unreachable when the client is first built.
 */
import { X509Certificate } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTool, runChild, skipNote, startInteropMock, type InteropMock, type TokenRequest } from "./harness.ts";
import { buildDotnetClient, DOTNET_ENV, pinnedVersions, type BuildOutcome } from "./dotnet/build.ts";

const DOTNET = findTool("dotnet", ["~/.dotnet/dotnet", "/usr/share/dotnet/dotnet", "/usr/lib/dotnet/dotnet"]);
const CLIENT_NAMES = "MSAL.NET / Azure.Identity / Microsoft Graph .NET";
if (!DOTNET) skipNote(CLIENT_NAMES, "dotnet is not installed (not on PATH, nor in ~/.dotnet or /usr/share/dotnet)");

const VERSIONS = pinnedVersions();
const GRAPH_RESOURCE = "https://graph.microsoft.com";
const RUN_TIMEOUT_MS = 90_000;

type Mode = "msal" | "identity" | "graph";

/** The one JSON line Program.cs prints. */
interface ClientOutput {
  ok: boolean;
  accessToken?: string;
  error?: string;
  aadsts?: number[];
  message?: string;
  /** graph mode: one entry per Graph call. */
  calls?: Record<string, ClientOutput & { count?: number; id?: string; displayName?: string }>;
  /** A Graph call's HTTP status, when Graph answered with an error. */
  status?: number;
}

interface Run {
  output: ClientOutput;
  /** The token requests the mock received during this run, client assertions decoded. */
  sent: TokenRequest[];
  /** "POST /tenant/oauth2/v2.0/token", "GET /graph/v1.0/users"…: every request of this run. */
  requests: string[];
}

/** "string", "number", "array"…, per member: the shape of what the client sent, without the values. */
function typesOf(value: unknown): Record<string, string> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Array.isArray(v) ? `array(${v.length})` : v === null ? "null" : typeof v]));
}

function jwtPayload(token: string): Record<string, unknown> {
  const part = token.split(".")[1] ?? "";
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;
}

function outcomeText(output: ClientOutput): string {
  if (output.calls) return Object.entries(output.calls).map(([name, c]) => `${name}: ${outcomeText(c)}`).join("; ");
  if (output.ok) return output.accessToken ? "token" : "ok";
  const codes = output.aadsts?.length ? output.aadsts.map((c) => `AADSTS${c}`).join(",") : output.error ?? "error";
  return output.status ? `${output.status} ${output.error}` : codes;
}

const CLIENTS: Record<Mode, string> = {
  msal: `MSAL.NET ${VERSIONS["Microsoft.Identity.Client"]}`,
  identity: `Azure.Identity ${VERSIONS["Azure.Identity"]} (MSAL.NET ${VERSIONS["Microsoft.Identity.Client"]})`,
  graph: `Microsoft.Graph ${VERSIONS["Microsoft.Graph"]} + Azure.Identity ${VERSIONS["Azure.Identity"]}`,
};

/** One line per case on the console, and one JSON line in INTEROP_REPORT. */
function report(mode: Mode, name: string, expected: string, run: Run): void {
  const first = run.sent[0];
  const summary = {
    client: CLIENTS[mode],
    case: name,
    expected,
    got: outcomeText(run.output),
    tokenRequests: run.sent.length,
    header: typesOf(first?.header),
    alg: first?.header?.alg as string | undefined,
    claims: typesOf(first?.payload),
    form: first ? [...new Set(first.form.keys())] : undefined,
    /** Samples of the values whose form matters: aud as sent, nbf/exp as sent, the claims parameter (CAE). */
    aud: first?.payload?.aud as unknown,
    nbf: first?.payload?.nbf as unknown,
    exp: first?.payload?.exp as unknown,
    claimsParameter: first?.form.get("claims") ?? undefined,
    message: run.output.ok ? undefined : (run.output.message ?? JSON.stringify(run.output.calls)).slice(0, 300),
  };
  const header = summary.header ? Object.entries(summary.header).map(([k, t]) => `${k}:${t}`).join(" ") : "-";
  const claims = summary.claims ? Object.entries(summary.claims).map(([k, t]) => `${k}:${t}`).join(" ") : "-";
  console.log(`interop ${summary.client} | ${name} | expected ${expected} | got ${summary.got} | header {${header}} | claims {${claims}}`);
  const file = process.env.INTEROP_REPORT;
  if (file) appendFileSync(file, `${JSON.stringify({ suite: "dotnet", ...summary })}\n`);
}

describe.skipIf(!DOTNET)(`.NET clients (${CLIENT_NAMES}) against the mock over HTTPS`, () => {
  let mock: InteropMock | undefined;
  let build: BuildOutcome | undefined;

  beforeAll(async () => {
    [build, mock] = await Promise.all([buildDotnetClient(DOTNET!), startInteropMock()]);
    if (build.ok) console.log(`interop dotnet: SDK ${build.sdk}, client ${build.cached ? "from the cache" : "built"} in ${build.seconds.toFixed(1)} s (${build.dll})`);
    else if (build.skip) skipNote(CLIENT_NAMES, build.reason);
  }, 15 * 60_000);

  afterAll(async () => {
    await mock?.close();
  });

  /** The built dll, or the test is skipped (NuGet unreachable) or fails (the build broke). */
  function ready(ctx: { skip: () => void }): { dll: string; mock: InteropMock } {
    if (!build || !mock) throw new Error("beforeAll did not finish");
    if (!build.ok) {
      if (build.skip) ctx.skip();
      throw new Error(build.reason);
    }
    return { dll: build.dll, mock };
  }

  async function run(dll: string, m: InteropMock, mode: Mode, extra: Record<string, unknown>): Promise<Run> {
    const before = m.tokenRequests().length;
    const firstRequest = m.requests.length;
    const args = { url: m.url, tenant: m.tenant, clientId: m.clientId, caPath: m.caPath, pfxPath: m.pfxPath, pfxPassword: m.pfxPassword, ...extra };
    const child = await runChild(DOTNET!, [dll, mode, JSON.stringify(args)], { env: DOTNET_ENV, timeoutMs: RUN_TIMEOUT_MS });
    const line = child.stdout.trim().split("\n").pop() ?? "";
    let output: ClientOutput;
    try {
      output = JSON.parse(line) as ClientOutput;
    } catch {
      throw new Error(`the .NET client printed no JSON line (exit ${child.code}):\n${child.stdout}\n${child.stderr}`);
    }
    const requests = m.requests.slice(firstRequest).map((q) => `${q.method} ${new URL(q.url).pathname}`);
    return { output, sent: m.tokenRequests().slice(before), requests };
  }

  /** What every token the mock issued to the demo app for Graph carries. */
  function expectGraphToken(token: string | undefined, m: InteropMock): void {
    expect(token, "an access token").toBeTypeOf("string");
    const claims = jwtPayload(token!);
    expect(claims.appid).toBe(m.clientId);
    expect(claims.aud).toBe(GRAPH_RESOURCE);
    expect(claims.tid).toBe(m.tenant);
  }

  function expectCode(output: ClientOutput, code: number): void {
    expect(output.ok, `expected AADSTS${code}, got a token`).toBe(false);
    expect(output.aadsts, `${output.error}: ${output.message}`).toContain(code);
  }

  // ── MSAL.NET and Azure.Identity: one token request each ─────────────────────────────────────

  for (const mode of ["msal", "identity"] as const) {
    for (const sendX5C of [false, true]) {
      const x5c = sendX5C ? (mode === "msal" ? "sendX5C" : "SendCertificateChain") : "no x5c";

      it(`${mode}, ${x5c}: the registered certificate gets a token`, async (ctx) => {
        const { dll, mock: m } = ready(ctx);
        const r = await run(dll, m, mode, { sendX5C });
        report(mode, `registered, ${x5c}`, "token", r);
        expect(r.sent.length, "token requests sent").toBeGreaterThanOrEqual(1);
        const header = r.sent[0]!.header as Record<string, unknown> | undefined;
        expect(header, "the request carried a client assertion").toBeDefined();
        expect("x5c" in header!, "x5c present exactly when asked for").toBe(sendX5C);
        if (sendX5C) {
          // Whatever its JSON type, it is the registered certificate in standard base64 (RFC 7515 §4.1.6).
          const first = Array.isArray(header!.x5c) ? (header!.x5c as unknown[])[0] : header!.x5c;
          expect(first).toBeTypeOf("string");
          expect(new X509Certificate(Buffer.from(first as string, "base64")).raw.equals(readFileSync(m.certDerPath))).toBe(true);
        }
        expect(r.output, r.output.message).toMatchObject({ ok: true });
        expectGraphToken(r.output.accessToken, m);
      });

      it(`${mode}, ${x5c}: a certificate not registered on the app gets AADSTS700027`, async (ctx) => {
        const { dll, mock: m } = ready(ctx);
        const r = await run(dll, m, mode, { sendX5C, pfxPath: m.unregistered.pfxPath });
        report(mode, `unregistered, ${x5c}`, "AADSTS700027", r);
        expectCode(r.output, 700027);
      });

      it(`${mode}, ${x5c}: a tenant the mock does not know gets AADSTS90002`, async (ctx) => {
        const { dll, mock: m } = ready(ctx);
        const r = await run(dll, m, mode, { sendX5C, tenant: m.otherTenant });
        report(mode, `unknown tenant, ${x5c}`, "AADSTS90002", r);
        expectCode(r.output, 90002);
        // The request went to the other tenant's endpoint, with aud to match: only the tenant is wrong.
        expect(r.requests).toContain(`POST /${m.otherTenant}/oauth2/v2.0/token`);
      });
    }
  }

  it("msal: aud signed for another tenant, posted to the mock's (WithClientClaims) gets AADSTS700023", async (ctx) => {
    const { dll, mock: m } = ready(ctx);
    const r = await run(dll, m, "msal", { audTenant: m.otherTenant });
    report("msal", "aud names another tenant (WithClientClaims)", "AADSTS700023", r);
    expect(String(r.sent[0]?.payload?.aud)).toContain(m.otherTenant);
    expectCode(r.output, 700023);
  });

  it("identity: the certificate and key as one PEM file (the path overload) gets a token", async (ctx) => {
    const { dll, mock: m } = ready(ctx);
    const r = await run(dll, m, "identity", { pemPath: m.combinedPemPath, pfxPath: undefined });
    report("identity", "registered, PEM path", "token", r);
    expect(r.output, r.output.message).toMatchObject({ ok: true });
    expectGraphToken(r.output.accessToken, m);
  });

  // ── Microsoft Graph SDK: a token, then GET /users and GET /organization ─────────────────────

  const graphRuns = new Map<string, Promise<Run>>();
  function graphRun(dll: string, m: InteropMock, sendX5C: boolean, pfxPath: string): Promise<Run> {
    const key = `${sendX5C}:${pfxPath}`;
    let r = graphRuns.get(key);
    if (!r) graphRuns.set(key, (r = run(dll, m, "graph", { sendX5C, pfxPath })));
    return r;
  }

  for (const sendX5C of [false, true]) {
    const x5c = sendX5C ? "SendCertificateChain" : "no x5c";

    it(`graph, ${x5c}: .Users.GetAsync() lists the mock's users`, async (ctx) => {
      const { dll, mock: m } = ready(ctx);
      const r = await graphRun(dll, m, sendX5C, m.pfxPath);
      report("graph", `users, ${x5c}`, "users listed", r);
      const users = r.output.calls?.users;
      expect(users, users?.message).toMatchObject({ ok: true });
      expect(users!.count).toBeGreaterThan(0);
    });

    it(`graph, ${x5c}: .Organization.GetAsync() returns the tenant`, async (ctx) => {
      const { dll, mock: m } = ready(ctx);
      const r = await graphRun(dll, m, sendX5C, m.pfxPath);
      report("graph", `organization, ${x5c}`, "the tenant", r);
      const organization = r.output.calls?.organization;
      expect(organization, `${organization?.status} ${organization?.error}: ${organization?.message}`).toMatchObject({ ok: true });
      expect(organization!.count).toBe(1);
      expect(organization!.id).toBe(m.tenant);
    });
  }

  it("graph: a certificate not registered on the app: the call fails with AADSTS700027", async (ctx) => {
    const { dll, mock: m } = ready(ctx);
    const r = await graphRun(dll, m, false, m.unregistered.pfxPath);
    report("graph", "unregistered", "AADSTS700027", r);
    const users = r.output.calls?.users;
    expect(users?.ok).toBe(false);
    expect(users?.aadsts, users?.message).toContain(700027);
    // Without a token the SDK does not call Graph at all.
    expect(r.requests.filter((q) => q.includes("/graph/"))).toEqual([]);
  });
});
