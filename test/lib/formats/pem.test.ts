import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../../lib/bytes.ts";
import { KitError } from "../../../lib/errors.ts";
import { pemDecode, pemEncode } from "../../../lib/formats/pem.ts";

function kitErrorCode(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(KitError);
    expect((error as KitError).hint).toBeTruthy();
    return (error as KitError).code;
  }
  throw new Error("expected a KitError");
}

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
const nodePkcs8Pem = privateKey.export({ format: "pem", type: "pkcs8" }) as string;
const nodePkcs8Der = new Uint8Array(privateKey.export({ format: "der", type: "pkcs8" }));
const nodeSpkiPem = publicKey.export({ format: "pem", type: "spki" }) as string;
const nodeSpkiDer = new Uint8Array(publicKey.export({ format: "der", type: "spki" }));

describe("pemEncode (RFC 7468 §3)", () => {
  it("writes the exact text node:crypto writes (64-column base64, LF)", () => {
    expect(pemEncode("PRIVATE KEY", nodePkcs8Der)).toBe(nodePkcs8Pem);
    expect(pemEncode("PUBLIC KEY", nodeSpkiDer)).toBe(nodeSpkiPem);
  });

  it("wraps at 64 columns with padding only on the last line", () => {
    const text = pemEncode("TEST", new Uint8Array(100).fill(0xab));
    const lines = text.split("\n");
    expect(lines[0]).toBe("-----BEGIN TEST-----");
    // 100 bytes → 136 base64 characters (with "=" padding): 64 + 64 + 8.
    expect(lines.slice(1, 4).map((l) => l.length)).toEqual([64, 64, 8]);
    expect(lines[3]!.endsWith("=")).toBe(true);
    expect(lines[1]!.includes("=") || lines[2]!.includes("=")).toBe(false);
    expect(lines[4]).toBe("-----END TEST-----");
    expect(lines[5]).toBe("");
    expect(pemEncode("EMPTY", new Uint8Array(0))).toBe("-----BEGIN EMPTY-----\n-----END EMPTY-----\n");
    expect(pemEncode("X", fromHex("000102"))).toBe("-----BEGIN X-----\nAAEC\n-----END X-----\n");
  });

  it("rejects labels that RFC 7468 does not allow", () => {
    expect(kitErrorCode(() => pemEncode("BAD--LABEL", new Uint8Array(1)))).toBe("PEM_BAD_LABEL");
    expect(kitErrorCode(() => pemEncode("-LEADING", new Uint8Array(1)))).toBe("PEM_BAD_LABEL");
    expect(kitErrorCode(() => pemEncode("TRAILING ", new Uint8Array(1)))).toBe("PEM_BAD_LABEL");
    expect(kitErrorCode(() => pemEncode("TAB\tLABEL", new Uint8Array(1)))).toBe("PEM_BAD_LABEL");
  });
});

