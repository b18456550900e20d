/**
 * The endpoints the mock serves at its own origin (https://127.0.0.1:PORT), as data: the log line
 * of a request to an unknown path names them, and the hardening matrix
 * (test/mock-aad/answer-matrix.test.ts) sends every method and every kind of garbage to each one.
 * A door added to core.ts is added here too (a test reads core.ts and fails until it is), so it
 * joins the matrix without anyone editing the test.
 *
 * `shape` says how the door answers a refusal, which is what the matrix checks:
 * - "entra": Entra's error body (error, error_description with the Trace ID / Correlation ID /
 *   Timestamp trailer, error_codes, timestamp, trace_id, correlation_id) with Cache-Control no-store
 *   (error-response.ts);
 * - "resource": {"error":{"code":…,"message":…}}, the shape Graph, Resource Manager, Azure Digital
 *   Twins and Key Vault share;
 * - "identity": the managed-identity endpoints' own bodies (managed-identity.ts): IMDS answers
 *   {"error","error_description"}, App Service {"statusCode","message","correlationId"}.
 */

export type AnswerShape = "entra" | "resource" | "identity";

export interface Route {
  /** The method the endpoint is for (the others are refused, in the door's shape). */
  method: "GET" | "POST";
  /** The path at the mock's origin, `{tenant}` standing for the tenant segment. */
  path: string;
  /** A path the mock uses to tell the door apart (a prefix such as "/graph/"), when it has one. */
  prefix?: string;
  shape: AnswerShape;
  /** What it is, for people. */
  what: string;
}

export const ROUTES: readonly Route[] = [
  { method: "POST", path: "/{tenant}/oauth2/v2.0/token", shape: "entra", what: "token, v2 (scope)" },
  { method: "POST", path: "/{tenant}/oauth2/token", shape: "entra", what: "token, v1 (resource)" },
  { method: "GET", path: "/{tenant}/v2.0/.well-known/openid-configuration", shape: "entra", what: "OpenID configuration, v2" },
  { method: "GET", path: "/{tenant}/.well-known/openid-configuration", shape: "entra", what: "OpenID configuration, v1" },
  { method: "GET", path: "/{tenant}/discovery/v2.0/keys", shape: "entra", what: "JWKS, v2 (with issuer)" },
  { method: "GET", path: "/{tenant}/discovery/keys", shape: "entra", what: "JWKS, v1" },
  { method: "GET", path: "/common/discovery/instance", shape: "entra", what: "MSAL instance discovery" },
  { method: "GET", path: "/graph/v1.0/users", prefix: "/graph/", shape: "resource", what: "Microsoft Graph" },
  { method: "POST", path: "/adt/query", prefix: "/adt/", shape: "resource", what: "Azure Digital Twins" },
  { method: "GET", path: "/arm/subscriptions", prefix: "/arm/", shape: "resource", what: "Azure Resource Manager" },
  { method: "GET", path: "/keys", shape: "resource", what: "Azure Key Vault keys (the first vault)" },
  { method: "GET", path: "/certificates", shape: "resource", what: "Azure Key Vault certificates (the first vault)" },
  { method: "GET", path: "/metadata/identity/oauth2/token", shape: "identity", what: "managed identity, IMDS" },
  { method: "GET", path: "/msi/token", shape: "identity", what: "managed identity, App Service" },
];

/** "POST /{tenant}/oauth2/v2.0/token, …": the list for a log line. */
export function describeRoutes(routes: readonly Route[] = ROUTES): string {
  return routes.map((r) => `${r.method} ${r.path}${r.prefix ? ` (${r.what})` : ""}`).join(", ");
}
