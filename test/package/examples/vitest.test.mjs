// token.test.mjs (or .ts): the mock Entra ID in your own tests, with vitest. Run it with: npx vitest run
import { ConfidentialClientApplication } from "@azure/msal-node";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createMockAad, createThrowawayCertificate, defaultRegistry, mockAadHandlers, DEMO_CLIENT_ID, DEMO_TENANT_ID } from "entra-cert-auth-workshop/mock-aad";

const mine = createThrowawayCertificate(); // a new key and certificate, for this run only
const server = setupServer(...mockAadHandlers(createMockAad({ registry: defaultRegistry({ keyCredentials: [mine.certificatePem] }) })));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

const app = (certificate) =>
  new ConfidentialClientApplication({
    auth: {
      clientId: DEMO_CLIENT_ID,
      authority: `https://login.microsoftonline.com/${DEMO_TENANT_ID}`,
      clientCertificate: { thumbprintSha256: certificate.thumbprintSha256, privateKey: certificate.privateKeyPem },
    },
  });

test("the app gets a Graph token with its certificate and calls Graph, offline", async () => {
  const result = await app(mine).acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] });
  const users = await fetch("https://graph.microsoft.com/v1.0/users", { headers: { Authorization: `Bearer ${result.accessToken}` } });
  expect(users.status).toBe(200);
});

test("a certificate that is not registered gets AADSTS700027", async () => {
  await expect(app(createThrowawayCertificate()).acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] })).rejects.toThrow(/AADSTS700027/);
});
