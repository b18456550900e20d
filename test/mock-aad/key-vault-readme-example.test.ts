// The example WORKSHOP.md shows under "Use the mock Key Vault in your own tests" (a test keeps the two equal).
import { readFileSync } from "node:fs";
import { createHash, verify, X509Certificate } from "node:crypto";
import { ManagedIdentityCredential } from "@azure/identity";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createMockAad, defaultRegistry, mockAadHandlers, vaultKey, DEMO_IDENTITY_HEADER, MSW_IDENTITY_ENDPOINT } from "../../mock-aad/index.ts";

const cert = readFileSync("test/fixtures/pfx/fixture-cert.pem", "utf8"); // the certificate in your vault (throwaway here)
const key = readFileSync("test/fixtures/pfx/fixture-throwaway-key.pem", "utf8");
const mock = createMockAad({ registry: defaultRegistry({ certificates: [cert] }) });
mock.registry.vaults![0]!.keys.push(vaultKey({ name: "my-cert", privateKey: key, certificate: cert })); // https://workshop-vault.vault.azure.net
const server = setupServer(...mockAadHandlers(mock));
beforeAll(() => {
  server.listen({ onUnhandledRequest: "error" });
  process.env.IDENTITY_ENDPOINT = MSW_IDENTITY_ENDPOINT; // as App Service sets them for your Function
  process.env.IDENTITY_HEADER = DEMO_IDENTITY_HEADER;
});
afterAll(() => {
  server.close();
  delete process.env.IDENTITY_ENDPOINT;
  delete process.env.IDENTITY_HEADER;
});

test("the Function's code signs a digest in Key Vault with its managed identity, offline", async () => {
  const credential = new ManagedIdentityCredential();
  const keys = new KeyClient("https://workshop-vault.vault.azure.net", credential);
  const vaultKeyBundle = await keys.getKey("my-cert");
  const digest = createHash("sha256").update("header.payload").digest();
  const signed = await new CryptographyClient(vaultKeyBundle, credential).sign("RS256", digest);
  expect(verify("sha256", Buffer.from("header.payload"), new X509Certificate(cert).publicKey, signed.result)).toBe(true);
});
