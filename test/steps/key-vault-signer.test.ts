/**
 * Step 5 --signer keyvault: the signature is made by the (mock) Key Vault from step 4's digest;
 * node:crypto verifies signature.bin over the signing input with cert.cer, steps 6-7 assemble and
 * redeem it; when the vault refuses, the kit says what the vault said and what to check.
 */
import { constants, createHash, verify, X509Certificate } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setupServer } from "msw/node";
import { afterAll, describe, expect, it } from "vitest";
import { KitError } from "../../lib/errors.ts";
import { createMockAad, defaultRegistry, DEMO_IDENTITY_HEADER, mockAadHandlers, MSW_IDENTITY_ENDPOINT, vaultKey } from "../../mock-aad/index.ts";
import { signInKeyVault } from "../../steps/key-vault-signer.ts";
import { makeCertificate } from "../mock-aad/helpers.ts";
import { run, tempDir } from "./helpers.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function workspace(): string {
  const d = tempDir("steps-kv-");
  dirs.push(d);
  return d;
}

describe("step 5 --signer keyvault", () => {
  it("the vault signs step 4's digest: node:crypto verifies signature.bin over the signing input, and steps 6-7 redeem it", async () => {
    const out = workspace();
    const five = await run("5", "--signer", "keyvault", "--out", out);
    expect(five.code).toBe(0);
    // App Service's protocol at an App Service-like address (its loopback token service), not at IMDS's.
    expect(five.out).toContain("$IDENTITY_ENDPOINT = http://127.0.0.1:41741/msi/token  (App Service's local token service; here the mock's, in-process)");
    expect(five.out).toMatch(/GET http:\/\/127\.0\.0\.1:41741\/msi\/token\?api-version=2019-08-01&resource=https%3A%2F%2Fvault\.azure\.net\n  X-IDENTITY-HEADER: /);
    expect(five.out).not.toContain("169.254.169.254");
    // Standalone, it says once and plainly that the mock vault was handed step 1's key.
    expect(five.out.match(/the mock vault was given .*private-key\.pem when it started: it stands in for a key generated inside Key Vault/g)).toHaveLength(1);
    expect(five.out).toMatch(/POST https:\/\/workshop-vault\.vault\.azure\.net\/keys\/workshop-cert\/[0-9a-f]{32}\/sign\?api-version=7\.4/);
    expect(five.out).toMatch(/never +the private key: it never left the vault/);
    const input = readFileSync(join(out, "signing-input.txt"));
    const signature = readFileSync(join(out, "signature.bin"));
    const cert = new X509Certificate(readFileSync(join(out, "cert.cer")));
    expect(verify("sha256", input, cert.publicKey, signature)).toBe(true);
    // What the kit sent is step 4's digest, in base64url.
    const digest = createHash("sha256").update(input).digest("base64url");
    expect(five.out).toContain(`{"alg":"RS256","value":"${digest}"}`);
    expect((await run("6", "--out", out)).code).toBe(0);
    const seven = await run("7", "--out", out);
    expect(seven.code).toBe(0);
    expect(seven.out).toMatch(/Response: 200/);
  });

  it("PS256: the vault's PSS signature verifies with node:crypto; --json lists the exchanges without the access token", async () => {
    const out = workspace();
    expect((await run("3", "--alg", "PS256", "--out", out)).code).toBe(0);
    const five = await run("5", "--signer", "keyvault", "--json", "--out", out);
    expect(five.code).toBe(0);
    const json = JSON.parse(five.out);
    expect(json.result.exchanges.map((e: { method: string; status: number }) => `${e.method} ${e.status}`)).toEqual(["GET 200", "GET 200", "POST 200"]);
    expect(json.result.exchanges[0].response.access_token).toMatch(/^.{24}…$/);
    expect(json.result.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
    const input = readFileSync(join(out, "signing-input.txt"));
    const cert = new X509Certificate(readFileSync(join(out, "cert.cer")));
    expect(verify("sha256", input, { key: cert.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, readFileSync(join(out, "signature.bin")))).toBe(true);
  });

  it("on a fresh workspace, the steps it needs run first in step order: 1, 2, 3, 4", async () => {
    const out = workspace();
    const five = await run("5", "--fixed", "--signer", "keyvault", "--out", out);
    expect(five.code).toBe(0);
    const ran = [...five.out.matchAll(/↳ \S+ was missing, so step (\d) \(/g)].map((m) => Number(m[1]));
    expect(ran).toEqual([1, 2, 3, 4]);
    expect(five.out).toContain(`Next: npm run step 6 -- --fixed --out ${out}`);
  });

  it("npm run workshop -- --signer keyvault: step 1 says once that the mock vault gets its key; the end says the signature was made in Key Vault", async () => {
    const out = workspace();
    const all = await run("--all", "--signer", "keyvault", "--out", out);
    expect(all.code).toBe(0);
    // Once a run, plainly, where the key is written (step 5 does not repeat it inside the workshop).
    expect(all.out.match(/mock Key Vault is given|mock vault was given/g)).toEqual(["mock Key Vault is given"]);
    const stepOne = all.out.slice(0, all.out.indexOf("Step 2 ·"));
    expect(stepOne).toMatch(/private-key\.pem  \(\d+ bytes, mode 0600, keep it secret\)\n(.*\n){1,3}  --signer keyvault: offline, the mock Key Vault is given .*private-key\.pem when it starts\.\n  It stands in for a key generated inside Key Vault/);
    expect(all.out).toContain("hash → signature (in Key Vault) → JWT → token → API.");
    expect(all.out.trimEnd().split("\n").at(-1)).toBe("  The signature was made in Key Vault: the kit sent step 4's digest and got the signature back. The private key never left the vault.");
    // And it is true: the signature verifies with the certificate, and Graph answered.
    expect(verify("sha256", readFileSync(join(out, "signing-input.txt")), new X509Certificate(readFileSync(join(out, "cert.cer"))).publicKey, readFileSync(join(out, "signature.bin")))).toBe(true);
    expect(existsSync(join(out, "api-response.json"))).toBe(true);
  });

  it("without --signer keyvault, the workshop neither mentions the vault at the end nor in step 1", async () => {
    const out = workspace();
    const all = await run("--all", "--out", out);
    expect(all.code).toBe(0);
    expect(all.out).not.toMatch(/mock Key Vault is given|in Key Vault\)|made in Key Vault/);
    expect(all.out).toContain("hash → signature → JWT → token → API.");
  });

  it("a digest that is not the current signing input's: one sentence, nothing sent", async () => {
    const out = workspace();
    expect((await run("4", "--out", out)).code).toBe(0);
    writeFileSync(join(out, "signing-input.sha256"), "00".repeat(32) + "\n");
    const five = await run("5", "--signer", "keyvault", "--out", out);
    expect(five.code).toBe(1);
    expect(five.err).toMatch(/signing-input\.sha256 is not the SHA-256 of the current .*signing-input\.txt: step 3 ran again after step 4\./);
    expect(five.out).not.toMatch(/msi\/token/);
  });

  it("--vault without a token source, or with a malformed URL: one sentence and exit 1", async () => {
    const out = workspace();
    const saved = { ...process.env };
    for (const name of ["KEYVAULT_ACCESS_TOKEN", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT", "MSI_SECRET"]) delete process.env[name];
    try {
      const none = await run("5", "--signer", "keyvault", "--vault", "https://my-vault.vault.azure.net", "--out", out);
      expect(none.code).toBe(1);
      expect(none.err).toMatch(/--vault needs a token for Key Vault, and none of KEYVAULT_ACCESS_TOKEN/);
      const bad = await run("5", "--signer", "keyvault", "--vault", "my-vault", "--out", out);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/--vault needs the vault's URL/);
    } finally {
      process.env = saved;
    }
  });
});

describe("when the vault refuses", () => {
  async function refusal(change: (mock: ReturnType<typeof createMockAad>) => void, name = "workshop-cert", digest = new Uint8Array(32)): Promise<KitError> {
    const cert = await makeCertificate();
    const mock = createMockAad({ registry: defaultRegistry({ certificates: [cert.der] }) });
    mock.registry.vaults![0]!.keys.push(vaultKey({ name: "workshop-cert", privateKey: cert.privateKey, certificate: cert.der }));
    change(mock);
    const server = setupServer(...mockAadHandlers(mock));
    server.listen({ onUnhandledRequest: "error" });
    try {
      await signInKeyVault({ vaultUrl: "https://workshop-vault.vault.azure.net", certificateName: name, alg: "RS256", digest, token: { kind: "app-service", endpoint: MSW_IDENTITY_ENDPOINT, secret: DEMO_IDENTITY_HEADER } });
    } catch (error) {
      return error as KitError;
    } finally {
      server.close();
    }
    throw new Error("the vault did not refuse");
  }

  it("no sign permission: what the vault said (403 Forbidden) and what to grant", async () => {
    const error = await refusal((mock) => (mock.registry.vaults![0]!.accessPolicies[0]!.keys = ["get"]));
    expect([error.code, error.message]).toEqual(["VAULT_REFUSED", expect.stringMatching(/^Key Vault answered 403 Forbidden: "The user, group or application 'appid=.*' does not have keys sign permission on key vault 'workshop-vault;location=westeurope'\./)]);
    expect(error.hint).toBe('Give the identity (object ID 6e5f4a3b-2c1d-4e0f-8a9b-7c6d5e4f3a2b) "keys sign" in the vault\'s access policies (certificates Get and keys Sign, as seed 001 does) or the Key Vault Crypto User role.');
  });

  it("an unknown certificate, a disabled key, a digest of the wrong length, a wrong identity header: each names its cause", async () => {
    expect((await refusal(() => undefined, "other")).message).toMatch(/^Key Vault answered 404 CertificateNotFound: "A certificate with \(name\/id\) other was not found/);
    const disabled = await refusal((mock) => (mock.registry.vaults![0]!.keys[0]!.enabled = false));
    expect([disabled.message, disabled.hint]).toEqual(['Key Vault answered 403 Forbidden: "Operation sign is not allowed on a disabled key."', expect.stringMatching(/^Enable the certificate's key/)]);
    const short = await refusal(() => undefined, "workshop-cert", new Uint8Array(20));
    expect(short.message).toBe(`Key Vault answered 400 BadParameter: "Invalid length of 'value': 20 bytes. RS256 requires 32 bytes, encoded with base64url."`);
    const header = await refusal((mock) => (mock.registry.managedIdentities![0]!.identityHeader = "rotated"));
    expect([header.code, header.message]).toEqual(["IDENTITY_REFUSED", 'The managed identity endpoint answered 401: "Invalid X-IDENTITY-HEADER header."']);
  });
});
