/**
 * Every AADSTS error the kit knows, in one place: the mock Entra ID answers with these
 * (mock-aad/catalog.ts builds the responses), the doctor explains them, WORKSHOP.md tabulates them.
 * For each: the AADSTS code, the HTTP status, the
 * OAuth `error` value, the description template, where the wording comes from, and a short
 * "what it means / how to fix it" that `npm run doctor` and WORKSHOP.md reuse.
 *
 * `source` names the public place the wording was seen (a pasted Entra response in a named
 * repository, or Microsoft's docs). "inferred" means no public source was found for that text or
 * that use: the mock's best guess, labelled as such. `evidence` grades each entry (confirmed, client,
 * inferred). "entra-errors.md" in a source names lib/entra/evidence/entra-errors.md, the kit's research
 * notes that quote the pasted responses with their threads (what Microsoft's clients send is in
 * lib/entra/evidence/clients-observed.md) (CC doc = MicrosoftDocs/entra-docs certificate-credentials.md,
 * ErrRef = MicrosoftDocs/entra-docs reference-error-codes.md).
 *
 * Templates use {name} placeholders filled by `renderTemplate`; the body adds "AADSTSnnn: " in front
 * and the Trace ID / Correlation ID / Timestamp trailer behind (see error-response.ts).
 */

/**
 * How sure the kit is that Entra answers this way (the evidence rule):
 * - "confirmed": a response pasted from Entra, cited in `source`;
 * - "client": implied by what Microsoft's own clients send or refuse to send;
 * - "inferred": no public evidence; the mock's best guess, labelled as such wherever it is shown.
 */
export type EvidenceGrade = "confirmed" | "client" | "inferred";

/** What every entry holds; `CatalogEntry` is the same with its id typed as a CatalogId. */
export interface CatalogEntryShape {
  /** Unique key of this entry: the code, or code-variant when one code has several texts. */
  id: string;
  code: number;
  status: number;
  /** The OAuth 2.0 `error` value (RFC 6749 §5.2 and Entra's own values). */
  error: string;
  /** The text after "AADSTSnnn: ", with {placeholders}. */
  template: string;
  /** Public source of the wording, or "inferred". */
  source: string;
  /** How sure we are that Entra answers this way (see EvidenceGrade). */
  evidence: EvidenceGrade;
  /**
   * Codes Entra put in front of this one in the same answer: the ADAL-era two-code form
   * "AADSTS70002: Error validating credentials. AADSTS50032: …" with error_codes [70002, 50032].
   */
  leadingCodes?: readonly { code: number; text: string }[];
  /** false for codes the doctor reads in pasted errors but the mock never sends. */
  sentByMock?: false;
  /** What the error means, in one or two sentences. */
  meaning: string;
  /** What to do about it. */
  fix: string;
}

const DOCS_CERT_CREDENTIALS_OLD = "https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials";
const DOCS_CERT_CREDENTIALS = "https://learn.microsoft.com/entra/identity-platform/certificate-credentials";
const MSAL_NET_TEST_CONSTANTS = "AzureAD/microsoft-authentication-library-for-dotnet tests/Microsoft.Identity.Test.Common/TestConstants.cs (responses recorded 2023-12)";

/** The tail Entra appends to 700027 "key not found" texts since about 2022 (entra-errors.md, variants 2 and 3). */
const SEE_CONFIGURED_KEYS =
  "Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{appId}'. " +
  "Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and " +
  "https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as " +
  "'https://graph.microsoft.com/beta/applications/{appId}']";

