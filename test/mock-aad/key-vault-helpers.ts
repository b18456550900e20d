/**
 * Shared by the Key Vault and managed identity tests: a mock whose default vault holds a throwaway
 * certificate and key (made at test time, registered on the demo app too), and requests to it.
 */
import { DEMO_TENANT_ID } from "../../lib/entra/demo.ts";
import { DEFAULT_VAULT_CERTIFICATE, DEMO_IDENTITY_HEADER, vaultKey } from "../../mock-aad/key-vault/store.ts";
import type { MockAad } from "../../mock-aad/core.ts";
import { makeCertificate, makeMock, registryWith, tokenForm, tokenRequest, type TestCertificate } from "./helpers.ts";

export const VAULT = "https://workshop-vault.vault.azure.net";

export async function vaultMock(): Promise<{ mock: MockAad; cert: TestCertificate }> {
  const cert = await makeCertificate();
  const registry = registryWith({ cert });
  registry.vaults![0]!.keys.push(vaultKey({ name: DEFAULT_VAULT_CERTIFICATE, privateKey: cert.privateKey, certificate: cert.der }));
  return { mock: makeMock(registry), cert };
}

/** A managed identity token for `resource`, from the App Service endpoint (2019-08-01). */
export async function identityToken(mock: MockAad, resource = "https://vault.azure.net"): Promise<string> {
  const response = await mock.handle(new Request(`http://169.254.169.254/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(resource)}`, { headers: { "X-IDENTITY-HEADER": DEMO_IDENTITY_HEADER } }));
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

/** The demo app's own token for `scope` (client credentials with an assertion). */
export async function appToken(mock: MockAad, assertion: string, scope = "https://vault.azure.net/.default"): Promise<string> {
  const response = await mock.handle(tokenRequest(tokenForm(assertion, { scope })));
  return ((await response.json()) as { access_token: string }).access_token;
}

export function vaultRequest(path: string, token: string | undefined, init: { method?: string; body?: unknown; origin?: string; apiVersion?: string | null } = {}): Request {
  const query = init.apiVersion === null ? "" : `?api-version=${init.apiVersion ?? "7.4"}`;
  return new Request(`${init.origin ?? VAULT}${path}${query}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), "Content-Type": "application/json" },
    ...(init.body === undefined ? {} : { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }),
  });
}

export { DEMO_TENANT_ID };