describe("pemDecode (RFC 7468 §3)", () => {
  it("reads node:crypto's PEM output back to its DER", () => {
    const [block] = pemDecode(nodePkcs8Pem);
    expect(block!.label).toBe("PRIVATE KEY");
    expect(toHex(block!.der)).toBe(toHex(nodePkcs8Der));
    expect(block!.headers).toBeUndefined();
  });

  it("round-trips any bytes and labels", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom("CERTIFICATE", "PRIVATE KEY", "RSA PRIVATE KEY", "X509 CRL", "A-B C"), (der, label) => {
        const blocks = pemDecode(pemEncode(label, der));
        expect(blocks).toHaveLength(1);
        expect(blocks[0]!.label).toBe(label);
        expect(toHex(blocks[0]!.der)).toBe(toHex(der));
      }),
      { numRuns: 150 },
    );
  });

  it("tolerates CRLF, CR, indentation, trailing spaces and text around the blocks", () => {
    const crlf = nodePkcs8Pem.replace(/\n/g, "\r\n");
    expect(toHex(pemDecode(crlf)[0]!.der)).toBe(toHex(nodePkcs8Der));
    expect(toHex(pemDecode(nodePkcs8Pem.replace(/\n/g, "\r"))[0]!.der)).toBe(toHex(nodePkcs8Der));
    const messy = "Bag Attributes\n    friendlyName: workshop\nsubject=/CN=x\n" + nodeSpkiPem.split("\n").map((l) => `  ${l}  `).join("\n") + "\ntrailing words\n";
    const blocks = pemDecode(messy);
    expect(blocks.map((b) => b.label)).toEqual(["PUBLIC KEY"]);
    expect(toHex(blocks[0]!.der)).toBe(toHex(nodeSpkiDer));
  });

  it("tolerates base64 wrapped at other widths or split by spaces", () => {
    const body = Buffer.from(nodeSpkiDer).toString("base64");
    const wrapped76 = `-----BEGIN PUBLIC KEY-----\n${body.match(/.{1,76}/g)!.join("\n")}\n-----END PUBLIC KEY-----`;
    expect(toHex(pemDecode(wrapped76)[0]!.der)).toBe(toHex(nodeSpkiDer));
    const oneLine = `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----`;
    expect(toHex(pemDecode(oneLine)[0]!.der)).toBe(toHex(nodeSpkiDer));
    const spaced = `-----BEGIN PUBLIC KEY-----\n${body.match(/.{1,8}/g)!.join(" \t")}\n-----END PUBLIC KEY-----`;
    expect(toHex(pemDecode(spaced)[0]!.der)).toBe(toHex(nodeSpkiDer));
  });

  it("returns every block in order", () => {
    const text = `${nodeSpkiPem}between\n${nodePkcs8Pem}${pemEncode("CERTIFICATE", fromHex("3000"))}`;
    const blocks = pemDecode(text);
    expect(blocks.map((b) => b.label)).toEqual(["PUBLIC KEY", "PRIVATE KEY", "CERTIFICATE"]);
    expect(toHex(blocks[2]!.der)).toBe("3000");
  });

  it("returns no blocks for text without a BEGIN line", () => {
    expect(pemDecode("")).toEqual([]);
    expect(pemDecode("just some text\nwith lines")).toEqual([]);
  });

  it("keeps RFC 1421 headers (legacy encrypted keys)", () => {
    const legacy = privateKey.export({ format: "pem", type: "pkcs1", cipher: "aes-128-cbc", passphrase: "pw" }) as string;
    const [block] = pemDecode(legacy);
    expect(block!.label).toBe("RSA PRIVATE KEY");
    expect(block!.headers?.["Proc-Type"]).toBe("4,ENCRYPTED");
    expect(block!.headers?.["DEK-Info"]).toMatch(/^AES-128-CBC,[0-9A-F]{32}$/);
  });

  it("rejects damaged blocks with a clear code", () => {
    const lines = nodeSpkiPem.trimEnd().split("\n");
    // No END line.
    expect(kitErrorCode(() => pemDecode(lines.slice(0, -1).join("\n")))).toBe("PEM_UNTERMINATED");
    // A second BEGIN before the first END.
    expect(kitErrorCode(() => pemDecode(lines.slice(0, -1).join("\n") + "\n" + nodeSpkiPem))).toBe("PEM_UNTERMINATED");
    // END with another label.
    expect(kitErrorCode(() => pemDecode(nodeSpkiPem.replace("END PUBLIC KEY", "END PRIVATE KEY")))).toBe("PEM_LABEL_MISMATCH");
    // A character outside base64.
    const bad = [...lines];
    bad[2] = bad[2]!.slice(0, 10) + "*" + bad[2]!.slice(11);
    expect(kitErrorCode(() => pemDecode(bad.join("\n")))).toBe("PEM_BAD_BASE64");
    // Base64url characters are not base64.
    bad[2] = bad[2]!.slice(0, 10) + "_" + bad[2]!.slice(11);
    expect(kitErrorCode(() => pemDecode(bad.join("\n")))).toBe("PEM_BAD_BASE64");
    // Text after padding, and too much padding.
    expect(kitErrorCode(() => pemDecode("-----BEGIN X-----\nAA==\nAAAA\n-----END X-----"))).toBe("PEM_BAD_BASE64");
    expect(kitErrorCode(() => pemDecode("-----BEGIN X-----\nA===\n-----END X-----"))).toBe("PEM_BAD_BASE64");
    expect(kitErrorCode(() => pemDecode("-----BEGIN X-----\nAAA==\n-----END X-----"))).toBe("PEM_BAD_BASE64");
    // A lone base64 character cannot encode any byte; non-canonical trailing bits are refused too.
    expect(kitErrorCode(() => pemDecode("-----BEGIN X-----\nAAAAA\n-----END X-----"))).toBe("PEM_BAD_BASE64");
    expect(kitErrorCode(() => pemDecode("-----BEGIN X-----\nAB==\n-----END X-----"))).toBe("PEM_BAD_BASE64");
    // A label RFC 7468 does not allow.
    expect(kitErrorCode(() => pemDecode("-----BEGIN A--B-----\nAA==\n-----END A--B-----"))).toBe("PEM_BAD_LABEL");
  });

  it("names the line of a bad character", () => {
    try {
      pemDecode("intro\n-----BEGIN X-----\nAAAA\nAA!A\n-----END X-----");
      expect.unreachable();
    } catch (error) {
      expect((error as KitError).message).toContain("line 4");
      expect((error as KitError).message).toContain('"!"');
    }
  });
});
