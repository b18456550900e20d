// The Azure SDK for Key Vault as a Function app uses it: @azure/identity's ManagedIdentityCredential
// from App Service's IDENTITY_ENDPOINT and IDENTITY_HEADER, @azure/keyvault-keys (KeyClient list and
// getKey, CryptographyClient sign and verify) and @azure/keyvault-certificates (getCertificate),
// trust through NODE_EXTRA_CA_CERTS. The private key stays in the vault: the client gets signatures.
import { ManagedIdentityCredential } from "@azure/identity";
import { CertificateClient } from "@azure/keyvault-certificates";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { errorFacts, readJob, reply } from "./job.mjs";

const job = await readJob();
// As App Service sets them for the app; MSAL reads them when the credential is made.
process.env.IDENTITY_ENDPOINT = job.identityEndpoint;
process.env.IDENTITY_HEADER = job.identityHeader;
const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
const steps = [];
try {
  const credential = new ManagedIdentityCredential();
  const token = await credential.getToken("https://vault.azure.net/.default");
  steps.push("token");
  // The SDKs check that the challenge's resource (vault.azure.net) is a suffix of the vault's host;
  // the mock is served at 127.0.0.1, so that check would refuse it. A real vault needs no such option.
  const options = { disableChallengeResourceVerification: job.disableChallengeResourceVerification };
  const keys = new KeyClient(job.vaultUrl, credential, options);
  const listed = [];
  for await (const properties of keys.listPropertiesOfKeys()) listed.push(properties.name);
  steps.push("list");
  const key = await keys.getKey(job.name);
  steps.push("getKey");
  const certificates = new CertificateClient(job.vaultUrl, credential, options);
  const certificate = await certificates.getCertificate(job.name);
  steps.push("getCertificate");
  const digest = Buffer.from(job.digest, "base64url");
  const cryptography = new CryptographyClient(key.id, credential, options);
  const signed = await cryptography.sign(job.alg, digest);
  steps.push("sign");
  const verified = await cryptography.verify(job.alg, digest, signed.result);
  const tampered = Buffer.from(signed.result);
  tampered[7] ^= 1;
  const refused = await cryptography.verify(job.alg, digest, tampered);
  steps.push("verify");
  reply({
    ok: true,
    steps,
    tokenExpiresOn: token.expiresOnTimestamp,
    listed,
    key: { id: key.id, kty: key.keyType, n: b64url(key.key.n), e: b64url(key.key.e), hasD: key.key.d !== undefined },
    certificate: { id: certificate.id, keyId: certificate.keyId, secretId: certificate.secretId, x5t: b64url(certificate.properties.x509Thumbprint), cer: Buffer.from(certificate.cer).toString("base64"), enabled: certificate.properties.enabled, expiresOn: certificate.properties.expiresOn?.toISOString() },
    signature: b64url(signed.result),
    signedKeyId: signed.keyID,
    verified: verified.result,
    tamperedVerified: refused.result,
  });
} catch (error) {
  reply({ ok: false, steps, error: errorFacts(error) });
}
