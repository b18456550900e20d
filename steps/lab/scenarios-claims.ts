/**
 * Lab scenarios where the signature is fine and the claims are not: times in milliseconds, in the
 * past or in the future; an audience for another tenant, /common, with a trailing slash or naming
 * Graph; an issuer or subject that is not the client ID. Four are accepted by Entra and only
 * warned about by the doctor: a year-long lifetime, the v1 audience, an audience in other case,
 * no jti.
 */
import { tokenEndpoint } from "../../lib/entra/assertion.ts";
import { DEMO_SERVICE_PRINCIPAL_ID } from "../../mock-aad/registry.ts";
import { goodRequest } from "./build-request.ts";
import { OTHER_CLIENT_ID, OTHER_TENANT_ID } from "./context.ts";
import type { Scenario } from "./scenario.ts";

const expMilliseconds: Scenario = {
  name: "exp-milliseconds",
  title: "nbf and exp from Date.now(), in milliseconds",
  story: [
    "JavaScript's Date.now() (and .NET's ToUnixTimeMilliseconds) count milliseconds; JWT times are seconds",
    "(NumericDate, RFC 7519 §2). Read as seconds, nbf lies some 56,000 years ahead, so the assertion is",
    "not yet valid, and Entra says so with the dates it read.",
  ],
  expectedAadsts: 700024,
  focus: ["nbf", "iat", "exp"],
  build: (ctx) => ({
    request: goodRequest(ctx, "exp-milliseconds", {
      claims: (c) => ({ ...c, nbf: ctx.now.getTime(), iat: ctx.now.getTime(), exp: ctx.now.getTime() + 600_000 }),
    }),
  }),
  fix: (ctx) => ({ request: goodRequest(ctx, "exp-milliseconds:fixed") }),
  fixText: {
    what: ["Divide by 1000 and round down: nbf, iat and exp are whole seconds since 1970."],
    label: "Node.js",
    before: "const nbf = Date.now(); const exp = nbf + 600_000;",
    after: "const nbf = Math.floor(Date.now() / 1000); const exp = nbf + 600;",
  },
};

