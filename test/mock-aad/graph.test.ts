/**
 * The mock Microsoft Graph's directory endpoints (organization, applications, servicePrincipals):
 * tokens come from the mock itself; every answer is checked against Graph's documented shapes, and
 * every error against Graph's error shape. Independent checks where the mock computes something:
 * the thumbprint with node:crypto's X509Certificate, the service principal ID with the token's oid.
 */
import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { DEMO_TENANT_DOMAIN } from "../../lib/entra/demo.ts";
import type { MockAad } from "../../mock-aad/core.ts";
import {
  DEMO_APP_OBJECT_ID,
  DEMO_SERVICE_PRINCIPAL_ID,
  DEMO_TENANT_DISPLAY_NAME,
  defaultResources,
  GRAPH_APP_ID,
  keyCredential,
  type Registry,
} from "../../mock-aad/registry.ts";
import { assertion, DEMO_CLIENT_ID, DEMO_TENANT_ID, decodeJwt, ENTRA, tokenForm, makeCertificate, makeMock, registryWith, tokenRequest, type TestCertificate } from "./helpers.ts";
import { expectGraphError } from "./graph-error.ts";

const GRAPH = "https://graph.microsoft.com";
const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY_ID = "11111111-2222-4333-8444-555555555555"; // registryWith's keyId

/** A second tenant with its own app (same certificate), to see that answers follow the token's tid. */
const OTHER_TENANT = "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
const OTHER_APP = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

let app: TestCertificate;
beforeAll(async () => {
  app = await makeCertificate(2048);
});

/** The demo registry (demo app with `app`), its Graph grants replaced when given. */
function registry(graphRoles?: string[]): Registry {
  const r = registryWith({ cert: app });
  if (graphRoles) r.applications[0]!.appRoleGrants[GRAPH_APP_ID] = graphRoles;
  return r;
}

function withOtherTenant(r: Registry): Registry {
  r.tenants.push({ id: OTHER_TENANT, displayName: "Contoso Other", domains: ["contoso.example", "contoso-other.onmicrosoft.com"], createdDateTime: new Date("2023-03-04T05:06:07Z") });
  r.applications.push({
    appId: OTHER_APP,
    objectId: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
    servicePrincipalId: "c3d4e5f6-a7b8-4c9d-8e0f-2a3b4c5d6e7f",
    displayName: "Other tenant's app",
    tenantId: OTHER_TENANT,
    enabled: true,
    keyCredentials: [keyCredential(app.der)],
    appRoleGrants: { [GRAPH_APP_ID]: ["Directory.Read.All"] },
    azureRoles: [],
  });
  return r;
}

