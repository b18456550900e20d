/**
 * The mock over HTTPS, as people run it (`npm run mock-aad`, the real command line, request log
 * and all), next to oauth2-mock-server, each in a process of its own on this machine, loaded by
 * this process with the same 16 keep-alive connections and the same form body. They take turns,
 * round after round, and the ratio is taken per round, so a neighbour's load hits both alike.
 *
 * They do not do the same work: the mock checks the client assertion (parse, claims, registered
 * certificate, RSA verify) before signing a token; oauth2-mock-server checks nothing and signs a
 * token. Both serve the same TLS certificate (the mock's local CA issues it).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ensureLocalTls } from "../mock-aad/server/local-tls-store.ts";
import { runLoad, type LoadResult } from "./load.ts";
import { median } from "./measure.ts";
import { benchClient, TOKEN_PATH, type BenchClient } from "./mock-fixture.ts";

export interface HttpsOptions {
  connections: number;
  rounds: number;
  warmupMs: number;
  timeMs: number;
}

export interface HttpsResult {
  connections: number;
  rounds: number;
  mock: LoadResult;
  peer: LoadResult;
  /** Median of the per-round ratios mock ÷ oauth2-mock-server (requests per second). */
  ratio: number;
  perRound: { mock: LoadResult; peer: LoadResult }[];
}

const KIT = fileURLToPath(new URL("..", import.meta.url));

export async function benchHttps(options: HttpsOptions, client: BenchClient = benchClient()): Promise<HttpsResult> {
  const dir = mkdtempSync(join(tmpdir(), "mock-aad-bench-"));
  const children: ChildProcess[] = [];
  try {
    const tls = await ensureLocalTls({ dir: join(dir, "mock-aad") });
    const certPath = join(dir, "bench-client.cer");
    writeFileSync(certPath, client.certificateDer, { mode: 0o600 });
    const ours = spawn(process.execPath, ["--import", "tsx", join(KIT, "mock-aad/server/cli.ts"), "--port", "0", "--json", "--no-color", "--out", dir, "--cert", certPath], { cwd: KIT, stdio: ["ignore", "pipe", "pipe"] });
    children.push(ours);
    ours.stderr!.resume(); // the request log, one line per request, read and dropped
    const peer = spawn(process.execPath, ["--import", "tsx", join(KIT, "bench/servers/oauth2-mock-server.ts"), tls.serverKeyPath, tls.serverPath], { cwd: KIT, stdio: ["ignore", "pipe", "inherit"] });
    children.push(peer);
    const [mockUrl, peerUrl] = await Promise.all([firstJsonUrl(ours, "the mock"), firstJsonUrl(peer, "oauth2-mock-server")]);
    const load = (url: string, expectStatus: number) =>
      runLoad({ url, ca: tls.caPem, body: client.form, connections: options.connections, warmupMs: options.warmupMs, timeMs: options.timeMs, expectStatus });

    const perRound: HttpsResult["perRound"] = [];
    for (let round = 0; round < options.rounds; round++) {
      const oursFirst = round % 2 === 0;
      const a = oursFirst ? await load(`${mockUrl}${TOKEN_PATH}`, 200) : await load(`${peerUrl}/token`, 200);
      const b = oursFirst ? await load(`${peerUrl}/token`, 200) : await load(`${mockUrl}${TOKEN_PATH}`, 200);
      perRound.push(oursFirst ? { mock: a, peer: b } : { mock: b, peer: a });
    }
    const pick = (side: "mock" | "peer"): LoadResult => {
      const runs = perRound.map((r) => r[side]);
      return {
        requests: runs.reduce((sum, r) => sum + r.requests, 0),
        seconds: runs.reduce((sum, r) => sum + r.seconds, 0),
        perSecond: median(runs.map((r) => r.perSecond)),
        p50Ms: median(runs.map((r) => r.p50Ms)),
        p99Ms: median(runs.map((r) => r.p99Ms)),
      };
    };
    return { connections: options.connections, rounds: options.rounds, mock: pick("mock"), peer: pick("peer"), ratio: median(perRound.map((r) => r.mock.perSecond / r.peer.perSecond)), perRound };
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map((child) => (child.exitCode === null && child.signalCode === null ? new Promise((done) => child.once("exit", done)) : undefined)));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The first line a server prints is one JSON object with its url. */
function firstJsonUrl(child: ChildProcess, name: string): Promise<string> {
  return new Promise((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => fail(new Error(`${name} did not start within 30 s`)), 30_000);
    child.once("exit", (code) => fail(new Error(`${name} exited (${code}) before it listened`)));
    lines.once("line", (line) => {
      clearTimeout(timer);
      try {
        done((JSON.parse(line) as { url: string }).url);
      } catch {
        fail(new Error(`${name} printed no JSON: ${line.slice(0, 200)}`));
      }
      child.stdout!.resume(); // anything after it is dropped
    });
  });
}
