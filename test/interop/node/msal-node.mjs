// @azure/msal-node as an app uses it: ConfidentialClientApplication with a certificate, the
// default HTTP client (global fetch), trust through NODE_EXTRA_CA_CERTS.
import { readFileSync } from "node:fs";
import { ConfidentialClientApplication } from "@azure/msal-node";
import { errorFacts, readJob, reply } from "./job.mjs";

const job = await readJob();
const { privateKeyPath, x5cPath, ...thumbprints } = job.clientCertificate;
const clientCertificate = { ...thumbprints, privateKey: readFileSync(privateKeyPath, "utf8"), ...(x5cPath ? { x5c: readFileSync(x5cPath, "utf8") } : {}) };
try {
  const app = new ConfidentialClientApplication({
    auth: { clientId: job.clientId, authority: job.authority, knownAuthorities: job.knownAuthorities, clientCertificate },
  });
  const result = await app.acquireTokenByClientCredential({ scopes: job.scopes });
  reply({ ok: true, accessToken: result?.accessToken, tokenType: result?.tokenType });
} catch (error) {
  reply({ ok: false, error: errorFacts(error) });
}
