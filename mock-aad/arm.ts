/**
 * The mock Azure Resource Manager (host management.azure.com; /arm/… on the HTTPS server):
 *
 *   GET /subscriptions?api-version=…        200 {"value":[]}: the app has no Azure role assignment
 *                                           on any subscription, so it sees none
 *   GET /subscriptions/{id}?api-version=…   404 SubscriptionNotFound (none is visible)
 *
 * The token is checked as a resource server checks it (bearer.ts: signature against the mock's
 * JWKS, lifetime, issuer), and answered the way ARM answers, {"error":{"code","message"}}, with
 * x-ms-failure-cause: gateway and a Bearer challenge on 401:
 *   no Authorization header        401 AuthenticationFailed "Authentication failed. The 'Authorization' header is missing."
 *   not "Bearer <token>"           401 AuthenticationFailed "… header is provided in an invalid format." (inferred
 *                                  from the older "… is not present or provided in an invalid format.", Azure/azure-sdk-for-net#807)
 *   expired                        401 ExpiredAuthenticationToken "The access token expiry UTC time '…' is earlier than current UTC time '…'."
 *   a token for another resource   401 InvalidAuthenticationTokenAudience "The access token has been obtained for wrong
 *                                  audience or resource '…'. It should exactly match with one of the allowed audiences '…'."
 *   forged, wrong issuer, not a JWT 401 InvalidAuthenticationToken "The access token is invalid." (inferred)
 *   no or a malformed api-version  400 MissingApiVersionParameter / InvalidApiVersionParameter
 *   another path                   404 NotFound (inferred); another method: 405 MethodNotAllowed (inferred)
 *
 * Sources: the audience message and its four audiences as ARM answers them
 * (Azure-Samples/active-directory-dotnetcore-daemon-v2#145, hashicorp/go-azure-helpers#51); the
 * missing header (hashicorp/terraform-provider-azurerm#3612); the expired message and headers
 * (hashicorp/terraform-provider-azurerm#20867); the list's shape
 * (https://learn.microsoft.com/rest/api/resources/subscriptions/list). The challenge's
 * authorization_uri is the authority the core gives (real ARM names https://login.windows.net/): inferred.
 */
import { checkBearer } from "./bearer.ts";
import { ARM_CLASSIC_RESOURCE, ARM_RESOURCE } from "./registry.ts";
import type { ResourceContext } from "./resource-apis.ts";

/** The audiences ARM accepts, in the order its InvalidAuthenticationTokenAudience message lists them. */
export const ARM_AUDIENCES = [`${ARM_CLASSIC_RESOURCE}/`, ARM_CLASSIC_RESOURCE, `${ARM_RESOURCE}/`, ARM_RESOURCE] as const;

/** `path` is the ARM path without any mock prefix, e.g. "/subscriptions". */
export async function handleArm(request: Request, path: string, query: URLSearchParams, context: ResourceContext): Promise<Response> {
  const armError = (status: number, code: string, message: string) => {
    const headers = armHeaders(context, request);
    if (status === 401) {
      headers.set("WWW-Authenticate", `Bearer authorization_uri="${context.authority}/", error="invalid_token", error_description="${message.replace(/["\\]/g, "'")}"`);
      headers.set("x-ms-failure-cause", "gateway");
    }
    return new Response(JSON.stringify({ error: { code, message } }), { status, headers });
  };

  // Authentication.
  const authorization = request.headers.get("authorization");
  if (authorization === null) return armError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
  if (!/^Bearer\s+\S+\s*$/i.test(authorization)) return armError(401, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is provided in an invalid format.");
  const unverified = payloadOf(authorization.trim().split(/\s+/)[1]!);
  const aud = typeof unverified?.aud === "string" ? unverified.aud : undefined;
  // Signature, lifetime and issuer first (bearer.ts), with the token's own audience; ARM's audiences after.
  const verdict = checkBearer({ request, jwks: context.jwks, audiences: aud ? [aud] : [], now: context.now });
  if (!verdict.ok) {
    const exp = typeof unverified?.exp === "number" ? unverified.exp : undefined;
    // Expired, and sound otherwise: the same token checks out a second before it expired.
    const expired = exp !== undefined && context.now.getTime() / 1000 >= exp && checkBearer({ request, jwks: context.jwks, audiences: aud ? [aud] : [], now: new Date((exp - 1) * 1000) }).ok;
    if (expired) return armError(401, "ExpiredAuthenticationToken", `The access token expiry UTC time '${dotnetUtc(new Date(exp * 1000))}' is earlier than current UTC time '${dotnetUtc(context.now)}'.`);
    return armError(401, "InvalidAuthenticationToken", `The access token is invalid. (mock-aad: ${verdict.message})`);
  }
  if (!ARM_AUDIENCES.includes(aud as (typeof ARM_AUDIENCES)[number]))
    return armError(
      401,
      "InvalidAuthenticationTokenAudience",
      `The access token has been obtained for wrong audience or resource '${aud}'. It should exactly match with one of the allowed audiences ${ARM_AUDIENCES.map((a) => `'${a}'`).join(",")}.`,
    );

  // api-version, on every ARM request.
  const apiVersion = query.get("api-version");
  if (!apiVersion) return armError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
  if (!/^\d{4}-\d{2}-\d{2}(-(preview|privatepreview|beta|alpha))?$/i.test(apiVersion))
    return armError(400, "InvalidApiVersionParameter", `The api-version '${apiVersion}' is invalid. mock-aad's Resource Manager takes any date-shaped version, e.g. '2022-12-01'.`);

  const subscription = /^\/subscriptions\/([^/]+)(\/.*)?$/i.exec(path);
  if (subscription) return armError(404, "SubscriptionNotFound", `The subscription '${decodeSafely(subscription[1]!)}' could not be found.`);
  if (!/^\/subscriptions\/?$/i.test(path)) return armError(404, "NotFound", `mock-aad's Resource Manager answers GET /subscriptions only, not ${request.method} ${path}.`);
  if (request.method !== "GET") return armError(405, "MethodNotAllowed", `The requested resource does not support http method '${request.method}'.`);
  return new Response(JSON.stringify({ value: [] }), { status: 200, headers: armHeaders(context, request) });
}

function armHeaders(context: ResourceContext, request: Request): Headers {
  return new Headers({
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-cache",
    Pragma: "no-cache",
    Expires: "-1",
    "x-ms-request-id": context.requestId,
    "x-ms-correlation-request-id": request.headers.get("x-ms-correlation-request-id") ?? context.requestId,
  });
}

/** The JWT's claims, unverified (only to read aud and exp before and after the real check). */
export function payloadOf(token: string): Record<string, unknown> | undefined {
  const part = token.split(".")[1];
  if (!part || !/^[A-Za-z0-9_-]+$/.test(part)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** "3/19/2023 8:55:46 AM": .NET's en-US rendering of a UTC time, as ARM's messages write it. */
export function dotnetUtc(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const hours = date.getUTCHours();
  return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${hours % 12 || 12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? "AM" : "PM"}`;
}

export function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
