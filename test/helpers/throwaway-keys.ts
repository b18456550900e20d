/**
 * Throwaway RSA-2048 key pairs for tests, read from test/fixtures/throwaway-keys/ (published with the
 * kit, for its tests only, never for anything real). Making a 2048-bit key takes about 170 ms on
 * Node 20 (OpenSSL 3.0) and 36 ms on Node 22, measured here; the suite made about 170 of them, a
 * third of `npm test`'s CPU on Node 20. Each test file (one module instance each under vitest) gets
 * the fixtures in order, so the keys it gets are all different from each other; past the last
 * fixture it makes new ones, so that stays true.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const THROWAWAY_KEY_COUNT = 16;
let next = 0;

export function nextThrowawayKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  const n = ++next;
  if (n > THROWAWAY_KEY_COUNT) return generateKeyPairSync("rsa", { modulusLength: 2048 });
  const file = new URL(`../fixtures/throwaway-keys/throwaway-test-rsa-2048-${String(n).padStart(2, "0")}.pem`, import.meta.url);
  const privateKey = createPrivateKey(readFileSync(fileURLToPath(file)));
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
