/**
 * Step 5 with --signer keyvault: the signature made inside Key Vault, as seed 001's Function makes
 * it. The kit sends step 4's digest and gets a signature back (steps/key-vault-signer.ts); then it
 * checks what came back: the vault's x5t is step 2's, and the signature verifies over the signing
 * input with the certificate's public key (lib/crypto/jws, and node:crypto as the oracle).
 *
 * Offline (the default) the mock Key Vault and managed identity answer in this process; it was
 * given step 1's key when it started, standing in for a key that Key Vault generated and never
 * exports. With --vault URL the same requests go to a real vault (tokenSourceFromEnvironment).
 */
import { fromHex, toHex } from "../lib/bytes.ts";
import { sha256 } from "../lib/crypto/sha256.ts";
import { isJwsAlgorithm, verifyJwsSignature, type JwsAlgorithm } from "../lib/crypto/jws.ts";
import { KitError } from "../lib/errors.ts";
import { rsaPublicKeyFromSpki } from "../lib/formats/keys/index.ts";
import { nodeVerifyJws } from "../lib/oracle.ts";
import { DEFAULT_VAULT_CERTIFICATE, DEFAULT_VAULT_NAME, DEMO_IDENTITY_HEADER } from "../mock-aad/key-vault/store.ts";
import { MSW_IDENTITY_ENDPOINT } from "../mock-aad/managed-identity.ts";
import { readWorkspaceCertificate } from "./artifacts.ts";
import type { Context } from "./context.ts";
import { signInKeyVault, tokenSourceFromEnvironment, KEY_VAULT_API_VERSION, type HttpExchange } from "./key-vault-signer.ts";
import { startOfflineEntra } from "./offline-entra.ts";
import type { OptionValues } from "./step.ts";
import type { Ui } from "./ui.ts";
import type { WrittenFile } from "./workspace.ts";

export interface KeyVaultSignatureResult {
  signer: "keyvault";
  alg: JwsAlgorithm;
  live: boolean;
  vaultUrl: string;
  certificateName: string;
  digestHex: string;
  exchanges: HttpExchange[];
  /** The managed identity endpoint's variable and value, shown above the first request. */
  identityEndpoint?: { variable: "IDENTITY_ENDPOINT" | "MSI_ENDPOINT"; url: string };
  x5t: { vault: string; step2: string };
  signedBy: string;
  signature: Uint8Array;
  checks: { text: string; ok: boolean }[];
  written: WrittenFile[];
}