const entries = [
  // ── The tenant in the URL ──────────────────────────────────────────────────────────────────────
  {
    id: "900023",
    code: 900023,
    status: 400,
    error: "invalid_request",
    template: "Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid external domain.",
    source: MSAL_NET_TEST_CONSTANTS,
    evidence: "confirmed",
    meaning: "The tenant part of the URL is neither a GUID nor a domain name, so Entra cannot even look it up.",
    fix: "Use the Directory (tenant) ID from the app registration's Overview page, or a domain such as contoso.onmicrosoft.com.",
  },
  {
    id: "90002",
    code: 90002,
    status: 400,
    error: "invalid_request",
    template:
      "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. " +
      "Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
    source: "entra-errors.md 90002 (token endpoint response, 2018)",
    evidence: "confirmed",
    meaning: "The tenant ID or domain is well formed but no such tenant exists (in this cloud).",
    fix: "Check the tenant ID for typos; it is the Directory (tenant) ID, not the application or object ID.",
  },
  {
    id: "90002-discovery",
    code: 90002,
    status: 400,
    error: "invalid_tenant",
    template:
      "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. " +
      "Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
    source: "entra-errors.md 90002 (discovery documents answer with error invalid_tenant)",
    evidence: "confirmed",
    meaning: "The discovery document of a tenant that does not exist was asked for (MSAL does this before the token request).",
    fix: "Check the tenant in the authority URL: https://login.microsoftonline.com/<tenant-id>.",
  },
  {
    id: "9001023",
    code: 9001023,
    status: 400,
    error: "invalid_request",
    template: "The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.",
    source: "Microsoft365DSC/MSCloudLoginAssistant issue #100 (2021); error value and status inferred; also used for /organizations: inferred",
    evidence: "confirmed",
    meaning: "An app signing in as itself (client credentials) must name one tenant; /common, /organizations and /consumers do not.",
    fix: "Put the tenant ID in the URL: https://login.microsoftonline.com/<tenant-id>/oauth2/v2.0/token.",
  },
  {
    id: "50049",
    code: 50049,
    status: 400,
    error: "invalid_instance",
    template: "Unknown or invalid instance.",
    source: MSAL_NET_TEST_CONSTANTS,
    evidence: "confirmed",
    meaning: "Instance discovery was asked about an authority host that this cloud does not know.",
    fix: "Use the authority host of your cloud (login.microsoftonline.com), or turn instance discovery off (knownAuthorities / disableInstanceDiscovery) for a local mock.",
  },
  // ── The request body ───────────────────────────────────────────────────────────────────────────
  {
    id: "900561",
    code: 900561,
    status: 400,
    error: "invalid_request",
    template: "The endpoint only accepts POST requests. Received a {method} request.",
    source:
      "entra-errors.md 900561: the text pasted in microsoft/Recognizers-Text #2975 (2022) and GoogleCloudPlatform/database-assessment #331 (2023); status 400 with the older text \"only accepts POST, OPTIONS requests\" in NunoFilipeMota/PublicScripts #5 (2022, \"(400) Bad Request\"); the error value is inferred",
    evidence: "confirmed",
    meaning: "The token endpoint was called with GET (e.g. opened in a browser) or another method; it only takes a form POST (and a CORS preflight OPTIONS).",
    fix: "POST the form with Content-Type: application/x-www-form-urlencoded.",
  },
  {
    id: "9002313",
    code: 9002313,
    status: 413,
    error: "invalid_request",
    template: "Invalid request. Request is malformed or invalid.",
    source: "inferred (the text is known from Entra's invalid_grant answers; its use for an oversized body and status 413 are the mock's choice)",
    evidence: "inferred",
    meaning: "Entra could not read the request as a token request. (The mock also sends it for a body over its 1 MiB limit: a client assertion is about 1–4 KB.)",
    fix: "Send only the token request fields; check that a file or certificate was not pasted into a field.",
  },
  {
    id: "9002313-malformed",
    code: 9002313,
    status: 400,
    error: "invalid_request",
    template: "Invalid request. Request is malformed or invalid.",
    source: "inferred (the text is known from Entra's invalid_grant answers; its use for a request to a host the server does not serve, or a Host header that is no host, is the mock's choice)",
    evidence: "inferred",
    meaning: "The request could not be read as one for this service: the Host header names a host the server does not answer for, or is no host name at all.",
    fix: "Send the request to the URL the mock printed at startup (or a host name given to startMockServer's hostnames option); do not set Host by hand.",
  },
  {
    id: "9002313-not-found",
    code: 9002313,
    status: 404,
    error: "invalid_request",
    template: "Invalid request. Request is malformed or invalid.",
    source: "inferred (no public answer of Entra's to an unknown path was found; the status and this use of 9002313 are the mock's choice, so that every answer has Entra's shape)",
    evidence: "inferred",
    meaning: "No endpoint at this path (or not for this method). (The mock's log line lists the endpoints it serves.)",
    fix: "Check the URL: POST https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token for tokens, GET …/<tenant>/v2.0/.well-known/openid-configuration for discovery.",
  },
  {
    id: "900144",
    code: 900144,
    status: 400,
    error: "invalid_request",
    template: "The request body must contain the following parameter: '{parameter}'.",
    source: "MicrosoftDocs/azure-docs issue #43780 (2019, full body); 'resource' on the v1 endpoint: MicrosoftDocs/azure-docs issue #46696 (2020)",
    evidence: "confirmed",
    meaning: "A required form field is missing. A JSON body (instead of a form) reads as an empty form, so it ends here too.",
    fix: "Send Content-Type: application/x-www-form-urlencoded with grant_type, client_id, scope (v1: resource), client_assertion_type and client_assertion.",
  },
  {
    id: "70003",
    code: 70003,
    status: 400,
    error: "unsupported_grant_type",
    template: "The app requested an unsupported grant type '{grantType}'.",
    source: "AzureAD/microsoft-authentication-library-for-dotnet pull request #3023 (2021); error value from AzureAD/azure-activedirectory-library-for-android issue #132; status inferred",
    evidence: "confirmed",
    meaning: "grant_type is not one Entra knows for this endpoint (an app signing in as itself uses client_credentials).",
    fix: "Send grant_type=client_credentials.",
  },
  {
    id: "90014",
    code: 90014,
    status: 400,
    error: "invalid_request",
    template: "The required field '{field}' is missing from the credential. Ensure that you have all the necessary parameters for the login request.",
    source: "entra-errors.md 90014 ('scope'); 'iss' and 'aud' in the assertion: " + MSAL_NET_TEST_CONSTANTS,
    evidence: "confirmed",
    meaning: "A field Entra needs is missing: the scope of the request, or the iss / aud claim inside the client assertion.",
    fix: "v2 requests need scope=<resource>/.default; the assertion needs aud (the token endpoint URL), iss and sub (the client ID).",
  },
  {
    id: "9000411",
    code: 9000411,
    status: 400,
    error: "invalid_request",
    template: "The request is not properly formatted. The parameter '{parameter}' is duplicated.",
    source: "MicrosoftDocs/azure-dev-docs issue #934 (2022, pasted from the v2.0 token endpoint: 'scope' sent more than once, invalid_request); AzureAD/microsoft-authentication-library-for-android issue #688 (2019, 'login_hint'); status 400 inferred from invalid_request",
    evidence: "confirmed",
    meaning: "A form field was sent more than once (RFC 6749 §3.1: request parameters must not be included more than once); Entra refuses the request instead of picking one.",
    fix: "Send each field once: check for a library option and a hand-added field that both set it, or a body built by appending to an old one.",
  },
  {
    id: "9002313-two-credentials",
    code: 9002313,
    status: 400,
    error: "invalid_request",
    template: "Invalid request. Request is malformed or invalid.",
    source: "inferred (no public answer of Entra's to a request with both client_secret and client_assertion was found; RFC 6749 §2.3 says a client must not use more than one authentication method per request; Microsoft.Identity.Web drops the secret when there is an assertion, AzureAD/microsoft-identity-web PR #3471, 2025)",
    evidence: "inferred",
    meaning: "The request carries a client_secret and a client_assertion: two ways of proving who the app is in one request (RFC 6749 §2.3). The mock refuses it rather than guess which one Entra would judge.",
    fix: "Send the client assertion only: remove client_secret from the form (and from the library's configuration when it adds one).",
  },
  {
    id: "7000216",
    code: 7000216,
    status: 401,
    error: "invalid_client",
    template: "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
    source: "Azure/azure-sdk-for-js sdk/textanalytics recordings (401 response recorded 2021-01)",
    evidence: "confirmed",
    meaning: "The request says who the app is but not how it proves it: no client_assertion (and no secret).",
    fix: "Add client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer and client_assertion=<the signed JWT>.",
  },
  {
    id: "90011",
    code: 90011,
    status: 400,
    error: "invalid_request",
    template: "Unexpected client assertion type.",
    source: "AzureAD/azure-activedirectory-library-for-ruby pull request #53 (2016); status inferred",
    evidence: "confirmed",
    meaning: "client_assertion_type is not the JWT bearer type of RFC 7523.",
    fix: "Send client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer exactly.",
  },
  // ── The application ────────────────────────────────────────────────────────────────────────────
  {
    id: "700016",
    code: 700016,
    status: 400,
    error: "unauthorized_client",
    template:
      "Application with identifier '{clientId}' was not found in the directory '{tenantName}'. This can happen if the application has not been installed " +
      "by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
    source: MSAL_NET_TEST_CONSTANTS,
    evidence: "confirmed",
    meaning: "No application with this client ID is registered in this tenant.",
    fix: "Use the Application (client) ID from the app registration's Overview page, and the tenant it is registered in.",
  },
  {
    id: "7000112",
    code: 7000112,
    status: 400,
    error: "unauthorized_client",
    template: "Application '{clientId}'({displayName}) is disabled.",
    source: "entra-errors.md 7000112; status inferred",
    evidence: "confirmed",
    meaning: "The application exists but its service principal is disabled, so it cannot sign in.",
    fix: "Enable it: Enterprise applications > the app > Properties > Enabled for users to sign-in = Yes.",
  },
  {
    id: "7000215",
    code: 7000215,
    status: 401,
    error: "invalid_client",
    template: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.",
    source: "entra-errors.md 7000215 (the first sentence); the rest of the text inferred from user reports",
    evidence: "confirmed",
    meaning: "The client_secret sent is not a valid secret of the app: often the secret's ID instead of its value, or an expired secret. (The mock has no secrets, so it refuses every one.)",
    fix: "This workshop signs in with a certificate: send client_assertion_type and client_assertion, not client_secret.",
  },
  // ── The client assertion: its shape ────────────────────────────────────────────────────────────
  {
    id: "50027",
    code: 50027,
    status: 400,
    error: "invalid_request",
    template: "JWT token is invalid or malformed.",
    source: MSAL_NET_TEST_CONSTANTS + "; entra-errors.md 50027",
    evidence: "confirmed",
    meaning:
      "client_assertion is not a well-formed signed JWT: not three base64url parts, standard base64 (+ / =) or spaces in a part, " +
      "a part that is not UTF-8 JSON (a byte-order mark counts), an empty signature, or a claim of the wrong type (aud as an array).",
    fix: "Encode header and payload as UTF-8 JSON, then base64url without padding (RFC 7515 §2); join header.payload.signature with dots.",
  },
  {
    id: "50027-jose",
    code: 50027,
    status: 400,
    error: "invalid_request",
    template: "JWT token is invalid or malformed.",
    source: "the text: entra-errors.md 50027 (confirmed); its use here is inferred: no public answer of Entra's to these JOSE edge cases was found (entra-errors.md, JOSE edge cases)",
    evidence: "inferred",
    meaning:
      "The assertion is a JWT that different readers read differently: a name twice in the header JSON, a crit header (RFC 7515 §4.1.11), " +
      "a segment whose base64url is not the canonical one (non-zero trailing bits), or an x5t and an x5t#S256 that name different certificates. The mock refuses it; what Entra does is not known.",
    fix: "Build the header and payload as JSON objects with each name once, no crit, one thumbprint header (x5t#S256 with PS256, or x5t with RS256), and encode with a standard base64url encoder.",
  },
  {
    id: "5002738",
    code: 5002738,
    status: 400,
    error: "invalid_request",
    template: "Invalid JWT token. '{alg}' is not a supported signature algorithm. Supported signing algorithms are: 'RS256,RS384,RS512'",
    source:
      "status 400 and invalid_request as pasted from login.microsoftonline.com (2021, XenitAB Go code comment: 'RS256, HS256' wording); " +
      "the newer wording listing RS384 and RS512: " + MSAL_NET_TEST_CONSTANTS + " (recorded from mtlsauth.microsoft.com, where it was 401 invalid_client)",
    evidence: "confirmed",
    meaning: "The header's alg is not an RSA algorithm Entra takes for a certificate (none, HS256 and ES256 are refused). PS256 is accepted although the text does not list it.",
    fix: "Sign with the certificate's RSA key and say so: alg RS256 (with x5t) or PS256 (with x5t#S256).",
  },
  {
    id: "5002723",
    code: 5002723,
    status: 400,
    error: "invalid_request",
    template: "Invalid JWT token. No certificate SHA-1 thumbprint, certificate SHA-256 thumbprint, nor keyId specified in token header.",
    source: "wording: " + MSAL_NET_TEST_CONSTANTS + "; status 400 and invalid_request as pasted from login.microsoftonline.com (2021; the 401 invalid_client texts were recorded from mtlsauth.microsoft.com)",
    evidence: "confirmed",
    meaning: "The header does not say which certificate signed the assertion: no x5t, x5t#S256, x5c or kid at all. (An empty or undecodable x5t, or a kid Entra cannot match, is 700027 'The key was not found' instead.)",
    fix: "Add x5t (base64url of the SHA-1 of the certificate DER) or x5t#S256 (base64url of its SHA-256) to the header.",
  },
  {
    id: "5002730",
    code: 5002730,
    status: 400,
    error: "invalid_request",
    template: "Invalid JWT token. Unsupported key for the signing algorithm.",
    source: "entra-errors.md 5002730",
    evidence: "confirmed",
    meaning: "The registered certificate's key cannot make this kind of signature (an EC certificate with alg RS256, for example).",
    fix: "Register an RSA certificate (2048 bits or more) and sign with RS256 or PS256.",
  },
  // ── The client assertion: its claims ───────────────────────────────────────────────────────────
  {
    id: "50048",
    code: 50048,
    status: 401,
    error: "invalid_client",
    template: "Subject must match the issuer claim in the client assertion.",
    source: "entra-errors.md 50048; error value and status inferred",
    evidence: "confirmed",
    meaning: "sub and iss differ; in a client assertion both are the client ID (RFC 7523 §3).",
    fix: "Set both iss and sub to the Application (client) ID.",
  },
  {
    id: "700021",
    code: 700021,
    status: 401,
    error: "invalid_client",
    template: `Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at ${DOCS_CERT_CREDENTIALS_OLD} .`,
    source: MSAL_NET_TEST_CONSTANTS,
    evidence: "confirmed",
    meaning: "The assertion's iss (and sub) is not the client_id sent in the form.",
    fix: "Use the same Application (client) ID in client_id, iss and sub.",
  },
  {
    id: "700023",
    code: 700023,
    status: 401,
    error: "invalid_client",
    template: `Client assertion audience claim does not match Realm issuer. Review the documentation at ${DOCS_CERT_CREDENTIALS_OLD} .`,
    source: "entra-errors.md 700023",
    evidence: "confirmed",
    meaning: "aud is not this tenant's token endpoint URL (a trailing slash, another tenant, /common, or the authority without /oauth2/v2.0/token all count).",
    fix: "Set aud to https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token (or the v1 .../oauth2/token), exactly, without a trailing slash.",
  },
  {
    id: "700024",
    code: 700024,
    status: 401,
    error: "invalid_client",
    template: `Client assertion is not within its valid time range. Current time: {now}, assertion valid from {nbf}, expiry time of assertion {exp}. Review the documentation at ${DOCS_CERT_CREDENTIALS} .`,
    source: "entra-errors.md 700024 (response from 2025-08)",
    evidence: "confirmed",
    meaning:
      "Now is before nbf or after exp (allowing a few minutes of clock skew). A missing exp reads as 1970; exp in milliseconds is far in the future and passes; " +
      "a clock that is off by more than the skew fails.",
    fix: "Use seconds since 1970 (NumericDate) for nbf and exp, exp = nbf + 600, and check the clock of the machine that signs (w32tm /resync, timedatectl).",
  },
  // ── The client assertion: its key and signature ────────────────────────────────────────────────
  {
    id: "700027-not-registered",
    code: 700027,
    status: 401,
    error: "invalid_client",
    template: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., {thumbprintPart}${SEE_CONFIGURED_KEYS}.`,
    source: "entra-errors.md 700027 variant 3 (responses pasted 2023+, e.g. in public repositories using MSAL Python and the Entra Connect troubleshooting doc)",
    evidence: "confirmed",
    meaning:
      "No certificate registered on the app has the thumbprint in the header. Usual causes: another certificate, x5t made from the hex text of the thumbprint " +
      "instead of its bytes, a SHA-256 in x5t (or SHA-1 in x5t#S256), or the certificate uploaded to another app.",
    fix: "Compare 'Thumbprint of key used by client' with the thumbprints under Certificates & secrets; upload cert.cer to this app or fix x5t.",
  },
  {
    id: "700027-key-not-found",
    code: 700027,
    status: 401,
    error: "invalid_client",
    template: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., {thumbprintPart}${SEE_CONFIGURED_KEYS}.`,
    source:
      "pnp/cli-microsoft365 issue #1532 (an empty x5t: Thumbprint of key used by client: ''); keycloak/keycloak issue #19425 (a header with only kid); " +
      "learn.microsoft.com Q&A 5915574 (an x5t#S256 Entra could not decode)",
    evidence: "confirmed",
    meaning:
      "The header named no key Entra could read: an empty or undecodable x5t / x5t#S256, or only a kid that is no thumbprint of a registered certificate. " +
      "The quoted thumbprint is then empty ('') or missing. (Same text as the not-registered answer; the kit tells them apart by the empty thumbprint.)",
    fix: "Put the certificate's thumbprint in the header: x5t = base64url of the 20 SHA-1 bytes of the certificate DER (or x5t#S256 with SHA-256).",
  },
  {
    id: "700027-key-expired",
    code: 700027,
    status: 401,
    error: "invalid_client",
    template: "Client assertion contains an invalid signature. [Reason - The key used is expired., Thumbprint of key used by client: '{thumbprint}', Found key 'Start={start}, End={end}']",
    source: "entra-errors.md 700027 variant 4 (MicrosoftDocs Azure Stack HCI troubleshooting doc); the same reason for a key whose Start is in the future: public Entra Connect report (inferred for the mock)",
    evidence: "confirmed",
    meaning: "The certificate is registered, but its registration (start and end dates, normally the certificate's validity) does not cover the current time.",
    fix: "Make a new certificate, upload it, and sign with it; check the machine's clock if Start is in the future.",
  },
  {
    id: "50032",
    code: 50032,
    status: 401,
    error: "invalid_client",
    template: "RSA key size {bits} is less than the minimum required 2048 bits.",
    leadingCodes: [{ code: 70002, text: "Error validating credentials." }],
    source: "AzureAD/azure-activedirectory-library-for-python issue #136 (2018, pasted from login.microsoftonline.com: 401, error_codes [70002, 50032]); the error-code reference lists 50032 WeakRsaKey",
    evidence: "confirmed",
    meaning: "The registered certificate's RSA key is shorter than 2048 bits. (Entra answered in its older two-code form; today's wording is not on record.)",
    fix: "Make a new 2048-bit (or larger) certificate, register it, and sign with its key.",
  },
  {
    id: "700027-bad-signature",
    code: 700027,
    status: 401,
    error: "invalid_client",
    template:
      "Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., " +
      "Thumbprint of key used by client: '{thumbprint}', Found key 'Start={start}, End={end}']",
    source: "inferred (shape of entra-errors.md 700027 variants 1 and 4; reason text seen under AADSTS50013)",
    evidence: "inferred",
    meaning:
      "The certificate was found, but the signature does not verify with its public key: signed with another key, signed bytes that are not " +
      "header.payload exactly, PS256 in the header over a PKCS#1 v1.5 signature (or the reverse), or a wrong hash.",
    fix: "Sign ASCII(base64url(header) + '.' + base64url(payload)) with the private key of the registered certificate, using the padding alg names.",
  },
  // ── The scope / resource ───────────────────────────────────────────────────────────────────────
  {
    id: "1002012",
    code: 1002012,
    status: 400,
    error: "invalid_scope",
    template: "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).",
    source: MSAL_NET_TEST_CONSTANTS,
    evidence: "confirmed",
    meaning: "An app signing in as itself gets all its granted application permissions at once, so the scope must be <resource>/.default, not a single permission.",
    fix: "Use scope=https://graph.microsoft.com/.default (or <your API's application ID URI>/.default).",
  },
  {
    id: "70011",
    code: 70011,
    status: 400,
    error: "invalid_scope",
    template: "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid.",
    source: MSAL_NET_TEST_CONSTANTS + "; the use for more than one scope value is inferred",
    evidence: "confirmed",
    meaning: "The scope is not <resource identifier>/.default with a URI or GUID before /.default, or names more than one resource.",
    fix: "Ask for one resource per request: scope=https://graph.microsoft.com/.default.",
  },
  {
    id: "500011",
    code: 500011,
    status: 400,
    error: "invalid_resource",
    template:
      "The resource principal named {resource} was not found in the tenant named {tenantName}. This can happen if the application has not been installed " +
      "by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
    source: MSAL_NET_TEST_CONSTANTS,
    evidence: "confirmed",
    meaning: "No API with this application ID URI (or app ID) exists in the tenant.",
    fix: "Check the resource: https://graph.microsoft.com, https://digitaltwins.azure.net, or your API's application ID URI (Expose an API page).",
  },
  // ── Read by the doctor in pasted errors; the mock never sends these ───────────────────────────
  {
    id: "70002",
    code: 70002,
    status: 401,
    error: "invalid_client",
    template: "Error validating credentials.",
    source: "AzureAD/microsoft-authentication-library-for-dotnet issue #124 and azure-activedirectory-library-for-python issue #79 (pasted, ADAL era: the first of two codes)",
    evidence: "confirmed",
    sentByMock: false,
    meaning: "The older two-code form: Entra's general 'the credential is wrong' code, followed by a second code that says why. Read the second one.",
    fix: "Look up the second AADSTS code in the same text (50012, 50027, 50032, …).",
  },
  {
    id: "50012",
    code: 50012,
    status: 401,
    error: "invalid_client",
    template: "{detail}",
    source: "azure-activedirectory-library-for-python issue #79 ('Client assertion audience claim does not match Realm issuer.'); sjkp/letsencrypt-siteextension issue #144 ('Invalid client secret is provided.')",
    evidence: "confirmed",
    sentByMock: false,
    meaning: "The older code for a credential Entra refused: a wrong aud, a wrong secret, or (ADAL.NET issue #309) x5t made from the hex text of the thumbprint. The text after it says which.",
    fix: "Read the sentence after AADSTS50012; for a certificate, check aud (the token endpoint URL) and x5t (base64url of the 20 SHA-1 bytes).",
  },
  {
    id: "50013",
    code: 50013,
    status: 401,
    error: "invalid_client",
    template: "Assertion failed signature validation. [Reason - {reason}, Thumbprint of key used by client: '{thumbprint}', Found key 'Start={start}, End={end}']",
    source: "Azure/azure-sdk-for-java issue #25109; AzureAD/microsoft-authentication-library-for-dotnet issue #1317 (pasted)",
    evidence: "confirmed",
    sentByMock: false,
    meaning: "The key behind the thumbprint was found, but the signature did not verify with it: the assertion was signed with another key, or over other bytes.",
    fix: "Sign header.payload with the private key of the certificate whose thumbprint is in the header; the lab's key-mismatch scenario shows it.",
  },
  {
    id: "700025",
    code: 700025,
    status: 400,
    error: "invalid_client",
    template: "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    source: "O365/python-o365 issue #469 (2020); harishkrupo/oauth2ms issue #19 (2022), pasted; status inferred",
    evidence: "confirmed",
    sentByMock: false,
    meaning: "The app registration is a public client (Authentication > 'Allow public client flows' = Yes, or a mobile/desktop platform), so Entra refuses any client credential.",
    fix: "Turn 'Allow public client flows' off for an app that signs in as itself, or use a separate confidential app registration.",
  },
  {
    id: "700026",
    code: 700026,
    status: 401,
    error: "invalid_client",
    template: "Client application has no configured keys.",
    source: "AzureAD/microsoft-authentication-library-for-dotnet issue #2938 (pasted)",
    evidence: "confirmed",
    sentByMock: false,
    meaning: "The app registration has no certificate (and no secret) at all.",
    fix: "Upload the certificate (cert.cer) under Certificates & secrets of this app registration.",
  },
  {
    id: "7000218",
    code: 7000218,
    status: 401,
    error: "invalid_client",
    template: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    source: "MicrosoftDocs/azure-docs issue #25959; Azure-Samples/ms-identity-javascript-v2 issue #18 (pasted)",
    evidence: "confirmed",
    sentByMock: false,
    meaning: "A confidential client sent no credential: usually a flow meant for public clients (device code, username/password) used with an app that is not a public client.",
    fix: "Send client_assertion_type and client_assertion (or use a public-client flow only with 'Allow public client flows' on).",
  },
  {
    id: "7000222",
    code: 7000222,
    status: 401,
    error: "invalid_client",
    template: "The provided client secret keys for app '{clientId}' are expired.",
    source: "dotnet/sign issue #849; sjkp/letsencrypt-siteextension issue #358 (pasted)",
    evidence: "confirmed",
    sentByMock: false,
    meaning: "The app signed in with a client secret that has expired.",
    fix: "Make a new secret, or better move to a certificate: this workshop shows how.",
  },
  {
    id: "1000502",
    code: 1000502,
    status: 401,
    error: "invalid_client",
    template: "The provided certificate is not within its specified validity window.",
    source: "AzureAD/microsoft-identity-web issue #2834 (2024)",
    evidence: "confirmed",
    sentByMock: false,
    meaning: "The certificate used is outside its own notBefore/notAfter dates (expired, or not yet valid by the signing machine's clock).",
    fix: "Make and upload a new certificate; check the clock and time zone of the machine that signs.",
  },
  {
    id: "5002727",
    code: 5002727,
    status: 400,
    error: "invalid_request",
    template: "Invalid JWT header type specified, must be 'JWT' or 'http://openid.net/specs/jwt/1.0'.",
    source: "XenitAB (2021, pasted; lib/entra/evidence/clients-observed.md); a missing typ works (panva/openid-client issue #667)",
    evidence: "confirmed",
    sentByMock: false,
    meaning: "The header's typ is neither JWT nor the old OpenID URI. (The mock does not check typ.)",
    fix: "Set typ to JWT, or leave it out.",
  },
  {
    id: "5002741",
    code: 5002741,
    status: 400,
    error: "invalid_request",
    template: "Number of audience values {count} exceed maximum allowed. Maximum allowed is 1.",
    source: "zitadel/oidc issue #887 (2026, two aud values); in 2021 the same gave 50027 (panva/openid-client issue #348)",
    evidence: "confirmed",
    sentByMock: false,
    meaning: "aud was an array; Entra takes exactly one value, the token endpoint URL. (The mock answers 50027, the older behaviour.)",
    fix: "Make aud a single string: https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token.",
  },
  {
    id: "700022",
    code: 700022,
    status: 400,
    error: "invalid_scope",
    template: "The provided value for the input parameter scope is not valid because it contains more than one resource.",
    source: "the error-code reference lists AADSTS700022 InvalidMultipleResourcesScope; wording inferred",
    evidence: "inferred",
    sentByMock: false,
    meaning: "The scope names two resources (e.g. Graph and another API); the client credentials flow takes one resource's /.default.",
    fix: "Ask for one resource per token request: scope=<resource>/.default.",
  },
  {
    id: "90130",
    code: 90130,
    status: 400,
    error: "invalid_request",
    template: "Application '{clientId}' ({displayName}) is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.",
    source: "AzureAD/microsoft-authentication-library-for-js issue #237; microsoftgraph/console-csharp-connect-sample issue #3 (pasted)",
    evidence: "confirmed",
    sentByMock: false,
    meaning: "The authority is /common or /consumers, which this app cannot use.",
    fix: "Use the tenant-specific authority: https://login.microsoftonline.com/<tenant-id>.",
  },
  {
    id: "70001",
    code: 70001,
    status: 400,
    error: "unauthorized_client",
    template: "Application with identifier '{clientId}' was not found in the directory {tenantName}.",
    source: "Azure-Samples/active-directory-dotnet-daemon-certificate-credential issues #16 (2016) and #46 (2018), pasted: the older form of 700016",
    evidence: "confirmed",
    sentByMock: false,
    meaning: "The older code for 700016: no app with this client ID in this tenant.",
    fix: "Use the Application (client) ID, and the tenant the app is registered in.",
  },
  // ── The mock itself ────────────────────────────────────────────────────────────────────────────
  {
    id: "50000",
    code: 50000,
    status: 500,
    error: "server_error",
    template: "There was an error issuing a token or an issue with our sign-in service.",
    source: "ErrRef 50000 (meaning); full response text and error value inferred",
    evidence: "inferred",
    meaning: "Entra failed while handling the request: a problem on the service's side, not in your request. (From the mock, it means a bug in the mock.)",
    fix: "Retry after a short wait and quote the correlation ID to support if it persists; from the mock, report the request in its log.",
  },
] as const satisfies readonly CatalogEntryShape[];

