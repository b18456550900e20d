/**
 * The token request form for test code: the client credentials grant with a certificate, where the
 * app proves who it is with a signed JWT (the client assertion) instead of a secret. The doctor's
 * and the mock's tests both build their requests with it (through test/doctor/helpers.ts and
 * test/mock-aad/helpers.ts).
 *
 * Written out here, independently of lib/ and mock-aad/, so that a wrong field name or assertion
 * type in the code under test cannot also be in what the tests send.
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow#second-case-access-token-request-with-a-certificate
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
import { DEMO_CLIENT_ID } from "../../lib/entra/demo.ts";

/** client_assertion_type for a JWT client assertion (RFC 7523 §2.2). */
export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/**
 * The five fields of a correct v2.0 token request for the demo app: grant_type, client_id, scope,
 * client_assertion_type and client_assertion, in that order (the order URLSearchParams sends).
 * `overrides` replace or add fields; an override of `undefined` removes that field, and so does a
 * `clientAssertion` of `undefined`.
 * @example
 * new URLSearchParams(tokenForm(jwt, { scope: "https://graph.microsoft.com/.default" })).toString()
 */
export function tokenForm(clientAssertion: string | undefined, overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    grant_type: "client_credentials",
    client_id: DEMO_CLIENT_ID,
    scope: "https://graph.microsoft.com/.default",
    client_assertion_type: JWT_BEARER,
    client_assertion: clientAssertion,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
