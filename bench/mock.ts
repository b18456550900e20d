/**
 * The mock's part of `npm run bench`: in-process (bench/mock-in-process.ts) and over HTTPS
 * (bench/mock-https.ts), with one throwaway client for both, and their tables.
 */
import { benchHttps, type HttpsResult } from "./mock-https.ts";
import { benchInProcess, type InProcessResult } from "./mock-in-process.ts";
import { benchClient } from "./mock-fixture.ts";
import type { MeasureOptions } from "./measure.ts";
import { formatNumber, formatRatio, formatTable } from "./table.ts";

export interface MockResults {
  inProcess: InProcessResult;
  https: HttpsResult;
}

/** The HTTPS rounds are longer than a cell: 16 connections need time to reach a steady state. */
const HTTPS_TIME_FACTOR = 5;
export const HTTPS_CONNECTIONS = 16;

export async function benchMock(timing: MeasureOptions, rounds: number, progress: (text: string) => void): Promise<MockResults> {
  progress("mock: making a throwaway client key and certificate…");
  const client = benchClient();
  progress("mock in-process…");
  const inProcess = await benchInProcess(timing, rounds, client);
  progress(`mock over HTTPS, ${HTTPS_CONNECTIONS} connections…`);
  const https = await benchHttps({ connections: HTTPS_CONNECTIONS, rounds, warmupMs: timing.warmupMs * HTTPS_TIME_FACTOR, timeMs: timing.timeMs * HTTPS_TIME_FACTOR }, client);
  return { inProcess, https };
}

export function mockTables(results: MockResults, bold: (text: string) => string, dim: (text: string) => string): string[] {
  const { inProcess: ip, https } = results;
  const inProcessTable = formatTable(
    [
      { header: "in-process", align: "left" },
      { header: "req/s", align: "right" },
      { header: "mock÷this", align: "right" },
    ],
    [
      ["mock-aad handle(), validated token requests", formatNumber(ip.mockPerSecond), ""],
      ["floor: node:crypto verify + sign alone", formatNumber(ip.floorPerSecond), formatRatio(ip.ratio)],
      ["floor + the Fetch objects (Request, Response)", formatNumber(1 / (1 / ip.floorPerSecond + 1 / ip.fetchPerSecond)), formatRatio(ip.ratioToCeiling)],
    ],
  );
  const row = (name: string, r: HttpsResult["mock"]) => [name, formatNumber(r.perSecond), formatNumber(r.p50Ms), formatNumber(r.p99Ms)];
  const httpsTable = formatTable(
    [
      { header: `HTTPS, ${https.connections} connections`, align: "left" },
      { header: "req/s", align: "right" },
      { header: "p50 ms", align: "right" },
      { header: "p99 ms", align: "right" },
    ],
    [row("mock-aad (validates the assertion)", https.mock), row("oauth2-mock-server (validates nothing)", https.peer), ["mock÷oauth2-mock-server", formatRatio(https.ratio), "", ""]],
  );
  return [
    "",
    bold("The mock Entra ID: validated token requests (higher req/s, lower ms are better)"),
    inProcessTable,
    "",
    httpsTable,
    dim(`medians of ${ip.rounds} alternated rounds; ratios are per round, then the median. Absolute figures move with the machine's load, ratios much less.`),
  ];
}
