/**
 * The body and headers Entra ID sends with every AADSTS error (see entra-errors.md "Error body"):
 *
 *   {"error":"invalid_client",
 *    "error_description":"AADSTS700027: … Trace ID: <guid> Correlation ID: <guid> Timestamp: 2025-01-31 12:00:00Z",
 *    "error_codes":[700027], "timestamp":"2025-01-31 12:00:00Z", "trace_id":"<guid>", "correlation_id":"<guid>",
 *    "error_uri":"https://login.microsoftonline.com/error?code=700027"}
 *
 * Since 2024 the trailer is joined with single spaces (before, with "\r\n"); the mock writes the
 * current style. Headers as recorded from the real service (Azure/azure-sdk-for-js recordings):
 * Cache-Control, Pragma, Expires, Content-Type, x-ms-request-id (= trace ID), x-ms-ests-server.
 */

/** Per-request values every response carries. */
export interface ResponseContext {
  now: Date;
  /** Entra's trace ID, also sent as x-ms-request-id. */
  traceId: string;
  /** The caller's client-request-id when it sent a GUID one (Entra echoes it), else a new GUID. */
  correlationId: string;
}

/** Stands where the real service writes its build and data-centre ("2.1.19463.4 - SCUS ProdSlices"). */
export const ESTS_SERVER = "2.1.0.0 - MOCK mock-aad (offline workshop)";

/** "2025-01-31 12:00:00Z": the timestamp format of Entra error bodies. */
export function entraTimestamp(date: Date): string {
  return date.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "Z");
}

/** The headers of every token-endpoint answer, success or error. */
export function entraHeaders(context: ResponseContext): Headers {
  return new Headers({
    "Cache-Control": "no-store, no-cache",
    Pragma: "no-cache",
    "Content-Type": "application/json; charset=utf-8",
    Expires: "-1",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "x-ms-request-id": context.traceId,
    "x-ms-ests-server": ESTS_SERVER,
    "client-request-id": context.correlationId,
  });
}

export interface EntraErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
}

/**
 * The JSON body for one AADSTS error. `codes` lists every code of the answer, the one that names the
 * failure last (the older two-code form has [70002, 50032]); `description` is the text from the first
 * "AADSTSnnn: " on, without the trailer.
 */
export function entraErrorBody(codes: readonly number[], error: string, description: string, context: ResponseContext): EntraErrorBody {
  const timestamp = entraTimestamp(context.now);
  const code = codes[codes.length - 1]!;
  return {
    error,
    error_description: `${description} Trace ID: ${context.traceId} Correlation ID: ${context.correlationId} Timestamp: ${timestamp}`,
    error_codes: [...codes],
    timestamp,
    trace_id: context.traceId,
    correlation_id: context.correlationId,
    // Always the real page, also when the mock is served elsewhere: it explains the code.
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
}

/** The whole Response: status, Entra's headers, the JSON body. */
export function entraErrorResponse(status: number, codes: readonly number[], error: string, description: string, context: ResponseContext): Response {
  return new Response(JSON.stringify(entraErrorBody(codes, error, description, context)), { status, headers: entraHeaders(context) });
}

/** A success body with Entra's headers. */
export function entraJsonResponse(body: unknown, context: ResponseContext, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: entraHeaders(context) });
}
