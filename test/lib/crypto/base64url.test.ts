import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { base64Encode, base64urlDecode, base64urlEncode, classifyEncoding } from "../../../lib/crypto/base64url.ts";
import { utf8Encode } from "../../../lib/bytes.ts";
import { KitError } from "../../../lib/errors.ts";

// RFC 4648 §10 test vectors (standard base64, padded); base64url differs only by dropping "=" here.
const RFC4648: [string, string][] = [
  ["", ""],
  ["f", "Zg=="],
  ["fo", "Zm8="],
  ["foo", "Zm9v"],
  ["foob", "Zm9vYg=="],
  ["fooba", "Zm9vYmE="],
  ["foobar", "Zm9vYmFy"],
];

describe("base64url (RFC 4648 §5)", () => {
  it.each(RFC4648)("RFC 4648 §10 vector %j", (plain, padded) => {
    expect(base64Encode(utf8Encode(plain))).toBe(padded);
    expect(base64urlEncode(utf8Encode(plain))).toBe(padded.replace(/=+$/, ""));
    expect(base64urlDecode(padded.replace(/=+$/, ""))).toEqual(utf8Encode(plain));
  });

  it("uses - and _ where standard base64 uses + and /", () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xbf]);
    expect(base64Encode(bytes)).toBe("+/+/");
    expect(base64urlEncode(bytes)).toBe("-_-_");
    expect(base64urlDecode("-_-_")).toEqual(bytes);
  });

  it("the RFC 7515 A.2 header encodes as published", () => {
    expect(base64urlEncode(utf8Encode('{"alg":"RS256"}'))).toBe("eyJhbGciOiJSUzI1NiJ9");
  });

  it("encode agrees with Buffer for random bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(base64urlEncode(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
        expect(base64Encode(bytes)).toBe(Buffer.from(bytes).toString("base64"));
        expect(base64Encode(bytes, { pad: false })).toBe(Buffer.from(bytes).toString("base64").replace(/=+$/, ""));
      }),
      { numRuns: 500 },
    );
  });

  it("decode inverts Buffer's encoding for random bytes (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(base64urlDecode(Buffer.from(bytes).toString("base64url"))).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });
});

describe("strict decoder rejections", () => {
  function rejection(text: string): KitError & { problem?: string; position?: number } {
    try {
      base64urlDecode(text);
    } catch (error) {
      expect(error).toBeInstanceOf(KitError);
      return error as KitError & { problem?: string; position?: number };
    }
    throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
  }

  it.each([
    ["ab+d", "standard-alphabet", 2, '"+"'],
    ["ab/d", "standard-alphabet", 2, '"/"'],
    ["Zg==", "padding", 2, '"="'],
    ["Zm8=", "padding", 3, '"="'],
    ["Zm 9v", "whitespace", 2, "a space"],
    ["Zm9v\nYmFy", "whitespace", 4, "a line feed"],
    ["Zm9v\r\n", "whitespace", 4, "a carriage return"],
    ["Zm\t9v", "whitespace", 2, "a tab"],
    ["Zm9v.", "invalid-character", 4, '"."'],
    ["Zm9é", "invalid-character", 3, '"é"'],
    ["Zm\u00009v", "invalid-character", 2, "U+0000"],
  ])("%j → %s at %i", (text, problem, position, named) => {
    const error = rejection(text);
    expect(error.problem).toBe(problem);
    expect(error.position).toBe(position);
    expect(error.message).toContain(named);
    expect(error.message).toContain(`position ${position}`);
    expect(error.hint).toBeTruthy();
  });

  it.each(["a", "abcde", "abcdefghi"])("length %j (1 mod 4) is impossible", (text) => {
    const error = rejection(text);
    expect(error.problem).toBe("impossible-length");
    expect(error.message).toContain(`${text.length} characters`);
  });

  it.each([
    ["Zh", "non-zero spare bits after one byte"],
    ["Zm9", "non-zero spare bits after two bytes"],
  ])("%j: %s", (text) => {
    expect(rejection(text).problem).toBe("non-zero-trailing-bits");
    // Buffer is lenient here, which is why the kit has its own decoder.
    expect(() => Buffer.from(text, "base64url")).not.toThrow();
  });

  it("accepts the empty string as zero bytes", () => {
    expect(base64urlDecode("")).toEqual(new Uint8Array(0));
  });
});

describe("classifyEncoding", () => {
  const sha1 = new Uint8Array(20).map((_, i) => i * 13 + 7);
  it.each([
    [Buffer.from(sha1).toString("hex"), "hex"],
    [Buffer.from(sha1).toString("hex").toUpperCase(), "hex"],
    [Buffer.from(sha1).toString("base64"), "base64-padded"],
    [Buffer.from([0xfb, 0xff, 0xbf, 1]).toString("base64").replace(/=+$/, ""), "base64"],
    [Buffer.from([0xfb, 0xff, 0xbf, 1]).toString("base64url"), "base64url"],
    [Buffer.from(sha1).toString("base64url"), "base64url"],
    ["not base64!", "unknown"],
    ["abcde", "unknown"],
    ["Zg===", "unknown"],
    ["", "unknown"],
  ])("%j is %s", (text, kind) => {
    expect(classifyEncoding(text).kind).toBe(kind);
  });

  it("reports the decoded length (20 for a SHA-1 thumbprint in any encoding)", () => {
    expect(classifyEncoding(Buffer.from(sha1).toString("hex")).decodedLength).toBe(20);
    expect(classifyEncoding(Buffer.from(sha1).toString("base64")).decodedLength).toBe(20);
    expect(classifyEncoding(Buffer.from(sha1).toString("base64url")).decodedLength).toBe(20);
  });
});
