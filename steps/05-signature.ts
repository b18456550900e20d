/**
 * Step 5 · Signature: RSASSA-PKCS1-v1_5 (RS256) or RSASSA-PSS (PS256) over the signing input, by
 * lib/crypto/rsa, every intermediate value shown, then checked against WebCrypto and node:crypto.
 */
import { derTree, type Asn1Node } from "../lib/formats/asn1-tree/index.ts";
import { equalBytes, toHex } from "../lib/bytes.ts";
import { nodeSha256Hex, nodeVerifyJws, webCryptoSignRs256, webCryptoVerifyPs256 } from "../lib/oracle.ts";
import { KitError } from "../lib/errors.ts";
import { isJwsAlgorithm, type JwsAlgorithm } from "../lib/crypto/jws.ts";
import { modulusBits, modulusLength, rsassaPkcs1v15SignDetailed, rsassaPssSignDetailed, type Pkcs1v15SignatureSteps, type PssSignatureSteps } from "../lib/crypto/rsa/index.ts";
import { keysMatch, rsaPrivateKeyFromPem, rsaPrivateKeyToPkcs8, rsaPublicKeyFromSpki } from "../lib/formats/keys/index.ts";
import { SHA256 } from "../lib/crypto/sha256.ts";
import { readWorkspaceCertificate } from "./artifacts.ts";
import type { Context } from "./context.ts";
import { asn1Lines } from "./render-asn1.ts";
import { keyVaultSignatureJson, renderKeyVaultSignature, runKeyVaultSignature, type KeyVaultSignatureResult } from "./05-signature-key-vault.ts";
import type { OptionValues, Step } from "./step.ts";
import { STEP_OUTLINES } from "./step-outlines.ts";
import type { HexRange, Ui } from "./ui.ts";
import type { WrittenFile } from "./workspace.ts";

export type LocalSignatureResult = {
  keyBits: number;
  k: number;
  signingInputBytes: number;
  checks: { text: string; ok: boolean }[];
  written: WrittenFile[];
} & ({ alg: "RS256"; steps: Pkcs1v15SignatureSteps; digestInfoTree: Asn1Node } | { alg: "PS256"; steps: PssSignatureSteps });

/** The kit signs (with private-key.pem), or Key Vault does (--signer keyvault). */
export type SignatureResult = LocalSignatureResult | KeyVaultSignatureResult;

function readAlg(ctx: Context): JwsAlgorithm {
  const header = ctx.ws.readJson<{ alg?: unknown }>("header.json");
  if (!isJwsAlgorithm(header.alg))
    throw new KitError("UNSUPPORTED_ALG", `header.json says alg ${JSON.stringify(header.alg)}; this step signs RS256 or PS256.`, "Run npm run step 3 -- --alg RS256 (or PS256) again.");
  return header.alg;
}

async function run(ctx: Context, options: OptionValues = {}): Promise<SignatureResult> {
  if (options.signer === "keyvault") return runKeyVaultSignature(ctx, options);
  const vaultOption = ["vault", "vault-certificate"].find((name) => options[name] !== undefined);
  if (vaultOption) throw new KitError("USAGE", `--${vaultOption} goes with --signer keyvault: the local signer uses private-key.pem.`, `Add --signer keyvault, e.g. npm run step 5 -- --signer keyvault --${vaultOption} …`);
  return runLocal(ctx);
}

