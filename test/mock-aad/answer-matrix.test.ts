/**
 * The hardening matrix: every endpoint the mock serves (mock-aad/routes.ts, so a new door joins by
 * itself) × GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD, plus bad percent-encoding, %00, double
 * slashes, an oversized body and wrong content types; in-process against the core and over HTTPS
 * against the server. Every answer: never a 5xx, the status Entra gives (graded below), the door's
 * error shape (Entra's: error, error_description with its Trace ID / Correlation ID / Timestamp
 * trailer, error_codes, timestamp, trace_id, correlation_id, application/json, no-store), HEAD
 * without a body, and one request-log entry per request, the ones refused before routing included.
 *
 * The statuses, with their evidence (entra-errors.md cites each):
 * - wrong method on the token endpoint: 400 AADSTS900561, confirmed (NunoFilipeMota/PublicScripts #5,
 *   2022: "(400) Bad Request" quoting 900561; the text in microsoft/Recognizers-Text #2975, 2022);
 * - OPTIONS on the token endpoint: 204 with Allow, inferred from Entra's older 900561 text "only
 *   accepts POST, OPTIONS requests" (BitySA/oauth2-auth-code-pkce #30, 2021);
 * - a body that is no form (JSON, text, none): 400 AADSTS900144 'grant_type', confirmed
 *   (microsoftgraph/microsoft-graph-docs #20272, 2023: application/json, 400, Cache-Control no-store);
 * - a tenant segment that is no tenant (%zz, %00, empty): 400 AADSTS900023, confirmed text (MSAL.NET
 *   test constants), its use for these bytes inferred;
 * - an unknown path, or a method a GET endpoint does not take: 404 AADSTS9002313, inferred;
 * - HEAD on a GET endpoint: the GET's status and headers without a body (RFC 9110 §9.3.2);
 * - a body over 1 MiB: 413 AADSTS9002313, inferred (the mock's own limit);
 * - the resource doors (Graph, ARM, ADT) check the bearer token first: 401 in their own shape.
 */
import { connect } from "node:tls";
import { request as httpsRequest } from "node:https";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestLogEntry } from "../../mock-aad/core.ts";
import { startMockServer, type MockServer } from "../../mock-aad/https-server.ts";
import { ROUTES, type Route } from "../../mock-aad/routes.ts";
import { ensureLocalTls, type LocalTls } from "../../mock-aad/server/local-tls-store.ts";
import { DEMO_TENANT_ID, ENTRA, makeCertificate, makeMock, registryWith } from "./helpers.ts";

const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"] as const;
const FORM = "application/x-www-form-urlencoded";
const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const TRAILER = new RegExp(`^AADSTS(\\d+): .+ Trace ID: (${GUID}) Correlation ID: (${GUID}) Timestamp: (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ)$`, "s");

