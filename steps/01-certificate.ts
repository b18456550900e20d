/**
 * Step 1 · Certificate: an RSA key pair and a self-signed X.509 certificate, the credential you
 * upload to the app registration. The certificate's TBSCertificate is signed by lib/crypto/rsa, the same
 * code that signs the client assertion in step 5; node:crypto then checks the result.
 */
import { readFileSync } from "node:fs";
import { derTree, type Asn1Node } from "../lib/formats/asn1-tree/index.ts";
import { nodeCertificateChecks } from "../lib/oracle.ts";
import { DEMO_SUBJECT } from "../lib/entra/demo.ts";
import { KitError } from "../lib/errors.ts";
import { pemDecode, pemEncode } from "../lib/formats/pem.ts";
import { readPfx, writePfx } from "../lib/formats/pkcs12/index.ts";
import { rsassaPkcs1v15Sign, type RsaPrivateKey } from "../lib/crypto/rsa/index.ts";
import { generateRsaPrivateKey, keysMatch, rsaPrivateKeyFromPem, rsaPrivateKeyFromPkcs8, rsaPrivateKeyToPkcs8, rsaPublicKeyFromSpki, rsaPublicKeyToSpki } from "../lib/formats/keys/index.ts";
import { SHA256 } from "../lib/crypto/sha256.ts";
import { buildSelfSignedCertificate, parseCertificate, randomSerialNumber, type CertificateInfo } from "../lib/formats/x509/index.ts";
import type { Context } from "./context.ts";
import { demoKeyPem } from "./fixed.ts";
import { asn1Lines } from "./render-asn1.ts";
import type { OptionValues, Step } from "./step.ts";
import { CERT_FILES, DEFAULT_PASSWORD, STEP_OUTLINES } from "./step-outlines.ts";
import type { Ui } from "./ui.ts";
import type { WrittenFile } from "./workspace.ts";

export { CERT_FILES } from "./step-outlines.ts";

export type CertificateSource = "generated" | "demo" | "pfx" | "pem" | "existing";

export interface CertificateResult {
  source: CertificateSource;
  sourceFile?: string;
  certificate: CertificateInfo;
  key: RsaPrivateKey;
  tree: Asn1Node;
  /** whether the kit built the certificate (its TBSCertificate signed by lib/crypto/rsa) */
  signedByKit: boolean;
  pfxPassword: string;
  pfxEncryption?: string;
  /** validity asked for, in years (for the equivalent commands) */
  years: number;
  checks: { text: string; ok: boolean }[];
  warnings: string[];
  written: WrittenFile[];
  setAside?: string;
  /** The workshop runs with --signer keyvault against the offline mock vault, which is given this key. */
  keyForMockVault: boolean;
}

function readUserFile(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new KitError("FILE_NOT_FOUND", `The ${what} ${path} does not exist.`, "Check the path (relative paths start from the folder you ran npm in).");
    if (code === "EISDIR") throw new KitError("FILE_NOT_FOUND", `${path} is a folder, not a ${what}.`, "Pass the file itself.");
    throw new KitError("FILE_READ", `Cannot read the ${what} ${path} (${code ?? error}).`, "Check the file's permissions.");
  }
}

function years(value: string | boolean | undefined): number {
  const n = value === undefined ? 2 : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new KitError("USAGE", `--years ${value} is not a whole number from 1 to 50.`, "New-SelfSignedCertificate's default is 1; the recipes use 2: --years 2.");
  return n;
}

/** A self-signed certificate for `key`, valid from now for `validYears`, signed by lib/crypto/rsa (also `npm run cert -- rotate`'s). */
export async function buildCertificate(ctx: Pick<Context, "now" | "randomBytes">, key: RsaPrivateKey, subject: string, validYears: number): Promise<Uint8Array> {
  const notBefore = ctx.now();
  const notAfter = new Date(notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + validYears);
  const spki = rsaPublicKeyToSpki(key);
  const built = await buildSelfSignedCertificate({
    subject,
    publicKeySpki: spki,
    notBefore,
    notAfter,
    serialNumber: randomSerialNumber(() => ctx.randomBytes("serial", 16)),
    // RFC 5280 §4.1.1.3: the signatureValue is computed over the DER of the TBSCertificate, here by our own RSA code.
    sign: (tbs) => rsassaPkcs1v15Sign(key, tbs, SHA256),
  });
  return built.der;
}

