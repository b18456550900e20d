/**
 * The node:https door to the mock Entra ID: turns each IncomingMessage into a Fetch `Request`, hands
 * it to the core's `handle`, and writes the `Response` back. Nothing about Entra lives here.
 *
 * The origin is the server's own, never the client's: the server knows the hosts it serves (its
 * bound address and port, localhost and the loopback addresses when bound to loopback, and any
 * host names configured with `hostnames`). The Host header only picks one of those; any other Host,
 * or one that is no host at all, gets the core's `refuseMalformed` answer (Entra's 400 shape). An
 * assertion minted for another service (aud https://evil.example/…) cannot be redeemed here by
 * sending Host: evil.example.
 */
import { createServer, type ServerOptions } from "node:https";
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { KitError } from "../lib/errors.ts";

export interface MockServerOptions {
  /** 0 picks any free port. */
  port: number;
  /** Interface to listen on, e.g. "127.0.0.1" (the default) or "::1". */
  host?: string;
  /** The core: the object `createMockAad()` returns (`handle`, and `refuseMalformed` for unknown hosts). */
  mock: { handle(request: Request): Promise<Response>; refuseMalformed?(method: string, path: string, detail?: string): Response };
  /** More host names this server answers as, e.g. one mapped to 127.0.0.1 in a hosts file. */
  hostnames?: readonly string[];
  /** PEM server certificate (with any intermediates) and its private key. */
  tls: { cert: string; key: string };
}

export interface MockServer {
  /** "https://127.0.0.1:8443", with the port actually bound. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the HTTPS server; rejects with KitError PORT_IN_USE (or LISTEN_FAILED) when it cannot listen. */
export async function startMockServer(options: MockServerOptions): Promise<MockServer> {
  const host = options.host ?? "127.0.0.1";
  const tls: ServerOptions = { cert: options.tls.cert, key: options.tls.key };
  let served = new Set<string>();
  const server = createServer(tls, (req, res) => {
    serve(req, res, options.mock, served).catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("mock-aad: internal error\n");
    });
  });
  // Requests Node's HTTP parser refuses (a space in the path, a control character in a header, a
  // header block over 16 KiB) never reach the handler: answer them in Entra's shape too, and log them.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => refuseUnparsed(error, socket, options.mock));
  await new Promise<void>((done, fail) => {
    server.once("error", (error: NodeJS.ErrnoException) => fail(listenError(error, host, options.port)));
    server.listen(options.port, host, () => done());
  });
  const port = (server.address() as AddressInfo).port;
  served = servedHosts(host, port, options.hostnames ?? []);
  return {
    url: `https://${urlHost(host)}:${port}`,
    port,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections(); // keep-alive sockets would hold close() open
      }),
  };
}

/**
 * The hosts this server answers as, lower case with the port (RFC 9110 §7.2 Host = uri-host [":" port]):
 * the bound address, and on loopback also localhost, 127.0.0.1 and [::1]; the configured names.
 * On port 443 each also without the port, as clients leave the default port out.
 */
export function servedHosts(bound: string, port: number, hostnames: readonly string[]): Set<string> {
  const names = new Set([urlHost(bound).toLowerCase()]);
  if (["127.0.0.1", "::1", "[::1]", "localhost", "0.0.0.0", "::"].includes(bound.toLowerCase())) for (const n of ["localhost", "127.0.0.1", "[::1]"]) names.add(n);
  for (const n of hostnames) names.add(urlHost(n.trim()).toLowerCase());
  const out = new Set<string>();
  for (const n of names) {
    out.add(`${n}:${port}`);
    if (port === 443) out.add(n);
  }
  return out;
}