interface Case {
  label: string;
  route: Route;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** What the mock must answer, and the AADSTS code of an Entra refusal. */
  expected: { status: number; aadsts?: number };
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const hasTenant = (route: Route) => route.path.startsWith("/{tenant}/");
const concrete = (route: Route, tenant = DEMO_TENANT_ID) => route.path.replace("{tenant}", tenant);

/** What a request with this method and a harmless body gets from the door, as the header comment grades it. */
function expectedFor(route: Route, method: string, body: "form" | "no-form" | "oversized" | "none"): Case["expected"] {
  // A new door with another shape (Key Vault's is "resource" too) makes this table name it.
  if (route.shape === "resource") return { status: 401 };
  // Managed identity (managed-identity.ts): GET without the identity header is refused (IMDS 400
  // bad_request_102, App Service 400 for the missing api-version), other methods 405 (inferred).
  if (route.shape === "identity") return method === "GET" || method === "HEAD" ? { status: 400 } : { status: 405 };
  const isToken = route.method === "POST";
  if (isToken) {
    if (method === "OPTIONS") return { status: 204 };
    if (method !== "POST") return { status: 400, aadsts: 900561 };
    if (body === "oversized") return { status: 413, aadsts: 9002313 };
    return { status: 400, aadsts: 900144 }; // an empty form, or no form at all: grant_type is missing
  }
  if (method !== "GET" && method !== "HEAD") return { status: 404, aadsts: 9002313 };
  return { status: 200 };
}

/**
 * A path that is not quite the route's. A door with a prefix (/graph/, /adt/, /arm/) reads the rest
 * itself and asks for the bearer token first (401), but a leading double slash moves its prefix one
 * segment on (unknown path). Key Vault at the root matches /+keys and /+certificates, so extra slashes
 * still reach it (401), while %00 or %zz makes another name (unknown path). Everything else: unknown.
 */
function oddExpected(route: Route, what: "nul" | "percent" | "leading" | "inner"): Case["expected"] {
  const unknown = { status: 404, aadsts: 9002313 };
  if (route.shape === "resource" && route.prefix) return what === "leading" ? unknown : { status: 401 };
  if (route.shape === "resource") return what === "leading" || what === "inner" ? { status: 401 } : unknown;
  return unknown;
}

function cases(): Case[] {
  const out: Case[] = [];
  const big = "grant_type=" + "a".repeat(2 * 1024 * 1024);
  for (const route of ROUTES) {
    const path = concrete(route);
    // Every method, with an empty form where a body goes.
    for (const method of METHODS) {
      const body = method === "GET" || method === "HEAD" ? undefined : "";
      out.push({ label: `${method} ${route.path}`, route, method, path, headers: body === undefined ? {} : { "content-type": FORM }, body, expected: expectedFor(route, method, body === undefined ? "none" : "form") });
    }
    // Bodies that are not the form the endpoint reads.
    for (const [type, body] of [["application/json", '{"grant_type":"client_credentials"}'], ["text/plain", "grant_type=client_credentials"], ["multipart/form-data; boundary=x", "--x\r\n\r\n--x--"], ["", "grant_type=client_credentials"]] as const)
      out.push({ label: `${route.method} ${route.path} as ${type || "no content type"}`, route, method: route.method, path, headers: type ? { "content-type": type } : {}, body, expected: expectedFor(route, route.method, "no-form") });
    out.push({ label: `${route.method} ${route.path} with 2 MiB`, route, method: route.method, path, headers: { "content-type": FORM }, body: big, expected: expectedFor(route, route.method, "oversized") });
    // Paths that are not quite the endpoint's.
    const oddPaths: Array<[string, string, Case["expected"]]> = [
      ["%00 at the end", `${path}%00`, oddExpected(route, "nul")],
      ["bad percent-encoding at the end", `${path}%zz`, oddExpected(route, "percent")],
      ["a leading double slash", `/${path}`, oddExpected(route, "leading")],
      ["a double slash inside", path.replace(/\/(?=[^/]+$)/, "//"), oddExpected(route, "inner")],
    ];
    if (hasTenant(route)) {
      const refusal = { status: 400, aadsts: 900023 };
      oddPaths.push(["tenant %zz", concrete(route, "%zz"), refusal], ["tenant %00", concrete(route, "%00"), refusal]);
      // %2e%2e is a dot segment: the URL parser removes it with the tenant (WHATWG URL, RFC 3986 §5.2.4), so no
      // endpoint is left; but /v2.0/.well-known/openid-configuration reads as the v1 document of a tenant "v2.0": unknown.
      const dotted = route.path === "/{tenant}/v2.0/.well-known/openid-configuration" ? { status: 400, aadsts: 90002 } : { status: 404, aadsts: 9002313 };
      oddPaths.push(["tenant %2e%2e", concrete(route, "%2e%2e"), dotted]);
    }
    for (const [what, odd, expected] of oddPaths) {
      const body = route.method === "POST" ? "" : undefined;
      out.push({ label: `${route.method} ${route.path}: ${what}`, route, method: route.method, path: odd, headers: body === undefined ? {} : { "content-type": FORM }, body, expected });
    }
  }
  return out;
}

const CASES = cases();

/** The checks every answer passes, whichever door it came through. */
function expectWellFormed(c: Case, answer: Answer): void {
  const label = `${c.label} (${c.path})`;
  expect(answer.status, label).toBeLessThan(500);
  expect({ status: answer.status }, label).toEqual({ status: c.expected.status });
  const bodiless = c.method === "HEAD" || answer.status === 204;
  if (bodiless) expect(answer.body.length, `${label}: no body`).toBe(0);
  if (c.route.shape === "entra" || c.expected.aadsts !== undefined) {
    expect(answer.headers["cache-control"], label).toMatch(/\bno-store\b/);
    if (answer.status !== 204) expect(answer.headers["content-type"], label).toBe("application/json; charset=utf-8");
    if (bodiless || answer.status < 400) return;
    const body = JSON.parse(answer.body.toString("utf8")) as Record<string, unknown>;
    expect(Object.keys(body).sort(), label).toEqual(["correlation_id", "error", "error_codes", "error_description", "error_uri", "timestamp", "trace_id"]);
    expect(typeof body.error, label).toBe("string");
    const trailer = TRAILER.exec(String(body.error_description));
    expect(trailer, `${label}: ${String(body.error_description)}`).not.toBeNull();
    const [, code, trace, correlation, timestamp] = trailer!;
    expect(body.error_codes, label).toEqual([Number(code)]);
    expect(Number(code), label).toBe(c.expected.aadsts);
    expect([body.trace_id, body.correlation_id, body.timestamp], label).toEqual([trace, correlation, timestamp]);
  } else if (c.route.shape === "identity") {
    expect(answer.headers["content-type"], label).toMatch(/^application\/json/);
    if (bodiless) return;
    const body = JSON.parse(answer.body.toString("utf8")) as Record<string, unknown>;
    // IMDS: {error, error_description}; App Service: {statusCode, message, correlationId}.
    if ("statusCode" in body) expect([typeof body.statusCode, typeof body.message, typeof body.correlationId], label).toEqual(["number", "string", "string"]);
    else expect([typeof body.error, typeof body.error_description], label).toEqual(["string", "string"]);
  } else {
    expect(answer.headers["content-type"], label).toMatch(/^application\/json/);
    if (bodiless) return;
    const body = JSON.parse(answer.body.toString("utf8")) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code, label).toBe("string");
    expect(typeof body.error?.message, label).toBe("string");
  }
}

