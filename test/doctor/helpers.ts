/**
 * Shared fixtures for the doctor's tests: throwaway keys and certificates made at test time, an
 * assertion builder that can make every classic mistake (with node:crypto, independently of the
 * code under test), and a harness that runs the same assertion through the doctor and through the
 * mock Entra ID, so each test can check that the doctor predicts what the mock answers.
 */
import { constants, createHash, createHmac, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { expect } from "vitest";
import { DEMO_CLIENT_ID, DEMO_TENANT_ID } from "../../lib/entra/demo.ts";
import { diagnose, type Diagnosis } from "../../lib/entra/doctor/index.ts";
import { buildSelfSignedCertificate } from "../../lib/formats/x509/index.ts";
import { createMockAad, createSigningKey, defaultRegistry, type SigningKey } from "../../mock-aad/index.ts";
import { runDoctor, type DoctorIo } from "../../steps/doctor/cli.ts";
import { JWT_BEARER, tokenForm } from "../helpers/token-form.ts";
import { nextThrowawayKeyPair } from "../helpers/throwaway-keys.ts";

export const NOW = new Date("2025-06-01T12:00:00Z");
export const NOW_S = NOW.getTime() / 1000;
export const ENTRA = "https://login.microsoftonline.com";
export const V2_AUD = `${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token`;
export const V1_AUD = `${ENTRA}/${DEMO_TENANT_ID}/oauth2/token`;
export const OTHER_GUID = "12345678-1234-4234-8234-123456789abc";
export { DEMO_CLIENT_ID, DEMO_TENANT_ID };
/** The token request form and its assertion type: one builder for the doctor's and the mock's tests. */
export { JWT_BEARER, tokenForm };

export interface TestCert {
  privateKey: KeyObject;
  publicKey: KeyObject;
  der: Uint8Array;
  sha1: Buffer;
  sha256: Buffer;
  x5t: string;
  x5tS256: string;
  sha1Hex: string;
  sha256Hex: string;
}

export function rsaKeys(bits = 2048): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync("rsa", { modulusLength: bits });
}

/** A self-signed certificate for a key pair (built by lib/formats/x509, signed through node:crypto). */
export async function certFor(keys: { privateKey: KeyObject; publicKey: KeyObject }, options: { notBefore?: Date; notAfter?: Date; serial?: number } = {}): Promise<TestCert> {
  const serial = options.serial ?? 1;
  const built = await buildSelfSignedCertificate({
    subject: "CN=doctor test (throwaway)",
    publicKeySpki: new Uint8Array(keys.publicKey.export({ type: "spki", format: "der" })),
    notBefore: options.notBefore ?? new Date("2025-01-01T00:00:00Z"),
    notAfter: options.notAfter ?? new Date("2027-01-01T00:00:00Z"),
    serialNumber: Uint8Array.of(0x10, (serial >> 8) & 0xff, serial & 0xff),
    sign: (tbs) => new Uint8Array(sign("sha256", tbs, keys.privateKey)),
  });
  return facts(keys, built.der);
}

export function facts(keys: { privateKey: KeyObject; publicKey: KeyObject }, der: Uint8Array): TestCert {
  const sha1 = createHash("sha1").update(der).digest();
  const sha256 = createHash("sha256").update(der).digest();
  return { ...keys, der, sha1, sha256, x5t: sha1.toString("base64url"), x5tS256: sha256.toString("base64url"), sha1Hex: sha1.toString("hex").toUpperCase(), sha256Hex: sha256.toString("hex").toUpperCase() };
}

export function b64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString("base64url");
}

export function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return strip({ aud: V2_AUD, iss: DEMO_CLIENT_ID, sub: DEMO_CLIENT_ID, jti: "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b", nbf: NOW_S, iat: NOW_S, exp: NOW_S + 600, ...overrides });
}