const nbfMilliseconds: Scenario = {
  name: "nbf-milliseconds",
  title: "nbf from Date.now() in milliseconds, exp right in seconds",
  story: [
    "exp was written carefully (Math.floor(Date.now() / 1000) + 600) and nbf in a hurry: nbf: Date.now().",
    "Read as seconds, that nbf is some 56,000 years ahead, so the assertion is not valid yet, and never",
    "will be before it expires.",
  ],
  expectedAadsts: 700024,
  focus: ["nbf"],
  build: (ctx) => ({ request: goodRequest(ctx, "nbf-milliseconds", { claims: (c) => ({ ...c, nbf: ctx.now.getTime() }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "nbf-milliseconds:fixed") }),
  fixText: {
    what: ["nbf in whole seconds too."],
    label: "Node.js",
    before: "nbf: Date.now(),",
    after: "nbf: Math.floor(Date.now() / 1000),",
  },
};

const notYetValid: Scenario = {
  name: "not-yet-valid",
  title: "nbf is in the future: the signing machine's clock runs ahead",
  story: [
    "The machine that signs the assertion has a clock an hour fast (no time sync on a build agent, a VM",
    "restored from a snapshot). nbf = its now, an hour ahead of Entra's; the few minutes of skew Entra",
    "allows do not cover that.",
  ],
  expectedAadsts: 700024,
  focus: ["nbf", "iat", "exp"],
  build: (ctx) => ({
    request: goodRequest(ctx, "not-yet-valid", { claims: (c) => ({ ...c, nbf: c.nbf + 3600, iat: c.iat + 3600, exp: c.exp + 3600 }) }),
  }),
  fix: (ctx) => ({ request: goodRequest(ctx, "not-yet-valid:fixed") }),
  fixText: {
    what: ["Set the signing machine's clock right (and keep it synchronised), then make a fresh assertion."],
    label: "Windows",
    after: "w32tm /config /syncfromflags:domhier /update; w32tm /resync   # Linux: timedatectl set-ntp true",
  },
};

const expired: Scenario = {
  name: "expired",
  title: "the assertion has expired: made once, reused an hour later",
  story: [
    "The service makes one assertion at start-up and keeps it, like a secret, for every token request.",
    "It lives ten minutes (exp = nbf + 600): an hour later Entra refuses it, even allowing for clock skew.",
    "An assertion is single-use proof, made fresh for each request (MSAL does that for you).",
  ],
  expectedAadsts: 700024,
  focus: ["nbf", "iat", "exp"],
  build: (ctx) => ({
    request: goodRequest(ctx, "expired", { claims: (c) => ({ ...c, nbf: c.nbf - 3600, iat: c.iat - 3600, exp: c.exp - 3600 }) }),
  }),
  fix: (ctx) => ({ request: goodRequest(ctx, "expired:fixed") }),
  fixText: {
    what: ["Make a new assertion (new nbf, exp and jti) for each token request, right before sending it."],
    label: "PowerShell",
    before: "$jwt = New-ClientAssertion $cert   # once, at start-up",
    after: "$body.client_assertion = New-ClientAssertion $cert   # inside the function that asks for a token",
  },
};

const audOtherTenant: Scenario = {
  name: "aud-other-tenant",
  title: "aud is another tenant's token endpoint",
  story: [
    "The assertion's aud was built from the test tenant's ID (a variable left from another environment) while",
    "the request goes to production's token endpoint. aud must be the very URL the assertion is POSTed to,",
    "with the same tenant.",
  ],
  expectedAadsts: 700023,
  focus: ["aud"],
  build: (ctx) => ({ request: goodRequest(ctx, "aud-other-tenant", { claims: (c) => ({ ...c, aud: tokenEndpoint(OTHER_TENANT_ID) }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "aud-other-tenant:fixed") }),
  fixText: {
    what: ["Build aud from the same tenant ID as the URL you POST to."],
    label: "PowerShell",
    before: 'aud = "https://login.microsoftonline.com/$TestTenantId/oauth2/v2.0/token"',
    after: 'aud = "https://login.microsoftonline.com/$TenantId/oauth2/v2.0/token"   # the URL the request goes to',
  },
};

const audCommon: Scenario = {
  name: "aud-common",
  title: "aud uses /common instead of the tenant",
  story: [
    "The authority was copied from a multi-tenant sign-in sample: https://login.microsoftonline.com/common.",
    "An app signing in as itself signs in to one tenant, and aud must name that tenant's token endpoint,",
    "the URL the assertion is POSTed to.",
  ],
  expectedAadsts: 700023,
  focus: ["aud"],
  build: (ctx) => ({ request: goodRequest(ctx, "aud-common", { claims: (c) => ({ ...c, aud: tokenEndpoint("common") }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "aud-common:fixed") }),
  fixText: {
    what: ["Use the tenant ID in the authority, and so in aud."],
    label: "PowerShell",
    before: '$Authority = "https://login.microsoftonline.com/common"',
    after: '$Authority = "https://login.microsoftonline.com/$TenantId"',
  },
};

const audTrailingSlash: Scenario = {
  name: "aud-trailing-slash",
  title: "aud is the token endpoint with a trailing slash",
  story: [
    "The authority was configured as https://login.microsoftonline.com/<tenant>/ and the path joined to it",
    "ended up with a slash at the end (…/oauth2/v2.0/token/). Entra compares aud as text: a trailing slash",
    "is another audience.",
  ],
  expectedAadsts: 700023,
  focus: ["aud"],
  build: (ctx) => ({ request: goodRequest(ctx, "aud-trailing-slash", { claims: (c) => ({ ...c, aud: `${tokenEndpoint(ctx.tenant)}/` }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "aud-trailing-slash:fixed") }),
  fixText: {
    what: ["Make aud exactly the token endpoint URL, without a slash at the end."],
    label: "the claims",
    before: '"aud": "https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token/"',
    after: '"aud": "https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token"',
  },
};

const audGraphResource: Scenario = {
  name: "aud-graph-resource",
  title: "aud is the Graph resource, not the token endpoint",
  story: [
    "aud reads like \"the API I want a token for\", so it was set to https://graph.microsoft.com. In a client",
    "assertion aud is who receives the assertion: Entra's token endpoint. The API goes in the form's scope.",
  ],
  expectedAadsts: 700023,
  focus: ["aud"],
  build: (ctx) => ({ request: goodRequest(ctx, "aud-graph-resource", { claims: (c) => ({ ...c, aud: "https://graph.microsoft.com" }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "aud-graph-resource:fixed") }),
  fixText: {
    what: ["aud is the token endpoint URL; Graph stays in scope=https://graph.microsoft.com/.default."],
    label: "PowerShell",
    before: 'aud = "https://graph.microsoft.com"',
    after: 'aud = "https://login.microsoftonline.com/$TenantId/oauth2/v2.0/token"',
  },
};

const audV1VsV2: Scenario = {
  name: "aud-v1-vs-v2",
  title: "aud is the v1 token endpoint, the request goes to v2 (accepted)",
  story: [
    "Older samples build aud as …/oauth2/token (v1) while the request goes to …/oauth2/v2.0/token.",
    "Entra accepts either URL as aud, so this works: the doctor only mentions it. Matching the URL you",
    "post to keeps the two from drifting further apart.",
  ],
  focus: ["aud"],
  build: (ctx) => ({ request: goodRequest(ctx, "aud-v1-vs-v2", { claims: (c) => ({ ...c, aud: tokenEndpoint(ctx.tenant, "v1") }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "aud-v1-vs-v2:fixed") }),
  fixText: {
    what: ["Nothing is broken; for tidiness, make aud the URL the request goes to."],
    label: "PowerShell",
    before: 'aud = "https://login.microsoftonline.com/$TenantId/oauth2/token"',
    after: 'aud = "https://login.microsoftonline.com/$TenantId/oauth2/v2.0/token"',
  },
};

const audCase: Scenario = {
  name: "aud-case",
  title: "aud differs from the endpoint URL in upper and lower case (accepted)",
  story: [
    "The tenant ID was pasted in upper case from a portal export, so aud reads …/4F1C2D3E-…/oauth2/v2.0/token.",
    "Entra compares aud without regard to case (MSAL even lower-cases it), so this works; the doctor warns",
    "because other JWT validators compare URLs exactly.",
  ],
  focus: ["aud"],
  build: (ctx) => ({ request: goodRequest(ctx, "aud-case", { claims: (c) => ({ ...c, aud: tokenEndpoint(ctx.tenant.toUpperCase()) }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "aud-case:fixed") }),
  fixText: {
    what: ["Write the tenant ID in lower case, as Entra shows it."],
    label: "PowerShell",
    before: '$TenantId = "4F1C2D3E-5A6B-4C7D-8E9F-0A1B2C3D4E5F"',
    after: '$TenantId = "4F1C2D3E-5A6B-4C7D-8E9F-0A1B2C3D4E5F".ToLowerInvariant()',
  },
};

const issSubMismatch: Scenario = {
  name: "iss-sub-mismatch",
  title: "sub is the service principal's object ID, iss the client ID",
  story: [
    "The app's access tokens carry the service principal's object ID as sub, so someone put that in the",
    "assertion's sub as well. In a client assertion iss and sub are both the client ID (RFC 7523 §3):",
    "the app speaks for itself.",
  ],
  expectedAadsts: 50048,
  focus: ["sub"],
  build: (ctx) => ({ request: goodRequest(ctx, "iss-sub-mismatch", { claims: (c) => ({ ...c, sub: DEMO_SERVICE_PRINCIPAL_ID }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "iss-sub-mismatch:fixed") }),
  fixText: {
    what: ["Set sub to the same value as iss: the Application (client) ID."],
    label: "PowerShell",
    before: "iss = $ClientId; sub = $ServicePrincipalObjectId",
    after: "iss = $ClientId; sub = $ClientId",
  },
};

const issClientIdMismatch: Scenario = {
  name: "iss-client-id-mismatch",
  title: "iss and sub are another app's client ID than the form's client_id",
  story: [
    "The client ID is written twice: in the form (client_id) and in the assertion (iss and sub). After moving",
    "from the dev app registration to production only the form was changed, so the assertion still claims",
    "to come from the dev app.",
  ],
  expectedAadsts: 700021,
  focus: ["iss", "sub", "client_id"],
  build: (ctx) => ({ request: goodRequest(ctx, "iss-client-id-mismatch", { claims: (c) => ({ ...c, iss: OTHER_CLIENT_ID, sub: OTHER_CLIENT_ID }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "iss-client-id-mismatch:fixed") }),
  fixText: {
    what: ["Take iss, sub and client_id from one setting: the Application (client) ID of the app you sign in as."],
    label: "PowerShell",
    before: "iss = $DevClientId; sub = $DevClientId",
    after: "iss = $ClientId; sub = $ClientId   # the same value as client_id in the form",
  },
};

const jtiMissing: Scenario = {
  name: "jti-missing",
  title: "the assertion has no jti (accepted)",
  story: [
    "A minimal recipe sends aud, iss, sub, nbf and exp, and no jti. Entra accepts it today, but Microsoft's",
    "page lists jti (a new GUID for each assertion) and a service that starts refusing replays would",
    "refuse this. The doctor warns.",
  ],
  focus: ["jti"],
  build: (ctx) => ({ request: goodRequest(ctx, "jti-missing", { claims: ({ jti: _jti, ...rest }) => rest }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "jti-missing:fixed") }),
  fixText: {
    what: ["Add jti: a new GUID for every assertion."],
    label: "PowerShell",
    after: "jti = [guid]::NewGuid().ToString()",
  },
};

const YEAR_SECONDS = 365 * 86_400;

const lifetimeTooLong: Scenario = {
  name: "lifetime-too-long",
  title: "an assertion valid for a year (accepted, but not advised)",
  story: [
    "To stop 700024 errors, someone set exp a year ahead. Entra accepts it today (it places no limit on exp),",
    "but anyone who copies the assertion from a log can sign in as the app for a year. Microsoft advises 5",
    "to 10 minutes after nbf; MSAL uses 10. This one succeeds: the doctor warns.",
  ],
  focus: ["exp"],
  build: (ctx) => ({ request: goodRequest(ctx, "lifetime-too-long", { claims: (c) => ({ ...c, exp: c.nbf + YEAR_SECONDS }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "lifetime-too-long:fixed") }),
  fixText: {
    what: ["Make a fresh assertion for each token request, valid for ten minutes."],
    label: "PowerShell",
    before: "exp = $now + 365 * 24 * 3600",
    after: "exp = $now + 600",
  },
};

export const CLAIMS_SCENARIOS: Scenario[] = [
  expMilliseconds,
  nbfMilliseconds,
  expired,
  notYetValid,
  lifetimeTooLong,
  audOtherTenant,
  audCommon,
  audTrailingSlash,
  audGraphResource,
  audV1VsV2,
  audCase,
  issClientIdMismatch,
  issSubMismatch,
  jtiMissing,
];
