/**
 * Reading the token request's form body (application/x-www-form-urlencoded, the WHATWG URL
 * standard's parser), never more than MAX_BODY_BYTES of it.
 *
 * Only the fields the mock needs are read; everything else is ignored, as Entra ignores the extra
 * fields MSAL sends (x-client-SKU, x-client-VER, x-client-OS, x-client-CPU, x-ms-lib-capability,
 * x-client-current-telemetry, x-client-last-telemetry, client-request-id, client_info, claims…)
 * and the client-request-id query parameter.
 */

/**
 * The mock refuses bodies over 1 MiB (a client-assertion request is 1–4 KB). Entra's own limit is
 * not published; this one only protects the mock. The refusal is AADSTS9002313 with status 413.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

export type FormResult = { ok: true; fields: URLSearchParams } | { ok: false; reason: "too-large" };

/**
 * Reads the body as a form, stopping as soon as it passes `limit` bytes (the rest is never
 * buffered). A body that is not declared as a form (JSON, for example) reads as an empty form,
 * which then fails on its first missing parameter, as it does against Entra.
 */
export async function readForm(request: Request, limit = MAX_BODY_BYTES): Promise<FormResult> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limit) {
    await request.body?.cancel().catch(() => undefined);
    return { ok: false, reason: "too-large" };
  }
  const bytes = await readBodyAtMost(request, limit);
  if (bytes === undefined) return { ok: false, reason: "too-large" };
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return { ok: true, fields: new URLSearchParams() };
  return { ok: true, fields: new URLSearchParams(new TextDecoder().decode(bytes)) };
}

/** The body bytes, or undefined when there are more than `limit` (reading stops there). */
export async function readBodyAtMost(request: Request, limit: number): Promise<Uint8Array | undefined> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/**
 * The first field name the form holds more than once. Entra refuses such a request with AADSTS9000411
 * "The parameter 'scope' is duplicated." (pasted from the token endpoint: MicrosoftDocs/azure-dev-docs
 * issue #934), as RFC 6749 §3.1 asks ("Request and response parameters MUST NOT be included more
 * than once"); the mock applies it to every name (that Entra does so for names it ignores is inferred).
 */
export function repeatedField(fields: URLSearchParams): string | undefined {
  const seen = new Set<string>();
  for (const name of fields.keys()) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

/** A form field (the core refuses a repeated one first: repeatedField), undefined when absent or empty. */
export function field(fields: URLSearchParams, name: string): string | undefined {
  const value = fields.get(name);
  return value === null || value === "" ? undefined : value;
}
