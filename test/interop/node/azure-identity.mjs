// @azure/identity's ClientCertificateCredential as an app uses it: a PEM file (certificate + key),
// authorityHost at the mock, no instance discovery, trust through NODE_EXTRA_CA_CERTS.
import { ClientCertificateCredential } from "@azure/identity";
import { errorFacts, readJob, reply } from "./job.mjs";

const job = await readJob();
try {
  const credential = new ClientCertificateCredential(job.tenantId, job.clientId, job.certificatePath, {
    authorityHost: job.authorityHost,
    disableInstanceDiscovery: true,
    sendCertificateChain: job.sendCertificateChain,
  });
  const token = await credential.getToken(job.scopes);
  reply({ ok: true, accessToken: token.token, expiresOnTimestamp: token.expiresOnTimestamp });
} catch (error) {
  reply({ ok: false, error: errorFacts(error) });
}
