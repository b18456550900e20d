/**
 * @azure/msal-node's ConfidentialClientApplication, run as its own program (node/msal-node.mjs),
 * against the mock over HTTPS: clientCertificate with thumbprintSha256 (PS256 + x5t#S256) and
 * with the deprecated SHA-1 thumbprint (RS256 + x5t).
 *
 * Another tenant: msal-node always sets aud to the token endpoint it posts to (from the tenant's
 * discovery document), so its assertion cannot carry another tenant's aud while reaching this
 * one; AADSTS700023 is out of its reach. What it can do is ask another tenant: the mock answers
 * that tenant's discovery document with AADSTS90002 (tenant not found), and msal-node reports
 * only its own endpoints_resolution_error, without the AADSTS code.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRAPH_RESOURCE, startInteropMock, type InteropMock } from "./harness.ts";
import { packageVersion, runNodeClient } from "./node-client.ts";
import { aadstsIn, claimsOf, outcomeOf } from "./outcome.ts";
import { ClientReport } from "./report.ts";

const VERSION = packageVersion("@azure/msal-node");
const GRAPH_SCOPE = `${GRAPH_RESOURCE}/.default`;

let mock: InteropMock;
beforeAll(async () => {
  mock = await startInteropMock();
});
afterAll(async () => {
  await mock?.close();
});

const configurations = [
  { name: "thumbprintSha256", alg: "PS256", headerName: "x5t#S256", thumbprint: (m: InteropMock) => m.thumbprintSha256Hex, other: (m: InteropMock) => m.unregistered.thumbprintSha256Hex },
  { name: "thumbprint", alg: "RS256", headerName: "x5t", thumbprint: (m: InteropMock) => m.thumbprintSha1Hex, other: (m: InteropMock) => m.unregistered.thumbprintSha1Hex },
] as const;

for (const config of configurations) {
  describe(`@azure/msal-node ${VERSION}, clientCertificate.${config.name}`, () => {
    const report = new ClientReport(`@azure/msal-node (${config.name})`, VERSION);
    afterAll(() => {
      report.finish();
    });

    const acquire = (thumbprint: string, privateKeyPath: string, tenant = mock.tenant) =>
      runNodeClient(mock, "msal-node", {
        clientId: mock.clientId,
        authority: `${mock.url}/${tenant}/`,
        knownAuthorities: [new URL(mock.url).host],
        clientCertificate: { [config.name]: thumbprint, privateKeyPath },
        scopes: [GRAPH_SCOPE],
      });

    it(`the registered certificate gets a Graph token (${config.alg} + ${config.headerName})`, async () => {
      const { answer, sent } = await acquire(config.thumbprint(mock), mock.keyPemPath);
      report.sent(sent);
      report.outcome("registered", outcomeOf(answer));
      expect(answer.error).toBeUndefined();
      expect(claimsOf(answer.accessToken!)).toMatchObject({ aud: GRAPH_RESOURCE, appid: mock.clientId, appidacr: "2", tid: mock.tenant });
      expect(sent).toHaveLength(1);
      expect(sent[0]!.header).toMatchObject({ alg: config.alg, [config.headerName]: Buffer.from(config.thumbprint(mock), "hex").toString("base64url") });
      expect(sent[0]!.payload).toMatchObject({ aud: `${mock.url}/${mock.tenant}/oauth2/v2.0/token`, iss: mock.clientId, sub: mock.clientId });
    });

    it("the registered thumbprint with a key that is not the certificate's fails with AADSTS700027", async () => {
      const { answer } = await acquire(config.thumbprint(mock), mock.wrongKeyPemPath);
      report.outcome("wrong key", outcomeOf(answer));
      expect(answer.ok).toBe(false);
      expect(answer.error?.message).toMatch(/AADSTS700027/);
    });

    it("an unregistered certificate fails with AADSTS700027", async () => {
      const { answer } = await acquire(config.other(mock), mock.unregistered.keyPemPath);
      report.outcome("unregistered", outcomeOf(answer));
      expect(answer.ok).toBe(false);
      expect(answer.error?.message).toMatch(/AADSTS700027/);
    });

    it("another tenant's authority stops at its discovery document (mock: AADSTS90002; msal-node: endpoints_resolution_error)", async () => {
      const before = mock.requests.length;
      const { answer, sent } = await acquire(config.thumbprint(mock), mock.keyPemPath, mock.otherTenant);
      const discovery = mock.requests.slice(before).find((r) => r.url === `${mock.url}/${mock.otherTenant}/v2.0/.well-known/openid-configuration`);
      report.outcome("other tenant", `${outcomeOf(answer).split(":")[0]} (mock: ${aadstsIn(discovery?.response?.body)})`);
      expect(discovery?.response?.body).toMatch(/AADSTS90002/);
      expect(sent).toHaveLength(0);
      expect(answer.ok).toBe(false);
      expect(answer.error?.errorCode).toBe("endpoints_resolution_error");
    });
  });
}