export async function runKeyVaultSignature(ctx: Context, options: OptionValues): Promise<KeyVaultSignatureResult> {
  await ctx.ensure("signing-input.txt", "signing-input.sha256", "thumbprints.json", "cert.cer");
  const header = ctx.ws.readJson<{ alg?: unknown }>("header.json");
  if (!isJwsAlgorithm(header.alg)) throw new KitError("UNSUPPORTED_ALG", `header.json says alg ${JSON.stringify(header.alg)}; Key Vault is asked for RS256 or PS256.`, "Run npm run step 3 -- --alg RS256 (or PS256) again.");
  const alg = header.alg;
  const input = ctx.ws.read("signing-input.txt");
  const digestHex = ctx.ws.readText("signing-input.sha256").trim();
  if (digestHex !== toHex(sha256(input)))
    throw new KitError("STALE_SIGNATURE", `${ctx.ws.display("signing-input.sha256")} is not the SHA-256 of the current ${ctx.ws.display("signing-input.txt")}: step 3 ran again after step 4.`, `Run ${ctx.stepCommand(4)}, then this step again.`);
  const certificateName = typeof options["vault-certificate"] === "string" ? options["vault-certificate"] : DEFAULT_VAULT_CERTIFICATE;
  const live = typeof options.vault === "string";
  let vaultUrl: string;
  let token;
  if (live) {
    vaultUrl = String(options.vault).replace(/\/+$/, "");
    if (!/^https:\/\/[^/]+$/i.test(vaultUrl)) throw new KitError("USAGE", `--vault needs the vault's URL, such as https://my-vault.vault.azure.net, not "${String(options.vault)}".`, "Copy the Vault URI from the vault's Overview page in the portal.");
    token = tokenSourceFromEnvironment(process.env);
    if (!token)
      throw new KitError("NO_IDENTITY", "--vault needs a token for Key Vault, and none of KEYVAULT_ACCESS_TOKEN, IDENTITY_ENDPOINT + IDENTITY_HEADER or MSI_ENDPOINT + MSI_SECRET is set.", "Run inside the Function (it sets IDENTITY_*), or set KEYVAULT_ACCESS_TOKEN from: az account get-access-token --resource https://vault.azure.net --query accessToken -o tsv");
  } else {
    await ctx.ensure("private-key.pem");
    vaultUrl = `https://${DEFAULT_VAULT_NAME}.vault.azure.net`;
    token = { kind: "app-service" as const, endpoint: MSW_IDENTITY_ENDPOINT, secret: DEMO_IDENTITY_HEADER };
  }

  const offline = live ? undefined : await startOfflineEntra(ctx, { vault: true });
  let remote;
  try {
    remote = await signInKeyVault({ vaultUrl, certificateName, alg, digest: fromHex(digestHex), token });
  } finally {
    offline?.close();
  }

  const step2 = ctx.ws.readJson<{ x5t: string }>("thumbprints.json").x5t;
  if (remote.certificate.x5t !== step2)
    throw new KitError(
      "VAULT_THUMBPRINT",
      `The vault's certificate ${certificateName} has x5t ${remote.certificate.x5t}, but step 2 made ${step2} from ${ctx.ws.display("cert.cer")}: they are different certificates.`,
      "Download the vault's certificate (CER) into the workspace and run steps 2-4 again, or name the right one with --vault-certificate.",
    );
  const spki = readWorkspaceCertificate(ctx).publicKeySpki;
  const checks = [
    { text: `the vault's x5t is step 2's (${step2})`, ok: true },
    { text: `the kit's ${alg} verification accepts it over the signing input with cert.cer's public key (lib/crypto)`, ok: verifyJwsSignature(alg, rsaPublicKeyFromSpki(spki), input, remote.signature) },
    { text: "node:crypto verifies it too (the oracle)", ok: nodeVerifyJws(alg, spki, input, remote.signature) },
  ];
  if (checks.some((c) => !c.ok))
    throw new KitError("CROSS_CHECK_FAILED", `The vault's ${alg} signature does not verify with ${ctx.ws.display("cert.cer")}: the vault signed with another key.`, "Check that the vault's certificate is the one registered on the app (its x5t) and that steps 3-4 are current; nothing was written.");
  const written = ctx.ws.writeAll([{ name: "signature.bin", data: remote.signature }]);
  const identityEndpoint = token.endpoint ? { variable: token.kind === "msi-legacy" ? ("MSI_ENDPOINT" as const) : ("IDENTITY_ENDPOINT" as const), url: token.endpoint } : undefined;
  return { signer: "keyvault", alg, live, vaultUrl, certificateName, digestHex, exchanges: remote.exchanges, ...(identityEndpoint ? { identityEndpoint } : {}), x5t: { vault: remote.certificate.x5t, step2 }, signedBy: remote.signedBy, signature: remote.signature, checks, written };
}

/** A JSON body for the terminal: long strings (tokens, certificates, signatures) shortened, one field a line. */
function bodyLines(body: Record<string, unknown>, ui: Ui): string[] {
  return Object.entries(body).map(([name, value]) => {
    const long = typeof value === "string" && value.length > 72 && !value.startsWith("https://");
    const text = long ? `"${value.slice(0, 40)}…${value.slice(-12)}" (${value.length} chars)` : JSON.stringify(value);
    return `      ${ui.paint("dim", `${name}:`)} ${text.length > 160 ? `${text.slice(0, 157)}…` : text}`;
  });
}

/** A header as shown: the token shortened; a real identity secret (live) hidden, the mock's shown. */
function headerText(name: string, value: string, live: boolean): string {
  if (name === "Authorization") return `${value.slice(0, 31)}… (${value.length - 7} chars)`;
  if (live && name !== "Content-Type") return `${value.slice(0, 4)}… (the app's secret, not shown)`;
  return value;
}

/**
 * App Service's endpoint as what it is: the variable the platform sets, and whose it is here (the
 * mock's loopback address, answered in this process; not IMDS, which a VM asks with Metadata: true).
 */
function identityEndpointLine(r: KeyVaultSignatureResult, ui: Ui): string[] {
  if (!r.identityEndpoint) return [];
  const whose = r.live ? "from the app's environment" : "App Service's local token service; here the mock's, in-process";
  return [`  ${ui.paint("dim", `$${r.identityEndpoint.variable} =`)} ${r.identityEndpoint.url}  ${ui.paint("dim", `(${whose})`)}`];
}

function exchangeLines(e: HttpExchange, n: number, ui: Ui, live: boolean, before: string[] = []): string[] {
  const lines = [...ui.section(`${n}. ${e.purpose}`), ...before, `  ${ui.paint("em", e.method)} ${e.url}`];
  for (const [name, value] of e.requestHeaders) lines.push(`  ${ui.paint("dim", `${name}:`)} ${headerText(name, value, live)}`);
  if (e.requestBody) lines.push(`  ${e.requestBody}`);
  lines.push(`  ${e.status < 300 ? ui.paint("ok", `← ${e.status}`) : ui.paint("bad", `← ${e.status}`)}`, ...bodyLines(e.responseBody, ui));
  return lines;
}