let mockLog: RequestLogEntry[];
let mock: ReturnType<typeof makeMock>;
let tls: LocalTls;
let server: MockServer;
let dir: string;
const serverLog: RequestLogEntry[] = [];

beforeAll(async () => {
  const app = await makeCertificate(2048);
  mockLog = [];
  mock = makeMock(registryWith({ cert: app }), { onRequest: (e) => mockLog.push(e) });
  dir = mkdtempSync(join(tmpdir(), "answer-matrix-"));
  tls = await ensureLocalTls({ dir: join(dir, "mock-aad") });
  const served = makeMock(registryWith({ cert: app }), { onRequest: (e) => serverLog.push(e) });
  server = await startMockServer({ port: 0, mock: served, tls: { cert: tls.serverPem, key: tls.serverKeyPem } });
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the route table is the mock's own", () => {
  const core = readFileSync(fileURLToPath(new URL("../../mock-aad/core.ts", import.meta.url)), "utf8");

  it("every door core.ts routes by path prefix or by path shape is in ROUTES (add a new door there and it joins the matrix)", () => {
    const prefixes = [...core.matchAll(/\bpath\.startsWith\("(\/[^"]+)"\)/g)].map((m) => m[1]!);
    const shapes = [...core.matchAll(/\bshape === "([^"]+)"/g)].map((m) => m[1]!);
    expect(prefixes.length).toBeGreaterThanOrEqual(3); // the reader sees core.ts's routing (a rename would pass vacuously)
    expect(shapes.length).toBeGreaterThanOrEqual(6);
    for (const prefix of prefixes) expect(ROUTES.map((r) => r.prefix), `core.ts routes ${prefix}…`).toContain(prefix);
    for (const shape of shapes) expect(ROUTES.some((r) => r.path.toLowerCase().endsWith(`/${shape}`)), `core.ts routes …/${shape}`).toBe(true);
  });

  it("every route in ROUTES reaches a door (none is the unknown-path answer)", async () => {
    for (const route of ROUTES) {
      const response = await mock.handle(new Request(`${ENTRA}${concrete(route)}`, { method: route.method, ...(route.method === "POST" ? { body: "" } : {}) }));
      const body = response.status === 404 ? ((await response.json()) as { error_codes?: number[] }) : {};
      expect(body.error_codes, route.path).not.toEqual([9002313]);
    }
  });
});

describe("the matrix", () => {
  it("covers every route × every method, and the odd paths and bodies (a route table that shrank would pass vacuously)", () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(10);
    for (const route of ROUTES) for (const method of METHODS) expect(CASES.some((c) => c.route === route && c.method === method && c.path === concrete(route)), `${method} ${route.path}`).toBe(true);
    expect(CASES.length).toBeGreaterThan(ROUTES.length * METHODS.length);
  });

  it("in-process: every answer well formed, none a 5xx, one log entry each", async () => {
    mockLog.length = 0;
    for (const c of CASES) {
      // The Fetch API cannot carry a GET or HEAD body (TypeError): in-process those go without it.
      const init = c.body === undefined || c.method === "GET" || c.method === "HEAD" ? {} : { body: c.body };
      const request = new Request(`${ENTRA}${c.path}`, { method: c.method, headers: c.headers, ...init });
      const response = await mock.handle(request);
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => (headers[name] = value));
      const body = response.body ? Buffer.from(await response.arrayBuffer()) : Buffer.alloc(0);
      expectWellFormed(c, { status: response.status, headers, body });
    }
    expect(mockLog.length).toBe(CASES.length);
    expect(mockLog.map((e) => [e.method, e.status])).toEqual(CASES.map((c) => [c.method, c.expected.status]));
  });

  it("over HTTPS: the same answers, none a 5xx, one log entry each", async () => {
    serverLog.length = 0;
    for (const c of CASES) expectWellFormed(c, await send(c.method, c.path, c.headers, c.body));
    expect(serverLog.length).toBe(CASES.length);
    expect(serverLog.map((e) => [e.method, e.status])).toEqual(CASES.map((c) => [c.method, c.expected.status]));
  }, 60_000);
});

