import { createHash, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { nextThrowawayKeyPair, THROWAWAY_KEY_COUNT } from "./throwaway-keys.ts";

describe("the throwaway test keys", () => {
  it("are RSA-2048 pairs that sign and verify, and all different, also past the last fixture", () => {
    const seen = new Set<string>();
    for (let i = 0; i < THROWAWAY_KEY_COUNT + 2; i++) {
      const { privateKey, publicKey } = nextThrowawayKeyPair();
      expect(privateKey.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, publicExponent: 65537n });
      const data = Buffer.from(`message ${i}`);
      expect(verify("sha256", data, publicKey, sign("sha256", data, privateKey))).toBe(true);
      seen.add(createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex"));
    }
    expect(seen.size).toBe(THROWAWAY_KEY_COUNT + 2);
  });
});
