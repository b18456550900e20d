// The kit's own in-process example that WORKSHOP.md shows under "Use the mock in your own tests" (a test keeps the two equal); README.md shows the installed package's (test/package/examples).
import { readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createMockAad, defaultRegistry, mockAadHandlers, DEMO_CLIENT_ID, DEMO_TENANT_ID } from "../../mock-aad/index.ts";

const cert = readFileSync("test/fixtures/pfx/fixture-cert.pem", "utf8"); // your app's certificate (throwaway here)
const key = readFileSync("test/fixtures/pfx/fixture-throwaway-key.pem", "utf8");
const server = setupServer(...mockAadHandlers(createMockAad({ registry: defaultRegistry({ keyCredentials: [cert] }) })));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

test("the app gets a Graph token with its certificate, offline", async () => {
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: DEMO_CLIENT_ID,
      authority: `https://login.microsoftonline.com/${DEMO_TENANT_ID}`,
      clientCertificate: { thumbprintSha256: new X509Certificate(cert).fingerprint256.replaceAll(":", ""), privateKey: key },
    },
  });
  const result = await app.acquireTokenByClientCredential({ scopes: ["https://graph.microsoft.com/.default"] });
  const users = await fetch("https://graph.microsoft.com/v1.0/users", { headers: { Authorization: `Bearer ${result!.accessToken}` } });
  expect(users.status).toBe(200);
});