describe("requests Node's HTTP parser refuses never reach routing, and still get Entra's shape and a log line", () => {
  const raw = [
    ["a space in the path", `GET /${DEMO_TENANT_ID}/v2.0/.well-known/openid configuration HTTP/1.1\r\nHost: HOST\r\n\r\n`],
    ["a control character in a header", `GET /${DEMO_TENANT_ID}/discovery/keys HTTP/1.1\r\nHost: HOST\r\nX-Bad: a\x01b\r\n\r\n`],
    ["a header block over 16 KiB", `GET /${DEMO_TENANT_ID}/discovery/keys HTTP/1.1\r\nHost: HOST\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`],
    ["two Content-Length values", `POST /${DEMO_TENANT_ID}/oauth2/v2.0/token HTTP/1.1\r\nHost: HOST\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab`],
    ["not HTTP at all", "\x16\x03\x01 hello\r\n\r\n"],
  ] as const;
  for (const [what, text] of raw) {
    it(what, async () => {
      const before = serverLog.length;
      const reply = await rawExchange(text.replace("HOST", `127.0.0.1:${server.port}`));
      const [head, ...rest] = reply.split("\r\n\r\n");
      expect(head, reply.slice(0, 200)).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      expect(head).toMatch(/\r\ncache-control: no-store, no-cache\r\n/i);
      expect(head).toMatch(/\r\ncontent-type: application\/json; charset=utf-8\r\n/i);
      const body = JSON.parse(rest.join("\r\n\r\n")) as { error_codes: number[]; error_description: string };
      expect(body.error_codes).toEqual([9002313]);
      expect(body.error_description).toMatch(TRAILER);
      expect(serverLog.slice(before)).toEqual([expect.objectContaining({ status: 400, aadsts: 9002313, path: "?", detail: expect.stringMatching(/refused before routing: Node.s HTTP parser could not read the request \(/) })]);
    });
  }

  it("the server keeps serving after them", async () => {
    const answer = await send("GET", `/${DEMO_TENANT_ID}/discovery/keys`, {});
    expect(answer.status).toBe(200);
  });
});

/**
 * One HTTPS request with the path exactly as given (node:https sends `path` unparsed). A body always
 * goes with its Content-Length: node's client frames no body of a GET, DELETE or OPTIONS otherwise,
 * and the server would read it as the next request.
 */
function send(method: string, path: string, given: Record<string, string>, body?: string): Promise<Answer> {
  const headers = body === undefined ? given : { ...given, "content-length": String(Buffer.byteLength(body)) };
  return new Promise((done, fail) => {
    const req = httpsRequest({ host: "127.0.0.1", port: server.port, method, path, headers, ca: tls.caPem, servername: "localhost", agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const flat: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
        done({ status: res.statusCode ?? 0, headers: flat, body: Buffer.concat(chunks) });
      });
    });
    req.on("error", fail);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Raw bytes over TLS, and everything the server sends back until it closes. */
function rawExchange(text: string): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect({ host: "127.0.0.1", port: server.port, ca: tls.caPem, servername: "localhost" }, () => socket.write(text, "latin1"));
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("end", () => done(Buffer.concat(chunks).toString("utf8")));
    socket.on("close", () => done(Buffer.concat(chunks).toString("utf8")));
    socket.on("error", fail);
  });
}
