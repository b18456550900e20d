/**
 * The mock Entra ID inside anyone's test suite, with msw (Mock Service Worker): requests that
 * `fetch` (or MSAL, or @azure/identity) send to Entra, Microsoft Graph, Azure Digital Twins,
 * Azure Resource Manager, Key Vault ({vault}.vault.azure.net) or a managed identity endpoint
 * (IMDS at 169.254.169.254, App Service's at MSW_IDENTITY_ENDPOINT, http://127.0.0.1:41741/msi/token) are answered by the mock's core, in-process, without a network.
 *
 *   import { setupServer } from "msw/node";
 *   import { createMockAad, mockAadHandlers } from "./mock-aad/index.ts";
 *
 *   const mock = createMockAad({ registry: defaultRegistry({ keyCredentials: [certDer] }) });
 *   const server = setupServer(...mockAadHandlers(mock));
 *   beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
 *   afterAll(() => server.close());
 */
import { http, type HttpHandler } from "msw";
import type { MockAad } from "./core.ts";
import { MSW_IDENTITY_ORIGIN } from "./managed-identity.ts";

/** The hosts the handlers answer for. */
export const MOCKED_ORIGINS = ["https://login.microsoftonline.com", "https://graph.microsoft.com", "https://*.digitaltwins.azure.net", "https://management.azure.com", "https://*.vault.azure.net", "http://169.254.169.254", MSW_IDENTITY_ORIGIN] as const;

export { MSW_IDENTITY_ENDPOINT } from "./managed-identity.ts";

export function mockAadHandlers(mock: Pick<MockAad, "handle">): HttpHandler[] {
  return MOCKED_ORIGINS.map((origin) => http.all(`${origin}/*`, ({ request }) => mock.handle(request)));
}
