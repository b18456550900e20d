/**
 * Step 2 · Thumbprint: the SHA-1 and SHA-256 of the certificate's DER bytes, as Windows shows them and
 * as the JWT header carries them (x5t, x5t#S256), computed with lib/crypto/sha1.ts and lib/crypto/sha256.ts.
 */
import { base64Encode, base64urlEncode } from "../lib/crypto/base64url.ts";
import { toHex, utf8Encode } from "../lib/bytes.ts";
import { SHA1 } from "../lib/crypto/sha1.ts";
import { SHA256 } from "../lib/crypto/sha256.ts";
import { nodeFingerprints } from "../lib/oracle.ts";
import { windowsThumbprint } from "../lib/formats/x509/index.ts";
import { readWorkspaceCertificate } from "./artifacts.ts";
import type { Context } from "./context.ts";
import type { Step } from "./step.ts";
import { STEP_OUTLINES } from "./step-outlines.ts";
import type { Ui } from "./ui.ts";
import type { WrittenFile } from "./workspace.ts";

export interface Thumbprint {
  algorithm: "SHA-1" | "SHA-256";
  header: "x5t" | "x5t#S256";
  bytes: Uint8Array;
  /** what Windows shows as $cert.Thumbprint (SHA-1) or the SHA-256 equivalent: upper-case hex */
  windows: string;
  /** base64url of the raw bytes: the header value */
  headerValue: string;
  /** classic mistakes, labelled as wrong */
  wrongHexText: string;
  wrongBase64: string;
  /** node:crypto's fingerprint of the same certificate, for the cross-check */
  oracle: string;
}

export interface ThumbprintResult {
  certificateBytes: number;
  sha1: Thumbprint;
  sha256: Thumbprint;
  written: WrittenFile[];
}

export interface ThumbprintsJson {
  sha1: string;
  sha256: string;
  x5t: string;
  "x5t#S256": string;
}

function thumbprint(der: Uint8Array, algorithm: "SHA-1" | "SHA-256", oracle: string): Thumbprint {
  const bytes = (algorithm === "SHA-1" ? SHA1 : SHA256).digest(der);
  const windows = windowsThumbprint(bytes);
  return {
    algorithm,
    header: algorithm === "SHA-1" ? "x5t" : "x5t#S256",
    bytes,
    windows,
    headerValue: base64urlEncode(bytes),
    wrongHexText: base64urlEncode(utf8Encode(windows)),
    wrongBase64: base64Encode(bytes),
    oracle,
  };
}

async function run(ctx: Context): Promise<ThumbprintResult> {
  await ctx.ensure("cert.cer");
  const der = readWorkspaceCertificate(ctx).der;
  // node:crypto's X509Certificate.fingerprint is the independent source ("AB:CD:…").
  const node = nodeFingerprints(der);
  const sha1 = thumbprint(der, "SHA-1", node.sha1);
  const sha256 = thumbprint(der, "SHA-256", node.sha256);
  const json: ThumbprintsJson = { sha1: sha1.windows, sha256: sha256.windows, x5t: sha1.headerValue, "x5t#S256": sha256.headerValue };
  const written = ctx.ws.writeAll([{ name: "thumbprints.json", data: JSON.stringify(json, null, 2) + "\n" }]);
  return { certificateBytes: der.length, sha1, sha256, written };
}

function renderOne(t: Thumbprint, ui: Ui): string[] {
  return [
    ...ui.fields([
      [t.algorithm === "SHA-1" ? "Windows ($cert.Thumbprint)" : "upper-case hex", t.windows],
      [`${t.bytes.length} raw bytes`, toHex(t.bytes, " ")],
      [`${t.header} = base64url(bytes)`, ui.paint("header", t.headerValue)],
    ]),
    ui.check(t.oracle === t.windows, `matches node:crypto X509Certificate.fingerprint${t.algorithm === "SHA-256" ? "256" : ""}`),
  ];
}

function render(r: ThumbprintResult, ui: Ui, ctx: Context): string[] {
  return [
    ...ui.title(2, "Thumbprint"),
    ...ui.prose(
      "Entra finds the certificate you uploaded by its thumbprint: the hash of the certificate's DER bytes",
      `(all ${r.certificateBytes} bytes of cert.cer). The JWT header carries it as x5t (SHA-1) or x5t#S256`,
      "(SHA-256): the raw hash bytes in base64url, not the hex text Windows displays.",
    ),
    ...ui.section("SHA-1 → x5t (lib/crypto/sha1.ts)"),
    ...renderOne(r.sha1, ui),
    ...ui.section("SHA-256 → x5t#S256 (lib/crypto/sha256.ts)"),
    ...renderOne(r.sha256, ui),
    ...ui.section("A classic mistake, and a form Entra tolerates"),
    ...ui.fields([
      ["✗ base64url of the hex text", ui.paint("bad", r.sha1.wrongHexText)],
      ["", ui.paint("dim", `${r.sha1.wrongHexText.length} characters: it encodes the 40 letters, not the 20 bytes (AADSTS700027)`)],
      ["~ standard base64, padded", ui.paint("warn", r.sha1.wrongBase64)],
      ["", ui.paint("dim", "Entra reads it (msal4j and MSAL Go send it); RFC 7515 §2 wants - and _ and no =")],
      ["✓ x5t", ui.paint("ok", r.sha1.headerValue)],
    ]),
    ...ui.section("The same in PowerShell and openssl"),
    ...ui.command("PowerShell:", [
      "$cert.Thumbprint",
      "$x5t = [Convert]::ToBase64String($cert.GetCertHash()).TrimEnd('=').Replace('+','-').Replace('/','_')",
      "$x5tS256 = [Convert]::ToBase64String([Security.Cryptography.SHA256]::Create().ComputeHash($cert.RawData)).TrimEnd('=').Replace('+','-').Replace('/','_')",
    ]),
    ...ui.command("openssl (bash; tr is not in Windows shells):", [
      `openssl x509 -in ${ctx.ws.display("cert.pem")} -noout -fingerprint -sha1`,
      `openssl dgst -sha1 -binary ${ctx.ws.display("cert.cer")} | openssl base64 -A | tr '+/' '-_' | tr -d '='`,
    ]),
    ...ui.section("Files"),
    ...r.written.map((f) => ui.artifact(f.display, `(${f.bytes} bytes)`)),
    ...ctx.next(3, "the JWT header and payload"),
  ];
}

export const thumbprintStep: Step<ThumbprintResult> = {
  ...STEP_OUTLINES[1]!,
  run,
  render,
  json: (r) => ({
    sha1: { windows: r.sha1.windows, x5t: r.sha1.headerValue, oracleMatches: r.sha1.oracle === r.sha1.windows, wrongHexText: r.sha1.wrongHexText, wrongBase64: r.sha1.wrongBase64 },
    sha256: { windows: r.sha256.windows, "x5t#S256": r.sha256.headerValue, oracleMatches: r.sha256.oracle === r.sha256.windows },
    files: r.written.map((f) => f.display),
  }),
};
