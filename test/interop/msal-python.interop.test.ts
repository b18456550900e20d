/**
 * MSAL Python (Debian's python3-msal, /usr/bin/python3) against the mock over HTTPS:
 * ConfidentialClientApplication with client_credential {private_key, thumbprint} (RS256 + x5t),
 * and with public_certificate as well (x5c), instance_discovery=False.
 *
 * What MSAL Python sends differs from the Node and .NET clients: x5t is base64url WITH "="
 * padding, exp and iat are fractions (time.time()), and each x5c entry keeps the PEM's line
 * breaks. Entra accepts these; so must the mock. These tests assert what Entra does (a token, or
 * the AADSTS code Entra gives for the case), whatever the mock answers today.
 *
 * Another tenant: MSAL Python signs aud for the token endpoint of its authority, but lets the app
 * add claims (client_claims) that replace the defaults; aud pointed at another tenant's token
 * endpoint and posted to this one is Entra's AADSTS700023.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GRAPH_RESOURCE, skipNote, startInteropMock, type InteropMock } from "./harness.ts";
import { claimsOf } from "./outcome.ts";
import { msalPythonAvailability, pythonOutcome, runMsalPython, type PythonAnswer, type PythonJob } from "./python-client.ts";
import { ClientReport } from "./report.ts";

const GRAPH_SCOPE = `${GRAPH_RESOURCE}/.default`;
const python = await msalPythonAvailability();
if (!python.ok) skipNote("MSAL Python", python.reason);
const skip = !python.ok;
const why = python.ok ? "" : ` [skipped: ${python.reason}]`;
const VERSION = python.ok ? python.version : "not installed";

let mock: InteropMock;
beforeAll(async () => {
  if (skip) return;
  mock = await startInteropMock();
});
afterAll(async () => {
  await mock?.close();
});

/** Why a token request did not give a token, for the assertion message. */
const explain = (answer: PythonAnswer) => `${pythonOutcome(answer)}: ${answer.result?.error_description ?? answer.exception ?? ""}`;

const configurations = [
  { name: "thumbprint", publicCertificate: false },
  { name: "thumbprint + public_certificate (x5c)", publicCertificate: true },
] as const;

for (const config of configurations) {
  describe(`MSAL Python ${VERSION}, client_credential ${config.name}`, () => {
    const report = new ClientReport(`MSAL Python (${config.name})`, VERSION);
    afterAll(() => {
      if (!skip) report.finish();
    });

    const job = (overrides: Partial<PythonJob> = {}): PythonJob => ({
      authority: `${mock.url}/${mock.tenant}`,
      client_id: mock.clientId,
      scopes: [GRAPH_SCOPE],
      private_key_path: mock.keyPemPath,
      thumbprint: mock.thumbprintSha1Hex,
      ...(config.publicCertificate ? { public_certificate_path: mock.certPemPath } : {}),
      instance_discovery: false,
      ...overrides,
    });

    it.skipIf(skip)(`the registered certificate gets a Graph token${why}`, async () => {
      const { answer, sent } = await runMsalPython(mock, job());
      report.sent(sent);
      report.outcome("registered", pythonOutcome(answer));
      expect(answer.refused).toEqual([]);
      expect(sent).toHaveLength(1);
      // What it sent: RS256, x5t = the SHA-1 thumbprint (base64url, padded or not), aud = the token endpoint.
      const header = sent[0]!.header as Record<string, unknown>;
      expect(header.alg).toBe("RS256");
      expect(Buffer.from(String(header.x5t), "base64url").toString("hex").toUpperCase()).toBe(mock.thumbprintSha1Hex);
      if (config.publicCertificate) expect(String((header.x5c as string[])[0]).replace(/\s/g, "")).toBe(readFileSync(mock.certDerPath).toString("base64"));
      expect(sent[0]!.payload).toMatchObject({ aud: `${mock.url}/${mock.tenant}/oauth2/v2.0/token`, iss: mock.clientId, sub: mock.clientId });
      // What Entra answers to that: a token.
      expect(answer.result?.access_token, explain(answer)).toBeTruthy();
      expect(claimsOf(answer.result!.access_token!)).toMatchObject({ aud: GRAPH_RESOURCE, appid: mock.clientId, appidacr: "2" });
    });

    it.skipIf(skip)(`the registered thumbprint with a key that is not the certificate's fails with AADSTS700027${why}`, async () => {
      const { answer } = await runMsalPython(mock, job({ private_key_path: mock.wrongKeyPemPath }));
      report.outcome("wrong key", pythonOutcome(answer));
      expect(answer.result?.error_codes, explain(answer)).toEqual([700027]);
    });

    it.skipIf(skip)(`an unregistered certificate fails with AADSTS700027${why}`, async () => {
      const { answer } = await runMsalPython(
        mock,
        job({ private_key_path: mock.unregistered.keyPemPath, thumbprint: mock.unregistered.thumbprintSha1Hex, ...(config.publicCertificate ? { public_certificate_path: mock.unregistered.certPemPath } : {}) }),
      );
      report.outcome("unregistered", pythonOutcome(answer));
      expect(answer.result?.error_codes, explain(answer)).toEqual([700027]);
    });

    it.skipIf(skip)(`aud of another tenant's token endpoint (client_claims) fails with AADSTS700023${why}`, async () => {
      const otherAud = `${mock.url}/${mock.otherTenant}/oauth2/v2.0/token`;
      const { answer, sent } = await runMsalPython(mock, job({ client_claims: { aud: otherAud } }));
      report.outcome("other tenant aud", pythonOutcome(answer));
      expect(sent[0]?.payload?.aud).toBe(otherAud);
      expect(answer.result?.error_codes, explain(answer)).toEqual([700023]);
    });
  });
}