export function renderKeyVaultSignature(r: KeyVaultSignatureResult, ui: Ui, ctx: Context): string[] {
  const digestB64 = Buffer.from(r.digestHex, "hex").toString("base64url");
  const lines = [
    ...ui.title(5, `Signature (${r.alg}) in Key Vault`),
    ...ui.prose(
      "Seed 001's Function never holds the private key: it asks its managed identity for a token for",
      "Key Vault, reads the certificate's x5t from the vault, and sends step 4's SHA-256 digest to the",
      `key's sign operation. The vault ${r.alg === "RS256" ? "wraps the digest in a DigestInfo and pads it (PKCS#1 v1.5)," : "encodes the digest with PSS and a fresh salt,"}`,
      "applies the private key, and the signature comes back in base64url, ready to append.",
    ),
    ui.paint("dim", r.live ? `  Talking to the REAL vault ${r.vaultUrl} (--vault).` : "  Offline: the mock Key Vault and managed identity answer in this process, as Azure's do."),
    ...r.exchanges.flatMap((e, i) => exchangeLines(e, i + 1, ui, r.live, i === 0 ? identityEndpointLine(r, ui) : [])),
    ...ui.section("What went over the wire, and what never did"),
    ...ui.fields([
      ["sent", `a token, the certificate's name, and the digest (${r.digestHex.length / 2} bytes, base64url ${digestB64})`],
      ["received", `the certificate (public), and a ${r.signature.length}-byte signature from ${r.signedBy}`],
      ["never", ui.paint("em", "the private key: it never left the vault, and the kit's signing code never touched it")],
      // Said once a run: inside `npm run workshop`, step 1 said it where it wrote the key.
      ...(r.live || ctx.all ? [] : [["offline", `the mock vault was given ${ctx.ws.display("private-key.pem")} when it started: it stands in for a key generated inside Key Vault`] as [string, string]]),
    ]),
    ...ui.section("Checks"),
    ...r.checks.map((c) => ui.check(c.ok, c.text)),
    ...ui.section("The same in PowerShell (seed 001, fixed: the digest in base64url)"),
    ...ui.command("PowerShell 7:", [
      `$signingInput = (Get-Content ${ctx.ws.display("signing-input.txt")} -Raw).Trim()`,
      `$hash = [Security.Cryptography.SHA256]::HashData([Text.Encoding]::ASCII.GetBytes($signingInput))`,
      `$t = Invoke-RestMethod -Uri "$($env:IDENTITY_ENDPOINT)?api-version=2019-08-01&resource=https://vault.azure.net" -Headers @{ 'X-IDENTITY-HEADER' = $env:IDENTITY_HEADER }`,
      `$h = @{ Authorization = "Bearer $($t.access_token)" }`,
      `$c = Invoke-RestMethod -Uri "${r.vaultUrl}/certificates/${r.certificateName}?api-version=${KEY_VAULT_API_VERSION}" -Headers $h`,
      `$digest = [Convert]::ToBase64String($hash).TrimEnd('=').Replace('+', '-').Replace('/', '_')`,
      `$s = Invoke-RestMethod -Method Post -Uri "$($c.kid)/sign?api-version=${KEY_VAULT_API_VERSION}" -Headers $h -ContentType 'application/json' -Body (@{ alg = '${r.alg}'; value = $digest } | ConvertTo-Json)`,
      `$jwt = "$signingInput.$($s.value)"   # the vault's value is base64url already`,
    ]),
    ...ui.section("Files"),
    ...r.written.map((f) => ui.artifact(f.display, `(${f.bytes} bytes, made by the vault)`)),
    ...ctx.next(6, "put the JWT together and verify it"),
  ];
  return lines;
}

export function keyVaultSignatureJson(r: KeyVaultSignatureResult): unknown {
  return {
    signer: r.signer,
    alg: r.alg,
    live: r.live,
    vaultUrl: r.vaultUrl,
    certificate: r.certificateName,
    digest: r.digestHex,
    // The access token is shortened here as on the terminal: a script that needs one asks the identity endpoint itself.
    identityEndpoint: r.identityEndpoint ?? null,
    exchanges: r.exchanges.map((e) => ({ purpose: e.purpose, method: e.method, url: e.url, status: e.status, requestBody: e.requestBody ?? null, response: redactToken(e.responseBody) })),
    x5t: r.x5t,
    signedBy: r.signedBy,
    signature: r.signature,
    checks: r.checks,
    files: r.written.map((f) => f.display),
  };
}

function redactToken(body: Record<string, unknown>): Record<string, unknown> {
  return typeof body.access_token === "string" ? { ...body, access_token: `${body.access_token.slice(0, 24)}…` } : body;
}
