/**
 * The interop harness: the mock Entra ID served over real HTTPS on an ephemeral 127.0.0.1 port,
 * with a local CA, a registered throwaway client certificate (as PEM, DER, PFX and cert+key PEM),
 * an unregistered one, and a key that belongs to neither; every request is recorded.
 *
 * This is the only file of test/interop that imports project files (lib/, mock-aad/): when they
 * move, fix the paths here. Everything the tests need from the project is re-exported below.
 */
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, X509Certificate, type KeyObject } from "node:crypto";
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import forge from "node-forge";
import { buildSelfSignedCertificate, randomSerialNumber } from "../../lib/formats/x509/index.ts";
import { startMockServer } from "../../mock-aad/https-server.ts";
import { createMockAad, DEFAULT_VAULT_CERTIFICATE, defaultRegistry, DEMO_CLIENT_ID, DEMO_IDENTITY_HEADER, DEMO_TENANT_ID, vaultKey } from "../../mock-aad/index.ts";
import { ensureLocalTls } from "../../mock-aad/server/local-tls-store.ts";
import { findTool, runChild } from "./child-process.ts";

export { DEMO_API_APP_ID, DEMO_API_RESOURCE, DEMO_TENANT_DOMAIN, GRAPH_APP_ID, GRAPH_RESOURCE } from "../../mock-aad/index.ts";
export { childEnvironment, findTool, runChild, skipNote, type ChildOptions, type ChildResult } from "./child-process.ts";

export interface CapturedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** What the mock answered (filled in once the answer is made). */
  response?: { status: number; body: string };
}

export interface TokenRequest {
  form: URLSearchParams;
  /** The client assertion's JOSE header and claims, decoded; undefined when there is none or it is not a JWT. */
  header: any;
  payload: any;
}

export interface InteropMock {
  /** "https://127.0.0.1:PORT" */
  url: string;
  tenant: string;
  clientId: string;
  /** The local CA that signed the server certificate (absolute path), and its PEM text. */
  caPath: string;
  caPem: string;
  /** The registered throwaway client certificate (PEM and DER) and its key (PKCS#8 PEM). */
  certPemPath: string;
  keyPemPath: string;
  certDerPath: string;
  /** The same certificate and key as a PFX (AES-256-CBC), and as one PEM file. */
  pfxPath: string;
  pfxPassword: string;
  combinedPemPath: string;
  /** Upper-case hex. */
  thumbprintSha1Hex: string;
  thumbprintSha256Hex: string;
  unregistered: { certPemPath: string; keyPemPath: string; pfxPath: string; thumbprintSha1Hex: string; thumbprintSha256Hex: string };
  /** A key that does NOT belong to the registered certificate. */
  wrongKeyPemPath: string;
  /** A tenant GUID that is not the mock's. */
  otherTenant: string;
  /** Temporary folder (0700) holding all of the above (files 0600). */
  dir: string;
  /** The mock Key Vault at the server's root, holding the registered certificate and its key, and App Service's identity endpoint. */
  keyVault: { url: string; certificateName: string; identityEndpoint: string; identityHeader: string };
  /** Every request the server received, in order. */
  requests: CapturedRequest[];
  /** The POSTs to …/oauth2/v2.0/token (and v1 …/oauth2/token), with their client assertions decoded. */
  tokenRequests(): TokenRequest[];
  close(): Promise<void>;
}

interface ThrowawayCertificate {
  certPem: string;
  certDer: Uint8Array;
  keyPem: string;
  sha1Hex: string;
  sha256Hex: string;
}

/** A throwaway RSA 2048 key and a self-signed certificate for it (lib/x509.ts, signed by node:crypto). */
async function throwawayCertificate(name: string): Promise<ThrowawayCertificate> {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const now = Date.now();
  const { der } = await buildSelfSignedCertificate({
    subject: `CN=interop throwaway ${name}`,
    publicKeySpki: new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
    notBefore: new Date(Math.floor(now / 1000) * 1000 - 3600_000),
    notAfter: new Date(Math.floor(now / 1000) * 1000 + 30 * 86400_000),
    serialNumber: randomSerialNumber(),
    sign: (tbs) => new Uint8Array(sign("sha256", tbs, privateKey as KeyObject)),
  });
  return {
    certPem: new X509Certificate(Buffer.from(der)).toString(),
    certDer: der,
    keyPem: pkcs8Pem(privateKey),
    sha1Hex: createHash("sha1").update(der).digest("hex").toUpperCase(),
    sha256Hex: createHash("sha256").update(der).digest("hex").toUpperCase(),
  };
}

function pkcs8Pem(key: KeyObject): string {
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}

/** Writes a file only its owner may read (0600). */
export function writeSecretFile(path: string, data: string | Uint8Array): string {
  writeFileSync(path, data, { mode: 0o600 });
  chmodSync(path, 0o600); // the umask cannot widen it, but be explicit
  return path;
}