async function runLocal(ctx: Context): Promise<LocalSignatureResult> {
  await ctx.ensure("signing-input.txt", "cert.cer", "private-key.pem");
  const input = ctx.ws.read("signing-input.txt");
  const alg = readAlg(ctx);
  const key = rsaPrivateKeyFromPem(ctx.ws.readText("private-key.pem"));
  const certificate = readWorkspaceCertificate(ctx);
  if (!keysMatch(key, rsaPublicKeyFromSpki(certificate.publicKeySpki)))
    throw new KitError("KEY_MISMATCH", "private-key.pem does not belong to cert.cer: Entra would answer AADSTS700027.", `Make a matching pair with ${ctx.stepCommand(1, "--new")}, or bring both from one PFX with --pfx.`);
  const spki = certificate.publicKeySpki;
  const base = { keyBits: modulusBits(key), k: modulusLength(key), signingInputBytes: input.length };
  let result: LocalSignatureResult;
  if (alg === "RS256") {
    const steps = rsassaPkcs1v15SignDetailed(key, input, SHA256);
    // PKCS#1 v1.5 is deterministic: WebCrypto must produce the very same bytes.
    const theirs = await webCryptoSignRs256(rsaPrivateKeyToPkcs8(key), input);
    const checks = [
      { text: "byte-for-byte identical to WebCrypto's RSASSA-PKCS1-v1_5 signature", ok: equalBytes(theirs, steps.signature) },
      { text: "node:crypto verifies it with the certificate's public key (RSA_PKCS1_PADDING)", ok: nodeVerifyJws("RS256", spki, input, steps.signature) },
    ];
    result = { ...base, alg, steps, digestInfoTree: derTree(steps.encoding.digestInfo, "DigestInfo"), checks, written: [] };
  } else {
    const steps = rsassaPssSignDetailed(key, input, SHA256, ctx.randomBytes("pss-salt", 32));
    // PSS is randomised (the salt): WebCrypto cannot reproduce the bytes, but it must accept them.
    const checks = [
      { text: "WebCrypto verifies it (RSA-PSS, SHA-256, saltLength 32)", ok: await webCryptoVerifyPs256(spki, input, steps.signature) },
      { text: "node:crypto verifies it (RSA_PKCS1_PSS_PADDING, salt length 32)", ok: nodeVerifyJws("PS256", spki, input, steps.signature) },
    ];
    result = { ...base, alg, steps, checks, written: [] };
  }
  const hash = result.alg === "RS256" ? result.steps.encoding.H : result.steps.encoding.mHash;
  result.checks.push({ text: "the hash inside is node:crypto's SHA-256 of the signing input (step 4's value)", ok: nodeSha256Hex(input) === toHex(hash) });
  if (result.checks.some((c) => !c.ok))
    throw new KitError("CROSS_CHECK_FAILED", `The kit's ${alg} signature failed a cross-check: ${result.checks.filter((c) => !c.ok).map((c) => c.text).join("; ")}.`, "This is a bug in lib/crypto/rsa (or the artifacts were edited): nothing was written.");
  result.written = ctx.ws.writeAll([{ name: "signature.bin", data: result.steps.signature, secret: true }]);
  return result;
}

function crtLines(steps: Pkcs1v15SignatureSteps | PssSignatureSteps, ui: Ui, k: number): string[] {
  return [
    ...ui.section("RSA: s = m^d mod n, computed with the Chinese Remainder Theorem (RFC 8017 §5.2.1 step 2b)"),
    ...ui.fields([
      ["m = OS2IP(EM)", ui.bigint(steps.m) + ui.paint("dim", "  EM read as one big-endian number (§4.2)")],
      ["s1 = m^dP mod p", ui.bigint(steps.crt.s1)],
      ["s2 = m^dQ mod q", ui.bigint(steps.crt.s2)],
      ["h = (s1−s2)·qInv mod p", ui.bigint(steps.crt.h)],
      ["s = s2 + q·h", ui.bigint(steps.s) + ui.paint("dim", "  = m^d mod n, about 3× faster than computing it directly")],
    ]),
    ...ui.section(`Signature S = I2OSP(s, ${k}): ${k} bytes, big-endian (§4.1)`),
    ...ui.hexdump(steps.signature, [{ start: 0, end: steps.signature.length, role: "signature" }], { head: 4, tail: 2 }),
  ];
}

function renderRs256(r: Extract<LocalSignatureResult, { alg: "RS256" }>, ui: Ui): string[] {
  const e = r.steps.encoding;
  const t = e.digestInfo.length;
  const psEnd = 2 + e.ps.length;
  const ranges: HexRange[] = [
    { start: 0, end: 2, role: "gold", label: "00 01" },
    { start: 2, end: psEnd, role: "dim", label: `PS: ${e.ps.length} × ff` },
    { start: psEnd, end: psEnd + 1, role: "gold", label: "00" },
    { start: psEnd + 1, end: psEnd + 1 + t - e.H.length, role: "blue", label: "DigestInfo prefix" },
    { start: psEnd + 1 + t - e.H.length, end: e.em.length, role: "green", label: "SHA-256 hash" },
  ];
  return [
    ...ui.prose(
      "RS256 is RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017 §8.2). The hash is wrapped in a DigestInfo, an",
      "ASN.1 structure that names the hash algorithm, then padded with ff bytes to the key's length k,",
      "read as a number m < n, and raised to the private exponent: s = m^d mod n. It is deterministic:",
      "the same key and input always give the same signature.",
    ),
    ...ui.section("H = SHA-256(signing input) (RFC 8017 §9.2 step 1)"),
    `  ${ui.paint("green", toHex(e.H))}`,
    ...ui.section(`T = DigestInfo (§9.2 step 2), ${t} bytes of DER`),
    ...asn1Lines(r.digestInfoTree, ui),
    ...ui.hexdump(e.digestInfo, [{ start: 0, end: t - e.H.length, role: "blue" }, { start: t - e.H.length, end: t, role: "green" }]),
    ...ui.section(`EM = 00 01 ‖ PS ‖ 00 ‖ T (§9.2 step 5), k = ${r.k} bytes`),
    ...ui.hexdump(e.em, ranges, { head: 2, tail: 4 }),
    ...crtLines(r.steps, ui, r.k),
  ];
}

