/**
 * The form fields, before the assertion, in the mock's order (mock-aad/core.ts): no field twice
 * (9000411) → grant_type (900144, 70003) → tenant in the URL (9001023) → client_id (900144) → scope
 * (90014) → client_assertion (7000216) → client_assertion_type (900144, 90011) → not also a
 * client_secret (9002313, inferred).
 */
import { CLIENT_ASSERTION_TYPE } from "../protocol.ts";
import { add, short, type CheckState, type FoundCause } from "./check-state.ts";

const JWT_BEARER = CLIENT_ASSERTION_TYPE;

/** Checks the form fields, when the input was a form body or a curl command line. */
export function checkForm(s: CheckState): void {
  const { input, run, form, endpoint } = s;
  if (!form) return;
  const checkIds: Record<string, string> = { grant_type: "form-grant-type", client_id: "form-client-id", scope: "form-scope", resource: "form-scope", client_assertion: "form-client-assertion", client_assertion_type: "form-assertion-type" };
  /**
   * A field that is absent but may be in a file curl reads and the doctor was not given: it is not
   * judged (skipped), never reported as missing.
   */
  const unread = (name: string): boolean => {
    if (form[name]) return false;
    const ref = input.found.fileRefs?.find((r) => !r.read && (r.field === undefined || r.field === name));
    if (!ref) return false;
    add(s, { id: checkIds[name] ?? `form-${name}`, title: name, status: "skip", saw: `in ${ref.path === "-" ? "curl's standard input" : `the file ${ref.path}`} (not read)`, expected: `${name} as curl sends it` }, undefined);
    if (!run.unverified.includes("form-file")) run.unverified.push("form-file");
    return true;
  };
  const repeated = input.found.duplicateFields ?? [];
  if (repeated.length) add(s,
    { id: "form-duplicates", title: "each field once", status: repeated.length ? "fail" : "pass", saw: repeated.length ? `${repeated.join(", ")} more than once` : "each field once", expected: "each field once (RFC 6749 §3.1)" },
    "9000411",
    repeated.length ? [{ id: "form-duplicate-field", detail: `The form has ${repeated.map((n) => `"${n}"`).join(", ")} more than once; Entra refuses it ('The parameter '${repeated[0]}' is duplicated.', pasted from the token endpoint) instead of choosing one.`, evidence: repeated.map((n) => ["repeated", n] as [string, string]) }] : [],
  );
  const grant = form.grant_type;
  if (!unread("grant_type")) add(s,
    { id: "form-grant-type", title: "grant_type", status: grant === "client_credentials" ? "pass" : "fail", saw: grant ? `grant_type=${grant}` : "no grant_type", expected: "grant_type=client_credentials" },
    grant ? "70003" : "900144",
    grant === "client_credentials" ? [] : [{ id: "form-field", detail: grant ? `grant_type is "${grant}"; an app signing in as itself uses client_credentials.` : "The form has no grant_type." }],
  );
  if (endpoint && /^(common|organizations|consumers)$/i.test(endpoint.tenant)) {
    add(s,
      { id: "form-tenant", title: "tenant in the URL", status: "fail", saw: `/${endpoint.tenant}/ in ${input.found.url}`, expected: "the tenant ID or domain in the URL" },
      "9001023",
      [{ id: "wrong-tenant", detail: `The request goes to /${endpoint.tenant}/: the client credentials flow needs the tenant.`, evidence: [["URL", input.found.url!]] }],
    );
  }
  if (!unread("client_id")) add(s,
    { id: "form-client-id", title: "client_id", status: form.client_id ? "pass" : "fail", saw: form.client_id ? `client_id=${form.client_id}` : "no client_id", expected: "the Application (client) ID" },
    "900144",
    form.client_id ? [] : [{ id: "form-field", detail: "The form has no client_id." }],
  );
  const v1 = endpoint?.version === "v1";
  const scopeField = v1 ? "resource" : "scope";
  if (!unread(scopeField)) add(s,
    { id: "form-scope", title: scopeField, status: form[scopeField] ? "pass" : "fail", saw: form[scopeField] ? `${scopeField}=${short(form[scopeField]!, 60)}` : `no ${scopeField}`, expected: v1 ? "resource=<API>" : "scope=<resource>/.default" },
    v1 ? "900144" : "90014",
    form[scopeField] ? [] : [{ id: "form-field", detail: `The form has no ${scopeField}.` }],
  );
  const hasAssertion = !!form.client_assertion;
  const assertionUnread = unread("client_assertion");
  // `--data client_assertion@file` (or -d): curl reads a file for -d only when the whole argument
  // starts with @, so it sends this text as it is, a field named "client_assertion@file".
  const literalAt = Object.keys(form).find((name) => /^client_assertion@./.test(name));
  // A name with a line break or space in it (--data-binary @file keeps the file's line breaks).
  const spaced = Object.keys(form).find((name) => name !== "client_assertion" && name.trim() === "client_assertion");
  const misplaced: FoundCause[] = [];
  if (!hasAssertion && input.found.field === "scope")
    misplaced.push({ id: "jwt-as-scope", detail: "The form's scope holds a JWT and there is no client_assertion: Entra sees a request without credentials.", evidence: [["scope", short(form.scope ?? "", 60)], ["client_assertion", "(absent)"]] });
  else if (!hasAssertion && literalAt)
    misplaced.push({
      id: "form-field",
      detail: `curl sends "${literalAt}" as it is: -d and --data read a file only when the whole argument starts with @ (-d @file, the whole body), so the form has a field named "${literalAt}" and no client_assertion. To send a file as one field, use --data-urlencode client_assertion@${literalAt.slice("client_assertion@".length)} (with no newline at the end of the file).`,
      evidence: [["field sent", literalAt], ["client_assertion", "(absent)"]],
    });
  else if (!hasAssertion && spaced !== undefined)
    misplaced.push({
      id: "form-field",
      detail: `The form has no client_assertion: the field is named ${JSON.stringify(spaced)}, with ${/[\r\n]/.test(spaced) ? "a line break" : "white space"} in the name${input.found.fileRefs?.some((r) => r.how === "binary") ? " (--data-binary @file sends the file's line breaks as they are; -d @file removes them)" : ""}.`,
      evidence: [["field sent", JSON.stringify(spaced)]],
    });
  else if (!hasAssertion && input.found.field) misplaced.push({ id: "form-field", detail: `The JWT is in the form field "${input.found.field}", not in client_assertion.` });
  else if (!hasAssertion) misplaced.push({ id: "form-field", detail: "The form has no client_assertion (and no client_secret)." });
  if (!assertionUnread) add(s,
    { id: "form-client-assertion", title: "client_assertion", status: hasAssertion || form.client_secret ? "pass" : "fail", saw: hasAssertion ? `a ${form.client_assertion!.length}-character JWT` : form.client_secret ? "client_secret instead" : "no client_assertion", expected: "client_assertion=<the signed JWT>" },
    "7000216",
    hasAssertion || form.client_secret ? [] : misplaced,
  );
  if ((hasAssertion || assertionUnread) && !unread("client_assertion_type")) {
    const type = form.client_assertion_type;
    add(s,
      { id: "form-assertion-type", title: "client_assertion_type", status: type === JWT_BEARER ? "pass" : "fail", saw: type ? `client_assertion_type=${type}` : "no client_assertion_type", expected: `client_assertion_type=${JWT_BEARER}` },
      type ? "90011" : "900144",
      type === JWT_BEARER ? [] : [{ id: "form-field", detail: type ? `client_assertion_type is "${type}" (RFC 7523 §2.2 names ${JWT_BEARER}).` : "The form has no client_assertion_type." }],
    );
    if (form.client_secret)
      add(s,
        { id: "form-one-credential", title: "one credential", status: "fail", saw: "client_secret and client_assertion", expected: "client_assertion only (RFC 6749 §2.3)" },
        "9002313-two-credentials",
        [{ id: "two-credentials", detail: "The form carries a client_secret next to the client assertion. RFC 6749 §2.3 allows one way of proving who the client is per request; what Entra does with both is not known (the mock refuses: inferred), and a secret sent along travels to wherever the request goes.", evidence: [["client_secret", "(present)"], ["client_assertion", `a ${form.client_assertion?.length ?? 0}-character JWT`]] }],
      );
  }
  run.notes.push("Entra then looks the app up in the tenant (AADSTS700016 when client_id is unknown there); the doctor has no directory to look in.");
}
