/**
 * The token request of the client credentials grant with a client assertion (RFC 6749 §4.4.2,
 * RFC 7521 §4.2, RFC 7523 §2.2), built once for step 7, the lab and anything later: the fields in
 * the order MSAL sends them, and the application/x-www-form-urlencoded body.
 */
import { CLIENT_ASSERTION_TYPE, CLIENT_CREDENTIALS_GRANT } from "./protocol.ts";

export interface TokenRequestFieldsOptions {
  clientId: string;
  /** v2: `{resource}/.default`. With `v1`, sent as `resource` without the `/.default`. */
  scope: string;
  /** The client assertion; undefined sends neither client_assertion nor client_assertion_type. */
  assertion?: string;
  /** The v1 endpoint takes `resource` instead of `scope`. */
  v1?: boolean;
}

export type FormFields = [string, string][];

export function tokenRequestFields(options: TokenRequestFieldsOptions): FormFields {
  const fields: FormFields = [
    ["client_id", options.clientId],
    options.v1 ? ["resource", options.scope.replace(/\/\.default$/, "")] : ["scope", options.scope],
    ["grant_type", CLIENT_CREDENTIALS_GRANT],
  ];
  if (options.assertion !== undefined) fields.push(["client_assertion_type", CLIENT_ASSERTION_TYPE], ["client_assertion", options.assertion]);
  return fields;
}

/** The form body, application/x-www-form-urlencoded (URLSearchParams encodes as browsers and MSAL do). */
export function formBody(fields: FormFields): string {
  return new URLSearchParams(fields).toString();
}
