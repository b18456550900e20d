/**
 * Step 1 · Certificate: an RSA key pair and a self-signed X.509 certificate, the credential you
 * upload to the app registration. The certificate's TBSCertificate is signed by lib/rsa.ts, the same
 * code that signs the client assertion in step 5; node:crypto then checks the result.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { derTree, type Asn1Node } from "../lib/asn1-tree.ts";
import { DEMO_SUBJECT } from "../lib/demo.ts";
import { KitError } from "../lib/errors.ts";
import { pemDecode, pemEncode } from "../lib/pem.ts";
import { readPfx, writePfx } from "../lib/pkcs12.ts";
import { rsassaPkcs1v15Sign, type RsaPrivateKey } from "../lib/rsa.ts";
import { keysMatch, rsaPrivateKeyFromPem, rsaPrivateKeyFromPkcs8, rsaPrivateKeyToPkcs8, rsaPublicKeyFromSpki, rsaPublicKeyToSpki } from "../lib/rsa-keys.ts";
import { SHA256 } from "../lib/sha256.ts";
import { buildSelfSignedCertificate, parseCertificate, randomSerialNumber, type CertificateInfo } from "../lib/x509.ts";
import type { Context } from "./context.ts";
import { demoKeyPem } from "./fixed.ts";
import { asn1Lines } from "./render-asn1.ts";
import type { OptionValues, Step } from "./step.ts";
import type { Ui } from "./ui.ts";
import type { WrittenFile } from "./workspace.ts";

export const CERT_FILES = ["cert.cer", "cert.pem", "private-key.pem", "cert.pfx"] as const;
const DEFAULT_PASSWORD = "workshop";

export type CertificateSource = "generated" | "demo" | "pfx" | "pem" | "existing";

export interface CertificateResult {
  source: CertificateSource;
  sourceFile?: string;
  certificate: CertificateInfo;
  key: RsaPrivateKey;
  tree: Asn1Node;
  /** bytes of the TBSCertificate our RSA code signed (only when we built the certificate) */
  signedByKit: boolean;
  pfxPassword: string;
  pfxEncryption?: string;
  checks: { text: string; ok: boolean }[];
  warnings: string[];
  written: WrittenFile[];
  setAside?: string;
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

/** New key pair from WebCrypto (RSASSA-PKCS1-v1_5, e = 65537), as the design asks. */
async function generateKey(bits: number): Promise<RsaPrivateKey> {
  const pair = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  return rsaPrivateKeyFromPkcs8(new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey)));
}

function years(value: string | boolean | undefined): number {
  const n = value === undefined ? 2 : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new KitError("USAGE", `--years ${value} is not a whole number from 1 to 50.`, "New-SelfSignedCertificate's default is 1; the recipes use 2: --years 2.");
  return n;
}

