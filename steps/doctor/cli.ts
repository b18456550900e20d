/**
 * `npm run doctor -- <assertion | FILE> [--cert FILE] [--password-env VAR | --password P] [--client-id ID] [--tenant ID] [--json]`
 *
 * Reads a client assertion (a JWT, a file holding one, a form body or a curl command line) or a
 * pasted Entra error, from the argument or from stdin, and prints lib/entra/doctor's diagnosis (the files a
 * curl command line sends with @file are read here, from the current folder). Offline:
 * nothing here opens a connection. Exit code 0 when Entra would accept the assertion, 1 when it
 * would not (or for a user mistake, or a pasted error), 2 for a bug in the kit.
 */
import { convertThumbprint } from "../../lib/entra/thumbprint-forms.ts";
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { checkClientId, checkTenant } from "../../lib/entra/assertion.ts";
import { diagnose, MAX_INPUT_CHARS, readInput, type Diagnosis } from "../../lib/entra/doctor/index.ts";
import { KitError } from "../../lib/errors.ts";
import { pemDecode } from "../../lib/formats/pem.ts";
import { readPfx } from "../../lib/formats/pkcs12/index.ts";
import { parseCertificate } from "../../lib/formats/x509/index.ts";
import { formatRows, fromTypedFolder, HELP_OPTION, jsonOption, NO_COLOR_OPTION, optionRows, parseCommandLine, runCommand, terminalIo, type CommandSpec, type Io, type OptionTable } from "../command.ts";
import { Ui } from "../ui.ts";
import { passwordFromEnv } from "../password-env.ts";
import { renderDiagnosis, renderThumbprintConversion } from "./render.ts";

/** At most this many bytes are read from a file or stdin (a client assertion is 1–4 KB). */
export const MAX_INPUT_BYTES = MAX_INPUT_CHARS;
/** A certificate or PFX file is a few KB; anything over this is not one. */
export const MAX_CERT_BYTES = 1024 * 1024;
/** stdin that sends nothing at all for this long is given up on (never a hang). */
export const STDIN_IDLE_MS = 15_000;

