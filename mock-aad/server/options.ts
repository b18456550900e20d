/**
 * What `npm run mock-aad` is asked for and what it sets up from that: the option and setup types
 * and the defaults. A leaf of the server's files: cli.ts, config-file.ts and startup-text.ts import
 * it, and it imports none of them (test/mock-aad/import-rules.test.ts keeps them free of circles).
 */
import type { Registry } from "../registry.ts";

/** The port `npm run mock-aad` listens on unless --port says otherwise. */
export const DEFAULT_PORT = 8443;
export const DEFAULT_HOST = "127.0.0.1";
/** The workshop folder: the certificate it registers by default, and mock-aad/ for the TLS files. */
export const DEFAULT_OUT = ".workshop";

/**
 * How the server was started, for the hints it prints: "kit" is the kit's own `npm run mock-aad`
 * (the TypeScript sources, in the kit's folder, where `npm run step 1` makes certificates); "bin" is
 * the installed package's `npx entra-mock-aad` (this file compiled to .js), where no kit command exists.
 */
export type Invocation = "kit" | "bin";
export const BIN_NAME = "entra-mock-aad";
export const INVOCATION: Invocation = import.meta.url.endsWith(".js") ? "bin" : "kit";

/** The command as the user types it, and where its --help is. */
export function commandName(how: Invocation): string {
  return how === "bin" ? `npx ${BIN_NAME}` : "npm run mock-aad";
}
export function helpCommand(how: Invocation): string {
  return how === "bin" ? `npx ${BIN_NAME} --help` : "npm run mock-aad -- --help";
}

/** The command line, checked. */
export interface MockAadCliOptions {
  port: number;
  host: string;
  certFiles: string[];
  /** --key: the private key (PEM) of the first --cert, for the snippets to name; never served. */
  keyFile?: string;
  clientId?: string;
  tenant?: string;
  config?: string;
  /** Seconds before the token endpoint honours a Graph addKey/removeKey (Entra's lag, simulated); default 0. */
  replicationDelaySeconds?: number;
  out: string;
  /** the startup information as one JSON line on stdout, the request log on stderr */
  json: boolean;
  help: boolean;
  /** How the server was started (INVOCATION unless a test says otherwise): which commands the hints name. */
  invokedAs: Invocation;
}

/** The registry the server serves, and what the startup text says about it. */
export interface RegistrySetup {
  registry: Registry;
  /** The tenant segment the snippets use in URLs (what --tenant said, or the demo tenant ID). */
  tenant: string;
  clientId: string;
  /** The certificates registered on the demo app, for the startup lines. */
  certificates: Array<{ file: string; der: Uint8Array }>;
  /** True when no certificate was given and <out>/cert.cer does not exist. */
  noCertificate: boolean;
  /** Deprecation lines about the --config file (old names it uses), printed on stderr at start. */
  warnings: string[];
}
