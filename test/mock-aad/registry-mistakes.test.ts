/**
 * A registry written by hand (in-process) that the mock cannot use, or a request that does not
 * match it: the answer keeps Entra's shape, and the mock says what did not match (in the answer
 * for its own 500, in the log line otherwise: Entra's own texts stay Entra's).
 */
import { describe, expect, it } from "vitest";
import { registryProblem } from "../../mock-aad/registry-check.ts";
import { defaultRegistry, type RequestLogEntry } from "../../mock-aad/index.ts";
import { assertion, makeCertificate, makeMock, registryWith, tokenForm, tokenRequest, type TestCertificate } from "./helpers.ts";

const CONTOSO = "11111111-2222-4333-8444-555555555555";
const aud = (tenant: string) => `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`;

async function ask(registry: ReturnType<typeof defaultRegistry>, jwt: string, tenant = CONTOSO) {
  const log: RequestLogEntry[] = [];
  const mock = makeMock(registry, { onRequest: (e) => log.push(e) });
  const response = await mock.handle(tokenRequest(tokenForm(jwt), { tenant }));
  return { status: response.status, body: (await response.json()) as { error_codes: number[]; error_description: string }, log: log[0]! };
}

describe("a registry the mock cannot use: AADSTS50000 that says which entry and field", () => {
  let cert: TestCertificate;
  it("a tenant without domains", async () => {
    cert = await makeCertificate();
    const registry = registryWith({ cert });
    registry.tenants.push({ id: CONTOSO, displayName: "Contoso", createdDateTime: new Date() } as never);
    registry.applications[0]!.tenantId = CONTOSO;
    const r = await ask(registry, assertion(cert, { aud: aud(CONTOSO) }));
    expect([r.status, r.body.error_codes]).toEqual([500, [50000]]);
    expect(r.body.error_description).toMatch(/^AADSTS50000: There was an error issuing a token or an issue with our sign-in service\. mock-aad: in the registry given to createMockAad, tenant 11111111-2222-4333-8444-555555555555 needs domains, an array of strings/);
    expect(r.log.detail).toMatch(/^the registry: tenant 11111111-.* needs domains/);
  });

  it("what registryProblem finds, entry by entry", () => {
    const r = () => defaultRegistry();
    expect(registryProblem(r())).toBeUndefined();
    const text = (mutate: (x: ReturnType<typeof defaultRegistry>) => void) => {
      const x = r();
      mutate(x);
      return registryProblem(x);
    };
    expect(text((x) => ((x.tenants[0] as { createdDateTime: unknown }).createdDateTime = "2024-01-15"))).toMatch(/needs createdDateTime as a Date.*not a string \("2024-01-15"\)/);
    expect(text((x) => (x.applications[0]!.tenantId = "contoso.onmicrosoft.com"))).toMatch(/tenantId contoso\.onmicrosoft\.com, which matches no tenant id .*use a tenant's id, not one of its domains/);
    expect(text((x) => ((x.applications[0] as { enabled?: boolean }).enabled = undefined))).toMatch(/needs enabled: true/);
    expect(text((x) => ((x.applications[0]!.keyCredentials as unknown[]) = [new Uint8Array(3)]))).toMatch(/keyCredentials\[0\] has no certificateDer bytes: make it with keyCredential\(certificate\)/);
    expect(text((x) => ((x.resources[0] as { accessTokenVersion: number }).accessTokenVersion = 3))).toMatch(/accessTokenVersion must be 1 or 2/);
  });
});

describe("a request that does not match the registry: Entra's answer, and the log says what did not match", () => {
  it("aud names another tenant (700023)", async () => {
    const cert = await makeCertificate();
    const registry = registryWith({ cert });
    registry.tenants.push({ id: CONTOSO, displayName: "Contoso", domains: [], createdDateTime: new Date() });
    registry.applications[0]!.tenantId = CONTOSO;
    const r = await ask(registry, assertion(cert)); // aud: the demo tenant's endpoint
    expect(r.body.error_codes).toEqual([700023]);
    expect(r.log.detail).toContain(`is not the token endpoint of tenant ${CONTOSO}; it accepts ${aud(CONTOSO)}`);
  });

  it("an unknown tenant (90002) and an app in another tenant (700016)", async () => {
    const cert = await makeCertificate();
    const registry = registryWith({ cert });
    const unknown = await ask(registry, assertion(cert), CONTOSO);
    expect(unknown.body.error_codes).toEqual([90002]);
    expect(unknown.log.detail).toMatch(/^no tenant in the registry has the id or domain 11111111-.*; it has 4f1c2d3e-/);
    registry.tenants.push({ id: CONTOSO, displayName: "Contoso", domains: [], createdDateTime: new Date() });
    const elsewhere = await ask(registry, assertion(cert, { aud: aud(CONTOSO) }), CONTOSO);
    expect(elsewhere.body.error_codes).toEqual([700016]);
    expect(elsewhere.log.detail).toMatch(/^application 8a7b6c5d-.* is registered in tenant 4f1c2d3e-.*, not in 11111111-/);
  });
});
