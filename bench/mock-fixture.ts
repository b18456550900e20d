/**
 * What the mock benches send: a throwaway client key and certificate (made now, never stored),
 * registered on the demo app, and one client assertion signed with node:crypto. The same form
 * body goes to every request (Entra does not refuse a jti it has seen, nor does the mock), so a
 * request costs the mock exactly what a fresh one would: parse, check, verify, sign a token.
 */
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { DEMO_CLIENT_ID, DEMO_TENANT_ID } from "../lib/entra/demo.ts";
import { CLIENT_ASSERTION_TYPE } from "../lib/entra/protocol.ts";
import { buildIssuedCertificate, keyUsageExtension } from "../mock-aad/certificate-builder.ts";

export interface BenchClient {
  /** Throwaway: made for this run only. */
  privateKey: KeyObject;
  publicKey: KeyObject;
  certificateDer: Uint8Array;
  /** The token request body (application/x-www-form-urlencoded). */
  form: string;
  /** header.payload of the assertion, and its signature: what the mock verifies. */
  signingInput: Buffer;
  signature: Buffer;
}

/** The token endpoint path of the demo tenant. */
export const TOKEN_PATH = `/${DEMO_TENANT_ID}/oauth2/v2.0/token`;

/** A client whose assertion's aud is `https://login.microsoftonline.com/…` (accepted at any origin the mock serves). */
export function benchClient(now = new Date()): BenchClient {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const day = 86_400_000;
  const certificateDer = buildIssuedCertificate({
    subject: "CN=bench client (throwaway)",
    publicKey,
    signingKey: privateKey,
    notBefore: new Date(now.getTime() - day),
    notAfter: new Date(now.getTime() + day),
    extensions: [keyUsageExtension([0])], // digitalSignature
  });
  const x5tS256 = createHash("sha256").update(certificateDer).digest("base64url");
  const seconds = Math.floor(now.getTime() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const header = part({ alg: "RS256", typ: "JWT", "x5t#S256": x5tS256 });
  const payload = part({
    aud: `https://login.microsoftonline.com${TOKEN_PATH}`,
    iss: DEMO_CLIENT_ID,
    sub: DEMO_CLIENT_ID,
    jti: randomUUID(),
    nbf: seconds - 60,
    exp: seconds + 3600, // the bench runs well under an hour
  });
  const signingInput = Buffer.from(`${header}.${payload}`, "ascii");
  const signature = sign("sha256", signingInput, privateKey);
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: DEMO_CLIENT_ID,
    scope: "api://entra-workshop-demo-api/.default", // a v2 token, verifiable with the JWKS (Graph tokens are not, by design)
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: `${header}.${payload}.${signature.toString("base64url")}`,
  }).toString();
  return { privateKey, publicKey, certificateDer, form, signingInput, signature };
}
