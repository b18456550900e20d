/**
 * A small HTTPS load generator for the mock benches: `connections` keep-alive connections, each
 * sending one POST after another (closed loop, as a test suite's clients do), for a warm-up and
 * then a measuring period. Every answer's status is checked; latencies are kept for percentiles.
 */
import { Agent, request } from "node:https";
import { performance } from "node:perf_hooks";
import { percentile } from "./measure.ts";

export interface LoadOptions {
  url: string;
  /** PEM of the CA that issued the server's certificate. */
  ca: string;
  body: string;
  connections: number;
  warmupMs: number;
  timeMs: number;
  /** The status every answer must have. */
  expectStatus: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections, ca: options.ca });
  const target = new URL(options.url);
  const headers = { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(options.body) };
  const post = () =>
    new Promise<void>((done, fail) => {
      const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers }, (res) => {
        res.resume();
        res.once("end", () => (res.statusCode === options.expectStatus ? done() : fail(new Error(`${options.url} answered ${res.statusCode}`))));
        res.once("error", fail);
      });
      req.once("error", fail);
      req.end(options.body);
    });

  const latencies: number[] = [];
  const started = performance.now();
  const measureFrom = started + options.warmupMs;
  const stopAt = measureFrom + options.timeMs;
  let measuredStart = Number.NaN;
  let measuredEnd = measureFrom;
  const worker = async () => {
    for (;;) {
      const sent = performance.now();
      if (sent >= stopAt) return;
      await post();
      const answered = performance.now();
      if (sent >= measureFrom) {
        if (Number.isNaN(measuredStart) || sent < measuredStart) measuredStart = sent;
        latencies.push(answered - sent);
        measuredEnd = Math.max(measuredEnd, answered);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.connections }, worker));
  } finally {
    agent.destroy();
  }
  const seconds = (measuredEnd - measureFrom) / 1000;
  return { requests: latencies.length, seconds, perSecond: latencies.length / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}
