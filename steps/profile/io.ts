/**
 * What the certificate-life commands (profile, token, cert) read and write besides stdout and
 * stderr: the environment (ENTRA_KIT_HOME, the PFX password's variable), the clock, randomness,
 * the network (fetch) and a terminal to ask at. Tests pass their own: a temporary ENTRA_KIT_HOME,
 * an injected clock (never sleeping), the in-process mock as fetch, no terminal.
 */
import { terminalIo, type Io } from "../command.ts";
import { terminalPrompter, type Prompter } from "./prompt.ts";
import type { Env } from "./store.ts";

export interface CertLifeIo extends Io {
  env: Env;
  now(): Date;
  randomBytes(n: number): Uint8Array;
  fetch(url: string, init: RequestInit): Promise<Response>;
  /** Undefined when there is no terminal: nothing is asked, a missing value is an error. */
  prompt?: Prompter;
  /** Waiting between tries (rotation waits for Entra to replicate a new key); tests do not wait. */
  sleep(ms: number): Promise<void>;
}

export function terminalCertLifeIo(): CertLifeIo {
  const prompt = terminalPrompter();
  return {
    ...terminalIo(),
    env: process.env,
    now: () => new Date(),
    randomBytes: (n) => crypto.getRandomValues(new Uint8Array(n)),
    // Read from globalThis at call time, so that msw (the in-process mock) sees the call.
    fetch: (url, init) => globalThis.fetch(url, init),
    ...(prompt ? { prompt } : {}),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
