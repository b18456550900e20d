/**
 * The mock never crashes and never hangs on what a client sends: oversized bodies (declared or
 * streamed), a failing logger, an exception inside; and it logs one entry per request.
 */
import { beforeAll, expect, test } from "vitest";
import type { RequestLogEntry } from "../../mock-aad/core.ts";
import { defaultRegistry } from "../../mock-aad/registry.ts";
import { assertion, DEMO_TENANT_ID, ENTRA, makeCertificate, makeMock, registryWith, tokenForm, tokenRequest, type TestCertificate } from "./helpers.ts";

let app: TestCertificate;
beforeAll(async () => {
  app = await makeCertificate(2048);
});

const TOKEN_URL = `${ENTRA}/${DEMO_TENANT_ID}/oauth2/v2.0/token`;

test("a streamed body over the limit, without Content-Length, is refused with 9002313 before it is all read", async () => {
  let pulled = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(chunk);
    },
  });
  const request = new Request(TOKEN_URL, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: endless, duplex: "half" } as RequestInit & { duplex: "half" });
  const response = await makeMock(registryWith({ cert: app })).handle(request);
  expect(response.status).toBe(413);
  expect(((await response.json()) as { error_codes: number[] }).error_codes).toEqual([9002313]);
  expect(pulled).toBeLessThan(40); // 1 MiB is 16 chunks; it stopped soon after
});

test("a declared Content-Length over the limit is refused without reading the body", async () => {
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(16));
    },
  });
  const request = new Request(TOKEN_URL, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(2 * 1024 * 1024) },
    body,
    duplex: "half",
  } as RequestInit & { duplex: "half" });
  const response = await makeMock(registryWith({ cert: app })).handle(request);
  expect(response.status).toBe(413);
  expect(pulled).toBeLessThanOrEqual(1); // a stream may pre-pull one chunk; the mock reads none
});

test("maxBodyBytes sets another limit", async () => {
  const mock = makeMock(registryWith({ cert: app }), { maxBodyBytes: 100 });
  expect((await mock.handle(tokenRequest(tokenForm(assertion(app))))).status).toBe(413);
  expect((await mock.handle(tokenRequest({ grant_type: "client_credentials" }))).status).toBe(400);
});

test("onRequest gets one entry per request with the AADSTS code; a throwing logger changes nothing", async () => {
  const entries: RequestLogEntry[] = [];
  const mock = makeMock(registryWith({ cert: app }), { onRequest: (e) => entries.push(e) });
  await mock.handle(tokenRequest(tokenForm(assertion(app))));
  await mock.handle(tokenRequest(tokenForm(assertion(app, { sub: "x" }))));
  await mock.handle(new Request(`${ENTRA}/nothing-here`));
  expect(entries).toEqual([
    { method: "POST", path: `/${DEMO_TENANT_ID}/oauth2/v2.0/token`, status: 200 },
    { method: "POST", path: `/${DEMO_TENANT_ID}/oauth2/v2.0/token`, status: 401, aadsts: 50048 },
    { method: "GET", path: "/nothing-here", status: 404, aadsts: 9002313, detail: expect.stringMatching(/^no endpoint GET \/nothing-here; the mock serves /) },
  ]);
  const loud = makeMock(registryWith({ cert: app }), {
    onRequest: () => {
      throw new Error("logger down");
    },
  });
  expect((await loud.handle(tokenRequest(tokenForm(assertion(app))))).status).toBe(200);
});

test("an exception inside becomes a 500 JSON answer and a log entry, never a rejected promise", async () => {
  const entries: RequestLogEntry[] = [];
  const registry = defaultRegistry();
  Object.defineProperty(registry, "applications", {
    get() {
      throw new Error("registry exploded");
    },
  });
  const mock = makeMock(registry, { onRequest: (e) => entries.push(e) });
  const response = await mock.handle(tokenRequest(tokenForm(assertion(app))));
  expect(response.status).toBe(500);
  const body = (await response.json()) as { error: string; error_codes: number[] };
  expect(body).toMatchObject({ error: "server_error", error_codes: [50000] });
  expect(entries).toEqual([{ method: "POST", path: `/${DEMO_TENANT_ID}/oauth2/v2.0/token`, status: 500, aadsts: 50000, detail: "registry exploded" }]);
});

test("garbage of every kind gets an Entra answer, not an exception", async () => {
  const mock = makeMock(registryWith({ cert: app }));
  const bodies = ["", "%%%", "client_assertion=%ZZ", "grant_type=client_credentials&client_id=&scope=", "\u0000\u0001\u0002", "a=b&".repeat(10000)];
  for (const body of bodies) {
    const response = await mock.handle(new Request(TOKEN_URL, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body }));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(((await response.json()) as { error_codes: number[] }).error_codes).toHaveLength(1);
  }
  for (const jwt of ["...", "a.b.c", "e30.e30.e30", `${"e30".repeat(1000)}.e30.AA`]) {
    const response = await mock.handle(tokenRequest(tokenForm(jwt)));
    expect(response.status).toBeLessThan(500);
  }
});
