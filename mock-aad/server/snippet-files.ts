/**
 * The files the startup snippets read: the user's own (--cert, --key) or the workshop's
 * (<out>/cert.pem, private-key.pem, client-assertion.jwt), each with what the startup text says
 * about it. A snippet never names a file that is not there without a line saying so: where the
 * server was not given a file (your key without --key, a client assertion for your certificate), the
 * snippet holds a placeholder in <angle brackets> and the line says what goes there.
 */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { KitError } from "../../lib/errors.ts";
import type { MockAadCliOptions } from "./options.ts";
import { display, type SnippetFile } from "./startup-text.ts";

export interface SnippetFiles {
  certPemPath: string;
  privateKeyPath: string;
  assertionPath: string;
  /** What the startup text lists under "The snippets read". */
  files: SnippetFile[];
}

/**
 * Which files the snippets name. `registered` is the first certificate on the demo app (its DER),
 * which a --key must belong to. Throws a KitError for a --key that cannot be read or is not that
 * certificate's key: found at start, not when a snippet is pasted.
 */
export function snippetFiles(options: Pick<MockAadCliOptions, "certFiles" | "keyFile" | "out" | "invokedAs">, registered: Uint8Array | undefined): SnippetFiles {
  const kit = options.invokedAs === "kit";
  const own = options.certFiles[0];
  if (options.keyFile !== undefined && registered !== undefined) checkKeyBelongs(options.keyFile, registered, own ?? join(options.out, "cert.cer"));
  if (own === undefined) {
    // The workshop's files (the kit's folder, or --out <the kit's .workshop>): what steps 1 and 6 write.
    const made = (file: string, by: string): SnippetFile["note"] =>
      existsSync(join(options.out, file)) ? undefined : kit ? `not there yet: ${by} writes it` : "not there: --cert FILE --key FILE name your own";
    const key = options.keyFile ?? join(options.out, "private-key.pem");
    const files: SnippetFile[] = [
      { role: "certificate", path: display(join(options.out, "cert.pem")), note: made("cert.pem", "npm run step 1") },
      { role: "private key", path: display(key), note: options.keyFile === undefined ? made("private-key.pem", "npm run step 1") : undefined },
      { role: "assertion", path: display(join(options.out, "client-assertion.jwt")), note: made("client-assertion.jwt", "npm run step 6") },
    ];
    return fromList(files);
  }
  // Your own certificate: its key from --key, or from the certificate's file when it holds one too.
  const keyInCert = options.keyFile === undefined && holdsPrivateKey(own);
  const key: SnippetFile =
    options.keyFile !== undefined || keyInCert
      ? { role: "private key", path: display(options.keyFile ?? own) }
      : { role: "private key", path: `<private key of ${basename(own)}>`, note: `the key made with ${basename(own)} (PEM): start with --key FILE to have it named here` };
  return fromList([
    { role: "certificate", path: display(own) },
    key,
    {
      role: "assertion",
      path: "<client-assertion.jwt>",
      note: "for curl and PowerShell: a file holding a client assertion (a JWT signed with that key, expiring within minutes); msal-node and @azure/identity make their own",
    },
  ]);
}

function fromList(files: SnippetFile[]): SnippetFiles {
  const path = (role: SnippetFile["role"]) => files.find((f) => f.role === role)!.path;
  return { certPemPath: path("certificate"), privateKeyPath: path("private key"), assertionPath: path("assertion"), files: files.map((f) => (f.note === undefined ? { role: f.role, path: f.path } : f)) };
}

function holdsPrivateKey(file: string): boolean {
  try {
    return /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----/.test(readFileSync(file, "latin1"));
  } catch {
    return false;
  }
}

/** --key must be readable, an unencrypted private key, and the one of the registered certificate. */
function checkKeyBelongs(keyFile: string, der: Uint8Array, certFile: string): void {
  let text: string;
  try {
    text = readFileSync(keyFile, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new KitError("BAD_KEY_FILE", `Cannot read the private key ${keyFile} given by --key (${code}).`, "Check the path: relative paths start from the folder you ran the command in.");
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch {
    throw new KitError(
      "BAD_KEY_FILE",
      `${keyFile} (--key) is not a private key the snippets can use: a PEM private key without a password.`,
      `Give the key file made with the certificate (openssl's -keyout); remove a password with: openssl pkey -in ${keyFile} -out plain-key.pem`,
    );
  }
  if (!new X509Certificate(der).publicKey.equals(createPublicKey(key))) {
    throw new KitError("KEY_MISMATCH", `The private key ${keyFile} (--key) does not belong to the certificate ${certFile}.`, "Give the key made together with that certificate (openssl's -keyout file).");
  }
}
