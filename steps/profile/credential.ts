/**
 * A profile's certificate and private key, read from the file it names: a PFX (its password from
 * the environment variable the profile names, or asked for at the terminal, never stored) or a PEM
 * file holding both, as step 1's --pem takes it. Against a real Entra the published demo keys
 * (steps/demo/) are refused: their private halves are on the internet.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { DEMO_CLIENT_ID, DEMO_TENANT_DOMAIN, DEMO_TENANT_ID } from "../../lib/entra/demo.ts";
import { KitError } from "../../lib/errors.ts";
import type { RsaPrivateKey } from "../../lib/crypto/rsa/index.ts";
import { readPfx } from "../../lib/formats/pkcs12/index.ts";
import { keysMatch, rsaPrivateKeyFromPem, rsaPrivateKeyFromPkcs8, rsaPublicKeyFromSpki } from "../../lib/formats/keys/index.ts";
import { parseCertificate, type CertificateInfo } from "../../lib/formats/x509/index.ts";
import { loadPem } from "../01-certificate.ts";
import type { CertLifeIo } from "./io.ts";
import { isLoopback, type CertificateRef, type Profile } from "./profile.ts";

export interface Credential {
  certificate: CertificateInfo;
  key: RsaPrivateKey;
  /** The file it came from. */
  file: string;
  /** The PFX password that opened it ("" for none; undefined for PEM), kept in memory only, for a rotation's new PFX. */
  password?: string;
}

/** How a profile's flags are changed: `edit` once it exists; while `add` is still making it (nothing saved), `add` again. */
export interface ProfileContext {
  /** The profile is being added: it does not exist yet, so `edit` would fail. */
  adding?: boolean;
}

/** The command that sets `flags` on the profile, for a hint. */
export function changeCommand(profileName: string, flags: string, context: ProfileContext = {}): string {
  return context.adding ? `run npm run profile -- add ${profileName} … again with ${flags} (nothing was saved)` : `npm run profile -- edit ${profileName} ${flags}`;
}

/** Reads the certificate and key a profile (or a profile's previous entry) names. */
export async function loadCredential(ref: CertificateRef, io: CertLifeIo, profileName: string, context: ProfileContext = {}): Promise<Credential> {
  if ("pem" in ref) {
    readable(ref.pem, "PEM file", profileName, context);
    const { certDer, key } = loadPem(ref.pem, undefined);
    return checked(certDer, key, ref.pem);
  }
  const bytes = readable(ref.pfx, "PFX file", profileName, context);
  const password = await pfxPassword(ref, io, profileName);
  let pfx;
  try {
    pfx = await readPfx(bytes, password);
  } catch (error) {
    if (error instanceof KitError && error.code === "PFX_PASSWORD") {
      const from = ref.passwordEnv ? `the password in $${ref.passwordEnv}` : password === "" ? "an empty password" : "the password given";
      throw new KitError("PFX_PASSWORD", `${ref.pfx} does not open with ${from}.`, ref.passwordEnv ? `Set ${ref.passwordEnv} to the PFX's password (test it: openssl pkcs12 -in ${ref.pfx} -noout). If it is lost, npm run lab -- proof-signed-by-new-key shows what a rotation needs instead.` : `Name a variable that holds it: ${changeCommand(profileName, "--password-env VAR", context)}.`);
    }
    throw error;
  }
  if (pfx.certificates.length === 0 || !pfx.privateKeyPkcs8) throw new KitError("PFX_NO_KEY", `${ref.pfx} does not hold both a certificate and its private key.`, "Export it again with the private key (Export-PfxCertificate, or openssl pkcs12 -export -inkey …).");
  return { ...checked(pfx.certificates[0]!, rsaPrivateKeyFromPkcs8(pfx.privateKeyPkcs8), ref.pfx), password };
}

