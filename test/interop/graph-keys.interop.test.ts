/**
 * @microsoft/microsoft-graph-client (node/graph-client.mjs, a program of its own) rolling the app's
 * certificate on the HTTPS mock: POST /applications/{id}/addKey with a proof signed here by
 * node:crypto with the registered key, then removeKey of the old key with a proof by the new key.
 * Graph's SDK reads the mock's answers as it reads Graph's: the keyCredential on 200, nothing on
 * 204, and a refused proof as a GraphError with statusCode 401 and code Authentication_MissingOrMalformed.
 */
import { createPrivateKey, sign, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_APP_OBJECT_ID, keyCredential } from "../../mock-aad/index.ts";
import { startInteropMock, writeSecretFile, type InteropMock } from "./harness.ts";
import { graphClientJob, packageVersion, runNodeClient } from "./node-client.ts";

const VERSION = packageVersion("@microsoft/microsoft-graph-client");

let mock: InteropMock;
beforeAll(async () => {
  mock = await startInteropMock();
});
afterAll(async () => {
  await mock?.close();
});

/** A proof as Microsoft's sample makes it (RS256 + x5t, aud 00000002-…, iss = object id, 10 minutes), by node:crypto. */
function proof(certPemPath: string, keyPemPath: string, claims: Record<string, unknown> = {}): string {
  const cert = new X509Certificate(readFileSync(certPemPath));
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const input = `${b64({ alg: "RS256", typ: "JWT", x5t: Buffer.from(cert.fingerprint.replace(/:/g, ""), "hex").toString("base64url") })}.${b64({ aud: "00000002-0000-0000-c000-000000000000", iss: DEMO_APP_OBJECT_ID, nbf: now, exp: now + 600, ...claims })}`;
  return `${input}.${sign("sha256", Buffer.from(input), createPrivateKey(readFileSync(keyPemPath))).toString("base64url")}`;
}

describe(`@microsoft/microsoft-graph-client ${VERSION}: addKey and removeKey on the mock`, () => {
  const call = (certificatePath: string, path: string, body: unknown) => runNodeClient(mock, "graph-client", graphClientJob(mock, certificatePath, path, { body }));
  const newCertDer = () => new X509Certificate(readFileSync(mock.unregistered.certPemPath)).raw.toString("base64");

  it("a proof with Microsoft Graph's ID as aud: the SDK throws GraphError 401 Authentication_MissingOrMalformed", async () => {
    const body = { keyCredential: { type: "AsymmetricX509Cert", usage: "Verify", key: newCertDer() }, passwordCredential: null, proof: proof(mock.certPemPath, mock.keyPemPath, { aud: "00000003-0000-0000-c000-000000000000" }) };
    const { answer } = await call(mock.combinedPemPath, `/applications/${DEMO_APP_OBJECT_ID}/addKey`, body);
    expect(answer.ok).toBe(false);
    expect(answer.error).toMatchObject({ statusCode: 401, code: "Authentication_MissingOrMalformed" });
    expect(answer.error?.message).toMatch(/^Access Token missing or malformed\./);
  });

  it("addKey with the registered key's proof, then removeKey with the new key's: the new certificate signs in, the old one no longer", async () => {
    const body = { keyCredential: { type: "AsymmetricX509Cert", usage: "Verify", key: newCertDer() }, passwordCredential: null, proof: proof(mock.certPemPath, mock.keyPemPath) };
    const added = await call(mock.combinedPemPath, `/applications/${DEMO_APP_OBJECT_ID}/addKey`, body);
    expect(added.answer.error).toBeUndefined();
    const credential = added.answer.body as { keyId: string; customKeyIdentifier: string; type: string };
    expect(credential).toMatchObject({ customKeyIdentifier: mock.unregistered.thumbprintSha1Hex, type: "AsymmetricX509Cert" });

    const newCombined = writeSecretFile(`${mock.dir}/new-combined.pem`, readFileSync(mock.unregistered.certPemPath, "utf8") + readFileSync(mock.unregistered.keyPemPath, "utf8"));
    const oldKeyId = keyCredential(new Uint8Array(readFileSync(mock.certDerPath))).keyId; // the mock derives it from the DER
    const removed = await call(newCombined, `/applications(appId='${mock.clientId}')/removeKey`, { keyId: oldKeyId, proof: proof(mock.unregistered.certPemPath, mock.unregistered.keyPemPath) });
    expect(removed.answer.error).toBeUndefined();
    expect(removed.answer.ok).toBe(true);

    const oldOne = await call(mock.combinedPemPath, "/users", undefined);
    expect(oldOne.answer.error?.message).toMatch(/AADSTS700027/);
    const newOne = await call(newCombined, "/users", undefined);
    expect(newOne.answer.ok).toBe(true);
  });
});
