/**
 * Step 3 · Header and payload: the JOSE header and the client-assertion claims as JSON, then UTF-8
 * bytes, then base64url, then the signing input `header.payload` that step 4 hashes.
 */
import { assertionClaims, assertionHeader, uuidV4, type EndpointVersion } from "../lib/entra/assertion.ts";
import { base64urlFirstGroup, type Base64Group } from "../lib/crypto/base64url.ts";
import { DEMO_CLIENT_ID, DEMO_TENANT_ID } from "../lib/entra/demo.ts";
import { KitError } from "../lib/errors.ts";
import { bufferBase64url } from "../lib/oracle.ts";
import { encodeSegment, jwsSigningInput, type EncodedSegment, type JwsAlgorithm } from "../lib/crypto/jws.ts";
import { readWorkspaceCertificate } from "./artifacts.ts";
import type { Context } from "./context.ts";
import type { OptionValues, Step } from "./step.ts";
import { STEP_OUTLINES } from "./step-outlines.ts";
import type { Ui } from "./ui.ts";
import type { WrittenFile } from "./workspace.ts";

export interface HeaderPayloadResult {
  alg: JwsAlgorithm;
  header: EncodedSegment;
  payload: EncodedSegment;
  claims: Record<string, unknown>;
  firstGroup: Base64Group;
  signingInput: string;
  /** artifacts of steps 4–6 removed because they were made from the previous signing input */
  stale: string[];
  /** Buffer's base64url of the same bytes, the cross-check */
  oracle: { header: string; payload: string };
  written: WrittenFile[];
}

const DERIVED_FROM_SIGNING_INPUT = ["signing-input.sha256", "signature.bin", "client-assertion.jwt"] as const;

function lifetimeOf(value: string | boolean | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new KitError("USAGE", `--lifetime ${value} is not a positive number of seconds.`, "MSAL uses 600 (ten minutes): --lifetime 600.");
  return n;
}

async function run(ctx: Context, o: OptionValues): Promise<HeaderPayloadResult> {
  await ctx.ensure("cert.cer");
  const der = readWorkspaceCertificate(ctx).der;
  const alg = (o.alg ?? "RS256") as JwsAlgorithm;
  const header = assertionHeader(alg, der, { x5c: !!o.x5c });
  const claims = assertionClaims({
    tenant: typeof o.tenant === "string" ? o.tenant : DEMO_TENANT_ID,
    clientId: typeof o["client-id"] === "string" ? o["client-id"] : DEMO_CLIENT_ID,
    now: Math.floor(ctx.now().getTime() / 1000),
    jti: uuidV4(ctx.randomBytes("jti", 16)),
    lifetime: lifetimeOf(o.lifetime),
    audience: (o.audience ?? "v2") as EndpointVersion,
  });
  const h = encodeSegment(header);
  const p = encodeSegment(claims);
  const signingInput = new TextDecoder().decode(jwsSigningInput(h.base64url, p.base64url));
  // header.json and payload.json hold the exact JSON text that was encoded: the signature covers these bytes.
  // What later steps built from the previous signing input no longer matches it: they will be made again.
  const stale = ctx.ws.removeStale(DERIVED_FROM_SIGNING_INPUT);
  const written = ctx.ws.writeAll([
    { name: "header.json", data: h.json + "\n" },
    { name: "payload.json", data: p.json + "\n" },
    { name: "signing-input.txt", data: signingInput },
  ]);
  return {
    alg,
    header: h,
    payload: p,
    claims,
    firstGroup: base64urlFirstGroup(h.bytes),
    signingInput,
    stale,
    oracle: { header: bufferBase64url(h.bytes), payload: bufferBase64url(p.bytes) },
    written,
  };
}

function claimRows(claims: Record<string, unknown>): [string, string][] {
  const time = (v: unknown) => (typeof v === "number" ? `${v}  (${new Date(v * 1000).toISOString().replace(".000", "")})` : String(v));
  const why: Record<string, string> = {
    aud: "audience: the token endpoint this assertion is for",
    iss: "issuer: your application (client) ID",
    sub: "subject: the same client ID",
    jti: "JWT ID: unique for each assertion",
    nbf: "not before",
    iat: "issued at",
    exp: "expires",
  };
  const rows: [string, string][] = [];
  for (const [k, v] of Object.entries(claims)) {
    rows.push([k, k === "nbf" || k === "iat" || k === "exp" ? time(v) : String(v)]);
    if (why[k]) rows.push(["", why[k]!]);
  }
  return rows;
}

function groupLines(g: Base64Group, ui: Ui): string[] {
  const col = (items: (string | number)[]) => items.map((x) => String(x).padEnd(9)).join("");
  return ui.fields([
    ["bytes", col(g.bytes.map((b) => `${b.toString(16).padStart(2, "0")} '${String.fromCharCode(b)}'`))],
    ["bits", col(g.bits)],
    ["6-bit groups", g.sextets.join("  ")],
    ["values", g.values.map((v) => String(v).padEnd(8)).join("")],
    ["alphabet", g.chars.map((c) => c.padEnd(8)).join("")],
  ], 4);
}

