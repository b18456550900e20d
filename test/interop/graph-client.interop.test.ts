/**
 * @microsoft/microsoft-graph-client, run as its own program (node/graph-client.mjs): the SDK's
 * TokenCredentialAuthenticationProvider over @azure/identity's ClientCertificateCredential, and
 * the mock's Graph at baseUrl …/graph, with customHosts so that the SDK sends the token to
 * 127.0.0.1 at all (it only authenticates requests to Graph hosts or custom hosts).
 *
 * The token comes from @azure/identity (its own file covers another tenant: the SDK adds nothing
 * there). Here: the registered certificate lists users; a token for another API is refused by
 * Graph with 401; the assertion failures reach the SDK's caller with their AADSTS code.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_API_RESOURCE, GRAPH_RESOURCE, startInteropMock, writeSecretFile, type InteropMock } from "./harness.ts";
import { graphClientJob, packageVersion, runNodeClient } from "./node-client.ts";
import { outcomeOf } from "./outcome.ts";
import { ClientReport } from "./report.ts";

const VERSION = packageVersion("@microsoft/microsoft-graph-client");

let mock: InteropMock;
let wrongKeyPem: string;
let unregisteredPem: string;
beforeAll(async () => {
  mock = await startInteropMock();
  const text = (path: string) => readFileSync(path, "utf8");
  wrongKeyPem = writeSecretFile(join(mock.dir, "registered-cert-wrong-key.pem"), text(mock.certPemPath) + text(mock.wrongKeyPemPath));
  unregisteredPem = writeSecretFile(join(mock.dir, "unregistered-combined.pem"), text(mock.unregistered.certPemPath) + text(mock.unregistered.keyPemPath));
});
afterAll(async () => {
  await mock?.close();
});

describe(`@microsoft/microsoft-graph-client ${VERSION} with TokenCredentialAuthenticationProvider`, () => {
  const report = new ClientReport("@microsoft/microsoft-graph-client", VERSION);
  afterAll(() => {
    report.finish();
  });

  const listUsers = (certificatePath: string, resource = GRAPH_RESOURCE) => runNodeClient(mock, "graph-client", graphClientJob(mock, certificatePath, "/users", { resource }));

  it("the registered certificate: GET /v1.0/users answers 200 with the users", async () => {
    const before = mock.requests.length;
    const { answer, sent } = await listUsers(mock.combinedPemPath);
    report.sent(sent);
    report.outcome("registered", answer.ok ? "200" : outcomeOf(answer));
    expect(answer.error).toBeUndefined();
    const body = answer.body as { value: Array<{ id: string }> };
    expect(body.value.length).toBeGreaterThan(0);
    const call = mock.requests.slice(before).find((r) => r.method === "GET" && new URL(r.url).pathname === "/graph/v1.0/users");
    expect(call?.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(call?.response?.status).toBe(200);
    expect(call?.headers.sdkversion).toContain(`graph-js/${VERSION}`);
  });

  it("a token for another API (the demo API) is refused by Graph: 401 InvalidAuthenticationToken", async () => {
    const { answer } = await listUsers(mock.combinedPemPath, DEMO_API_RESOURCE);
    report.outcome("token for another API", outcomeOf(answer));
    expect(answer.ok).toBe(false);
    expect(answer.error).toMatchObject({ statusCode: 401, code: "InvalidAuthenticationToken" });
  });

  it("the registered certificate with a key that is not its own: the call fails with AADSTS700027", async () => {
    const { answer } = await listUsers(wrongKeyPem);
    report.outcome("wrong key", outcomeOf(answer));
    expect(answer.ok).toBe(false);
    expect(answer.error?.message).toMatch(/AADSTS700027/);
  });

  it("an unregistered certificate: the call fails with AADSTS700027", async () => {
    const { answer } = await listUsers(unregisteredPem);
    report.outcome("unregistered", outcomeOf(answer));
    expect(answer.ok).toBe(false);
    expect(answer.error?.message).toMatch(/AADSTS700027/);
  });
});