/** A PEM file's certificate and private key (the key may be in another file); also what a profile's --pem names. */
export function loadPem(certPath: string, keyPath: string | undefined): { certDer: Uint8Array; key: RsaPrivateKey } {
  const text = new TextDecoder().decode(readUserFile(certPath, "PEM file"));
  const blocks = pemDecode(text);
  const cert = blocks.find((b) => b.label === "CERTIFICATE");
  if (!cert) throw new KitError("PEM_NO_CERT", `${certPath} holds no CERTIFICATE block (found: ${blocks.map((b) => b.label).join(", ") || "no PEM blocks"}).`, "Pass a PEM file with the certificate (and its key, or the key with --key FILE).");
  const keyText = keyPath ? new TextDecoder().decode(readUserFile(keyPath, "key file")) : text;
  const keyBlocks = pemDecode(keyText).filter((b) => b.label !== "CERTIFICATE");
  if (keyBlocks.length === 0)
    throw new KitError("PEM_NO_KEY", `${keyPath ?? certPath} holds no private key.`, "Add the key to the PEM file, or pass it with --key FILE.");
  return { certDer: cert.der, key: rsaPrivateKeyFromPem(keyText) };
}

/** node:crypto's view of the result: parses, key matches, self-signature verifies, subject as asked. */
function crossChecks(info: CertificateInfo, key: RsaPrivateKey, askedSubject: string | undefined): { text: string; ok: boolean }[] {
  const node = nodeCertificateChecks(info.der, rsaPrivateKeyToPkcs8(key));
  const checks = [{ text: "node:crypto checkPrivateKey: the private key belongs to this certificate", ok: node.keyMatches }];
  if (askedSubject !== undefined) checks.push({ text: `node:crypto reads the subject we asked for (${askedSubject})`, ok: node.subject === askedSubject.split(/\s*,\s*/).join(", ") });
  if (info.selfSigned) checks.push({ text: "node:crypto verifies the certificate's signature with its own public key", ok: node.selfSignatureVerifies });
  return checks;
}

/** The PFX the user brought: without --password, an empty password is tried, then the user is asked for one. */
async function readUserPfx(path: string, password: string | undefined) {
  const bytes = readUserFile(path, "PFX file");
  try {
    return await readPfx(bytes, password ?? "");
  } catch (error) {
    if (password === undefined && error instanceof KitError && error.code === "PFX_PASSWORD")
      throw new KitError("PFX_PASSWORD", `${path} is protected by a password and none was given.`, `Add it: npm run step 1 -- --pfx ${path} --password P`);
    throw error;
  }
}

/** Whether the workspace's private key is the demo key (then --fixed may rewrite it: the output is identical). */
function holdsDemoKey(ctx: Context): boolean {
  if (!ctx.ws.has("private-key.pem")) return !CERT_FILES.some((f) => ctx.ws.has(f));
  try {
    return keysMatch(rsaPrivateKeyFromPem(demoKeyPem()), rsaPrivateKeyFromPem(ctx.ws.readText("private-key.pem")));
  } catch {
    return false;
  }
}