function render(r: HeaderPayloadResult, ui: Ui, ctx: Context): string[] {
  const c = r.claims;
  const lines = [
    ...ui.title(3, "Header and payload"),
    ...ui.prose(
      "A client assertion is a JWT: a header that says how it is signed and which certificate signs it,",
      "and a payload of claims that say who is asking and for which token endpoint. Each is JSON, turned",
      "into UTF-8 bytes, then into base64url. The signature (step 5) covers exactly these bytes.",
    ),
    ...ui.section("Header"),
    ...ui.wrap(r.header.json, 96, "header"),
  ];
  lines.push(...(r.alg === "RS256"
    ? ui.prose("RS256 (RSASSA-PKCS1-v1_5 + SHA-256) with x5t, the SHA-1 thumbprint from step 2.", "Microsoft's current documentation shows PS256 + x5t#S256: try --alg PS256.")
    : ui.prose("PS256 (RSASSA-PSS + SHA-256) with x5t#S256, the SHA-256 thumbprint from step 2:", "the form Microsoft's current documentation shows.")));
  lines.push(
    ...ui.section(`UTF-8 bytes of the header (${r.header.bytes.length})`),
    ...ui.hexdump(r.header.bytes, [{ start: 0, end: r.header.bytes.length, role: "header" }], { head: 4, tail: 2 }),
    ...ui.section("Base64url, the first three bytes by hand (RFC 4648 §4: 3 bytes = 24 bits = four 6-bit letters)"),
    ...groupLines(r.firstGroup, ui),
    ...ui.section("Header, base64url"),
    ...ui.wrap(r.header.base64url, 96, "header"),
    ui.check(r.oracle.header === r.header.base64url, "matches Buffer.from(bytes).toString(\"base64url\")"),
    ...ui.section("Payload (claims)"),
    ...ui.wrap(r.payload.json, 96, "payload"),
    ...ui.fields(claimRows(c), 4),
    ...ui.section(`Payload, base64url (${r.payload.bytes.length} bytes → ${r.payload.base64url.length} characters)`),
    ...ui.wrap(r.payload.base64url, 96, "payload"),
    ui.check(r.oracle.payload === r.payload.base64url, "matches Buffer.from(bytes).toString(\"base64url\")"),
    ...ui.section("Signing input: header '.' payload (RFC 7515 §5.1), what gets hashed and signed"),
    ...ui.colorWrap([{ text: r.header.base64url, role: "header" }, { text: ".", role: "dot" }, { text: r.payload.base64url, role: "payload" }], 96),
  );
  lines.push(
    ...ui.section("The same in PowerShell"),
    ...ui.command("PowerShell (the usual recipe):", [
      `$b64url = { param($bytes) [Convert]::ToBase64String($bytes).TrimEnd('=').Replace('+','-').Replace('/','_') }`,
      `$header = @{ alg = "${r.alg}"; typ = "JWT"; ${r.alg === "RS256" ? "x5t = $x5t" : "'x5t#S256' = $x5tS256"} } | ConvertTo-Json -Compress`,
      `$clientId = "${c.iss}"`,
      `$now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()`,
      `$payload = @{ aud = "${c.aud}"; iss = $clientId; sub = $clientId`,
      `  jti = [guid]::NewGuid().ToString(); nbf = $now; iat = $now; exp = $now + 600 } | ConvertTo-Json -Compress`,
      `$signingInput = (& $b64url ([Text.Encoding]::UTF8.GetBytes($header))) + "." + (& $b64url ([Text.Encoding]::UTF8.GetBytes($payload)))`,
    ]),
    ...ui.prose(ui.paint("dim", "(PowerShell orders hashtable keys as it likes: the bytes differ from ours, and that is fine, as long as")),
    ...ui.prose(ui.paint("dim", " the signature is computed over the same bytes that are sent.)")),
    ...ui.section("Files"),
    ...r.written.map((f) => ui.artifact(f.display, `(${f.bytes} bytes)`)),
    ...(r.stale.length ? [`  ${ui.paint("dim", `removed ${r.stale.join(", ")}: made from the previous signing input`)}`] : []),
    ...ctx.next(4, "SHA-256 of the signing input"),
  );
  return lines;
}

export const headerPayloadStep: Step<HeaderPayloadResult> = {
  ...STEP_OUTLINES[2]!,
  run,
  render,
  json: (r) => ({ alg: r.alg, header: r.header.json, payload: r.payload.json, headerB64: r.header.base64url, payloadB64: r.payload.base64url, signingInput: r.signingInput, oracleMatches: r.oracle.header === r.header.base64url && r.oracle.payload === r.payload.base64url, files: r.written.map((f) => f.display) }),
};
