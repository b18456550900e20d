/**
 * @azure/identity's ClientCertificateCredential, run as its own program (node/azure-identity.mjs):
 * a PEM file with the certificate and key, authorityHost at the mock, disableInstanceDiscovery,
 * sendCertificateChain off and on (x5c).
 *
 * Another tenant: like msal-node underneath, the credential signs aud for the token endpoint it
 * posts to, so AADSTS700023 cannot be produced; another tenantId stops at that tenant's
 * discovery document, which the mock answers with AADSTS90002.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRAPH_RESOURCE, startInteropMock, writeSecretFile, type InteropMock } from "./harness.ts";
import { packageVersion, runNodeClient } from "./node-client.ts";
import { aadstsIn, claimsOf, outcomeOf } from "./outcome.ts";
import { ClientReport } from "./report.ts";

const VERSION = packageVersion("@azure/identity");
const GRAPH_SCOPE = `${GRAPH_RESOURCE}/.default`;

let mock: InteropMock;
/** cert + key PEM files: the registered pair, the registered certificate with a foreign key, the unregistered pair. */
const pem = { registered: "", wrongKey: "", unregistered: "" };

beforeAll(async () => {
  mock = await startInteropMock();
  const text = (path: string) => readFileSync(path, "utf8");
  pem.registered = mock.combinedPemPath;
  pem.wrongKey = writeSecretFile(join(mock.dir, "registered-cert-wrong-key.pem"), text(mock.certPemPath) + text(mock.wrongKeyPemPath));
  pem.unregistered = writeSecretFile(join(mock.dir, "unregistered-combined.pem"), text(mock.unregistered.certPemPath) + text(mock.unregistered.keyPemPath));
});
afterAll(async () => {
  await mock?.close();
});

for (const sendCertificateChain of [false, true]) {
  describe(`@azure/identity ${VERSION} ClientCertificateCredential, sendCertificateChain ${sendCertificateChain}`, () => {
    const report = new ClientReport(`@azure/identity (sendCertificateChain ${sendCertificateChain})`, VERSION);
    afterAll(() => {
      report.finish();
    });

    const getToken = (certificatePath: string, tenantId = mock.tenant) =>
      runNodeClient(mock, "azure-identity", { tenantId, clientId: mock.clientId, certificatePath, authorityHost: mock.url, sendCertificateChain, scopes: GRAPH_SCOPE });

    it("the registered certificate gets a Graph token", async () => {
      const { answer, sent } = await getToken(pem.registered);
      report.sent(sent);
      report.outcome("registered", outcomeOf(answer));
      expect(answer.error).toBeUndefined();
      expect(claimsOf(answer.accessToken!)).toMatchObject({ aud: GRAPH_RESOURCE, appid: mock.clientId, appidacr: "2" });
      expect(sent).toHaveLength(1);
      expect(sent[0]!.header).toMatchObject({ alg: "PS256", "x5t#S256": Buffer.from(mock.thumbprintSha256Hex, "hex").toString("base64url") });
      if (sendCertificateChain) {
        // x5c: the certificate, standard base64 of its DER (RFC 7515 §4.1.6).
        const der = readFileSync(mock.certDerPath).toString("base64");
        expect(sent[0]!.header.x5c).toEqual([der]);
      } else {
        expect(sent[0]!.header).not.toHaveProperty("x5c");
      }
    });

    it("the registered certificate with a key that is not its own fails with AADSTS700027", async () => {
      const { answer } = await getToken(pem.wrongKey);
      report.outcome("wrong key", outcomeOf(answer));
      expect(answer.ok).toBe(false);
      expect(answer.error?.message).toMatch(/AADSTS700027/);
    });

    it("an unregistered certificate fails with AADSTS700027", async () => {
      const { answer } = await getToken(pem.unregistered);
      report.outcome("unregistered", outcomeOf(answer));
      expect(answer.ok).toBe(false);
      expect(answer.error?.message).toMatch(/AADSTS700027/);
    });

    it("another tenantId stops at its discovery document (mock: AADSTS90002)", async () => {
      const before = mock.requests.length;
      const { answer, sent } = await getToken(pem.registered, mock.otherTenant);
      const discovery = mock.requests.slice(before).find((r) => r.url === `${mock.url}/${mock.otherTenant}/v2.0/.well-known/openid-configuration`);
      report.outcome("other tenant", `${answer.error?.name}: ${answer.error?.message.split(":")[0]} (mock: ${aadstsIn(discovery?.response?.body)})`);
      expect(discovery?.response?.body).toMatch(/AADSTS90002/);
      expect(sent).toHaveLength(0);
      expect(answer.ok).toBe(false);
      // The credential passes on msal's endpoints_resolution_error, without the AADSTS code.
      expect(answer.error).toMatchObject({ name: "CredentialUnavailableError", message: expect.stringMatching(/^endpoints_resolution_error/) });
    });
  });
}