export interface DoctorIo extends Io {
  /** Standard input; read when no argument is given and it is not a terminal. */
  stdin?: AsyncIterable<Uint8Array | string> & { isTTY?: boolean };
  /** The clock (default: the system's); --now overrides it. */
  now?: () => Date;
  /** How long stdin may stay silent before the doctor gives up (default STDIN_IDLE_MS). */
  stdinIdleMs?: number;
  /** The environment --password-env reads (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

const OPTIONS = {
  cert: { type: "string", value: "FILE", description: "the certificate registered on the app: .cer (DER), .pem or .pfx/.p12 (with --password-env)" },
  "password-env": { type: "string", value: "VAR", description: "the environment variable that holds the PFX password (as profiles take it)" },
  password: { type: "string", value: "P", description: "the PFX password itself (it stays in the shell's history: prefer --password-env)" },
  "client-id": { type: "string", value: "ID", description: "the Application (client) ID (the form's client_id wins when there is one)" },
  tenant: { type: "string", value: "ID", description: "the tenant the request goes to: Directory (tenant) ID or domain (a curl URL's tenant wins)" },
  thumbprint: { type: "string", value: "T", description: "convert a thumbprint: Windows hex (SHA-1 or SHA-256) → x5t / x5t#S256, or an x5t back to hex" },
  now: { type: "string", value: "TIME", description: "judge the times at this instant (ISO 8601, e.g. 2025-06-01T12:00:00Z) instead of now" },
  json: jsonOption("print the diagnosis as JSON"),
  "no-color": NO_COLOR_OPTION,
  help: HELP_OPTION,
} as const satisfies OptionTable;

const COMMAND: CommandSpec<typeof OPTIONS> = {
  command: "npm run doctor",
  options: OPTIONS,
  npmFlags: ["json"],
  usageAdvice: "A curl command line has options of its own: put it in quotes, in a file, or pipe it in (npm run doctor < request.txt).",
};

function help(ui: Ui): string {
  return [
    ui.chalk.bold("npm run doctor -- <assertion | FILE> [options]"),
    "",
    "  Explains why Entra ID refuses a client assertion, offline: Entra's checks in Entra's order, the",
    "  cause by name, the AADSTS code it answers, and the fix. Give it one of:",
    ...ui.fields(
      [
        ["a JWT", "npm run doctor -- eyJhbGciOi… --cert cert.cer"],
        ["a file holding one", "npm run doctor -- client-assertion.jwt --cert cert.pfx --password-env MYAPP_PFX_PASSWORD"],
        ["a form body / curl", "npm run doctor -- \"$(cat request.txt)\"   or   npm run doctor < request.txt"],
        ["an Entra error", "npm run doctor -- '{\"error\":\"invalid_client\",\"error_description\":\"AADSTS700027: …\"}'"],
        ["a thumbprint", "npm run doctor -- --thumbprint 84E05C1D98BCE3A5421D225B140B36E86A3D5534"],
      ],
      4,
    ),
    "",
    "  Options:",
    ...formatRows(optionRows(OPTIONS), { indent: 4, label: (text) => ui.chalk.dim(text) }),
    "",
    ui.paint("dim", '  npm passes options to the kit only after "--". Without an argument the doctor reads stdin.'),
    ui.paint("dim", "  The files a curl command line sends (--data-urlencode client_assertion@file, -d @file) are read from the current folder."),
    ui.paint("dim", "  Exit code: 0 Entra would accept it, 1 it would not (or the input is wrong), 2 a bug in the kit."),
  ].join("\n");
}

/** The whole command line: returns the exit code. */
export async function runDoctor(argv: string[], io: DoctorIo): Promise<number> {
  return runCommand(argv, io, async (color) => {
    const ui = new Ui(color);
    const { values, positionals } = parseCommandLine(argv, COMMAND);
    if (values.help) {
      io.out(help(ui) + "\n");
      return 0;
    }
    if (typeof values.thumbprint === "string") {
      const conversion = convertThumbprint(values.thumbprint);
      if (values.json) io.out(JSON.stringify(conversion, null, 2) + "\n");
      else io.out(renderThumbprintConversion(values.thumbprint, conversion, ui).join("\n") + "\n");
      return conversion.ok ? 0 : 1;
    }
    const now = values.now !== undefined ? parseNow(values.now) : (io.now ?? (() => new Date()))();
    if (typeof values["client-id"] === "string") checkClientId(values["client-id"]);
    if (typeof values.tenant === "string") checkTenant(values.tenant);
    for (const flag of ["password", "password-env"] as const)
      if (values[flag] !== undefined && values.cert === undefined) throw new KitError("USAGE", `--${flag} goes with --cert FILE.pfx, and no --cert was given.`, `Add --cert with the .pfx file, or leave --${flag} out.`);
    if (values.password !== undefined && values["password-env"] !== undefined) throw new KitError("USAGE", "Give --password-env or --password, not both.", "--password-env VAR is the one that keeps the password out of the shell's history.");

    const input = await readAssertionInput(positionals, io);
    const files = readCurlFiles(input);
    const password = values["password-env"] !== undefined ? passwordFromEnv(values["password-env"], io.env ?? process.env, values.cert!) : values.password;
    const certificate = typeof values.cert === "string" ? await readCertificate(values.cert, password) : undefined;
    const diagnosis = diagnose({
      text: input.text,
      textSource: input.source,
      now,
      ...(files ? { files } : {}),
      ...(certificate ? { certificate } : {}),
      ...(typeof values["client-id"] === "string" ? { clientId: values["client-id"] } : {}),
      ...(typeof values.tenant === "string" ? { tenant: values.tenant } : {}),
    });
    if (values.json) io.out(JSON.stringify(diagnosis, null, 2) + "\n");
    else io.out(renderDiagnosis(diagnosis, ui).join("\n") + "\n");
    return exitCode(diagnosis);
  });
}

/** 0: Entra would accept it (or nothing it would refuse was found); 1: it would not, or an error was pasted. */
export function exitCode(d: Diagnosis): number {
  return d.verdict === "accepted" || d.verdict === "not-verified" ? 0 : 1;
}

function parseNow(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new KitError("USAGE", `--now ${text} is not a date.`, "Use ISO 8601, e.g. --now 2025-06-01T12:00:00Z.");
  return date;
}

// ── The assertion: argument, file or stdin ───────────────────────────────────────────────────────

interface AssertionInput {
  text: string;
  source: "argument" | "stdin" | "file";
}

/** Two or three dot-separated base64 runs of some length: a JWT (perhaps cut), not a file name like a.jwt. */
const JWT_SHAPED = /^[A-Za-z0-9_\-+/=]{10,}\.[A-Za-z0-9_\-+/=]{10,}(\.[A-Za-z0-9_\-+/=]*)?$/;

async function readAssertionInput(positionals: string[], io: DoctorIo): Promise<AssertionInput> {
  if (positionals.length === 0) {
    if (!io.stdin || io.stdin.isTTY) {
      throw new KitError("NO_INPUT", "Give the doctor something to look at: a client assertion, a file holding one, or an Entra error.", "npm run doctor -- <assertion | FILE> [--cert cert.cer], or pipe it in: npm run doctor < request.txt (see --help).");
    }
    return { text: checkText(decodeText(await readStdin(io.stdin, io.stdinIdleMs ?? STDIN_IDLE_MS), "stdin"), "stdin"), source: "stdin" };
  }
  const arg = positionals.join(" ");
  if (positionals.length === 1 && arg.length < 4096 && !/[\n&]/.test(arg) && !/AADSTS\d/i.test(arg)) {
    const path = fromTypedFolder(arg);
    if (existsSync(path)) return { text: checkText(readTextFile(path), `the file ${arg}`), source: "file" };
    if (!JWT_SHAPED.test(arg) && !/[\s=]/.test(arg) && (/[/\\]/.test(arg) || /\.(jwt|txt|json|log|http|har|sh|ps1|cmd|bat)$/i.test(arg))) {
      throw new KitError("NO_FILE", `There is no file ${arg}.`, "Check the path; to diagnose the text itself, give the JWT (header.payload.signature).");
    }
  }
  if (arg.length > MAX_INPUT_BYTES) throw tooLarge(arg.length, "The argument");
  return { text: checkText(arg, "the argument"), source: "argument" };
}

function checkText(text: string, where: string): string {
  if (text.trim() === "") throw new KitError("EMPTY_INPUT", `${where[0]!.toUpperCase()}${where.slice(1)} is empty: there is no client assertion to look at.`, "Give the JWT (header.payload.signature), a file holding it, or an Entra error text.");
  return text;
}

function tooLarge(size: number | "more", what: string): KitError {
  const amount = size === "more" ? `more than ${MAX_INPUT_BYTES / 1024 / 1024} MiB` : `${(size / 1024 / 1024).toFixed(1)} MB`;
  return new KitError(
    "INPUT_TOO_LARGE",
    `${what} is ${amount}; the doctor reads at most ${MAX_INPUT_BYTES / 1024 / 1024} MiB (a client assertion is 1–4 KB).`,
    "Give only the assertion, the form body or the error text, not a whole log or a binary file.",
  );
}

function readTextFile(path: string): string {
  const stat = statSync(path);
  if (stat.isDirectory()) throw new KitError("NOT_A_FILE", `${path} is a folder, not a file.`, "Give the file that holds the client assertion, e.g. .workshop/client-assertion.jwt.");
  if (stat.size > MAX_INPUT_BYTES) throw tooLarge(stat.size, `The file ${path}`);
  return decodeText(new Uint8Array(readFileSync(path)), `the file ${path}`);
}

/** Text from bytes: UTF-8, or UTF-16 with a BOM (a file saved by PowerShell 5's Out-File); binary is refused. */
function decodeText(bytes: Uint8Array, where: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes);
  const head = bytes.subarray(0, 4096);
  if (head.includes(0) || (bytes[0] === 0x30 && (bytes[1] === 0x82 || bytes[1] === 0x81 || bytes[1] === 0x80))) {
    throw new KitError("BINARY_INPUT", `${where[0]!.toUpperCase()}${where.slice(1)} holds binary data (a certificate or PFX?), not a JWT or text.`, "Give the certificate with --cert FILE, and the assertion as the argument.");
  }
  return new TextDecoder().decode(bytes);
}

