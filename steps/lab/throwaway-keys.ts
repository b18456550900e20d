/**
 * Three more published throwaway keys for the lab, fixed (not generated at run time) so that every
 * run prints the same bytes. They live in steps/demo/ with the other demo keys. Everybody has them:
 * never use them, or a certificate holding them, for anything real.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const demo = (name: string) => readFileSync(fileURLToPath(new URL(`../demo/${name}`, import.meta.url)), "utf8");

/** RSA 2048: the key of "another certificate" (key-mismatch, x5t-other-certificate). */
export const OTHER_KEY_PEM = demo("demo-lab-other-key.pem");

/** RSA 1024: too short for Entra (rsa-under-2048). */
export const SMALL_KEY_PEM = demo("demo-lab-1024-key.pem");

/** RSA 2048: the new certificate's key in a rotation (proof-signed-by-new-key). */
export const NEW_KEY_PEM = demo("demo-lab-new-key.pem");
