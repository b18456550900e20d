/**
 * The mock's side of the AADSTS catalog (lib/entra/aadsts-catalog.ts): each entry as the Response Entra
 * sends, with its status, headers and body.
 */
import type { CatalogId } from "../lib/entra/aadsts-catalog.ts";
import { CATALOG, describeError, type CatalogEntry } from "../lib/entra/aadsts-catalog.ts";
import { entraErrorResponse, type ResponseContext } from "./error-response.ts";

export { CATALOG, catalogEntriesFor, describeError, renderTemplate, type CatalogEntry, type CatalogId } from "../lib/entra/aadsts-catalog.ts";

/**
 * The Entra error Response for a catalog entry: status, headers and body as Entra sends them.
 * `params` fill the template; `context` gives the time and the trace and correlation IDs.
 */
export function aadError(id: CatalogId, params: Readonly<Record<string, string | number>>, context: ResponseContext): Response {
  const entry: CatalogEntry = CATALOG[id];
  const codes = [...(entry.leadingCodes ?? []).map((c) => c.code), entry.code];
  return entraErrorResponse(entry.status, codes, entry.error, describeError(id, params), context);
}