function readable(path: string, what: string, profileName: string, context: ProfileContext): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const flag = `--${what.startsWith("PFX") ? "pfx" : "pem"}`;
    const hint = context.adding ? `Check the path, then ${changeCommand(profileName, `the right ${flag} FILE`, context)}.` : `Put the file back, or point the profile at it: ${changeCommand(profileName, `${flag} FILE`)}.`;
    const named = context.adding ? `${flag} names` : `The profile "${profileName}" names`; // while adding, there is no profile yet
    if (code === "ENOENT") throw new KitError("FILE_NOT_FOUND", `${named} the ${what} ${path}, which does not exist.`, hint);
    if (code === "EISDIR") throw new KitError("FILE_NOT_FOUND", `${named} ${path} as the ${what}, and it is a folder.`, hint);
    throw new KitError("FILE_READ", `Cannot read the ${what} ${path} (${code ?? String(error)}).`, "Check the file's permissions: it should be yours, mode 0600.");
  }
}

async function pfxPassword(ref: { pfx: string; passwordEnv?: string }, io: CertLifeIo, profileName: string): Promise<string> {
  if (ref.passwordEnv) {
    const value = io.env[ref.passwordEnv];
    if (value !== undefined) return value;
    if (io.prompt) return io.prompt.askHidden(`Password for ${ref.pfx} ($${ref.passwordEnv} is not set): `);
    throw new KitError("PFX_PASSWORD", `The profile "${profileName}" takes the PFX password from $${ref.passwordEnv}, which is not set.`, `Set it for this shell or job (PowerShell: $env:${ref.passwordEnv} = …; bash: export ${ref.passwordEnv}=…), or run in a terminal to be asked.`);
  }
  if (io.prompt) return io.prompt.askHidden(`Password for ${ref.pfx} (Enter for none): `);
  return "";
}

function checked(certDer: Uint8Array, key: RsaPrivateKey, file: string): Credential {
  const certificate = parseCertificate(certDer);
  if (certificate.keyType !== "RSA" || !keysMatch(key, rsaPublicKeyFromSpki(certificate.publicKeySpki)))
    throw new KitError("KEY_MISMATCH", `The private key in ${file} does not belong to its certificate.`, "Export the certificate together with its own key.");
  return { certificate, key, file };
}

// ── The published demo keys ──────────────────────────────────────────────────────────────────────

const DEMO_FOLDER = fileURLToPath(new URL("../demo/", import.meta.url));
let demoKeys: RsaPrivateKey[] | undefined;

/** Whether `key` is one of the kit's published keys (steps/demo/*.pem). */
export function isPublishedDemoKey(key: RsaPrivateKey): boolean {
  demoKeys ??= readdirSync(DEMO_FOLDER)
    .filter((f) => f.endsWith(".pem"))
    .map((f) => rsaPrivateKeyFromPem(readFileSync(join(DEMO_FOLDER, f), "utf8")));
  return demoKeys.some((k) => k.n === key.n);
}

/**
 * Against a real Entra (any authority that is not a loopback address): no published demo key, no
 * demo tenant or app. The mock is served on 127.0.0.1, so these never block the offline workshop.
 */
export function refuseDemoAgainstRealEntra(profile: Profile, key: RsaPrivateKey | undefined, context: ProfileContext = {}): void {
  if (isLoopback(profile.authority)) return;
  if (key && isPublishedDemoKey(key))
    throw new KitError("DEMO_KEY_LIVE", `The profile "${profile.name}" signs with one of the kit's published demo keys, and ${profile.authority} is a real Entra: anyone can sign with that key.`, `Make your own key and certificate (npm run step 1 -- --new), upload cert.cer, then ${changeCommand(profile.name, "--pfx FILE", context)}.`);
  const demo = [DEMO_TENANT_ID, DEMO_TENANT_DOMAIN, DEMO_CLIENT_ID].map((x) => x.toLowerCase());
  if (demo.includes(profile.tenant.toLowerCase()) || demo.includes(profile.clientId.toLowerCase()))
    throw new KitError("LIVE_DEMO_APP", `The profile "${profile.name}" names the kit's demo tenant or app, which exist only in the mock, and ${profile.authority} is a real Entra.`, `Use your own: ${changeCommand(profile.name, "--tenant YOUR-TENANT-ID --client-id YOUR-APP-ID", context)}.`);
}