/** Every id the catalog has: a real union, so `fail("7000270")` does not compile. */
export type CatalogId = (typeof entries)[number]["id"];

export type CatalogEntry = CatalogEntryShape & { readonly id: CatalogId };

/** Every entry, keyed by id ("700024", "700027-not-registered", …). */
export const CATALOG: Readonly<Record<CatalogId, CatalogEntry>> = Object.freeze(
  Object.fromEntries(entries.map((entry) => [entry.id, Object.freeze(entry)])) as Record<CatalogId, CatalogEntry>,
);

/** The ids of the entries the mock answers with (all but the doctor-only ones). */
export const MOCK_CATALOG_IDS: readonly CatalogId[] = (entries as readonly CatalogEntry[]).filter((e) => e.sentByMock !== false).map((e) => e.id);

export function isCatalogId(id: string): id is CatalogId {
  return Object.hasOwn(CATALOG, id);
}

/** The entries that share an AADSTS code (700027 has four). */
export function catalogEntriesFor(code: number): CatalogEntry[] {
  return (entries as readonly CatalogEntry[]).filter((entry) => entry.code === code);
}

/** Fills {placeholders}; a placeholder without a value stays visible, so a gap shows up in tests. */
export function renderTemplate(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** "AADSTSnnn: text" for one entry, without the trace trailer. */
export function describeError(id: CatalogId, params: Readonly<Record<string, string | number>> = {}): string {
  const entry: CatalogEntry = CATALOG[id];
  const lead = (entry.leadingCodes ?? []).map((c) => `AADSTS${c.code}: ${c.text} `).join("");
  return `${lead}AADSTS${entry.code}: ${renderTemplate(entry.template, params)}`;
}

export { ASSUMED_CLOCK_SKEW_SECONDS } from "./protocol.ts";