async function run(ctx: Context, o: OptionValues): Promise<CertificateResult> {
  const pfxPath = typeof o.pfx === "string" ? o.pfx : undefined;
  const pemPath = typeof o.pem === "string" ? o.pem : undefined;
  if (pfxPath && pemPath) throw new KitError("USAGE", "Use --pfx or --pem, not both.", "Bring your certificate in one form.");
  if (typeof o.key === "string" && !pemPath) throw new KitError("USAGE", "--key goes with --pem.", "npm run step 1 -- --pem cert.pem --key key.pem");
  if (ctx.fixed && (pfxPath || pemPath)) throw new KitError("USAGE", "--fixed uses the published demo key, so it does not take --pfx or --pem.", "Leave out --fixed to use your own certificate.");
  const keyBits = Number(o["key-size"] ?? 2048);
  const subject = typeof o.subject === "string" ? o.subject : DEMO_SUBJECT;
  const validYears = years(o.years);
  const userPassword = typeof o.password === "string" ? o.password : undefined;
  const pairPresent = ctx.ws.has("cert.cer") && ctx.ws.has("private-key.pem");
  const halfPresent = !pairPresent && (ctx.ws.has("cert.cer") || ctx.ws.has("private-key.pem"));
  const newOnly = ["subject", "years", "key-size"].filter((k) => o[k] !== undefined);

  let source: CertificateSource;
  let certDer: Uint8Array;
  let key: RsaPrivateKey;
  let pfxEncryption: string | undefined;
  let signedByKit = false;
  if (pfxPath) {
    source = "pfx";
    const pfx = await readUserPfx(pfxPath, userPassword);
    certDer = pfx.certificates[0]!;
    key = rsaPrivateKeyFromPkcs8(pfx.privateKeyPkcs8);
    pfxEncryption = `key: ${pfx.keyEncryption}; certificate: ${pfx.certEncryption}; MAC: ${pfx.mac}`;
  } else if (pemPath) {
    source = "pem";
    ({ certDer, key } = loadPem(pemPath, typeof o.key === "string" ? o.key : undefined));
  } else if (!ctx.fixed && pairPresent && !o.new) {
    if (newOnly.length)
      throw new KitError("USAGE", `--${newOnly[0]} applies when a new certificate is made, and ${ctx.ws.display("cert.cer")} already exists.`, "Add --new: the current files are moved to previous/, not deleted.");
    source = "existing";
    certDer = ctx.ws.read("cert.cer");
    key = rsaPrivateKeyFromPem(ctx.ws.readText("private-key.pem"));
  } else if (!ctx.fixed && halfPresent && !o.new) {
    const [there, missing] = ctx.ws.has("cert.cer") ? ["cert.cer", "private-key.pem"] : ["private-key.pem", "cert.cer"];
    throw new KitError("HALF_PAIR", `${ctx.ws.display(there)} is there but ${missing} is missing, so the pair cannot be used.`, `Restore ${missing} (look in ${ctx.ws.display("previous")}), or make a new pair with npm run step 1 -- --new and upload the new cert.cer.`);
  } else {
    source = ctx.fixed ? "demo" : "generated";
    key = ctx.fixed ? rsaPrivateKeyFromPem(demoKeyPem()) : await generateRsaPrivateKey(keyBits);
    certDer = await buildCertificate(ctx, key, subject, validYears);
    signedByKit = true;
  }

  const certificate = parseCertificate(certDer);
  if (certificate.keyType !== "RSA")
    throw new KitError("EC_KEY", `The certificate's key is ${certificate.keyType}, not RSA.`, "Entra client assertions here are RS256 or PS256, which need an RSA certificate: make one with npm run step 1 -- --new.");
  const certKey = rsaPublicKeyFromSpki(certificate.publicKeySpki);
  if (!keysMatch(key, certKey))
    throw new KitError("KEY_MISMATCH", "The private key does not belong to this certificate (their moduli differ).", "Pass the key that was made with this certificate; nothing was written.");
  const warnings: string[] = [];
  if (certificate.keyBits < 2048) warnings.push(`The key is ${certificate.keyBits} bits: Entra asks for at least 2048.`);
  if (certificate.notAfter.getTime() < ctx.now().getTime()) warnings.push(`The certificate expired on ${certificate.notAfter.toISOString()}: Entra will refuse it (AADSTS700027, "The key used is expired").`);

  const checks = crossChecks(certificate, key, signedByKit ? subject : undefined);
  if (checks.some((c) => !c.ok))
    throw new KitError("CROSS_CHECK_FAILED", `The certificate failed a cross-check: ${checks.filter((c) => !c.ok).map((c) => c.text).join("; ")}.`, "Nothing was written. If you did not edit anything, this is a bug in lib/formats/x509 or lib/crypto/rsa: please report it.");
  let written: WrittenFile[] = [];
  let setAside: string | undefined;
  if (source !== "existing") {
    const pkcs8 = rsaPrivateKeyToPkcs8(key);
    const pfx = await writePfx({
      certificateDer: certDer,
      privateKeyPkcs8Der: pkcs8,
      password: userPassword ?? DEFAULT_PASSWORD,
      friendlyName: certificate.subject,
      random: ctx.fixed ? (n: number) => ctx.randomBytes(`pfx-${n}`, n) : undefined,
    });
    // Replacing a key must not lose the old one: it moves to previous/<time>/ with everything built from it.
    // (--fixed rewrites the demo key's files in place: the bytes are the same every time.)
    if (CERT_FILES.some((f) => ctx.ws.has(f)) && !(ctx.fixed && holdsDemoKey(ctx))) setAside = ctx.ws.setAside(ALL_ARTIFACTS, new Date().toISOString());
    written = ctx.ws.writeAll([
      { name: "cert.cer", data: certDer },
      { name: "cert.pem", data: pemEncode("CERTIFICATE", certDer) },
      { name: "private-key.pem", data: pemEncode("PRIVATE KEY", pkcs8), secret: true },
      { name: "cert.pfx", data: pfx, secret: true },
    ]);
  }
  return { source, sourceFile: pfxPath ?? pemPath, certificate, key, tree: derTree(certDer), signedByKit, years: validYears, pfxPassword: source === "existing" ? "(unchanged)" : userPassword === undefined ? `${DEFAULT_PASSWORD} (the default; choose one with --password)` : "the one given with --password", pfxEncryption, checks, warnings, written, setAside, keyForMockVault: o.signer === "keyvault" && o.vault === undefined };
}

