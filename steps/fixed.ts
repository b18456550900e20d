/**
 * `--fixed`: the inputs that make every step's output reproducible byte for byte (WORKSHOP.md shows
 * these runs and a test checks it still matches): a published demo key, a fixed clock, and
 * "random" bytes derived from a label, so that jti, salt, serial number and PFX salts never change.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { utf8Encode } from "../lib/bytes.ts";
import { sha256 } from "../lib/crypto/sha256.ts";

/** 2026-01-15 09:00:00 UTC, the workshop's fixed "now". */
export const FIXED_NOW = new Date(Date.UTC(2026, 0, 15, 9, 0, 0));

/** The published throwaway demo key (steps/demo/demo-private-key.pem): never use it for anything real. */
export const DEMO_KEY_PATH = fileURLToPath(new URL("./demo/demo-private-key.pem", import.meta.url));

export function demoKeyPem(): string {
  return readFileSync(DEMO_KEY_PATH, "utf8");
}

/** The mock Entra's published demo signing key (steps/demo/demo-mock-signing-key.pem), for reproducible access tokens. */
export function demoMockSigningKeyPem(): string {
  return readFileSync(fileURLToPath(new URL("./demo/demo-mock-signing-key.pem", import.meta.url)), "utf8");
}

/** Deterministic bytes for a label: SHA-256("entra-workshop fixed:" label ":" counter) blocks, concatenated. Not random, on purpose. */
export function fixedBytes(label: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let counter = 0, offset = 0; offset < length; counter++) {
    const block = sha256(utf8Encode(`entra-workshop fixed:${label}:${counter}`));
    out.set(block.subarray(0, Math.min(32, length - offset)), offset);
    offset += 32;
  }
  return out;
}
