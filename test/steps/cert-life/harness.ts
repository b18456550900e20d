/**
 * The certificate-life commands (profile, token, cert) against the in-process mock: a temporary
 * ENTRA_KIT_HOME, an injected clock (tests move it, never sleep), the mock's core as fetch at the
 * HTTPS mock's origin (https://127.0.0.1:8443), and throwaway certificates made here (node:crypto
 * keys, never used anywhere else).
 */
import { sign, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSelfSignedCertificate } from "../../../lib/formats/x509/index.ts";
import { pemEncode } from "../../../lib/formats/pem.ts";
import { writePfx } from "../../../lib/formats/pkcs12/index.ts";
import { createMockAad, type MockAad } from "../../../mock-aad/core.ts";
import { defaultRegistry, type Registry } from "../../../mock-aad/registry.ts";
import { createSigningKey, type SigningKey } from "../../../mock-aad/signing-key.ts";
import { DEMO_CLIENT_ID, DEMO_TENANT_ID } from "../../../lib/entra/demo.ts";
import type { CertLifeIo } from "../../../steps/profile/io.ts";
import type { Prompter } from "../../../steps/profile/prompt.ts";
import { runProfileCli } from "../../../steps/profile/command.ts";
import { runTokenCli } from "../../../steps/token/command.ts";
import { runCertCli } from "../../../steps/cert/command.ts";
import { afterAll } from "vitest";
import { nextThrowawayKeyPair } from "../../helpers/throwaway-keys.ts";

/** Every folder a Lab made (a home with profiles, keys and token caches): removed when the file is done. */
const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function labFolder(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export const ORIGIN = "https://127.0.0.1:8443";
export const GRAPH = `${ORIGIN}/graph/v1.0`;
export const TENANT = DEMO_TENANT_ID;
export const CLIENT_ID = DEMO_CLIENT_ID;
export const START = new Date("2026-03-01T10:00:00Z");
export const PASSWORD_VAR = "TEST_PFX_PASSWORD";
export const PASSWORD = "throwaway-test-password";

export interface ThrowawayCert {
  key: KeyObject;
  der: Uint8Array;
  pkcs8: Uint8Array;
}

let signingKeyMemo: SigningKey | undefined;

/** A throwaway RSA key and self-signed certificate (only for these tests). */
export async function throwawayCert(notBefore: Date, notAfter: Date, subject = "CN=cert-life throwaway test"): Promise<ThrowawayCert> {
  const { privateKey, publicKey } = nextThrowawayKeyPair(); // a different key each time (test/helpers/throwaway-keys.ts)
  const built = await buildSelfSignedCertificate({
    subject,
    publicKeySpki: new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
    notBefore,
    notAfter,
    serialNumber: Uint8Array.of(0x51, 0x7e, notAfter.getUTCFullYear() & 0xff),
    sign: (tbs) => new Uint8Array(sign("sha256", tbs, privateKey)),
  });
  return { key: privateKey, der: built.der, pkcs8: new Uint8Array(privateKey.export({ type: "pkcs8", format: "der" })) };
}

export class Lab {
  readonly home = labFolder("cert-life-home-");
  readonly files = labFolder("cert-life-files-");
  now = START;
  /** How far the mock's clock is ahead of the commands' (a skewed machine). */
  mockSkewMs = 0;
  requests: { method: string; url: string }[] = [];
  sleeps = 0;
  env: Record<string, string | undefined> = { ENTRA_KIT_HOME: this.home, [PASSWORD_VAR]: PASSWORD };
  prompt: Prompter | undefined;
  readonly mock: MockAad;

  constructor(readonly registry: Registry, options: { replicationDelaySeconds?: number } = {}) {
    let n = 0;
    this.mock = createMockAad({ registry, ...options, clock: () => new Date(this.now.getTime() + this.mockSkewMs), ids: () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, "0")}`, signingKey: (signingKeyMemo ??= createSigningKey(START)) });
  }

  static async withCertificate(cert: ThrowawayCert, options: { replicationDelaySeconds?: number } = {}): Promise<Lab> {
    return new Lab(defaultRegistry({ certificates: [cert.der] }), options);
  }

  io(): CertLifeIo & { text(): { out: string; err: string } } {
    let out = "";
    let err = "";
    return {
      out: (t) => void (out += t),
      err: (t) => void (err += t),
      color: false,
      env: this.env,
      now: () => this.now,
      randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
      fetch: async (url, init) => {
        this.requests.push({ method: String(init.method ?? "GET"), url });
        return this.mock.handle(new Request(url, init));
      },
      ...(this.prompt ? { prompt: this.prompt } : {}),
      // Waiting moves the injected clock instead of the test's time.
      sleep: async (ms) => {
        this.sleeps++;
        this.now = new Date(this.now.getTime() + ms);
      },
      text: () => ({ out, err }),
    };
  }

  async pfx(cert: ThrowawayCert, name = "app.pfx", password = PASSWORD): Promise<string> {
    const path = join(this.files, name);
    writeFileSync(path, await writePfx({ certificateDer: cert.der, privateKeyPkcs8Der: cert.pkcs8, password }), { mode: 0o600 });
    return path;
  }

  pem(cert: ThrowawayCert, name = "app.pem"): string {
    const path = join(this.files, name);
    writeFileSync(path, pemEncode("CERTIFICATE", cert.der) + pemEncode("PRIVATE KEY", cert.pkcs8), { mode: 0o600 });
    return path;
  }

  async run(cli: "profile" | "token" | "cert", ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const io = this.io();
    const runner = cli === "profile" ? runProfileCli : cli === "token" ? runTokenCli : runCertCli;
    const code = await runner(argv, io);
    return { code, ...io.text() };
  }

  /** profile add NAME with the mock's authority and Graph, the PFX's password from PASSWORD_VAR. */
  async addProfile(name: string, pfxPath: string, ...extra: string[]) {
    return this.run("profile", "add", name, "--tenant", TENANT, "--client-id", CLIENT_ID, "--pfx", pfxPath, "--password-env", PASSWORD_VAR, "--authority", ORIGIN, "--graph", GRAPH, ...extra);
  }

  tokenRequests(): number {
    return this.requests.filter((r) => r.url.endsWith("/oauth2/v2.0/token")).length;
  }
}
