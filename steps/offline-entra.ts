/**
 * Steps 7 and 8 talk to Entra with plain `fetch`. Offline (the default) the mock Entra ID answers
 * instead: msw intercepts fetch in this process, so the requests are byte for byte the ones that
 * would go to login.microsoftonline.com. The mock knows the certificate in the workspace as if it
 * had been uploaded to the demo app registration.
 */
import { nodeSignSha256Rsa } from "../lib/oracle.ts";
import { uuidV4 } from "../lib/entra/assertion.ts";
import { rsaPrivateKeyFromPem, rsaPublicKeyToSpki } from "../lib/formats/keys/index.ts";
import { buildSelfSignedCertificate, randomSerialNumber } from "../lib/formats/x509/index.ts";
import { createMockAad, type MockAad } from "../mock-aad/core.ts";
import { defaultRegistry } from "../mock-aad/registry.ts";
import { createSigningKey, type SigningKey } from "../mock-aad/signing-key.ts";
import { DEFAULT_VAULT_CERTIFICATE, vaultKey } from "../mock-aad/key-vault/store.ts";
import type { Context } from "./context.ts";
import { demoMockSigningKeyPem } from "./fixed.ts";

/** The published demo signing key of the mock, with a certificate built on the fixed clock. */
async function fixedSigningKey(ctx: Context): Promise<SigningKey> {
  const pem = demoMockSigningKeyPem();
  const notBefore = ctx.now();
  const notAfter = new Date(notBefore.getTime() + 730 * 86_400_000);
  const { der } = await buildSelfSignedCertificate({
    subject: "CN=mock-aad token signing (offline workshop)",
    publicKeySpki: rsaPublicKeyToSpki(rsaPrivateKeyFromPem(pem)),
    notBefore,
    notAfter,
    serialNumber: randomSerialNumber(() => ctx.randomBytes("mock-signing-serial", 16)),
    // The mock's own certificate: node:crypto signs it, as the mock does everything.
    sign: nodeSignSha256Rsa(pem),
  });
  return { privateKeyPem: pem, certificateDer: der };
}

const KEY_FILE = "mock-aad/token-signing-key.pem";
const CERT_FILE = "mock-aad/token-signing.cer";

/**
 * The mock's signing key for this workspace: made once and kept (mode 0600), so that a token from
 * step 7 still verifies in step 8, which starts its own mock.
 */
function workspaceSigningKey(ctx: Context): SigningKey {
  if (ctx.ws.has(KEY_FILE) && ctx.ws.has(CERT_FILE)) return { privateKeyPem: ctx.ws.readText(KEY_FILE), certificateDer: ctx.ws.read(CERT_FILE) };
  const key = createSigningKey(ctx.now());
  ctx.ws.writeAll([
    { name: KEY_FILE, data: key.privateKeyPem, secret: true },
    { name: CERT_FILE, data: key.certificateDer },
  ]);
  return key;
}

export interface OfflineEntra {
  mock: MockAad;
  close(): void;
}

/**
 * Starts the mock with the workspace's certificate registered and msw intercepting fetch. With
 * `vault`, the mock Key Vault holds the certificate and step 1's key, standing in for a key made
 * inside Key Vault: the mock signs with it, the kit's signing code never reads it.
 */
export async function startOfflineEntra(ctx: Context, options: { vault?: boolean } = {}): Promise<OfflineEntra> {
  let counter = 0;
  const mock = createMockAad({
    registry: defaultRegistry({ keyCredentials: [ctx.ws.read("cert.cer")] }),
    clock: () => ctx.now(),
    ids: () => uuidV4(ctx.randomBytes(`mock-id-${counter++}`, 16)),
    randomBytes: (length) => ctx.randomBytes(`mock-random-${counter++}`, length),
    signingKey: ctx.fixed ? await fixedSigningKey(ctx) : workspaceSigningKey(ctx),
  });
  if (options.vault) mock.registry.vaults![0]!.keys.push(vaultKey({ name: DEFAULT_VAULT_CERTIFICATE, privateKey: ctx.ws.readText("private-key.pem"), certificate: ctx.ws.read("cert.cer") }));
  // msw is loaded here, not at the top: it is the heaviest import of the kit (0.26 s of CPU,
  // measured), and --help, --list and steps 1 to 6 have no use for it.
  const [{ setupServer }, { mockAadHandlers }] = await Promise.all([import("msw/node"), import("../mock-aad/msw.ts")]);
  const server = setupServer(...mockAadHandlers(mock));
  // Nothing leaves this process: a request to any other host fails instead of going out.
  server.listen({ onUnhandledRequest: "error" });
  return { mock, close: () => server.close() };
}
