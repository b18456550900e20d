/**
 * Shared fixtures for the mock-aad tests: throwaway keys and certificates made at test time
 * (never used anywhere else), a fixed clock, predictable IDs, and assertion builders that sign
 * with node:crypto directly.
 */
import { constants, createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { expect } from "vitest";
import { DEMO_CLIENT_ID, DEMO_TENANT_ID } from "../../lib/entra/demo.ts";
import { buildSelfSignedCertificate } from "../../lib/formats/x509/index.ts";
import { createMockAad, type MockAad, type MockAadOptions } from "../../mock-aad/core.ts";
import { defaultRegistry, keyCredential, type KeyCredentialOptions, type Registry } from "../../mock-aad/registry.ts";
import { createSigningKey, type SigningKey } from "../../mock-aad/signing-key.ts";
import { nextThrowawayKeyPair } from "../helpers/throwaway-keys.ts";

export const NOW = new Date("2025-06-01T12:00:00Z");
export const NOW_S = NOW.getTime() / 1000;
export const ENTRA = "https://login.microsoftonline.com";
export const V2_AUD = `${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token`;
export const V1_AUD = `${ENTRA}/${DEMO_TENANT_ID}/oauth2/token`;

export interface TestCertificate {
  privateKey: KeyObject;
  publicKey: KeyObject;
  der: Uint8Array;
  x5t: string;
  x5tS256: string;
  sha1Hex: string;
  sha256Hex: string;
}

/** An RSA key (a new one for this test file: test/helpers/throwaway-keys.ts) with a self-signed certificate built by lib/formats/x509, signed through node:crypto. */
export async function makeCertificate(bits = 2048, notBefore = new Date("2025-01-01T00:00:00Z"), notAfter = new Date("2027-01-01T00:00:00Z")): Promise<TestCertificate> {
  const { privateKey, publicKey } = bits === 2048 ? nextThrowawayKeyPair() : generateKeyPairSync("rsa", { modulusLength: bits });
  const built = await buildSelfSignedCertificate({
    subject: `CN=mock-aad test ${bits}`,
    publicKeySpki: new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
    notBefore,
    notAfter,
    serialNumber: Uint8Array.of(0x12, 0x34, bits & 0xff),
    sign: (tbs) => new Uint8Array(sign("sha256", tbs, privateKey)),
  });
  return certificateFacts(privateKey, publicKey, built.der);
}

export function certificateFacts(privateKey: KeyObject, publicKey: KeyObject, der: Uint8Array): TestCertificate {
  const sha1 = createHash("sha1").update(der).digest();
  const sha256 = createHash("sha256").update(der).digest();
  return { privateKey, publicKey, der, x5t: sha1.toString("base64url"), x5tS256: sha256.toString("base64url"), sha1Hex: sha1.toString("hex").toUpperCase(), sha256Hex: sha256.toString("hex").toUpperCase() };
}

let signingKeyMemo: SigningKey | undefined;
/** One token-signing key per test file. */
export function testSigningKey(): SigningKey {
  signingKeyMemo ??= createSigningKey(NOW, nextThrowawayKeyPair());
  return signingKeyMemo;
}

/** Predictable GUIDs: 00000000-0000-4000-8000-000000000001, …02, … */
export function counterIds(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, "0")}`;
}

/** The demo registry with these certificates on the demo app. */
export function registryWith(...keys: Array<{ cert: TestCertificate; options?: KeyCredentialOptions }>): Registry {
  const registry = defaultRegistry();
  registry.applications[0]!.keyCredentials = keys.map(({ cert, options }) => keyCredential(cert.der, { keyId: "11111111-2222-4333-8444-555555555555", ...options }));
  return registry;
}

export function makeMock(registry: Registry, options: MockAadOptions = {}): MockAad {
  return createMockAad({ registry, clock: () => NOW, ids: counterIds(), signingKey: testSigningKey(), ...options });
}

// ── Assertions ───────────────────────────────────────────────────────────────────────────────────

export function b64url(text: string | Uint8Array): string {
  return Buffer.from(text).toString("base64url");
}

/** Signs header.payload (given as JSON text) the way alg says, with node:crypto. */
export function signParts(headerJson: string, payloadJson: string, key: KeyObject, how: "RS256" | "PS256" | "RS384" = "RS256", saltLength = 32): string {
  const input = `${b64url(headerJson)}.${b64url(payloadJson)}`;
  const hash = how === "RS384" ? "sha384" : "sha256";
  const signature =
    how === "PS256"
      ? sign(hash, Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength })
      : sign(hash, Buffer.from(input), { key, padding: constants.RSA_PKCS1_PADDING });
  return `${input}.${signature.toString("base64url")}`;
}

export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { aud: V2_AUD, iss: DEMO_CLIENT_ID, sub: DEMO_CLIENT_ID, jti: "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b", nbf: NOW_S, iat: NOW_S, exp: NOW_S + 600, ...overrides };
}

/** A correct RS256 + x5t assertion for `cert`, with claim overrides (undefined removes a claim). */
export function assertion(cert: TestCertificate, claimOverrides: Record<string, unknown> = {}, headerOverrides: Record<string, unknown> = {}, signWith?: KeyObject): string {
  const header = { alg: "RS256", typ: "JWT", x5t: cert.x5t, ...headerOverrides };
  const alg = header.alg === "PS256" ? "PS256" : header.alg === "RS384" ? "RS384" : "RS256";
  return signParts(JSON.stringify(strip(header)), JSON.stringify(strip(claims(claimOverrides))), signWith ?? cert.privateKey, alg);
}

function strip(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

// ── Requests ─────────────────────────────────────────────────────────────────────────────────────

/** The token request form and its assertion type: one builder for the mock's and the doctor's tests. */
export { JWT_BEARER, tokenForm } from "../helpers/token-form.ts";

export function tokenRequest(form: Record<string, string>, options: { origin?: string; tenant?: string; version?: "v1" | "v2"; query?: string; headers?: Record<string, string> } = {}): Request {
  const path = options.version === "v1" ? "oauth2/token" : "oauth2/v2.0/token";
  const url = `${options.origin ?? ENTRA}/${options.tenant ?? DEMO_TENANT_ID}/${path}${options.query ?? ""}`;
  return new Request(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...options.headers },
    body: new URLSearchParams(form).toString(),
  });
}

/** Checks an Entra error answer: status, error, error_codes, the description text, the trailer and headers. */
/** `code`: the AADSTS code, or all of them for the older two-code form ([70002, 50032]); `text` starts at the first "AADSTSnnn: " or after the last one. */
export async function expectAadError(response: Response, status: number, error: string, code: number | number[], text: string): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  const codes = Array.isArray(code) ? code : [code];
  code = codes[codes.length - 1]!;
  expect({ status: response.status, error: body.error, error_codes: body.error_codes }).toEqual({ status, error, error_codes: codes });
  const description = String(body.error_description);
  const full = codes.length > 1 ? text : `AADSTS${code}: ${text}`;
  expect(description.slice(0, description.indexOf(" Trace ID: "))).toBe(full);
  expect(description).toBe(`${full} Trace ID: ${body.trace_id} Correlation ID: ${body.correlation_id} Timestamp: ${body.timestamp}`);
  expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(body.trace_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(body.error_uri).toBe(`https://login.microsoftonline.com/error?code=${code}`);
  expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(response.headers.get("cache-control")).toBe("no-store, no-cache");
  expect(response.headers.get("pragma")).toBe("no-cache");
  expect(response.headers.get("expires")).toBe("-1");
  expect(response.headers.get("x-ms-request-id")).toBe(body.trace_id);
  expect(response.headers.get("x-ms-ests-server")).toBeTruthy();
  return body;
}

/** Decodes a JWT's header and claims (test-side, with Buffer). */
export function decodeJwt(token: string): { header: Record<string, unknown>; claims: Record<string, unknown>; parts: string[] } {
  const parts = token.split(".");
  return { header: JSON.parse(Buffer.from(parts[0]!, "base64url").toString()), claims: JSON.parse(Buffer.from(parts[1]!, "base64url").toString()), parts };
}

export { DEMO_CLIENT_ID, DEMO_TENANT_ID };
