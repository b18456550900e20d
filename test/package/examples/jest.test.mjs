// token.test.mjs: the mock Entra ID in your own tests, with jest, as ES modules (msw 2's CommonJS build
// loads an ES-only module, which jest's require cannot). Run it with:
//   NODE_OPTIONS=--experimental-vm-modules npx jest          (PowerShell: $env:NODE_OPTIONS="--experimental-vm-modules"; npx jest)
import { ConfidentialClientApplication } from "@azure/msal-node";
import { setupServer } from "msw/node";
import { createMockAad, createThrowawayCertificate, defaultRegistry, keyCredential, mockAadHandlers, DEMO_CLIENT_ID, DEMO_TENANT_ID } from "entra-cert-auth-workshop/mock-aad";

const current = createThrowawayCertificate();
const retired = createThrowawayCertificate(); // still registered, but its key credential ended yesterday
const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000);
const registry = defaultRegistry({ keyCredentials: [current.certificatePem, keyCredential(retired.certificatePem, { end: yesterday })] });
const server = setupServer(...mockAadHandlers(createMockAad({ registry })));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

function graphTokenWith({ thumbprintSha256, privateKeyPem }) {
  const authority = `https://login.microsoftonline.com/${DEMO_TENANT_ID}`;
  const app = new ConfidentialClientApplication({ auth: { clientId: DEMO_CLIENT_ID, authority, clientCertificate: { thumbprintSha256, privateKey: privateKeyPem } } });
  return app.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] });
}

test("the current certificate gets a Graph token with the app's roles", async () => {
  const { accessToken } = await graphTokenWith(current);
  const claims = JSON.parse(Buffer.from(accessToken.split(".")[1], "base64url").toString());
  expect(claims.roles).toContain("User.Read.All");
});

test("a key credential past its end date gets AADSTS700027 (the key used is expired)", async () => {
  await expect(graphTokenWith(retired)).rejects.toThrow(/AADSTS700027.*The key used is expired/);
});