async function serve(req: IncomingMessage, res: ServerResponse, mock: MockServerOptions["mock"], served: ReadonlySet<string>): Promise<void> {
  const method = req.method ?? "GET";
  const path = req.url?.startsWith("/") ? req.url : "/"; // origin-form only (RFC 9112 §3.2.1)
  const host = (req.headers.host ?? "").toLowerCase();
  // The origin the core writes into discovery documents and accepts in aud: one of the server's own.
  if (!served.has(host)) return refuse(req, res, mock, method, path);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(":")) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const hasBody = method !== "GET" && method !== "HEAD";
  let request: Request;
  try {
    request = new Request(`https://${host}${path}`, { // concatenated: a path of "//x" stays a path
      method,
      headers,
      body: hasBody ? bodyStream(req) : null,
      duplex: "half",
    } as RequestInit & { duplex: "half" });
  } catch {
    return refuse(req, res, mock, method, path); // a method or header value the Fetch API will not carry
  }

  const response = await mock.handle(request);
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  res.end(Buffer.from(await response.arrayBuffer()));
  if (!req.complete) {
    // Drain what the core did not read, without queueing it: a cancelled body stream discards.
    await request.body?.cancel().catch(() => undefined);
    req.resume();
  }
}

/**
 * The answer to bytes that are not an HTTP request Node can parse: the core's Entra-shaped 400
 * (and its log line), written straight to the socket, which is then closed (RFC 9112 §2.2: a
 * server that cannot parse a request cannot trust the rest of the connection).
 */
async function refuseUnparsed(error: NodeJS.ErrnoException, socket: Duplex, mock: MockServerOptions["mock"]): Promise<void> {
  if (!socket.writable || error.code === "ECONNRESET") return void socket.destroy();
  // Bytes after a request that the parser could not read (a GET whose body has no length, say): the
  // answer to that request goes out first, then this one.
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
  if (inFlight && !inFlight.writableFinished) return void inFlight.once("finish", () => void refuseUnparsed(error, socket, mock));
  try {
    const response = mock.refuseMalformed?.("?", "?", `refused before routing: Node's HTTP parser could not read the request (${error.code ?? "parse error"})`) ?? new Response(null, { status: 400 });
    const body = Buffer.from(await response.arrayBuffer());
    const lines = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ""}`.trimEnd(), "Connection: close", `Content-Length: ${body.length}`];
    response.headers.forEach((value, name) => lines.push(`${name}: ${value}`));
    socket.end(Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), body]));
  } catch {
    socket.destroy();
  }
}

/** A request the core cannot be asked about: its Entra-shaped refusal (or a bare 400 without a core that has one). */
async function refuse(req: IncomingMessage, res: ServerResponse, mock: MockServerOptions["mock"], method: string, path: string): Promise<void> {
  const response = mock.refuseMalformed?.(method, path) ?? new Response(null, { status: 400 });
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  res.end(Buffer.from(await response.arrayBuffer()));
  req.resume(); // drain the body nobody reads
}

/**
 * The request body as a web stream, with back-pressure. Unlike Readable.toWeb, cancelling it (the
 * core stops reading an oversized body) drains and discards the rest instead of destroying the
 * socket, so the core's error response still reaches the client.
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        req.on("data", (chunk: Buffer) => {
          if (!open) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) req.pause();
        });
        req.once("end", () => {
          if (open) controller.close();
          open = false;
        });
        req.once("error", (error) => {
          if (open) controller.error(error);
          open = false;
        });
        req.once("close", () => {
          // The client went away before the body ended: fail the read instead of waiting forever.
          if (open && !req.complete) {
            controller.error(new Error("the client closed the connection before the body ended"));
            open = false;
          }
        });
      },
      pull() {
        req.resume();
      },
      cancel() {
        open = false;
        req.resume();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  const where = `${urlHost(host)}:${port}`;
  if (error.code === "EADDRINUSE") {
    return new KitError("PORT_IN_USE", `Port ${port} is in use: another program (perhaps another mock-aad) is already listening on ${where}.`, "Stop that program, pick another port with --port N, or use --port 0 for any free port.");
  }
  if (error.code === "EACCES") {
    return new KitError("PORT_DENIED", `This user may not listen on ${where} (ports below 1024 need extra rights).`, "Use a port above 1024, e.g. --port 8443, or --port 0 for any free port.");
  }
  if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND") {
    return new KitError("BAD_HOST", `Cannot listen on ${host}: this machine has no such address.`, "Use --host 127.0.0.1 (the default), ::1 or localhost.");
  }
  return new KitError("LISTEN_FAILED", `Cannot listen on ${where}: ${error.code ?? error.message}.`, "Try another --port or --host.");
}

/** IPv6 literals need brackets in a URL. */
function urlHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
