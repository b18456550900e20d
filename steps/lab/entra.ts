/**
 * Sends a lab attempt to the mock Entra ID, in-process: a fresh mock per attempt (so each one sees
 * exactly the certificates the attempt registers), its core called with a Fetch Request, the way
 * msw or the HTTPS server would call it. The mock judges with node:crypto only, never with lib/.
 * A token that comes back is checked against the mock's published key set, with node:crypto too.
 */
import { createPublicKey, verify, type JsonWebKey } from "node:crypto";
import { uuidV4 } from "../../lib/entra/assertion.ts";
import { createMockAad, defaultRegistry, findApplication, keyCredential, type KeyCredential, type MockAad } from "../../mock-aad/index.ts";
import { requestBody } from "./build-request.ts";
import type { LabContext } from "./context.ts";
import type { Attempt } from "./scenario.ts";

export interface EntraAnswer {
  status: number;
  /** The JSON body as Entra sent it. */
  body: Record<string, unknown>;
  /** Error answers: the OAuth error, the AADSTS codes, the description. */
  error?: string;
  errorCodes?: number[];
  errorDescription?: string;
  /** Success: token_type, expires_in and the access token. */
  tokenType?: string;
  expiresIn?: number;
  accessToken?: string;
  /** The access token's signature verifies (node:crypto) with the key its kid names in the mock's JWKS. */
  tokenVerified?: boolean;
}

/** The certificates registered on the app for an attempt: its own list, or the app's current certificate. */
export function registeredFor(ctx: LabContext, attempt: Attempt): KeyCredential[] {
  return attempt.registered ?? [keyCredential(ctx.current.der)];
}

/** The mock for one attempt: the demo tenant and app, with the attempt's certificates registered. */
export function mockFor(ctx: LabContext, attempt: Attempt, label: string): MockAad {
  const registry = defaultRegistry();
  const app = findApplication(registry, ctx.tenant, ctx.clientId)!;
  app.keyCredentials = registeredFor(ctx, attempt);
  let counter = 0;
  return createMockAad({
    registry,
    clock: () => new Date(ctx.now),
    ids: () => uuidV4(ctx.bytes(`${label}:mock-id-${counter++}`, 16)),
    signingKey: ctx.signingKey,
  });
}

/** POSTs the attempt's form to its URL and reads Entra's answer. */
export async function sendToEntra(ctx: LabContext, attempt: Attempt, label: string): Promise<EntraAnswer> {
  const mock = mockFor(ctx, attempt, label);
  const response = await mock.handle(
    new Request(attempt.request.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: requestBody(attempt.request),
    }),
  );
  const body = (await response.json()) as Record<string, unknown>;
  const answer: EntraAnswer = { status: response.status, body };
  if (typeof body.error === "string") answer.error = body.error;
  if (Array.isArray(body.error_codes)) answer.errorCodes = body.error_codes.filter((c): c is number => typeof c === "number");
  if (typeof body.error_description === "string") answer.errorDescription = body.error_description;
  if (typeof body.token_type === "string") answer.tokenType = body.token_type;
  if (typeof body.expires_in === "number") answer.expiresIn = body.expires_in;
  if (typeof body.access_token === "string") {
    answer.accessToken = body.access_token;
    answer.tokenVerified = accessTokenVerifies(body.access_token, mock.jwks);
  }
  return answer;
}

/** RS256 over header.payload with the JWKS key whose kid the header names (RFC 7515 §5.2, node:crypto). */
export function accessTokenVerifies(token: string, jwks: { keys: object[] }): boolean {
  const [h, p, s] = token.split(".");
  if (h === undefined || p === undefined || s === undefined) return false;
  try {
    const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8")) as { alg?: string; kid?: string };
    if (header.alg !== "RS256") return false;
    const jwk = jwks.keys.find((k) => (k as { kid?: string }).kid === header.kid);
    if (!jwk) return false;
    const key = createPublicKey({ key: jwk as JsonWebKey, format: "jwk" });
    return verify("sha256", Buffer.from(`${h}.${p}`, "ascii"), key, Buffer.from(s, "base64url"));
  } catch {
    return false;
  }
}