export function strip(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export type SignHow = "RS256" | "PS256" | "PS256-max-salt" | "HS256" | "none";

export interface BuildOptions {
  /** Header fields over the default {alg, typ, x5t or x5t#S256}; undefined removes one. */
  header?: Record<string, unknown>;
  /** Claim overrides; undefined removes a claim. */
  claims?: Record<string, unknown>;
  /** How to sign (default: as alg says). */
  how?: SignHow;
  /** Sign with this key instead of the certificate's. */
  key?: KeyObject;
  /** The exact header / payload bytes (for BOM and charset mistakes). */
  headerBytes?: Uint8Array;
  payloadBytes?: Uint8Array;
  /** How a segment is encoded (default base64url). */
  encode?: (bytes: Uint8Array) => string;
  /** Encodes the signature (default base64url). */
  encodeSignature?: (bytes: Uint8Array) => string;
  /** Signs these bytes instead of the signing input that is sent. */
  signInstead?: (headerPart: string, payloadPart: string) => Uint8Array | string;
}

/** An assertion for `cert`: correct by default (RS256 + x5t), with whichever mistake the options ask for. */
export function build(cert: TestCert, options: BuildOptions = {}): string {
  const header = strip({ alg: "RS256", typ: "JWT", x5t: cert.x5t, ...options.header });
  const encode = options.encode ?? ((b: Uint8Array) => b64url(b));
  const headerPart = encode(options.headerBytes ?? Buffer.from(JSON.stringify(header)));
  const payloadPart = encode(options.payloadBytes ?? Buffer.from(JSON.stringify(claims(options.claims))));
  const how: SignHow = options.how ?? (header.alg === "PS256" ? "PS256" : header.alg === "none" ? "none" : "RS256");
  const signed = options.signInstead ? Buffer.from(options.signInstead(headerPart, payloadPart)) : Buffer.from(`${headerPart}.${payloadPart}`);
  const key = options.key ?? cert.privateKey;
  const signature =
    how === "none"
      ? Buffer.alloc(0)
      : how === "HS256"
        ? createHmac("sha256", "a shared secret").update(signed).digest()
        : how === "RS256"
          ? sign("sha256", signed, { key, padding: constants.RSA_PKCS1_PADDING })
          : sign("sha256", signed, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: how === "PS256" ? 32 : constants.RSA_PSS_SALTLEN_MAX_SIGN });
  return `${headerPart}.${payloadPart}.${(options.encodeSignature ?? ((b: Uint8Array) => b64url(b)))(signature)}`;
}

let signingKey: SigningKey | undefined;

/** What the mock Entra ID answers for a form: the first error code, or "ok". */
export async function mockAnswer(fields: Record<string, string>, certificates: Uint8Array[], options: { tenant?: string; now?: Date } = {}): Promise<number | "ok"> {
  const now = options.now ?? NOW;
  // One token-signing key per test file: making one per mock would cost an RSA key generation each.
  signingKey ??= createSigningKey(NOW, nextThrowawayKeyPair());
  const mock = createMockAad({ registry: defaultRegistry({ certificates }), clock: () => now, signingKey });
  const response = await mock.handle(
    new Request(`${ENTRA}/${options.tenant ?? DEMO_TENANT_ID}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    }),
  );
  const body = (await response.json()) as { error_codes?: number[] };
  if (response.status === 200) return "ok";
  return body.error_codes?.at(-1) ?? -1; // the code that names the failure comes last ([70002, 50032])
}

export interface Verdicts {
  diagnosis: Diagnosis;
  mock: number | "ok";
}

/**
 * Runs one assertion (or a whole form) through the doctor (with the certificate, client id and
 * tenant, as a user would give them) and through the mock with that certificate registered, and
 * checks that the doctor predicts what the mock answers.
 */
export async function judge(cert: TestCert, input: { assertion?: string; fields?: Record<string, string>; now?: Date }): Promise<Verdicts> {
  const fields = input.fields ?? tokenForm(input.assertion!);
  const text = input.fields ? new URLSearchParams(fields).toString() : input.assertion!;
  const now = input.now ?? NOW;
  const diagnosis = diagnose({ text, certificate: { der: cert.der }, clientId: DEMO_CLIENT_ID, tenant: DEMO_TENANT_ID, now });
  const mock = await mockAnswer(fields, [cert.der], { now });
  expect(diagnosis.predicted?.aadsts ?? "ok", "the doctor predicts what the mock answers").toBe(mock);
  return { diagnosis, mock };
}

export function causeIds(d: Diagnosis): string[] {
  return d.causes.map((c) => c.id);
}

/** Runs the CLI in-process, colours off; returns exit code and output. */
export async function cli(argv: string[], extra: Partial<DoctorIo> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runDoctor(argv, { out: (t) => (out += t), err: (t) => (err += t), color: false, now: () => NOW, ...extra });
  return { code, out, err };
}
