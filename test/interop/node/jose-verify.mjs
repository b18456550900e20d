// jose verifying an access token the way an API does: jwks_uri and issuer from the OpenID
// discovery document, createRemoteJWKSet, jwtVerify (global fetch, NODE_EXTRA_CA_CERTS).
import { createRemoteJWKSet, jwtVerify } from "jose";
import { errorFacts, readJob, reply } from "./job.mjs";

const job = await readJob();
try {
  const discovery = await (await fetch(job.discoveryUrl)).json();
  const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
  const { payload, protectedHeader } = await jwtVerify(job.token, jwks, {
    issuer: job.issuer ?? discovery.issuer,
    audience: job.audience,
    algorithms: ["RS256"],
  });
  reply({ ok: true, payload, protectedHeader, jwksUri: discovery.jwks_uri, issuer: discovery.issuer });
} catch (error) {
  reply({ ok: false, error: errorFacts(error) });
}
