import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../lib/bytes.ts";
import { PKCS12_KDF_ID, type Pkcs12KdfId, passwordToBmpString, pkcs12Kdf } from "../../../lib/formats/pkcs12/kdf.ts";

// The widely published PKCS#12 KDF vectors (Dr S. Henson's test.txt, also in OpenSSL's and Bouncy
// Castle's test suites): SHA-1; password, salt, iterations, ID, output.
const VECTORS: [password: string, salt: string, iterations: number, id: Pkcs12KdfId, out: string][] = [
  ["smeg", "0a58cf64530d823f", 1, 1, "8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3"],
  ["smeg", "0a58cf64530d823f", 1, 2, "79993dfe048d3b76"],
  ["smeg", "642b99ab44fb4b1f", 1, 1, "f3a95fec48d7711e985cfe67908c5ab79fa3d7c5caa5d966"],
  ["smeg", "642b99ab44fb4b1f", 1, 2, "c0a38d64a79bea1d"],
  ["smeg", "3d83c0e4546ac140", 1, 3, "8d967d88f6caa9d714800ab3d48051d63f73a312"],
  ["queeg", "05dec959acff72f7", 1000, 1, "ed2034e36328830ff09df1e1a07dd357185dac0d4f9eb3d4"],
  ["queeg", "05dec959acff72f7", 1000, 2, "11dedad7758d4860"],
  ["queeg", "1682c0fc5b3f7ec5", 1000, 1, "483dd6e919d7de2e8e648ba8f862f3fbfbdc2bcb2c02957f"],
  ["queeg", "1682c0fc5b3f7ec5", 1000, 2, "9d461d1b00355c50"],
];

/** node-forge's independent implementation, as a second oracle. */
function forgeKdf(password: string, salt: Uint8Array, id: number, iterations: number, n: number, sha256 = false): string {
  const saltBuf = forge.util.createBuffer(forge.util.binary.raw.encode(salt));
  const md = sha256 ? forge.md.sha256.create() : forge.md.sha1.create();
  return forge.pkcs12.generateKey(password, saltBuf, id as forge.Byte, iterations, n, md).toHex();
}

describe("PKCS#12 password to BMPString (RFC 7292 B.1)", () => {
  it("is big-endian UTF-16 with two zero bytes at the end", () => {
    expect(toHex(passwordToBmpString("smeg"))).toBe("0073006d006500670000");
    expect(toHex(passwordToBmpString(""))).toBe("0000");
    expect(toHex(passwordToBmpString("pässwörd"))).toBe("0070" + "00e4" + "0073" + "0073" + "0077" + "00f6" + "0072" + "0064" + "0000");
    // Outside the BMP: the two UTF-16 surrogates, as OpenSSL's UTF-8 conversion produces.
    expect(toHex(passwordToBmpString("🔑"))).toBe("d83ddd110000");
  });
});

describe("PKCS#12 KDF (RFC 7292 B.2)", () => {
  for (const [password, salt, iterations, id, out] of VECTORS) {
    it(`published vector: "${password}", salt ${salt}, ${iterations} iteration(s), ID ${id}`, () => {
      const derived = pkcs12Kdf({ password: passwordToBmpString(password), salt: fromHex(salt), id, iterations, length: out.length / 2 });
      expect(toHex(derived)).toBe(out);
    });
  }

  it("agrees with node-forge for SHA-1 and SHA-256, long outputs, long salts and passwords", () => {
    const cases: [string, string, number, number][] = [
      ["workshop", "00112233445566778899aabbccddeeff", 2048, 64], // 64 bytes: four SHA-1 blocks, three I updates
      ["a much longer password that spans more than one sixty-four byte block of P", "01", 3, 45],
      ["", "dc1b0342755ac3c5", 7, 20],
      ["pässwörd", "ff".repeat(70), 2, 33], // a 70-byte salt: S is two blocks, so 6c's carry crosses blocks
    ];
    for (const [pw, saltHex, iterations, n] of cases) {
      const salt = fromHex(saltHex);
      for (const id of [1, 2, 3] as const) {
        expect(toHex(pkcs12Kdf({ password: passwordToBmpString(pw), salt, id, iterations, length: n }))).toBe(forgeKdf(pw, salt, id, iterations, n));
        expect(toHex(pkcs12Kdf({ password: passwordToBmpString(pw), salt, id, iterations, length: n, hash: "SHA-256" }))).toBe(
          forgeKdf(pw, salt, id, iterations, n, true),
        );
      }
    }
  });

  it("IDs 1, 2 and 3 give unrelated outputs for the same password and salt", () => {
    const base = { password: passwordToBmpString("workshop"), salt: fromHex("0102030405060708"), iterations: 2048, length: 24 };
    const outs = [PKCS12_KDF_ID.KEY, PKCS12_KDF_ID.IV, PKCS12_KDF_ID.MAC].map((id) => toHex(pkcs12Kdf({ ...base, id })));
    expect(new Set(outs).size).toBe(3);
    // A shorter request is a prefix of a longer one (step 8 just truncates).
    expect(outs[0]!.startsWith(toHex(pkcs12Kdf({ ...base, id: 1, length: 5 })))).toBe(true);
  });

  it("'no password' (empty P) differs from the empty password '' (00 00)", () => {
    const base = { salt: fromHex("0a58cf64530d823f"), id: 1 as const, iterations: 1, length: 24 };
    const empty = toHex(pkcs12Kdf({ ...base, password: passwordToBmpString("") }));
    const absent = toHex(pkcs12Kdf({ ...base, password: new Uint8Array(0) }));
    expect(empty).not.toBe(absent);
    expect(empty).toBe(forgeKdf("", base.salt, 1, 1, 24));
  });

  it("rejects a non-positive iteration count", () => {
    expect(() => pkcs12Kdf({ password: new Uint8Array(2), salt: new Uint8Array(8), id: 1, iterations: 0, length: 8 })).toThrow(/iteration/);
  });
});
