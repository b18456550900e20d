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

/** The command line, checked. */
export interface MockAadCliOptions {
  port: number;
  host: string;
  certFiles: string[];
  clientId?: string;
  tenant?: string;
  config?: string;
  /** Seconds before the token endpoint honours a Graph addKey/removeKey (Entra's lag, simulated); default 0. */
  replicationDelaySeconds?: number;
  out: string;
  /** the startup information as one JSON line on stdout, the request log on stderr */
  json: boolean;
  help: boolean;
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
}
