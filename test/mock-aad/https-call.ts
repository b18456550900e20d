/** One HTTPS request trusting only the given CA, for the HTTPS mock's tests. */
import { request as httpsRequest } from "node:https";
import { checkServerIdentity, type PeerCertificate } from "node:tls";

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: () => any;
}

/** One HTTPS request trusting only the given CA (node:https `ca`). */
export function call(url: string, ca: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; chunked?: boolean } = {}): Promise<Answer> {
  return new Promise((done, fail) => {
    // A hand-set Host would also be the name node checks the certificate against: keep that the server's.
    const tlsName = init.headers && Object.keys(init.headers).some((h) => h.toLowerCase() === "host") ? { servername: "localhost", checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity("localhost", cert) } : {};
    const req = httpsRequest(url, { method: init.method ?? "GET", headers: init.headers ?? {}, ca, ...tlsName }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        done({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    req.on("error", fail);
    if (init.body !== undefined) {
      if (init.chunked) {
        // No content-length: the server only learns the size while reading.
        const body = Buffer.from(init.body);
        for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      } else {
        req.write(init.body);
      }
    }
    req.end();
  });
}

