/**
 * The mock's side of the AADSTS catalog (lib/entra/aadsts-catalog.ts): each entry as the Response Entra
 * sends, with its status, headers and body.
 */
import { CATALOG, renderTemplate } from "../lib/entra/aadsts-catalog.ts";
import { entraErrorResponse, type ResponseContext } from "./error-response.ts";

export { CATALOG, catalogEntriesFor, describeError, renderTemplate, type CatalogEntry, type CatalogId } from "../lib/entra/aadsts-catalog.ts";

/**
 * The Entra error Response for a catalog entry: status, headers and body as Entra sends them.
 * `params` fill the template; `context` gives the time and the trace and correlation IDs.
 */
export function aadError(id: string, params: Readonly<Record<string, string | number>>, context: ResponseContext): Response {
  const entry = CATALOG[id];
  if (!entry) throw new Error(`mock-aad: no catalog entry "${id}"`);
  return entraErrorResponse(entry.status, entry.code, entry.error, renderTemplate(entry.template, params), context);
}
