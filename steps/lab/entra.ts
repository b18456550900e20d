/**
 * Sends a lab attempt to the mock Entra ID, in-process: a fresh mock per attempt (so each one sees
 * exactly the certificates the attempt registers), its core called with a Fetch Request, the way
 * msw or the HTTPS server would call it. The mock judges with node:crypto only, never with lib/.
 * A token that comes back is checked against the mock's published key set, with node:crypto too.
 */
import { uuidV4 } from "../../lib/entra/assertion.ts";
import { createMockAad, type MockAad } from "../../mock-aad/core.ts";
import { defaultRegistry, findApplication, keyCredential, type KeyCredential } from "../../mock-aad/registry.ts";
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
  /** Microsoft Graph (the mock's) accepts the access token: GET /v1.0/users answers 200. */
  graphAccepted?: boolean;
  /** A Graph key action's refusal: Graph's error code and message. */
  graphError?: { code: string; message: string };
  /** A Graph key action's success: the keyCredential added (its keyId and thumbprint). */
  keyAdded?: { keyId: string; thumbprint: string };
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

/**
 * POSTs the attempt's form to its URL and reads Entra's answer; with a key action, then posts it to
 * Graph with the token, and the answer is Graph's (after a 200, with the added certificate's token).
 */
export async function sendToEntra(ctx: LabContext, attempt: Attempt, label: string): Promise<EntraAnswer> {
  const mock = mockFor(ctx, attempt, label);
  const first = await postForm(mock, attempt.request);
  if (!attempt.keyAction || !first.accessToken) return first;
  const { keyAction } = attempt;
  const response = await mock.handle(
    new Request(keyAction.url, { method: "POST", headers: { authorization: `Bearer ${first.accessToken}`, "content-type": "application/json" }, body: JSON.stringify(keyAction.body) }),
  );
  const body = (await response.json()) as Record<string, unknown>;
  const error = body.error as { code?: unknown; message?: unknown } | undefined;
  if (error && typeof error.code === "string") return { status: response.status, body, graphError: { code: error.code, message: String(error.message) } };
  const after = await postForm(mock, keyAction.thenRequest);
  return { ...after, status: response.status, body, keyAdded: { keyId: String(body.keyId), thumbprint: String(body.customKeyIdentifier) } };
}

async function postForm(mock: MockAad, request: Attempt["request"]): Promise<EntraAnswer> {
  const response = await mock.handle(
    new Request(request.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: requestBody(request),
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
    answer.graphAccepted = await graphAccepts(mock, body.access_token);
  }
  return answer;
}

/**
 * Does Microsoft Graph (the mock's) take the token? GET /v1.0/users with it. Not a JWKS check: a
 * Graph token carries a nonce header and only Graph can validate it, so an app or an API must not
 * try (the lab's tokens are all for Graph).
 */
export async function graphAccepts(mock: MockAad, token: string): Promise<boolean> {
  const response = await mock.handle(new Request("https://graph.microsoft.com/v1.0/users", { headers: { authorization: `Bearer ${token}` } }));
  return response.status === 200;
}
