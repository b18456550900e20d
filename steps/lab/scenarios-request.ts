/**
 * Lab scenarios where the assertion is fine and the rest of the request is not: the scope, the
 * tenant in the URL, the client ID, and the assertion sent in the wrong form field.
 */
import { DEMO_APP_OBJECT_ID } from "../../mock-aad/registry.ts";
import { tokenEndpoint } from "../../lib/entra/assertion.ts";
import { clientAssertion, goodRequest, GRAPH_DEFAULT_SCOPE, tokenRequest } from "./build-request.ts";
import { OTHER_TENANT_ID } from "./context.ts";
import type { Scenario } from "./scenario.ts";

const scopeWithoutDefault: Scenario = {
  name: "scope-without-default",
  title: "scope names one permission instead of <resource>/.default",
  story: [
    "Habit from delegated sign-in: scope=https://graph.microsoft.com/User.Read.All. An app signing in as itself",
    "gets all the application permissions granted to it at once, so the client credentials flow takes exactly",
    "one scope, the resource followed by /.default.",
  ],
  expectedAadsts: 1002012,
  focus: ["scope"],
  build: (ctx) => ({ request: tokenRequest(ctx, { scope: "https://graph.microsoft.com/User.Read.All", assertion: clientAssertion(ctx, { label: "scope-without-default" }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "scope-without-default:fixed") }),
  fixText: {
    what: ["Ask for the resource's /.default scope; the permissions come from what an admin granted the app."],
    label: "the form body",
    before: "scope=https://graph.microsoft.com/User.Read.All",
    after: "scope=https://graph.microsoft.com/.default",
  },
};

const wrongTenant: Scenario = {
  name: "wrong-tenant",
  title: "the request goes to a tenant that does not exist",
  story: [
    "The tenant ID came from somewhere else: a subscription ID, another directory's ID, a typo. The URL and",
    "the assertion's aud agree with each other, but no such tenant exists, so Entra stops at the URL. The",
    "request's bytes look fine offline: the doctor reads Entra's answer.",
  ],
  expectedAadsts: 90002,
  doctorInput: "answer",
  focus: ["url", "aud"],
  build: (ctx) => ({
    request: tokenRequest(ctx, {
      tenant: OTHER_TENANT_ID,
      assertion: clientAssertion(ctx, { label: "wrong-tenant", claims: (c) => ({ ...c, aud: tokenEndpoint(OTHER_TENANT_ID) }) }),
    }),
  }),
  fix: (ctx) => ({ request: goodRequest(ctx, "wrong-tenant:fixed") }),
  fixText: {
    what: ["Use the Directory (tenant) ID from the app registration's Overview page, in the URL and in aud."],
    label: "PowerShell",
    before: "$TenantId = '<a subscription or another directory ID>'",
    after: "$TenantId = (Get-AzContext).Tenant.Id   # or the Directory (tenant) ID on the app's Overview page",
  },
};

const unknownClientId: Scenario = {
  name: "unknown-client-id",
  title: "client_id is the app's Object ID, not its Application (client) ID",
  story: [
    "The app registration's Overview page shows three GUIDs; the Object ID was copied instead of the",
    "Application (client) ID, into client_id and into iss and sub. No application in the tenant has that",
    "client ID. The request is consistent, so the doctor reads Entra's answer.",
  ],
  expectedAadsts: 700016,
  doctorInput: "answer",
  focus: ["client_id", "iss", "sub"],
  build: (ctx) => ({
    request: tokenRequest(ctx, {
      clientId: DEMO_APP_OBJECT_ID,
      assertion: clientAssertion(ctx, { label: "unknown-client-id", claims: (c) => ({ ...c, iss: DEMO_APP_OBJECT_ID, sub: DEMO_APP_OBJECT_ID }) }),
    }),
  }),
  fix: (ctx) => ({ request: goodRequest(ctx, "unknown-client-id:fixed") }),
  fixText: {
    what: ["Use the Application (client) ID (Overview page) for client_id, iss and sub; the Object ID is for Graph calls about the app."],
    label: "PowerShell",
    before: "$ClientId = (Get-AzADApplication -DisplayName 'entra-workshop-app').Id",
    after: "$ClientId = (Get-AzADApplication -DisplayName 'entra-workshop-app').AppId",
  },
};

const jwtAsScope: Scenario = {
  name: "jwt-as-scope",
  title: "the JWT sent as scope, with no client_assertion",
  story: [
    "A widely copied recipe builds the form with the signed JWT under the name scope and leaves out",
    "client_assertion and client_assertion_type. Entra sees a request that names the app but brings",
    "no proof at all: neither an assertion nor a secret.",
  ],
  expectedAadsts: 7000216,
  focus: ["scope", "client_assertion"],
  build: (ctx) => ({
    request: tokenRequest(ctx, {
      fields: [
        ["client_id", ctx.clientId],
        ["scope", clientAssertion(ctx, { label: "jwt-as-scope" })],
        ["grant_type", "client_credentials"],
      ],
    }),
  }),
  fix: (ctx) => ({ request: goodRequest(ctx, "jwt-as-scope:fixed") }),
  fixText: {
    what: ["Send the JWT as client_assertion, with client_assertion_type, and ask for the resource's /.default scope."],
    label: "PowerShell",
    before: "$body = @{ client_id = $ClientId; scope = $jwt; grant_type = 'client_credentials' }",
    after: `$body = @{ client_id = $ClientId; scope = '${GRAPH_DEFAULT_SCOPE}'; grant_type = 'client_credentials'; client_assertion_type = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'; client_assertion = $jwt }`,
  },
};

export const REQUEST_SCENARIOS: Scenario[] = [scopeWithoutDefault, wrongTenant, unknownClientId, jwtAsScope];