async function readStdin(stdin: AsyncIterable<Uint8Array | string>, idleMs: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const iterator = stdin[Symbol.asyncIterator]();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    for (;;) {
      const idle = new Promise<"idle">((resolve) => {
        timer = setTimeout(() => resolve("idle"), idleMs);
        timer.unref?.();
      });
      const next = await Promise.race([iterator.next(), ...(total === 0 ? [idle] : [])]);
      clearTimeout(timer);
      if (next === "idle") throw new KitError("NO_INPUT", `Nothing arrived on stdin in ${idleMs / 1000} s.`, "Give the assertion as an argument, or pipe it in: npm run doctor < request.txt.");
      if (next.done) break;
      const chunk = typeof next.value === "string" ? new TextEncoder().encode(next.value) : next.value;
      total += chunk.length;
      if (total > MAX_INPUT_BYTES) throw tooLarge("more", "The input on stdin");
      chunks.push(chunk);
    }
  } finally {
    clearTimeout(timer);
    // Not awaited: with a read still pending (silent stdin), return() would wait for it too.
    iterator.return?.()?.catch(() => undefined);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

// ── The files a curl command line reads ─────────────────────────────────────────────────────────

/**
 * The files a curl command line in the input reads (--data-urlencode client_assertion@assertion.jwt,
 * -d @body.txt, --data-binary @body.txt): read here, relative to the folder the command was typed in (fromTypedFolder), at most
 * MAX_INPUT_BYTES each, as bytes decoded the way the server decodes the form (UTF-8, a byte-order
 * mark kept), for lib/entra/doctor to put where curl puts them (it knows how curl sends each). A file that
 * cannot be read stops the doctor: without it, it would judge a form that lacks that field.
 */
function readCurlFiles(input: AssertionInput): Record<string, string> | undefined {
  const read = readInput(input.text, input.source);
  const refs = read.kind === "assertion" ? read.found.fileRefs ?? [] : [];
  if (!refs.length) return undefined;
  const files: Record<string, string> = {};
  for (const ref of refs) {
    if (ref.path in files) continue;
    const what = ref.field ?? "the request body";
    if (ref.path === "-") {
      throw new KitError("CURL_FILE", `The curl command line reads ${what} from its standard input (${ref.option}), which the doctor cannot see.`, "Put that content in a file and give curl @file, or give the doctor the JWT itself.");
    }
    const cannot = (reason: string) =>
      new KitError("CURL_FILE", `The curl command line reads ${what} from the file ${ref.path} (${ref.option}), and the doctor cannot read it: ${reason}.`, "The doctor needs that file to judge the request: run it in the folder curl runs in, or give the path from here.");
    let bytes: Uint8Array;
    try {
      const stat = statSync(resolve(fromTypedFolder(ref.path)));
      if (stat.isDirectory()) throw cannot("it is a folder");
      if (stat.size > MAX_INPUT_BYTES) throw tooLarge(stat.size, `The file ${ref.path} (${ref.option})`);
      bytes = new Uint8Array(readFileSync(resolve(fromTypedFolder(ref.path))));
    } catch (error) {
      if (error instanceof KitError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw cannot(code === "ENOENT" ? `there is no such file in ${resolve(fromTypedFolder("."))}` : code === "EACCES" || code === "EPERM" ? "permission denied" : (error as Error).message);
    }
    files[ref.path] = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
  }
  return files;
}

// ── The certificate ──────────────────────────────────────────────────────────────────────────────

/** How the command line gave the certificate file, for the hints: the doctor's --cert, or `cert check`'s FILE. */
export interface CertificateGiven {
  /** "to --cert", "as FILE": how the path was given. */
  as: string;
  /** The flags that give a PFX's password. */
  passwordFlags: string;
}

const DOCTOR_CERT: CertificateGiven = { as: "to --cert", passwordFlags: "--password-env VAR (or --password P)" };

/** Reads --cert: DER (.cer/.der/.crt), PEM (the first CERTIFICATE block), or PFX/PKCS#12 (its first certificate). */
export async function readCertificate(path: string, password: string | undefined, given: CertificateGiven = DOCTOR_CERT): Promise<{ der: Uint8Array; source: string }> {
  if (!existsSync(path)) throw new KitError("NO_FILE", `There is no certificate file ${path}.`, `Check the path given ${given.as} (.cer, .pem or .pfx).`);
  const stat = statSync(path);
  if (stat.isDirectory()) throw new KitError("NOT_A_FILE", `${path} is a folder, not a certificate file.`, `Give the .cer, .pem or .pfx file ${given.as}.`);
  if (stat.size > MAX_CERT_BYTES) throw new KitError("NOT_CERTIFICATE", `${path} is ${(stat.size / 1024 / 1024).toFixed(1)} MB, far too big for a certificate (a few KB).`, `Give the .cer, .pem or .pfx file of the app's certificate ${given.as}.`);
  const bytes = new Uint8Array(readFileSync(path));
  if (bytes.length === 0) throw new KitError("NOT_CERTIFICATE", `${path} is empty.`, "Export the certificate again (.cer from Windows, or cert.pem).");
  const name = basename(path);
  const ext = extname(path).toLowerCase();
  const pfx = async (): Promise<{ der: Uint8Array; source: string }> => {
    try {
      const contents = await readPfx(bytes, password ?? "");
      return { der: contents.certificates[0]!, source: `${name} (PFX)` };
    } catch (error) {
      if (error instanceof KitError && error.code === "PFX_PASSWORD" && password === undefined)
        throw new KitError("PFX_PASSWORD", `${name} is a password-protected PFX and no password was given.`, `Add ${given.passwordFlags} with the password it was exported with, or give the public certificate (.cer) instead, which needs no password.`);
      if (error instanceof KitError && error.code === "PFX_NO_KEY") {
        // The doctor only needs the certificate; a PFX without a key still has it.
        throw new KitError("PFX_NO_KEY", `${name} holds no private key; the doctor only needs the certificate, so give it the .cer or .pem instead.`, "Export the certificate alone (Export-Certificate -FilePath cert.cer) or openssl pkcs12 -in file.pfx -nokeys -out cert.pem.");
      }
      throw error;
    }
  };
  if (ext === ".pfx" || ext === ".p12") return pfx();
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 4096));
  if (head.includes("-----BEGIN")) {
    const blocks = pemDecode(new TextDecoder().decode(bytes));
    const cert = blocks.find((b) => b.label === "CERTIFICATE" || b.label === "X509 CERTIFICATE" || b.label === "TRUSTED CERTIFICATE");
    if (!cert) {
      const labels = [...new Set(blocks.map((b) => b.label))].join(", ");
      throw new KitError("NOT_CERTIFICATE", `${name} holds no CERTIFICATE block (it holds ${labels || "no PEM block"}).`, `Give the certificate (cert.pem or cert.cer) ${given.as}, not the private key.`);
    }
    parseCertificate(cert.der);
    return { der: cert.der, source: `${name} (PEM)` };
  }
  try {
    const info = parseCertificate(bytes);
    return { der: info.der, source: `${name}${ext === ".cer" || ext === ".der" || ext === ".crt" ? "" : " (DER)"}` };
  } catch (error) {
    // A PFX with another extension: try it as one before giving up.
    if (bytes[0] === 0x30) {
      try {
        return await pfx();
      } catch (pfxError) {
        if (pfxError instanceof KitError && (pfxError.code === "PFX_PASSWORD" || pfxError.code === "PFX_NO_KEY")) throw pfxError;
      }
    }
    if (error instanceof KitError) throw new KitError(error.code, `${name}: ${error.message}`, error.hint ?? `Give a .cer (DER), .pem or .pfx file ${given.as}.`);
    throw error;
  }
}

// ── Entry point ──────────────────────────────────────────────────────────────────────────────────

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const code = await runDoctor(process.argv.slice(2), { ...terminalIo(), stdin: process.stdin });
  process.exitCode = code;
  // stdin may still be open (a pipe that never closed): do not wait for it.
  if (!process.stdin.isTTY) process.stdin.destroy();
}