/** PKCS#12 with AES-256-CBC (PBES2): openssl when present, else node-forge. */
async function writePfx(path: string, cert: ThrowawayCertificate, certPath: string, keyPath: string, password: string): Promise<void> {
  const openssl = findTool("openssl");
  if (openssl) {
    const made = await runChild(
      openssl,
      ["pkcs12", "-export", "-in", certPath, "-inkey", keyPath, "-out", path, "-name", "interop throwaway", "-passout", "env:INTEROP_PFX_PASSWORD",
        "-keypbe", "AES-256-CBC", "-certpbe", "AES-256-CBC", "-macalg", "SHA256"],
      { env: { INTEROP_PFX_PASSWORD: password }, timeoutMs: 30_000 },
    );
    if (made.code !== 0) throw new Error(`openssl pkcs12 -export failed (${made.code}): ${made.stderr}`);
    chmodSync(path, 0o600);
    return;
  }
  const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(cert.keyPem), [forge.pki.certificateFromPem(cert.certPem)], password, {
    algorithm: "aes256",
    friendlyName: "interop throwaway",
  });
  writeSecretFile(path, Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary"));
}

function decodeJwtPart(part: string | undefined): unknown {
  if (!part) return undefined;
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

/** Starts the mock over HTTPS on 127.0.0.1:0 and writes the throwaway files into a new temporary folder. */
export async function startInteropMock(): Promise<InteropMock> {
  const dir = mkdtempSync(join(tmpdir(), "interop-"));
  chmodSync(dir, 0o700);
  try {
    const tls = await ensureLocalTls({ dir });
    const [registered, unregistered] = await Promise.all([throwawayCertificate("registered"), throwawayCertificate("unregistered")]);
    const wrongKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;

    const certPemPath = writeSecretFile(join(dir, "registered.pem"), registered.certPem);
    const keyPemPath = writeSecretFile(join(dir, "registered-key.pem"), registered.keyPem);
    const certDerPath = writeSecretFile(join(dir, "registered.cer"), registered.certDer);
    const combinedPemPath = writeSecretFile(join(dir, "registered-combined.pem"), registered.certPem + registered.keyPem);
    const pfxPath = join(dir, "registered.pfx");
    const pfxPassword = randomBytes(12).toString("hex");
    await writePfx(pfxPath, registered, certPemPath, keyPemPath, pfxPassword);

    const otherCertPath = writeSecretFile(join(dir, "unregistered.pem"), unregistered.certPem);
    const otherKeyPath = writeSecretFile(join(dir, "unregistered-key.pem"), unregistered.keyPem);
    const otherPfxPath = join(dir, "unregistered.pfx");
    await writePfx(otherPfxPath, unregistered, otherCertPath, otherKeyPath, pfxPassword);
    const wrongKeyPemPath = writeSecretFile(join(dir, "wrong-key.pem"), pkcs8Pem(wrongKey));

    // ensureLocalTls leaves ca.pem and server.pem world-readable: this folder's files are all 0600.
    for (const name of readdirSync(dir)) if (statSync(join(dir, name)).isFile()) chmodSync(join(dir, name), 0o600);

    const requests: CapturedRequest[] = [];
    const mock = createMockAad({ registry: defaultRegistry({ certificates: [registered.certDer] }) });
    mock.registry.vaults![0]!.keys.push(vaultKey({ name: DEFAULT_VAULT_CERTIFICATE, privateKey: registered.keyPem, certificate: registered.certDer }));
    const recording = {
      async handle(request: Request): Promise<Response> {
        const headers: Record<string, string> = {};
        request.headers.forEach((value, name) => (headers[name] = value));
        const body = request.body ? await request.clone().text() : "";
        const captured: CapturedRequest = { method: request.method, url: request.url, headers, body };
        requests.push(captured);
        const response = await mock.handle(request);
        captured.response = { status: response.status, body: await response.clone().text() };
        return response;
      },
    };
    const server = await startMockServer({ port: 0, host: "127.0.0.1", mock: recording, tls: { cert: tls.serverPem, key: tls.serverKeyPem } });

    let closed = false;
    return {
      url: server.url,
      tenant: DEMO_TENANT_ID,
      clientId: DEMO_CLIENT_ID,
      caPath: tls.caPath,
      caPem: tls.caPem,
      certPemPath,
      keyPemPath,
      certDerPath,
      pfxPath,
      pfxPassword,
      combinedPemPath,
      thumbprintSha1Hex: registered.sha1Hex,
      thumbprintSha256Hex: registered.sha256Hex,
      unregistered: { certPemPath: otherCertPath, keyPemPath: otherKeyPath, pfxPath: otherPfxPath, thumbprintSha1Hex: unregistered.sha1Hex, thumbprintSha256Hex: unregistered.sha256Hex },
      wrongKeyPemPath,
      otherTenant: randomUUID(),
      keyVault: { url: server.url, certificateName: DEFAULT_VAULT_CERTIFICATE, identityEndpoint: `${server.url}/msi/token`, identityHeader: DEMO_IDENTITY_HEADER },
      dir,
      requests,
      tokenRequests: () =>
        requests
          .filter((r) => r.method === "POST" && /\/oauth2\/(v2\.0\/)?token$/i.test(new URL(r.url).pathname))
          .map((r) => {
            const form = new URLSearchParams(r.body);
            const parts = form.get("client_assertion")?.split(".") ?? [];
            return { form, header: decodeJwtPart(parts[0]), payload: decodeJwtPart(parts[1]) };
          }),
      close: async () => {
        if (closed) return;
        closed = true;
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
