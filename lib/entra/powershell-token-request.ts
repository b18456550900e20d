/**
 * The token request in PowerShell, as people who automate Entra write it: the form as a hashtable,
 * which Invoke-RestMethod sends as application/x-www-form-urlencoded (a hashtable -Body with POST
 * is form-encoded, each value percent-encoded), and the access token taken from the JSON answer.
 * One text for every place the kit prints it (step 7, the HTTPS mock's startup text), so they
 * cannot drift apart; the interop suite runs it in PowerShell 7 against the mock.
 * @see https://learn.microsoft.com/powershell/module/microsoft.powershell.utility/invoke-restmethod
 * @see https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow#second-case-access-token-request-with-a-certificate
 */
import { CLIENT_ASSERTION_TYPE } from "./protocol.ts";

export interface PowerShellTokenRequest {
  tokenUrl: string;
  clientId: string;
  /** v2 endpoint: the scope ({resource}/.default); v1 endpoint: the resource instead. */
  scope?: string;
  resource?: string;
  /** A PowerShell expression giving the assertion, e.g. `(Get-Content .workshop/client-assertion.jwt -Raw).Trim()`. */
  assertion: string;
}

/** The lines: $body, then $response = Invoke-RestMethod …, then $token. */
export function powerShellTokenRequest(r: PowerShellTokenRequest): string[] {
  return [
    "$body = @{",
    `  client_id             = "${r.clientId}"`,
    r.resource !== undefined ? `  resource              = "${r.resource}"` : `  scope                 = "${r.scope ?? ""}"`,
    '  grant_type            = "client_credentials"',
    `  client_assertion_type = "${CLIENT_ASSERTION_TYPE}"`,
    `  client_assertion      = ${r.assertion}`,
    "}",
    `$response = Invoke-RestMethod -Method Post -Uri "${r.tokenUrl}" -Body $body`,
    "$token = $response.access_token   # step 8's snippet sends it as the Bearer token",
  ];
}
