/**
 * The mock's TLS files on disk: the local CA and the server certificate made by local-ca.ts.
 *
 * The files live in `.workshop/mock-aad/` (ca.pem, ca-key.pem, server.pem, server-key.pem; the keys
 * with mode 0600) and are reused while they are valid. A server certificate near its end (or not
 * matching the CA) is reissued by the same CA, so a CA you already trust keeps working; only a CA
 * near its own end is replaced, and then the server certificate with it.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { KitError } from "../../lib/errors.ts";
import { makePrivateFolders, writePrivateFile } from "../../lib/write-private-file.ts";
import { SERVER_DNS_NAMES, SERVER_IP_ADDRESSES, createLocalCa, createServerCertificate } from "./local-ca.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Files this close to their end are replaced, so a server started today stays valid all week. */
export const RENEW_BEFORE_DAYS = 7;

/** File names inside the folder (`.workshop/mock-aad/` by default). */
export const LOCAL_CA_FILES = {
  ca: "ca.pem",
  caKey: "ca-key.pem",
  server: "server.pem",
  serverKey: "server-key.pem",
} as const;

export interface LocalTls {
  /** The folder holding the four files. */
  dir: string;
  caPath: string;
  caKeyPath: string;
  serverPath: string;
  serverKeyPath: string;
  /** PEM texts, ready for node:https `createServer({ cert, key })` and a client's `ca`. */
  caPem: string;
  serverPem: string;
  serverKeyPem: string;
  /** SHA-1 thumbprint of the CA (upper-case hex), as Windows' certificate stores name it. */
  caThumbprint: string;
  caNotAfter: Date;
  serverNotAfter: Date;
  /** What this call made anew, and why (empty when everything was reused). */
  created: { ca: boolean; server: boolean; reasons: string[] };
}

export interface EnsureLocalTlsOptions {
  /** Folder for the files, e.g. `.workshop/mock-aad`. Created when missing. */
  dir: string;
  /** The clock; default now. */
  now?: Date;
}

/**
 * Returns the local CA and server certificate from `dir`, reusing the files when they are present
 * and valid for at least RENEW_BEFORE_DAYS more days, and (re)generating what is not.
 */
export async function ensureLocalTls(options: EnsureLocalTlsOptions): Promise<LocalTls> {
  const dir = resolve(options.dir);
  const now = options.now ?? new Date();
  const paths = {
    ca: join(dir, LOCAL_CA_FILES.ca),
    caKey: join(dir, LOCAL_CA_FILES.caKey),
    server: join(dir, LOCAL_CA_FILES.server),
    serverKey: join(dir, LOCAL_CA_FILES.serverKey),
  };
  const reasons: string[] = [];

  let ca = loadCa(paths.ca, paths.caKey, now, reasons);
  const newCa = !ca;
  if (!ca) {
    const made = await createLocalCa(now);
    ca = { der: made.der, certificatePem: made.certificatePem, privateKey: made.privateKey, privateKeyPem: made.privateKeyPem, x509: new X509Certificate(made.certificatePem) };
  }
  let server = newCa ? undefined : loadServer(paths.server, paths.serverKey, ca.x509, now, reasons);
  const newServer = !server;
  if (!server) {
    const made = await createServerCertificate(ca, now);
    server = { certificatePem: made.certificatePem, privateKeyPem: made.privateKeyPem, x509: new X509Certificate(made.certificatePem) };
  }

  if (newCa || newServer) {
    makeFolder(dir);
    if (newCa) {
      writeFileAtomic(paths.caKey, ca.privateKeyPem, true);
      writeFileAtomic(paths.ca, ca.certificatePem, false);
    }
    writeFileAtomic(paths.serverKey, server.privateKeyPem, true);
    writeFileAtomic(paths.server, server.certificatePem, false);
  }

  return {
    dir,
    caPath: paths.ca,
    caKeyPath: paths.caKey,
    serverPath: paths.server,
    serverKeyPath: paths.serverKey,
    caPem: ca.certificatePem,
    serverPem: server.certificatePem,
    serverKeyPem: server.privateKeyPem,
    caThumbprint: ca.x509.fingerprint.replace(/:/g, "").toUpperCase(),
    caNotAfter: new Date(ca.x509.validTo),
    serverNotAfter: new Date(server.x509.validTo),
    created: { ca: newCa, server: newServer, reasons },
  };
}

