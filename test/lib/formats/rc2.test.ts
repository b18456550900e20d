import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../lib/bytes.ts";
import {
  RC2_PITABLE,
  Rc2PaddingError,
  rc2CbcDecrypt,
  rc2CbcEncrypt,
  rc2DecryptBlock,
  rc2EncryptBlock,
  rc2ExpandKey,
} from "../../../lib/formats/pkcs12/rc2.ts";

// RFC 2268 §5 test vectors: key, effective key bits, plaintext, ciphertext (one block, ECB).
const RFC2268_VECTORS: [key: string, effectiveBits: number, plaintext: string, ciphertext: string][] = [
  ["0000000000000000", 63, "0000000000000000", "ebb773f993278eff"],
  ["ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49"],
  ["3000000000000000", 64, "1000000000000001", "30649edf9be7d2c2"],
  ["88", 64, "0000000000000000", "61a8a244adacccf0"],
  ["88bca90e90875a", 64, "0000000000000000", "6ccf4308974c267f"],
  ["88bca90e90875a7f0f79c384627bafb2", 64, "0000000000000000", "1a807d272bbe5db1"],
  ["88bca90e90875a7f0f79c384627bafb2", 128, "0000000000000000", "2269552ab0f85ca6"],
  ["88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e", 129, "0000000000000000", "5b78d3a43dfff1f1"],
];

describe("RC2 (RFC 2268)", () => {
  it("PITABLE is a permutation of 0..255 (§2)", () => {
    expect(new Set(RC2_PITABLE).size).toBe(256);
  });

  for (const [key, bits, plain, cipher] of RFC2268_VECTORS) {
    it(`§5 vector: key ${key}, ${bits} effective bits`, () => {
      const K = rc2ExpandKey(fromHex(key), bits);
      expect(toHex(rc2EncryptBlock(K, fromHex(plain)))).toBe(cipher);
      expect(toHex(rc2DecryptBlock(K, fromHex(cipher)))).toBe(plain);
    });
  }

  it("CBC with a zero IV on one block is plain block decryption plus padding removal", () => {
    // Encrypt "hello" padded to 68 65 6c 6c 6f 03 03 03 as one raw block, then CBC-decrypt it.
    const key = fromHex("0102030405");
    const block = fromHex("68656c6c6f030303");
    const ct = rc2EncryptBlock(rc2ExpandKey(key, 40), block);
    expect(toHex(rc2CbcDecrypt(key, 40, new Uint8Array(8), ct))).toBe("68656c6c6f");
  });

  it("CBC round trip over several blocks and every padding length", () => {
    const key = fromHex("a1b2c3d4e5");
    const iv = fromHex("0011223344556677");
    for (let n = 0; n <= 24; n++) {
      const plain = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      const ct = rc2CbcEncrypt(key, 40, iv, plain);
      expect(ct.length).toBe((Math.floor(n / 8) + 1) * 8);
      expect(toHex(rc2CbcDecrypt(key, 40, iv, ct))).toBe(toHex(plain));
    }
  });

  it("a wrong key shows up as a padding error, not as garbage", () => {
    const iv = new Uint8Array(8);
    const ct = rc2CbcEncrypt(fromHex("0102030405"), 40, iv, new Uint8Array(16));
    // Find a wrong key whose output padding is invalid (almost all are); 255/256 chance each.
    let threw = 0;
    for (let k = 0; k < 8; k++) {
      try {
        rc2CbcDecrypt(fromHex(`01020304${(k + 6).toString(16).padStart(2, "0")}`), 40, iv, ct);
      } catch (e) {
        expect(e).toBeInstanceOf(Rc2PaddingError);
        threw++;
      }
    }
    expect(threw).toBeGreaterThan(4);
  });

  it("rejects bad sizes", () => {
    expect(() => rc2ExpandKey(new Uint8Array(0), 64)).toThrow(/1 to 128 bytes/);
    expect(() => rc2ExpandKey(new Uint8Array(8), 0)).toThrow(/effective key length/);
    expect(() => rc2CbcDecrypt(new Uint8Array(5), 40, new Uint8Array(8), new Uint8Array(7))).toThrow(Rc2PaddingError);
  });
});
