/**
 * Step 6 · Assembly: header.payload.signature, the client assertion; decoded again and verified
 * twice, by lib/ and independently by node:crypto, and the x5t checked against the certificate.
 */
import { toHex, utf8Encode } from "../lib/bytes.ts";
import { base64urlEncode } from "../lib/crypto/base64url.ts";
import { KitError } from "../lib/errors.ts";
import { decodeJws, verifyJwsSignature, type DecodedJws } from "../lib/crypto/jws.ts";
import { rsaPublicKeyFromSpki } from "../lib/formats/keys/index.ts";
import { nodeThumbprintB64url, nodeVerifyJws } from "../lib/oracle.ts";
import { readWorkspaceCertificate } from "./artifacts.ts";
import type { Context } from "./context.ts";
import type { Step } from "./step.ts";
import { STEP_OUTLINES } from "./step-outlines.ts";
import type { Ui } from "./ui.ts";
import type { WrittenFile } from "./workspace.ts";

export interface AssemblyResult {
  compact: string;
  decoded: DecodedJws;
  checks: { text: string; ok: boolean }[];
  timing: { nbf?: number; exp?: number; now: number };
  written: WrittenFile[];
}

/** The exact JSON text step 3 encoded (the file adds one newline), as base64url. */
function segmentOf(ctx: Context, name: string): string {
  return base64urlEncode(utf8Encode(ctx.ws.readText(name).replace(/\n$/, "")));
}

async function run(ctx: Context): Promise<AssemblyResult> {
  await ctx.ensure("header.json", "payload.json", "signature.bin", "cert.cer");
  const compact = `${segmentOf(ctx, "header.json")}.${segmentOf(ctx, "payload.json")}.${base64urlEncode(ctx.ws.read("signature.bin"))}`;
  const decoded = decodeJws(compact);
  const certificate = readWorkspaceCertificate(ctx);
  const alg = String(decoded.header.alg);
  const ours = verifyJwsSignature(alg, rsaPublicKeyFromSpki(certificate.publicKeySpki), decoded.signingInput, decoded.signature);
  if (!ours)
    throw new KitError("STALE_SIGNATURE", "signature.bin does not verify over the current header.json and payload.json: it was made for another signing input or key.", `Run ${ctx.stepCommand(5)} again (it signs the current signing input), then this step.`);
  // Independent verification with node:crypto and the certificate's public key.
  const theirs = nodeVerifyJws(alg, certificate.publicKeySpki, decoded.signingInput, decoded.signature);
  const thumbprintHeader = decoded.header.x5t !== undefined ? "x5t" : "x5t#S256";
  const expected = nodeThumbprintB64url(certificate.der, thumbprintHeader);
  const now = Math.floor(ctx.now().getTime() / 1000);
  const nbf = typeof decoded.payload.nbf === "number" ? decoded.payload.nbf : undefined;
  const exp = typeof decoded.payload.exp === "number" ? decoded.payload.exp : undefined;
  const checks = [
    { text: `lib/crypto/rsa verifies the ${alg} signature with the certificate's public key`, ok: ours },
    { text: `node:crypto verifies it independently${alg === "PS256" ? " (PSS, salt length 32)" : ""}`, ok: theirs },
    { text: `${thumbprintHeader} in the header is the ${thumbprintHeader === "x5t" ? "SHA-1" : "SHA-256"} of cert.cer (node:crypto createHash)`, ok: decoded.header[thumbprintHeader] === expected },
    { text: `valid now: nbf ≤ now < exp`, ok: (nbf === undefined || nbf <= now) && (exp === undefined || now < exp) },
  ];
  const written = ctx.ws.writeAll([{ name: "client-assertion.jwt", data: compact + "\n", secret: true }]);
  return { compact, decoded, checks, timing: { nbf, exp, now }, written };
}

function doneLines(r: AssemblyResult, ui: Ui, ctx: Context): string[] {
  if (r.checks.some((c) => !c.ok))
    return [`${ui.paint("bad", "Not usable:")} a check above failed, and Entra would refuse this assertion.`, `Make a fresh one: ${ctx.stepCommand(3)}, then steps 5 and 6.`];
  if (ctx.fixed) return [`${ui.paint("em", "Done:")} a valid client assertion, made with the published demo key: good for learning and the`, "offline mock, never for a real app registration."];
  return [
    `${ui.paint("em", "Done:")} a client assertion Entra accepts for the next ten minutes, once cert.cer is uploaded to the`,
    "app registration and the tenant and client ID of step 3 are yours. Until it expires it is a credential: do not paste it",
    "into web sites.",
  ];
}

function render(r: AssemblyResult, ui: Ui, ctx: Context): string[] {
  const [h, p, s] = r.decoded.segments;
  const { nbf, exp, now } = r.timing;
  const lines = [
    ...ui.title(6, "Assembly: the client assertion"),
    ...ui.prose(
      "The JWT is the three base64url parts joined by dots (RFC 7515 §7.1): header, payload, signature.",
      "This is the string the application sends as client_assertion. Anyone can decode it; only the",
      "holder of the private key could have made the signature, and Entra checks it with cert.cer.",
    ),
    ...ui.section(`client_assertion (${r.compact.length} characters)`),
    ...ui.colorWrap([{ text: h, role: "header" }, { text: ".", role: "dot" }, { text: p, role: "payload" }, { text: ".", role: "dot" }, { text: s, role: "signature" }], 96),
    ...ui.section("Decoded"),
    ...ui.fields([
      ["header", ui.paint("header", JSON.stringify(r.decoded.header, null, 2))],
      ["payload", ui.paint("payload", JSON.stringify(r.decoded.payload, null, 2))],
      ["signature", ui.paint("signature", `${r.decoded.signature.length} bytes: ${toHex(r.decoded.signature.subarray(0, 12))}…`)],
    ]),
    ...ui.section("Verified"),
    ...r.checks.map((c) => ui.check(c.ok, c.text)),
  ];
  if (nbf !== undefined && exp !== undefined) {
    const left = exp - now;
    lines.push(ui.paint("dim", `  valid ${new Date(nbf * 1000).toISOString()} → ${new Date(exp * 1000).toISOString()}` + (left > 0 ? `, ${left} s left${ctx.fixed ? " on the fixed clock" : ""}` : "")));
    if (left <= 0) lines.push(ui.warn("This assertion has expired: Entra would answer AADSTS700024. Run npm run step 3 (and 5, 6) again for a fresh one."));
  }
  lines.push(
    ...ui.section("The same in PowerShell"),
    ...ui.command("PowerShell:", ["$clientAssertion = $signingInput + '.' + (& $b64url $sig)"]),
    ...ui.section("Files"),
    ...r.written.map((f) => ui.artifact(f.display, `(${f.bytes} bytes${f.secret ? ", mode 0600: a credential until it expires" : ""})`)),
    "",
    ...ui.prose(...doneLines(r, ui, ctx)),
    ...ctx.next(7, "POST it to the token endpoint"),
  );
  return lines;
}

export const assemblyStep: Step<AssemblyResult> = {
  ...STEP_OUTLINES[5]!,
  run,
  render,
  exitCode: (r) => (r.checks.every((c) => c.ok) ? 0 : 1),
  json: (r) => ({ clientAssertion: r.compact, header: r.decoded.header, payload: r.decoded.payload, checks: r.checks, files: r.written.map((f) => f.display) }),
};
