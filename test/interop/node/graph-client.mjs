// @microsoft/microsoft-graph-client calling the mock's Graph (baseUrl …/graph, customHosts
// 127.0.0.1), with a token from @azure/identity through the SDK's TokenCredentialAuthenticationProvider.
import { ClientCertificateCredential } from "@azure/identity";
import { Client } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import { errorFacts, readJob, reply } from "./job.mjs";

const job = await readJob();
const credential = new ClientCertificateCredential(job.tenantId, job.clientId, job.certificatePath, {
  authorityHost: job.authorityHost,
  disableInstanceDiscovery: true,
});
const client = Client.initWithMiddleware({
  authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: job.scopes }),
  baseUrl: job.baseUrl,
  customHosts: new Set(job.customHosts),
});
try {
  // A job with a body POSTs it (Graph's addKey / removeKey); otherwise GET.
  const body = job.body === undefined ? await client.api(job.path).get() : await client.api(job.path).post(job.body);
  reply({ ok: true, status: 200, body });
} catch (error) {
  reply({ ok: false, error: errorFacts(error) });
}