/** Every artifact the steps write, so that replacing the certificate sets aside what was built from it. */
export const ALL_ARTIFACTS = [...CERT_FILES, "thumbprints.json", "header.json", "payload.json", "signing-input.txt", "signing-input.sha256", "signature.bin", "client-assertion.jwt"];

function render(r: CertificateResult, ui: Ui, ctx: Context): string[] {
  const c = r.certificate;
  const lines = [
    ...ui.title(1, "Certificate"),
    ...ui.prose(
      "Entra knows your application's key by its certificate: you upload the public part (cert.cer)",
      "to the app registration, keep the private key, and prove you hold it by signing a JWT.",
      "A certificate is a signed statement \"this public key belongs to this subject\"; here it is",
      "self-signed, which is all Entra needs: it checks the key, not who issued the certificate.",
    ),
  ];
  const origin: Record<CertificateSource, string> = {
    generated: `new ${c.keyBits}-bit RSA key pair from WebCrypto (crypto.subtle.generateKey), certificate built here`,
    demo: `the published demo key (--fixed: never use it for real), certificate built here`,
    pfx: `key and certificate read from ${r.sourceFile}`,
    pem: `key and certificate read from ${r.sourceFile}`,
    existing: `the certificate already in ${ctx.ws.display("")} (make a new one with --new)`,
  };
  lines.push(...ui.section("What was used"), ...ui.fields([["source", origin[r.source]], ...(r.pfxEncryption ? [["PFX protection", r.pfxEncryption] as [string, string]] : [])]));
  lines.push(...ui.section("The certificate, field by field (DER, annotated)"), ...asn1Lines(r.tree, ui));
  lines.push(
    ...ui.section("Summary"),
    ...ui.fields([
      ["subject", c.subject],
      ["serial number", c.serialNumberHex],
      ["valid", `${c.notBefore.toISOString()} → ${c.notAfter.toISOString()}`],
      ["key", `RSA ${c.keyBits} bits, e = ${r.key.e}`],
      ["signature", `${c.signatureAlgorithm}${r.signedByKit ? ", computed by lib/crypto/rsa over the TBSCertificate" : ""}`],
      ["DER size", `${c.der.length} bytes`],
    ]),
  );
  lines.push(...ui.section("Cross-check"), ...r.checks.map((k) => ui.check(k.ok, k.text)));
  for (const w of r.warnings) lines.push(ui.warn(w));
  lines.push(
    ...ui.section("The same in PowerShell and openssl"),
    ...ui.command("PowerShell (Windows certificate store):", [
      `$cert = New-SelfSignedCertificate -Subject "${c.subject}" -CertStoreLocation Cert:\\CurrentUser\\My \``,
      `  -KeySpec Signature -KeyAlgorithm RSA -KeyLength ${c.keyBits} -HashAlgorithm SHA256 -NotAfter (Get-Date).AddYears(${r.years})`,
      `Export-Certificate -Cert $cert -FilePath cert.cer`,
      `Export-PfxCertificate -Cert $cert -FilePath cert.pfx -Password (Read-Host -AsSecureString)`,
    ]),
    ...ui.command("openssl (the same extensions as here; -subj lists the name in DER order):", [
      `openssl req -x509 -newkey rsa:${c.keyBits} -sha256 -days ${r.years * 365} -nodes -subj "/${c.subject.split(/\s*,\s*/).reverse().join("/")}" \\`,
      `  -addext "basicConstraints=critical,CA:FALSE" -addext "keyUsage=critical,digitalSignature" \\`,
      `  -addext "extendedKeyUsage=clientAuth,serverAuth" -keyout private-key.pem -out cert.pem`,
    ]),
  );
  if (r.written.length) {
    lines.push(...ui.section("Files"));
    if (r.setAside) lines.push(`  ${ui.paint("dim", "moved the previous files to")} ${r.setAside}`);
    for (const f of r.written) lines.push(ui.artifact(f.display, `(${f.bytes} bytes${f.secret ? ", mode 0600, keep it secret" : ""})`));
    lines.push(`  ${ui.paint("dim", "PFX password:")} ${r.pfxPassword}`);
    if (r.keyForMockVault && r.written.some((f) => f.name === "private-key.pem"))
      lines.push(
        `  ${ui.paint("em", `--signer keyvault: offline, the mock Key Vault is given ${ctx.ws.display("private-key.pem")} when it starts.`)}`,
        `  ${ui.paint("em", "It stands in for a key generated inside Key Vault: in Azure there is no private-key.pem, the key never leaves the vault.")}`,
      );
    if (ctx.fixed) lines.push(ui.warn("This is the published demo key: use it to learn, never upload its certificate to a real app."));
    else lines.push(`  ${ui.paint("dim", "Upload")} ${ctx.ws.display("cert.cer")} ${ui.paint("dim", "to the app registration: Certificates & secrets > Certificates > Upload certificate.")}`);
  }
  lines.push(...ctx.next(2, "the thumbprint Entra uses to find this certificate"));
  return lines;
}

export const certificateStep: Step<CertificateResult> = {
  ...STEP_OUTLINES[0]!,
  run,
  render,
  json: (r) => ({
    source: r.source,
    subject: r.certificate.subject,
    serialNumber: r.certificate.serialNumberHex,
    notBefore: r.certificate.notBefore,
    notAfter: r.certificate.notAfter,
    keyBits: r.certificate.keyBits,
    thumbprintSha1: r.certificate.thumbprintSha1,
    thumbprintSha256: r.certificate.thumbprintSha256,
    certificateDer: r.certificate.der,
    checks: r.checks,
    warnings: r.warnings,
    files: r.written.map((f) => ({ path: f.display, bytes: f.bytes, secret: f.secret })),
    setAside: r.setAside,
  }),
};
