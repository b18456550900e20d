// token.test.mjs: the mock Entra ID in your own tests, with node:test. Run it with: node --test
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { setupServer } from "msw/node";
import {
  createMockAad,
  createThrowawayCertificate,
  defaultRegistry,
  keyCredential,
  mockAadHandlers,
  DEMO_CLIENT_ID,
  DEMO_TENANT_ID,
  GRAPH_APP_ID,
} from "entra-cert-auth-workshop/mock-aad";

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
const mine = createThrowawayCertificate(); // a new key and certificate, for this run only

// The demo tenant and app, with our certificate registered…
const registry = defaultRegistry({ keyCredentials: [mine.certificatePem] });
// …and a tenant and app of our own (the shapes of Tenant and Application).
const contoso = { tenantId: randomUUID(), clientId: randomUUID() };
registry.tenants.push({ id: contoso.tenantId, displayName: "Contoso", domains: ["contoso.onmicrosoft.com"], createdDateTime: new Date("2024-01-01") });
registry.applications.push({
  appId: contoso.clientId,
  objectId: randomUUID(),
  servicePrincipalId: randomUUID(),
  displayName: "contoso daemon",
  tenantId: contoso.tenantId,
  enabled: true,
  keyCredentials: [keyCredential(mine.certificatePem)],
  appRoleGrants: { [GRAPH_APP_ID]: ["User.Read.All"] },
  azureRoles: [],
});

const server = setupServer(...mockAadHandlers(createMockAad({ registry })));
before(() => server.listen({ onUnhandledRequest: "error" }));
after(() => server.close());

function app(certificate, tenant = DEMO_TENANT_ID, clientId = DEMO_CLIENT_ID) {
  return new ConfidentialClientApplication({
    auth: {
      clientId,
      authority: `https://login.microsoftonline.com/${tenant}`,
      clientCertificate: { thumbprintSha256: certificate.thumbprintSha256, privateKey: certificate.privateKeyPem },
    },
  });
}

test("the demo app gets a Graph token with its certificate and calls Graph, offline", async () => {
  const result = await app(mine).acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
  const users = await fetch("https://graph.microsoft.com/v1.0/users", { headers: { Authorization: `Bearer ${result.accessToken}` } });
  assert.equal(users.status, 200);
});

test("an app of our own, in a tenant of our own, gets a token too", async () => {
  const result = await app(mine, contoso.tenantId, contoso.clientId).acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] });
  const claims = JSON.parse(Buffer.from(result.accessToken.split(".")[1], "base64url").toString());
  assert.equal(claims.tid, contoso.tenantId);
  assert.deepEqual(claims.roles, ["User.Read.All"]);
});

test("a certificate that is not registered gets AADSTS700027", async () => {
  const stranger = createThrowawayCertificate();
  await assert.rejects(app(stranger).acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE] }), /AADSTS700027/);
});
