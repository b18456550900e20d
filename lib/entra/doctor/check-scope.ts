/**
 * The scope, checked after the assertion (mock-aad/core.ts): one <resource>/.default (1002012, 70011).
 * The form's own check (check-form.ts) only asks that there is a scope.
 */
import type { CatalogId } from "../aadsts-catalog.ts";
import { add, GUID, short, type CheckState, type FoundCause } from "./check-state.ts";
import type { CheckStatus } from "./types.ts";

/** Checks that the v2 form's scope names one resource with /.default. */
export function checkScope(s: CheckState): void {
  const { input, form, endpoint } = s;
  if (!form || endpoint?.version === "v1" || !form.scope) return;
  const scopes = form.scope.split(/\s+/).filter(Boolean);
  const notDefault = scopes.find((scope) => !/\/\.default$/i.test(scope));
  const resource = scopes.length === 1 && !notDefault ? scopes[0]!.slice(0, -"/.default".length) : undefined;
  let status: CheckStatus = "pass";
  let catalogId: CatalogId | undefined;
  const found: FoundCause[] = [];
  if (input.found.field === "scope") {
    status = "fail";
    catalogId = "1002012";
    found.push({ id: "jwt-as-scope", detail: "scope holds the JWT." });
  } else if (notDefault) {
    status = "fail";
    catalogId = "1002012";
    found.push({ id: "scope-without-default", detail: `scope "${notDefault}" names a permission; the client credentials flow asks for <resource>/.default.`, evidence: [["scope", form.scope], ["expected", suggestDefault(notDefault)]] });
  } else if (scopes.length !== 1 || (resource !== undefined && !GUID.test(resource) && !resource.includes(":"))) {
    status = "fail";
    catalogId = "70011";
    found.push({ id: "form-field", detail: scopes.length !== 1 ? `scope names ${scopes.length} resources; ask for one per request.` : `"${resource}" before /.default is neither a URI nor a GUID.` });
  }
  add(s, { id: "form-scope-default", title: "scope is <resource>/.default", status, saw: `scope=${short(form.scope, 70)}`, expected: "one <resource>/.default, e.g. https://graph.microsoft.com/.default" }, catalogId, found);
}

function suggestDefault(scope: string): string {
  try {
    const u = new URL(scope);
    return `${u.origin}/.default`;
  } catch {
    return "https://graph.microsoft.com/.default";
  }
}