async function buildCertificate(ctx: Context, key: RsaPrivateKey, subject: string, validYears: number): Promise<Uint8Array> {
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

function loadPem(ctx: Context, certPath: string, keyPath: string | undefined): { certDer: Uint8Array; key: RsaPrivateKey } {
  void ctx;
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

function crossChecks(info: CertificateInfo, key: RsaPrivateKey): { text: string; ok: boolean }[] {
  const x = new X509Certificate(Buffer.from(info.der));
  const nodeKey = createPrivateKey({ key: Buffer.from(rsaPrivateKeyToPkcs8(key)), format: "der", type: "pkcs8" });
  const checks = [
    { text: "node:crypto X509Certificate parses the DER", ok: true },
    { text: "its subject is what we asked for", ok: x.subject.replace(/\n/g, ", ") === info.subject.split(/,\s*/).join(", ") },
    { text: "node:crypto checkPrivateKey: the private key belongs to this certificate", ok: x.checkPrivateKey(nodeKey) },
  ];
  if (info.selfSigned) checks.push({ text: "node:crypto verifies the certificate's signature with its own public key", ok: x.verify(x.publicKey) });
  return checks;
}

async function run(ctx: Context, o: OptionValues): Promise<CertificateResult> {
  const pfxPath = typeof o.pfx === "string" ? o.pfx : undefined;
  const pemPath = typeof o.pem === "string" ? o.pem : undefined;
  if (pfxPath && pemPath) throw new KitError("USAGE", "Use --pfx or --pem, not both.", "Bring your certificate in one form.");
  if (typeof o.key === "string" && !pemPath) throw new KitError("USAGE", "--key goes with --pem.", "npm run step 1 -- --pem cert.pem --key key.pem");
  const keyBits = Number(o["key-size"] ?? 2048);
  const subject = typeof o.subject === "string" ? o.subject : DEMO_SUBJECT;
  const validYears = years(o.years);
  const password = typeof o.password === "string" ? o.password : pfxPath ? "" : DEFAULT_PASSWORD;
  const allPresent = CERT_FILES.every((f) => ctx.ws.has(f));

  let source: CertificateSource;
  let certDer: Uint8Array;
  let key: RsaPrivateKey;
  let pfxEncryption: string | undefined;
  let signedByKit = false;
  if (pfxPath) {
    source = "pfx";
    const pfx = await readPfx(readUserFile(pfxPath, "PFX file"), password);
    certDer = pfx.certificates[0]!;
    key = rsaPrivateKeyFromPkcs8(pfx.privateKeyPkcs8);
    pfxEncryption = `key: ${pfx.keyEncryption}; certificate: ${pfx.certEncryption}; MAC: ${pfx.mac}`;
  } else if (pemPath) {
    source = "pem";
    ({ certDer, key } = loadPem(ctx, pemPath, typeof o.key === "string" ? o.key : undefined));
  } else if (allPresent && !o.new) {
    source = "existing";
    certDer = ctx.ws.read("cert.cer");
    key = rsaPrivateKeyFromPem(ctx.ws.readText("private-key.pem"));
  } else {
    source = ctx.fixed ? "demo" : "generated";
    key = ctx.fixed ? rsaPrivateKeyFromPem(demoKeyPem()) : await generateKey(keyBits);
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

  const checks = crossChecks(certificate, key);
  let written: WrittenFile[] = [];
  let setAside: string | undefined;
  if (source !== "existing") {
    const pkcs8 = rsaPrivateKeyToPkcs8(key);
    const pfx = await writePfx({
      certificateDer: certDer,
      privateKeyPkcs8Der: pkcs8,
      password,
      friendlyName: certificate.subject,
      random: ctx.fixed ? (n: number) => ctx.randomBytes(`pfx-${n}`, n) : undefined,
    });
    // Replacing a key must not lose the old one: it moves to previous/<time>/ with everything built from it.
    if (CERT_FILES.some((f) => ctx.ws.has(f)) && !ctx.fixed) setAside = ctx.ws.setAside(ALL_ARTIFACTS, new Date().toISOString());
    written = ctx.ws.writeAll([
      { name: "cert.cer", data: certDer },
      { name: "cert.pem", data: pemEncode("CERTIFICATE", certDer) },
      { name: "private-key.pem", data: pemEncode("PRIVATE KEY", pkcs8), secret: true },
      { name: "cert.pfx", data: pfx, secret: true },
    ]);
  }
  return { source, sourceFile: pfxPath ?? pemPath, certificate, key, tree: derTree(certDer), signedByKit, pfxPassword: source === "existing" ? "(unchanged)" : password, pfxEncryption, checks, warnings, written, setAside };
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
      ["signature", `${c.signatureAlgorithm}${r.signedByKit ? ", computed by lib/rsa.ts over the TBSCertificate" : ""}`],
      ["DER size", `${c.der.length} bytes`],
    ]),
  );
  lines.push(...ui.section("Cross-check"), ...r.checks.map((k) => ui.check(k.ok, k.text)));
  for (const w of r.warnings) lines.push(ui.warn(w));
  lines.push(
    ...ui.section("The same in PowerShell and openssl"),
    ...ui.command("PowerShell (Windows certificate store):", [
      `$cert = New-SelfSignedCertificate -Subject "${c.subject}" -CertStoreLocation Cert:\\CurrentUser\\My \``,
      `  -KeySpec Signature -KeyAlgorithm RSA -KeyLength ${c.keyBits} -HashAlgorithm SHA256 -NotAfter (Get-Date).AddYears(2)`,
      `Export-Certificate -Cert $cert -FilePath cert.cer`,
      `Export-PfxCertificate -Cert $cert -FilePath cert.pfx -Password (Read-Host -AsSecureString)`,
    ]),
    ...ui.command("openssl:", [`openssl req -x509 -newkey rsa:${c.keyBits} -sha256 -days 730 -nodes -subj "/${c.subject.replace(/,\s*/g, "/")}" -keyout private-key.pem -out cert.pem`]),
  );
  if (r.written.length) {
    lines.push(...ui.section("Files"));
    if (r.setAside) lines.push(`  ${ui.paint("dim", "moved the previous files to")} ${r.setAside}`);
    for (const f of r.written) lines.push(ui.artifact(f.display, `(${f.bytes} bytes${f.secret ? ", mode 0600, keep it secret" : ""})`));
    lines.push(`  ${ui.paint("dim", "PFX password:")} ${r.pfxPassword}`);
    lines.push(`  ${ui.paint("dim", "Upload")} ${ctx.ws.display("cert.cer")} ${ui.paint("dim", "to the app registration: Certificates & secrets > Certificates > Upload certificate.")}`);
  }
  lines.push(...ui.next(`npm run step 2${ctx.fixed ? " -- --fixed" : ""}`, "the thumbprint Entra uses to find this certificate"));
  return lines;
}

export const certificateStep: Step<CertificateResult> = {
  number: 1,
  id: "certificate",
  title: "Certificate",
  summary: "an RSA key pair and a self-signed X.509 certificate (cert.cer, cert.pem, private-key.pem, cert.pfx)",
  options: {
    subject: { type: "string", value: "DN", description: "the certificate's subject", default: DEMO_SUBJECT },
    years: { type: "string", value: "N", description: "validity in years", default: "2" },
    "key-size": { type: "string", value: "BITS", description: "RSA modulus size", choices: ["2048", "3072", "4096"], default: "2048" },
    password: { type: "string", value: "P", description: `the PFX password (to write cert.pfx, or to read --pfx)`, default: DEFAULT_PASSWORD },
    pfx: { type: "string", value: "FILE", description: "bring your own certificate and key from a .pfx/.p12 file (with --password)" },
    pem: { type: "string", value: "FILE", description: "bring your own certificate (and key) from a PEM file" },
    key: { type: "string", value: "FILE", description: "with --pem: the private key, when it is in another file" },
    new: { type: "boolean", description: "make a new key and certificate even if .workshop/ has one (the old files are moved to previous/)" },
  },
  produces: CERT_FILES,
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