describe(`MSAL Python ${VERSION}: instance discovery and the authority's port`, () => {
  const base = (): PythonJob => ({
    authority: `${mock.url}/${mock.tenant}`,
    client_id: mock.clientId,
    scopes: [GRAPH_SCOPE],
    private_key_path: mock.keyPemPath,
    thumbprint: mock.thumbprintSha1Hex,
  });
  const authorizationEndpointOf = (url: string | undefined) => (url ? new URL(url).searchParams.get("authorization_endpoint") : null);

  it.skipIf(skip)(`instance_discovery=False: no instance discovery; tenant discovery keeps the port${why}`, async () => {
    const { answer } = await runMsalPython(mock, { ...base(), instance_discovery: false });
    console.log(`interop: MSAL Python ${VERSION} instance_discovery=False asked for: ${answer.requests.join(" , ")}`);
    expect(answer.refused).toEqual([]);
    expect(answer.requests.some((u) => /\/discovery\/instance/.test(u))).toBe(false);
    expect(answer.requests[0]).toBe(`${mock.url}/${mock.tenant}/v2.0/.well-known/openid-configuration`);
  });

  it.skipIf(skip)(`default instance discovery goes to login.microsoftonline.com (stopped by the guard); which authorization_endpoint it names${why}`, async () => {
    const { answer } = await runMsalPython(mock, base());
    const asked = authorizationEndpointOf(answer.refused[0]);
    console.log(`interop: MSAL Python ${VERSION} default instance discovery: ${answer.refused[0]} (authorization_endpoint ${asked}; ${asked?.includes(new URL(mock.url).host) ? "keeps" : "DROPS"} the port)`);
    expect(new URL(answer.refused[0] ?? "https://none/").host).toBe("login.microsoftonline.com");
    expect(asked).toMatch(new RegExp(`^https://127\\.0\\.0\\.1(:\\d+)?/${mock.tenant}/oauth2/v2\\.0/authorize$`));
    expect(answer.result).toBeNull(); // the guard's refusal ends it: no token, no traffic off the machine
  });

  it.skipIf(skip)(`instance_discovery=<the mock's endpoint>: the authorization_endpoint it sends, and the outcome${why}`, async () => {
    const before = mock.requests.length;
    const { answer } = await runMsalPython(mock, { ...base(), instance_discovery: `${mock.url}/common/discovery/instance` });
    const call = mock.requests.slice(before).find((r) => new URL(r.url).pathname === "/common/discovery/instance");
    const asked = authorizationEndpointOf(call?.url);
    console.log(`interop: MSAL Python ${VERSION} instance_discovery=<mock>: authorization_endpoint ${asked}; mock answered ${call?.response?.status}; outcome ${pythonOutcome(answer)}`);
    expect(answer.refused).toEqual([]);
    expect(asked).toMatch(new RegExp(`^https://127\\.0\\.0\\.1(:\\d+)?/${mock.tenant}/oauth2/v2\\.0/authorize$`));
  });
});
