/**
 * .NET's Key Vault client against the mock Key Vault over HTTPS: Azure.Security.KeyVault.Certificates
 * CertificateClient.GetCertificateAsync with Azure.Identity's ManagedIdentityCredential from App
 * Service's IDENTITY_ENDPOINT and IDENTITY_HEADER (mode "keyvault" of test/interop/dotnet/Program.cs).
 * node:crypto is the oracle for x5t; the test checks the exchanges the client made.
 *
 * Skips, visibly: no dotnet on this machine, or NuGet unreachable when the client is first built.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findTool, runChild, skipNote, startInteropMock, type InteropMock } from "./harness.ts";
import { buildDotnetClient, DOTNET_ENV, pinnedVersions, type BuildOutcome } from "./dotnet/build.ts";
import { ClientReport } from "./report.ts";

const DOTNET = findTool("dotnet", ["~/.dotnet/dotnet", "/usr/share/dotnet/dotnet", "/usr/lib/dotnet/dotnet"]);
const VERSIONS = pinnedVersions();
const CLIENT = `Azure.Security.KeyVault.Certificates ${VERSIONS["Azure.Security.KeyVault.Certificates"]} + Azure.Identity ${VERSIONS["Azure.Identity"]} ManagedIdentityCredential`;
if (!DOTNET) skipNote(CLIENT, "dotnet is not installed (not on PATH, nor in ~/.dotnet or /usr/share/dotnet)");

describe.skipIf(!DOTNET)(`${CLIENT} against the mock Key Vault`, () => {
  let mock: InteropMock | undefined;
  let build: BuildOutcome | undefined;
  const report = new ClientReport(".NET CertificateClient, ManagedIdentityCredential (App Service)", CLIENT);

  beforeAll(async () => {
    [build, mock] = await Promise.all([buildDotnetClient(DOTNET!), startInteropMock()]);
    if (build.ok) console.log(`interop dotnet keyvault: SDK ${build.sdk}, client ${build.cached ? "from the cache" : "built"} in ${build.seconds.toFixed(1)} s`);
    else if (build.skip) skipNote(CLIENT, build.reason);
  }, 15 * 60_000);
  afterAll(async () => {
    report.finish();
    await mock?.close();
  });

  it("GetCertificateAsync: the certificate, its x5t (node:crypto's SHA-1) and the ids of its key and secret", async (ctx) => {
    if (!build || !mock) throw new Error("beforeAll did not finish");
    if (!build.ok) {
      if (build.skip) ctx.skip();
      throw new Error(build.reason);
    }
    const first = mock.requests.length;
    const args = { url: mock.keyVault.url, tenant: mock.tenant, clientId: mock.clientId, caPath: mock.caPath, name: mock.keyVault.certificateName };
    const child = await runChild(DOTNET!, [build.dll, "keyvault", JSON.stringify(args)], {
      env: { ...DOTNET_ENV, IDENTITY_ENDPOINT: mock.keyVault.identityEndpoint, IDENTITY_HEADER: mock.keyVault.identityHeader },
      timeoutMs: 90_000,
    });
    const output = JSON.parse(child.stdout.trim().split("\n").pop() ?? "null") as Record<string, unknown> | null;
    const wire = mock.requests.slice(first).map((r) => `${r.method} ${new URL(r.url).pathname} ${r.response?.status}`);
    report.outcome("getCertificate", output?.ok ? "certificate" : String(output?.message ?? child.stderr.slice(0, 200)));
    report.outcome("wire", wire.join(", "));
    expect(output, `${child.stdout}\n${child.stderr}`).toMatchObject({ ok: true });
    const der = readFileSync(mock.certDerPath);
    expect(output!.x5t).toBe(createHash("sha1").update(der).digest("base64url"));
    expect(Buffer.from(String(output!.cer), "base64").equals(der)).toBe(true);
    expect(String(output!.keyId)).toMatch(new RegExp(`^${mock.keyVault.url.replace(/[.]/g, "\\.")}/keys/workshop-cert/[0-9a-f]{32}$`));
    expect(output!.secretId).toBe(String(output!.keyId).replace("/keys/", "/secrets/"));
    // The challenge first (no token), then App Service's endpoint, then the same request with the token.
    expect(wire).toEqual(["GET /certificates/workshop-cert 401", "GET /msi/token 200", "GET /certificates/workshop-cert 200"]);
    const identity = mock.requests.slice(first).find((r) => new URL(r.url).pathname === "/msi/token")!;
    expect([new URL(identity.url).searchParams.get("api-version"), identity.headers["x-identity-header"]]).toEqual(["2019-08-01", mock.keyVault.identityHeader]);
  });
});