function renderPs256(r: Extract<LocalSignatureResult, { alg: "PS256" }>, ui: Ui): string[] {
  const e = r.steps.encoding;
  const dbLen = e.db.length;
  return [
    ...ui.prose(
      "PS256 is RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 8017 §8.1, RFC 7518 §3.5).",
      "Instead of fixed padding, PSS mixes a random salt into the hash and masks the padding with a",
      "mask generated from it, so every signature differs, and only someone holding the key can make one.",
    ),
    ...ui.section("EMSA-PSS-ENCODE (RFC 8017 §9.1.1)"),
    ...ui.fields([
      ["mHash = SHA-256(M)", ui.paint("green", toHex(e.mHash)) + ui.paint("dim", "  §9.1.1 step 2")],
      ["salt (32 bytes)", ui.paint("gold", toHex(e.salt)) + ui.paint("dim", "  §9.1.1 step 4")],
    ]),
    ...ui.section("M′ = 00×8 ‖ mHash ‖ salt (step 5)"),
    ...ui.hexdump(e.mPrime, [{ start: 0, end: 8, role: "dim", label: "8 zero bytes" }, { start: 8, end: 40, role: "green", label: "mHash" }, { start: 40, end: 72, role: "gold", label: "salt" }]),
    ...ui.fields([["H = SHA-256(M′)", ui.paint("blue", toHex(e.H)) + ui.paint("dim", "  §9.1.1 step 6")]]),
    ...ui.section(`DB = PS ‖ 01 ‖ salt (steps 7–8), ${dbLen} bytes`),
    ...ui.hexdump(e.db, [{ start: 0, end: e.ps.length, role: "dim", label: `PS: ${e.ps.length} zero bytes` }, { start: e.ps.length, end: e.ps.length + 1, role: "em", label: "01" }, { start: e.ps.length + 1, end: dbLen, role: "gold", label: "salt" }], { head: 1, tail: 3 }),
    ...ui.section(`dbMask = MGF1-SHA-256(H, ${dbLen}) (step 9): SHA-256(H ‖ counter) for counter = 0, 1, …`),
    ...ui.hexdump(e.dbMask, [], { head: 2, tail: 1 }),
    ...ui.section("maskedDB = DB ⊕ dbMask, leftmost bit cleared (steps 10–11)"),
    ...ui.hexdump(e.maskedDb, [], { head: 2, tail: 1 }),
    ...ui.section(`EM = maskedDB ‖ H ‖ bc (step 12), ${e.em.length} bytes`),
    ...ui.hexdump(e.em, [{ start: 0, end: dbLen, role: "plain", label: "maskedDB" }, { start: dbLen, end: dbLen + 32, role: "blue", label: "H" }, { start: dbLen + 32, end: dbLen + 33, role: "gold", label: "bc" }], { head: 2, tail: 3 }),
    ...crtLines(r.steps, ui, r.k),
  ];
}

function render(result: SignatureResult, ui: Ui, ctx: Context): string[] {
  if ("signer" in result) return renderKeyVaultSignature(result, ui, ctx);
  const r = result;
  const pss = r.alg === "PS256";
  const lines = [...ui.title(5, `Signature (${r.alg})`), ...(r.alg === "RS256" ? renderRs256(r, ui) : renderPs256(r, ui))];
  lines.push(...ui.section("Cross-check"), ...r.checks.map((c) => ui.check(c.ok, c.text)));
  if (pss) lines.push(ui.paint("dim", `  (PSS is randomised: without --fixed each run draws a new salt and a new signature, and every one verifies.)`));
  lines.push(
    ...ui.section("The same in PowerShell and openssl"),
    ...ui.command("PowerShell (.NET):", [
      "$rsa = [Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($cert)",
      `$sig = $rsa.SignData([Text.Encoding]::ASCII.GetBytes($signingInput), 'SHA256', [Security.Cryptography.RSASignaturePadding]::${pss ? "Pss" : "Pkcs1"})`,
    ]),
    ...ui.command("openssl:", [
      `openssl dgst -sha256 ${pss ? "-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 " : ""}-sign ${ctx.ws.display("private-key.pem")} -out signature.bin ${ctx.ws.display("signing-input.txt")}`,
    ]),
    ...ui.section("Files"),
    ...r.written.map((f) => ui.artifact(f.display, `(${f.bytes} bytes)`)),
    ...ctx.next(6, "put the JWT together and verify it"),
  );
  return lines;
}

export const signatureStep: Step<SignatureResult> = {
  ...STEP_OUTLINES[4]!,
  run,
  render,
  json: (r) => ("signer" in r ? keyVaultSignatureJson(r) : {
    alg: r.alg,
    keyBits: r.keyBits,
    em: r.steps.encoding.em,
    ...(r.alg === "PS256" ? { salt: r.steps.encoding.salt } : { digestInfo: r.steps.encoding.digestInfo }),
    m: r.steps.m,
    s: r.steps.s,
    signature: r.steps.signature,
    checks: r.checks,
    files: r.written.map((f) => f.display),
  }),
};
