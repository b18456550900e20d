import { constants, createHash, generateKeyPairSync, verify as nodeVerify, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { assertionClaims, assertionHeader, tokenEndpoint, uuidV4, x5tOf, x5tS256Of } from "../../../lib/entra/assertion.ts";
import { utf8Encode } from "../../../lib/bytes.ts";
import { KitError } from "../../../lib/errors.ts";
import { createJwt, decodeJws, encodeSegment, verifyJwsSignature } from "../../../lib/crypto/jws.ts";
import type { RsaPrivateKey } from "../../../lib/crypto/rsa/index.ts";
import { rsaPrivateKeyFromJwk } from "../../../lib/formats/keys/index.ts";

const vector = JSON.parse(readFileSync(new URL("../../fixtures/rfc7515-a2-rs256.json", import.meta.url), "utf8"));

let key: RsaPrivateKey;
let nodePublic: KeyObject;
beforeAll(() => {
  // Throwaway key for this test file only.
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  key = rsaPrivateKeyFromJwk(pair.privateKey.export({ format: "jwk" }) as never);
  nodePublic = pair.publicKey;
});

describe("JWS compact (RFC 7515)", () => {
  it("decodes the RFC 7515 A.2 token and verifies it with the published key", () => {
    const decoded = decodeJws(vector.jws);
    expect(decoded.header).toEqual({ alg: "RS256" });
    expect(new TextDecoder().decode(decoded.payloadBytes)).toBe(vector.payload);
    expect(new TextDecoder().decode(decoded.signingInput)).toBe(vector.signingInput);
    const rfcKey = rsaPrivateKeyFromJwk(vector.jwk);
    expect(verifyJwsSignature("RS256", rfcKey, decoded.signingInput, decoded.signature)).toBe(true);
    expect(verifyJwsSignature("PS256", rfcKey, decoded.signingInput, decoded.signature)).toBe(false);
  });

  it("RS256 tokens verify with node:crypto; PS256 tokens verify with node:crypto PSS (salt 32)", () => {
    const claims = { iss: "me", n: 1 };
    const rs = createJwt({ alg: "RS256", typ: "JWT" }, claims, key);
    expect(nodeVerify("sha256", rs.signingInput, nodePublic, rs.signature)).toBe(true);
    const salt = new Uint8Array(32).fill(7);
    const ps = createJwt({ alg: "PS256", typ: "JWT" }, claims, key, salt);
    expect(nodeVerify("sha256", ps.signingInput, { key: nodePublic, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, ps.signature)).toBe(true);
    expect(ps.compact.split(".")[0]).toBe(Buffer.from('{"alg":"PS256","typ":"JWT"}').toString("base64url"));
  });

  it("round-trips through decodeJws and our verifier; a changed payload fails", () => {
    const jwt = createJwt({ alg: "RS256" }, { a: "é" }, key);
    const d = decodeJws(jwt.compact);
    expect(d.payload).toEqual({ a: "é" });
    expect(verifyJwsSignature("RS256", key, d.signingInput, d.signature)).toBe(true);
    const tampered = decodeJws(`${jwt.header.base64url}.${encodeSegment({ a: "e" }).base64url}.${d.segments[2]}`);
    expect(verifyJwsSignature("RS256", key, tampered.signingInput, tampered.signature)).toBe(false);
  });

  it("refuses algorithms other than RS256 and PS256, and PS256 without a 32-byte salt", () => {
    expect(() => createJwt({ alg: "HS256" }, {}, key)).toThrow(KitError);
    expect(() => createJwt({ alg: "PS256" }, {}, key)).toThrow(/32-byte salt/);
    expect(verifyJwsSignature("none", key, utf8Encode("a.b"), new Uint8Array(256))).toBe(false);
  });

  it.each([
    ["a.b", "JWT_SEGMENTS"],
    ["a.b.c.d", "JWT_SEGMENTS"],
    [`${Buffer.from("{}").toString("base64")}=.e30.AA`, "JWT_SEGMENT_ENCODING"],
    [`${Buffer.from("not json").toString("base64url")}.e30.AA`, "JWT_SEGMENT_JSON"],
    [`${Buffer.from("[1]").toString("base64url")}.e30.AA`, "JWT_SEGMENT_JSON"],
    [`${Buffer.from([0xff, 0xfe]).toString("base64url")}.e30.AA`, "JWT_SEGMENT_UTF8"],
    ["e30.e30.A+A", "JWT_SEGMENT_ENCODING"],
  ])("decodeJws(%j) fails with %s", (token, code) => {
    try {
      decodeJws(token);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(KitError);
      expect((error as KitError).code).toBe(code);
    }
  });
});

describe("Entra client assertion", () => {
  const der = new Uint8Array(readFileSync(new URL("../../fixtures/rfc7515-a2-rs256.json", import.meta.url))); // any bytes stand in for a DER here

  it("x5t and x5t#S256 are base64url of the SHA-1 / SHA-256 of the DER (checked with node:crypto)", () => {
    expect(x5tOf(der)).toBe(createHash("sha1").update(der).digest("base64url"));
    expect(x5tS256Of(der)).toBe(createHash("sha256").update(der).digest("base64url"));
    expect(x5tOf(der)).toHaveLength(27);
    expect(x5tS256Of(der)).toHaveLength(43);
  });

  it("Microsoft's documented example: thumbprint 84E05C1D… gives x5t hOBcHZi846VCHSJbFAs26Go9VTQ", () => {
    expect(Buffer.from("84E05C1D98BCE3A5421D225B140B36E86A3D5534", "hex").toString("base64url")).toBe("hOBcHZi846VCHSJbFAs26Go9VTQ");
  });

  it("RS256 carries x5t, PS256 carries x5t#S256, x5c is standard base64 DER", () => {
    expect(assertionHeader("RS256", der)).toEqual({ alg: "RS256", typ: "JWT", x5t: x5tOf(der) });
    expect(assertionHeader("PS256", der)).toEqual({ alg: "PS256", typ: "JWT", "x5t#S256": x5tS256Of(der) });
    expect(assertionHeader("PS256", der, { x5c: true }).x5c).toEqual([Buffer.from(der).toString("base64")]);
  });

  it("claims: aud is the token endpoint, iss = sub = client id, exp = nbf + 600", () => {
    const c = assertionClaims({ tenant: "contoso.onmicrosoft.com", clientId: "8a7b6c5d-4e3f-4a2b-9c1d-0e1f2a3b4c5d", now: 1_700_000_000, jti: "j" });
    expect(c).toEqual({
      aud: "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
      iss: "8a7b6c5d-4e3f-4a2b-9c1d-0e1f2a3b4c5d",
      sub: "8a7b6c5d-4e3f-4a2b-9c1d-0e1f2a3b4c5d",
      jti: "j",
      nbf: 1_700_000_000,
      iat: 1_700_000_000,
      exp: 1_700_000_600,
    });
    expect(tokenEndpoint("t.example", "v1")).toBe("https://login.microsoftonline.com/t.example/oauth2/token");
  });

  it.each([
    ["common", "TENANT_MULTI"],
    ["organizations", "TENANT_MULTI"],
    ["not a tenant", "TENANT_FORMAT"],
  ])("tenant %j is refused with %s", (tenant, code) => {
    expect(() => assertionClaims({ tenant, clientId: "8a7b6c5d-4e3f-4a2b-9c1d-0e1f2a3b4c5d", now: 0, jti: "j" })).toThrow(expect.objectContaining({ code }));
  });

  it("a client id that is not a GUID, or a bad lifetime, is refused", () => {
    expect(() => assertionClaims({ tenant: "contoso.com", clientId: "my-app", now: 0, jti: "j" })).toThrow(expect.objectContaining({ code: "CLIENT_ID_FORMAT" }));
    expect(() => assertionClaims({ tenant: "contoso.com", clientId: "8a7b6c5d-4e3f-4a2b-9c1d-0e1f2a3b4c5d", now: 0, jti: "j", lifetime: 0 })).toThrow(expect.objectContaining({ code: "LIFETIME" }));
  });

  it("uuidV4 sets the version and variant bits (RFC 9562 §5.4) and matches node's format", () => {
    const id = uuidV4(new Uint8Array(16).fill(0xff));
    expect(id).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
    expect(uuidV4(new Uint8Array(16))).toBe("00000000-0000-4000-8000-000000000000");
    expect(uuidV4()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