async function token(mock: MockAad, scope = GRAPH_SCOPE): Promise<string> {
  const response = await mock.handle(tokenRequest(tokenForm(assertion(app), { scope })));
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function otherTenantToken(mock: MockAad): Promise<string> {
  const aud = `${ENTRA}/${OTHER_TENANT}/oauth2/v2.0/token`;
  const jwt = assertion(app, { aud, iss: OTHER_APP, sub: OTHER_APP });
  const response = await mock.handle(tokenRequest(tokenForm(jwt, { client_id: OTHER_APP }), { tenant: OTHER_TENANT }));
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

function get(mock: MockAad, path: string, bearer?: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (bearer !== undefined) headers.set("Authorization", `Bearer ${bearer}`);
  return mock.handle(new Request(`${GRAPH}${path}`, { ...init, headers }));
}

async function ok(response: Response): Promise<any> {
  const body = await response.clone().text();
  expect(response.status, body).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^application\/json;odata\.metadata=minimal/);
  expect(response.headers.get("request-id")).toMatch(GUID);
  return JSON.parse(body);
}

describe("GET /organization", () => {
  test("with Organization.Read.All: the token's tenant, in Graph's collection shape", async () => {
    const mock = makeMock(registry(["Organization.Read.All"]));
    const body = await ok(await get(mock, "/v1.0/organization", await token(mock)));
    expect(Object.keys(body)).toEqual(["@odata.context", "value"]);
    expect(body["@odata.context"]).toBe("https://graph.microsoft.com/v1.0/$metadata#organization");
    expect(body.value).toHaveLength(1);
    const org = body.value[0];
    expect(org).toMatchObject({ id: DEMO_TENANT_ID, displayName: DEMO_TENANT_DISPLAY_NAME, tenantType: "AAD", createdDateTime: "2024-01-15T09:30:00Z", deletedDateTime: null, businessPhones: [] });
    expect(org.verifiedDomains).toEqual([{ capabilities: "Email, OfficeCommunicationsOnline", isDefault: true, isInitial: true, name: DEMO_TENANT_DOMAIN, type: "Managed" }]);
  });

  test("Directory.Read.All (or a ReadWrite permission) also reads it", async () => {
    for (const role of ["Directory.Read.All", "Organization.ReadWrite.All", "Directory.ReadWrite.All"]) {
      const mock = makeMock(registry([role]));
      const t = await token(mock);
      expect(decodeJwt(t).claims.roles, role).toEqual([role]);
      expect((await get(mock, "/v1.0/organization", t)).status, role).toBe(200);
    }
  });

  test("the demo app has Organization.Read.All (Get-MgOrganization works); an app without it gets 403 Authorization_RequestDenied", async () => {
    const demo = makeMock(registry());
    const demoToken = await token(demo);
    expect(decodeJwt(demoToken).claims.roles).toEqual(["Application.Read.All", "Organization.Read.All", "User.Read.All"]);
    expect((await get(demo, "/v1.0/organization", demoToken)).status).toBe(200);
    const mock = makeMock(registry(["Application.Read.All", "User.Read.All"]));
    const t = await token(mock);
    expect(decodeJwt(t).claims.roles).toEqual(["Application.Read.All", "User.Read.All"]);
    const response = await get(mock, "/v1.0/organization", t);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer .*error="insufficient_scope".*Organization\.Read\.All/);
    await expectGraphError(response, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
  });

  test("another tenant's token gets that tenant: default and initial domains told apart", async () => {
    const mock = makeMock(withOtherTenant(registry()));
    const body = await ok(await get(mock, "/v1.0/organization", await otherTenantToken(mock)));
    expect(body.value.map((o: { id: string }) => o.id)).toEqual([OTHER_TENANT]);
    expect(body.value[0].verifiedDomains).toEqual([
      { capabilities: "None", isDefault: true, isInitial: false, name: "contoso.example", type: "Managed" },
      { capabilities: "Email, OfficeCommunicationsOnline", isDefault: false, isInitial: true, name: "contoso-other.onmicrosoft.com", type: "Managed" },
    ]);
  });

  test("/organization/{id}: the entity when id is the tenant, 404 otherwise; $select projects; /beta and /graph/ too", async () => {
    const mock = makeMock(registry(["Organization.Read.All"]));
    const t = await token(mock);
    const one = await ok(await get(mock, `/v1.0/organization/${DEMO_TENANT_ID}`, t));
    expect(one["@odata.context"]).toBe("https://graph.microsoft.com/v1.0/$metadata#organization/$entity");
    expect(one.id).toBe(DEMO_TENANT_ID);
    await expectGraphError(await get(mock, `/v1.0/organization/${OTHER_TENANT}`, t), 404, "Request_ResourceNotFound", `Resource '${OTHER_TENANT}' does not exist or one of its queried reference-property objects are not present.`);

    const selected = await ok(await get(mock, "/v1.0/organization?$select=displayName,id", t));
    expect(selected["@odata.context"]).toBe("https://graph.microsoft.com/v1.0/$metadata#organization(displayName,id)");
    expect(selected.value).toEqual([{ id: DEMO_TENANT_ID, displayName: DEMO_TENANT_DISPLAY_NAME }]);

    const beta = await ok(await get(mock, "/beta/organization", t));
    expect(beta["@odata.context"]).toBe("https://graph.microsoft.com/beta/$metadata#organization");
    const local = await ok(await mock.handle(new Request("https://127.0.0.1:8443/graph/v1.0/organization", { headers: { Authorization: `Bearer ${t}` } })));
    expect(local.value[0].id).toBe(DEMO_TENANT_ID);
  });

  test("organization takes no $filter: 400 Request_BadRequest", async () => {
    const mock = makeMock(registry(["Organization.Read.All"]));
    await expectGraphError(await get(mock, `/v1.0/organization?$filter=${encodeURIComponent(`id eq '${DEMO_TENANT_ID}'`)}`, await token(mock)), 400, "Request_BadRequest", /Unsupported or invalid query filter clause specified for property 'id' of resource 'Organization'/);
  });
});

describe("GET /applications", () => {
  test("the collection: the tenant's registrations, keyCredentials with the certificate's SHA-1 thumbprint (checked by node:crypto)", async () => {
    const mock = makeMock(registry());
    const body = await ok(await get(mock, "/v1.0/applications", await token(mock)));
    expect(body["@odata.context"]).toBe("https://graph.microsoft.com/v1.0/$metadata#applications");
    expect(body.value).toHaveLength(1);
    const entry = body.value[0];
    expect(entry).toMatchObject({ id: DEMO_APP_OBJECT_ID, appId: DEMO_CLIENT_ID, displayName: "Entra workshop demo app" });
    const x = new X509Certificate(Buffer.from(app.der));
    expect(entry.keyCredentials).toEqual([
      {
        customKeyIdentifier: x.fingerprint.replaceAll(":", ""),
        displayName: "CN=mock-aad test 2048",
        endDateTime: new Date(x.validTo).toISOString().replace(".000Z", "Z"),
        key: null,
        keyId: KEY_ID,
        startDateTime: new Date(x.validFrom).toISOString().replace(".000Z", "Z"),
        type: "AsymmetricX509Cert",
        usage: "Verify",
      },
    ]);
    expect(entry.keyCredentials[0].customKeyIdentifier).toMatch(/^[0-9A-F]{40}$/);
    expect(entry.keyCredentials[0].startDateTime).toBe("2025-01-01T00:00:00Z");
  });

  test("$filter=appId eq '…': that app (any case), none for an unknown appId", async () => {
    const mock = makeMock(withOtherTenant(registry()));
    const t = await token(mock);
    for (const appId of [DEMO_CLIENT_ID, DEMO_CLIENT_ID.toUpperCase()]) {
      const body = await ok(await get(mock, `/v1.0/applications?$filter=${encodeURIComponent(`appId eq '${appId}'`)}`, t));
      expect(body.value.map((a: { appId: string }) => a.appId)).toEqual([DEMO_CLIENT_ID]);
    }
    // Another tenant's app is not visible from this tenant, even by appId.
    const other = await ok(await get(mock, `/v1.0/applications?$filter=${encodeURIComponent(`appId eq '${OTHER_APP}'`)}`, t));
    expect(other).toEqual({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications", value: [] });
    // …and that tenant's token sees only its own.
    const theirs = await ok(await get(mock, "/v1.0/applications", await otherTenantToken(mock)));
    expect(theirs.value.map((a: { appId: string }) => a.appId)).toEqual([OTHER_APP]);
  });

  test("$select=appId,displayName: only those, named in @odata.context; without the dollar too", async () => {
    const mock = makeMock(registry());
    const t = await token(mock);
    for (const query of ["$select=appId,displayName", "select=appId,displayName", "$select=APPID, displayName,appId"]) {
      const body = await ok(await get(mock, `/v1.0/applications?${query}&$filter=${encodeURIComponent(`appId eq '${DEMO_CLIENT_ID}'`)}`, t));
      expect(body["@odata.context"], query).toBe("https://graph.microsoft.com/v1.0/$metadata#applications(appId,displayName)");
      expect(body.value, query).toEqual([{ appId: DEMO_CLIENT_ID, displayName: "Entra workshop demo app" }]);
    }
  });

  test("/applications/{id} and /applications(appId='…'), with $select on the entity", async () => {
    const mock = makeMock(registry());
    const t = await token(mock);
    for (const path of [`/v1.0/applications/${DEMO_APP_OBJECT_ID}`, `/v1.0/applications/${DEMO_CLIENT_ID}`, `/v1.0/applications(appId='${DEMO_CLIENT_ID}')`]) {
      const body = await ok(await get(mock, path, t));
      expect(body["@odata.context"], path).toBe("https://graph.microsoft.com/v1.0/$metadata#applications/$entity");
      expect(body.id, path).toBe(DEMO_APP_OBJECT_ID);
    }
    const selected = await ok(await get(mock, `/v1.0/applications(appId='${DEMO_CLIENT_ID}')?$select=id,keyCredentials`, t));
    expect(Object.keys(selected)).toEqual(["@odata.context", "id", "keyCredentials"]);
    expect(selected["@odata.context"]).toBe("https://graph.microsoft.com/v1.0/$metadata#applications(id,keyCredentials)/$entity");
    // appId='…' is the appId only, not the object ID.
    await expectGraphError(await get(mock, `/v1.0/applications(appId='${DEMO_APP_OBJECT_ID}')`, t), 404, "Request_ResourceNotFound", new RegExp(`^Resource '${DEMO_APP_OBJECT_ID}' does not exist`));
    await expectGraphError(await get(mock, "/v1.0/applications/00000000-0000-4000-8000-00000000dead", t), 404, "Request_ResourceNotFound");
  });

  test("filters other than appId eq '…': 400, Graph-shaped", async () => {
    const mock = makeMock(registry());
    const t = await token(mock);
    const filter = (f: string) => get(mock, `/v1.0/applications?$filter=${encodeURIComponent(f)}`, t);
    await expectGraphError(await filter("displayName eq 'Entra workshop demo app'"), 400, "Request_BadRequest", /^Unsupported or invalid query filter clause specified for property 'displayName' of resource 'Application'\./);
    await expectGraphError(await filter(`appId ne '${DEMO_CLIENT_ID}'`), 400, "Request_BadRequest", /property 'appId'/);
    await expectGraphError(await filter("startswith(displayName,'Entra')"), 400, "BadRequest", /^Invalid filter clause/);
    await expectGraphError(await filter("appId eq"), 400, "BadRequest", /^Invalid filter clause/);
    await expectGraphError(await filter(`appId eq '${DEMO_CLIENT_ID}' or appId eq '${OTHER_APP}'`), 400, "BadRequest", /^Invalid filter clause/);
  });

  test("$select of an unknown property, or a malformed one: 400 BadRequest, also when nothing matches", async () => {
    const mock = makeMock(registry());
    const t = await token(mock);
    await expectGraphError(await get(mock, "/v1.0/applications?$select=appId,web", t), 400, "BadRequest", /^Could not find a property named 'web' on type 'microsoft\.graph\.application'\./);
    await expectGraphError(await get(mock, `/v1.0/applications?$select=nothing&$filter=${encodeURIComponent(`appId eq '${OTHER_APP}'`)}`, t), 400, "BadRequest", /'nothing'/);
    await expectGraphError(await get(mock, "/v1.0/applications?$select=", t), 400, "BadRequest", /^Invalid \$select clause/);
    await expectGraphError(await get(mock, "/v1.0/applications?$select=appId,,id", t), 400, "BadRequest", /^Invalid \$select clause/);
  });
});

describe("GET /servicePrincipals", () => {
  test("the app's own service principal: the token's oid, and Microsoft Graph's with its app roles", async () => {
    const mock = makeMock(registry());
    const t = await token(mock);
    const body = await ok(await get(mock, "/v1.0/servicePrincipals", t));
    expect(body["@odata.context"]).toBe("https://graph.microsoft.com/v1.0/$metadata#servicePrincipals");
    const own = body.value.find((sp: { appId: string }) => sp.appId === DEMO_CLIENT_ID);
    expect(own).toEqual({
      id: DEMO_SERVICE_PRINCIPAL_ID,
      accountEnabled: true,
      appDisplayName: "Entra workshop demo app",
      appId: DEMO_CLIENT_ID,
      appRoles: [],
      displayName: "Entra workshop demo app",
      servicePrincipalNames: [DEMO_CLIENT_ID],
      servicePrincipalType: "Application",
    });
    expect(own.id).toBe(decodeJwt(t).claims.oid); // independent: what the token says the caller is
    // One service principal per app and per resource, no duplicates.
    const appIds = body.value.map((sp: { appId: string }) => sp.appId);
    expect(new Set(appIds).size).toBe(appIds.length);
    expect(appIds).toEqual(expect.arrayContaining(defaultResources().map((r) => r.appId)));
  });

  test("$filter=appId eq Graph's: one resource service principal; appRoles are the registry's, with Graph's published IDs", async () => {
    const mock = makeMock(registry());
    const body = await ok(await get(mock, `/v1.0/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${GRAPH_APP_ID}'`)}`, await token(mock)));
    expect(body.value).toHaveLength(1);
    const graph = body.value[0];
    expect(graph).toMatchObject({ appId: GRAPH_APP_ID, displayName: "Microsoft Graph", accountEnabled: true, servicePrincipalType: "Application" });
    expect(graph.id).toMatch(GUID);
    expect(graph.servicePrincipalNames).toEqual(["https://graph.microsoft.com", GRAPH_APP_ID]);
    const graphResource = defaultResources().find((r) => r.appId === GRAPH_APP_ID)!;
    expect(graph.appRoles.map((r: { value: string }) => r.value).sort()).toEqual([...graphResource.appRoles].sort());
    const byValue = Object.fromEntries(graph.appRoles.map((r: { value: string }) => [r.value, r]));
    expect(byValue["Application.Read.All"]).toMatchObject({ id: "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", allowedMemberTypes: ["Application"], isEnabled: true, origin: "Application" });
    expect(byValue["User.Read.All"].id).toBe("df021288-bdef-4463-88db-98f22de89214");
    expect(byValue["Organization.Read.All"].id).toBe("498476ce-e0fe-48b0-b801-37ba7e2685c6");
  });

  test("/servicePrincipals/{id} and (appId='…'): the same entity as in the list; an appId as {id} is 404", async () => {
    const mock = makeMock(registry());
    const t = await token(mock);
    const listed = (await ok(await get(mock, `/v1.0/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${GRAPH_APP_ID}'`)}`, t))).value[0];
    const byId = await ok(await get(mock, `/v1.0/servicePrincipals/${listed.id}`, t));
    expect(byId).toEqual({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity", ...listed });
    const byAppId = await ok(await get(mock, `/v1.0/servicePrincipals(appId='${GRAPH_APP_ID}')?$select=id,appRoles`, t));
    expect(byAppId).toEqual({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals(id,appRoles)/$entity", id: listed.id, appRoles: listed.appRoles });
    expect((await ok(await get(mock, `/v1.0/servicePrincipals/${DEMO_SERVICE_PRINCIPAL_ID}`, t))).appId).toBe(DEMO_CLIENT_ID);
    await expectGraphError(await get(mock, `/v1.0/servicePrincipals/${DEMO_CLIENT_ID}`, t), 404, "Request_ResourceNotFound");
    await expectGraphError(await get(mock, `/v1.0/servicePrincipals(appId='${OTHER_APP}')`, t), 404, "Request_ResourceNotFound");
  });

  test("a resource's service principal ID is stable, and differs per tenant; a disabled app's is accountEnabled false", async () => {
    const r = withOtherTenant(registry());
    r.applications.push({ ...r.applications[0]!, appId: "d4e5f6a7-b8c9-4d0e-9f1a-3b4c5d6e7f80", objectId: "e5f6a7b8-c9d0-4e1f-8a2b-4c5d6e7f8091", servicePrincipalId: "f6a7b8c9-d0e1-4f2a-9b3c-5d6e7f8091a2", displayName: "Disabled app", enabled: false });
    const graphSp = async (mock: MockAad, t: string) =>
      (await ok(await get(mock, `/v1.0/servicePrincipals(appId='${GRAPH_APP_ID}')`, t))).id as string;
    const first = makeMock(r);
    const second = makeMock(r);
    const here = await graphSp(first, await token(first));
    expect(await graphSp(second, await token(second))).toBe(here);
    expect(await graphSp(first, await otherTenantToken(first))).not.toBe(here);
    const disabled = await ok(await get(first, "/v1.0/servicePrincipals(appId='d4e5f6a7-b8c9-4d0e-9f1a-3b4c5d6e7f80')", await token(first)));
    expect(disabled.accountEnabled).toBe(false);
  });

  test("unsupported filter and unknown $select: 400", async () => {
    const mock = makeMock(registry());
    const t = await token(mock);
    await expectGraphError(await get(mock, `/v1.0/servicePrincipals?$filter=${encodeURIComponent("servicePrincipalType eq 'Application'")}`, t), 400, "Request_BadRequest", /resource 'ServicePrincipal'/);
    await expectGraphError(await get(mock, "/v1.0/servicePrincipals?$select=appOwnerOrganizationId", t), 400, "BadRequest", /type 'microsoft\.graph\.servicePrincipal'/);
  });
});

describe("permissions and errors", () => {
  test("without Application.Read.All: 403 on applications and servicePrincipals, while users (User.Read.All) still answers", async () => {
    const mock = makeMock(registry(["User.Read.All"]));
    const t = await token(mock);
    for (const path of ["/v1.0/applications", `/v1.0/applications(appId='${DEMO_CLIENT_ID}')`, "/v1.0/servicePrincipals", `/v1.0/servicePrincipals/${DEMO_SERVICE_PRINCIPAL_ID}`]) {
      const response = await get(mock, path, t);
      expect(response.headers.get("www-authenticate"), path).toMatch(/error="insufficient_scope".*Application\.Read\.All/);
      await expectGraphError(response, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    }
    expect((await get(mock, "/v1.0/users", t)).status).toBe(200);
  });

  test("Directory.Read.All opens all of them; no roles at all opens none", async () => {
    const broad = makeMock(registry(["Directory.Read.All"]));
    const t = await token(broad);
    for (const path of ["/v1.0/organization", "/v1.0/applications", "/v1.0/servicePrincipals", "/v1.0/users"]) expect((await get(broad, path, t)).status, path).toBe(200);
    const none = makeMock(registry([]));
    const bare = await token(none);
    expect(decodeJwt(bare).claims).not.toHaveProperty("roles");
    for (const path of ["/v1.0/organization", "/v1.0/applications", "/v1.0/servicePrincipals", "/v1.0/users"]) await expectGraphError(await get(none, path, bare), 403, "Authorization_RequestDenied");
  });

  test("no token, or one for another resource: 401 InvalidAuthenticationToken with a Bearer challenge, on every endpoint", async () => {
    const mock = makeMock(registry(["Directory.Read.All"]));
    const adt = await token(mock, "https://digitaltwins.azure.net/.default");
    for (const path of ["/v1.0/organization", "/v1.0/applications", `/v1.0/applications/${DEMO_APP_OBJECT_ID}`, "/v1.0/servicePrincipals", `/v1.0/servicePrincipals(appId='${GRAPH_APP_ID}')`]) {
      const anonymous = await get(mock, path);
      expect(anonymous.headers.get("www-authenticate"), path).toMatch(/^Bearer .*error="invalid_token"/);
      await expectGraphError(anonymous, 401, "InvalidAuthenticationToken", "Access token is empty.");
      await expectGraphError(await get(mock, path, adt), 401, "InvalidAuthenticationToken", /Invalid audience/);
    }
  });

  test("another method: 405; an unknown segment: 400 naming it", async () => {
    const mock = makeMock(registry(["Directory.Read.All"]));
    const t = await token(mock);
    for (const method of ["POST", "PATCH", "DELETE"]) await expectGraphError(await get(mock, "/v1.0/applications", t, { method }), 405, "Request_BadRequest", /^Specified HTTP method is not allowed for the request target\./);
    await expectGraphError(await get(mock, "/v1.0/groups", t), 400, "BadRequest", "Resource not found for the segment 'groups'.");
    await expectGraphError(await get(mock, `/v1.0/applications/${DEMO_APP_OBJECT_ID}/owners`, t), 400, "BadRequest", "Resource not found for the segment 'owners'.");
    await expectGraphError(await get(mock, `/v1.0/organization(appId='${DEMO_CLIENT_ID}')`, t), 400, "BadRequest");
  });

  test("the caller's client-request-id comes back in the header and in innerError", async () => {
    const mock = makeMock(registry(["User.Read.All"])); // without Organization.Read.All: an error that carries innerError
    const id = "c0ffee00-1234-4abc-8def-0123456789ab";
    const response = await get(mock, "/v1.0/organization", await token(mock), { headers: { "client-request-id": id } });
    expect(response.headers.get("client-request-id")).toBe(id);
    const body = (await response.clone().json()) as { error: { innerError: Record<string, string> } };
    expect(body.error.innerError["client-request-id"]).toBe(id);
    await expectGraphError(response, 403, "Authorization_RequestDenied");
  });
});