interface LoadedCa {
  der: Uint8Array;
  certificatePem: string;
  privateKey: KeyObject;
  privateKeyPem: string;
  x509: X509Certificate;
}

function loadCa(certPath: string, keyPath: string, now: Date, reasons: string[]): LoadedCa | undefined {
  const files = readPair(certPath, keyPath, "the local CA", reasons);
  if (!files) return undefined;
  const problem = (() => {
    if (!files.x509.ca) return "ca.pem is not a CA certificate";
    if (!files.x509.verify(files.x509.publicKey)) return "ca.pem is not self-signed";
    return validityProblem("ca.pem", files.x509, now);
  })();
  if (problem) {
    reasons.push(problem);
    return undefined;
  }
  return { der: new Uint8Array(files.x509.raw), certificatePem: files.certificatePem, privateKey: files.privateKey, privateKeyPem: files.privateKeyPem, x509: files.x509 };
}

function loadServer(certPath: string, keyPath: string, ca: X509Certificate, now: Date, reasons: string[]): { certificatePem: string; privateKeyPem: string; x509: X509Certificate } | undefined {
  const files = readPair(certPath, keyPath, "the server certificate", reasons);
  if (!files) return undefined;
  const x = files.x509;
  const problem = (() => {
    if (!x.checkIssued(ca) || !x.verify(ca.publicKey)) return "server.pem was not issued by ca.pem";
    if (!SERVER_DNS_NAMES.every((name) => x.checkHost(name, { subject: "never" }) === name)) return "server.pem does not cover every host name";
    if (!SERVER_IP_ADDRESSES.every((ip) => x.checkIP(ip) !== undefined)) return "server.pem does not cover every IP address";
    return validityProblem("server.pem", x, now);
  })();
  if (problem) {
    reasons.push(problem);
    return undefined;
  }
  return { certificatePem: files.certificatePem, privateKeyPem: files.privateKeyPem, x509: x };
}

/** Reads a certificate and its key; undefined (with a reason) when missing, unreadable or not a pair. */
function readPair(certPath: string, keyPath: string, what: string, reasons: string[]) {
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    reasons.push(`${what} is missing`);
    return undefined;
  }
  try {
    const certificatePem = readFileSync(certPath, "utf8");
    const privateKeyPem = readFileSync(keyPath, "utf8");
    const x509 = new X509Certificate(certificatePem);
    const privateKey = createPrivateKey(privateKeyPem);
    if (!x509.checkPrivateKey(privateKey)) {
      reasons.push(`the key of ${what} does not match its certificate`);
      return undefined;
    }
    return { certificatePem, privateKeyPem, x509, privateKey };
  } catch {
    reasons.push(`${what} could not be read`);
    return undefined;
  }
}

function validityProblem(name: string, x: X509Certificate, now: Date): string | undefined {
  const from = new Date(x.validFrom);
  const to = new Date(x.validTo);
  if (now.getTime() < from.getTime()) return `${name} is not valid before ${from.toISOString()}`;
  if (now.getTime() >= to.getTime()) return `${name} expired on ${to.toISOString()}`;
  if (to.getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) return `${name} expires on ${to.toISOString()}`;
  return undefined;
}

function makeFolder(dir: string): void {
  makePrivateFolders(dir); // 0700, bounded (a path under /proc is one clear KitError, not a spin)
}

/** Writes to an unpredictable temporary name (exclusive create) and renames into place; keys get mode 0600 (ignored on Windows). */
function writeFileAtomic(path: string, text: string, secret: boolean): void {
  try {
    writePrivateFile(path, text, { secret });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new KitError("OUT_DIR", `Cannot write ${path} (${code}).`, "Pick a folder you can write to with --out DIR.");
  }
}
