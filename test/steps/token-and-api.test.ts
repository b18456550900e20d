/**
 * Steps 7 and 8 offline: the assertion goes to the mock Entra ID through msw, the access token
 * verifies with node:crypto against the mock's published signing key, and the API answers.
 */
import { verifiesAsGraph } from "../helpers/graph-token.ts";
import { createPublicKey } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { demoMockSigningKeyPem } from "../../steps/fixed.ts";
import { run, tempDir } from "./helpers.ts";

let dir: string;
const json = (name: string) => JSON.parse(readFileSync(join(dir, name), "utf8"));

beforeAll(async () => {
  dir = tempDir("token-");
  const r = await run("--all", "--fixed", "--out", dir);
  if (r.code !== 0) throw new Error(r.err || r.out);
}, 60_000);

describe("step 7: token request (offline)", () => {
  it("gets a v2 token response whose Graph access token only Graph's check verifies (a nonce header, as the real ones)", () => {
    const response = json("token-response.json");
    expect(response).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    const [, p] = String(response.access_token).split(".");
    const key = createPublicKey(demoMockSigningKeyPem());
    expect(verifiesAsGraph(String(response.access_token), key)).toMatchObject({ plain: false, asGraph: true });
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
    expect(claims).toMatchObject({
      aud: "https://graph.microsoft.com",
      appid: "8a7b6c5d-4e3f-4a2b-9c1d-0e1f2a3b4c5d",
      appidacr: "2",
      idtyp: "app",
      tid: "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
      ver: "1.0",
    });
    expect(claims.roles).toContain("Application.Read.All");
  });

  it("keeps the bearer token with mode 0600", () => {
    if (process.platform === "win32") return;
    expect(statSync(join(dir, "access-token.jwt")).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "token-response.json")).mode & 0o777).toBe(0o600);
  });

  it("a tampered signature gets AADSTS700027 with the catalog's explanation and exit code 1", async () => {
    const other = tempDir("tamper-");
    expect((await run("6", "--fixed", "--out", other)).code).toBe(0);
    const file = join(other, "client-assertion.jwt");
    const jwt = readFileSync(file, "utf8").trim();
    const [h, p, s] = jwt.split(".");
    const sig = Buffer.from(s!, "base64url");
    sig[10]! ^= 1;
    writeFileSync(file, `${h}.${p}.${sig.toString("base64url")}\n`);
    const r = await run("7", "--fixed", "--out", other);
    expect(r.code).toBe(1);
    expect(r.out).toContain("Response: 401");
    expect(r.out).toContain("AADSTS700027: Client assertion contains an invalid signature.");
    expect(r.out).toMatch(/meaning\s+The certificate was found, but the signature does not verify/);
    expect(r.out).toContain("Next: npm run step 5");
  }, 30_000);

  it("an expired assertion is made again before it is sent", async () => {
    const other = tempDir("expired-");
    expect((await run("6", "--fixed", "--out", other)).code).toBe(0);
    // Without --fixed the clock is real, and the fixed assertion (January 2026) is long expired.
    const r = await run("7", "--out", other, "--json");
    expect(r.code, r.err).toBe(0);
    const parsed = JSON.parse(r.out);
    expect(parsed.notes.join(" ")).toMatch(/had expired .* steps 3, 5 and 6 made a fresh one/);
    expect(parsed.result.status).toBe(200);
  }, 30_000);

  it("--live refuses the demo app instead of sending its assertion to the real Entra", async () => {
    const other = tempDir("live-");
    const r = await run("7", "--fixed", "--live", "--out", other);
    expect(r.code).toBe(1);
    expect(r.err).toContain("demo app");
  }, 30_000);
});

describe("without --fixed", () => {
  it("npm run workshop runs steps 1–8 and ends with the API's 200 (steps 7 and 8 share the mock's key)", async () => {
    const other = tempDir("real-");
    const r = await run("--all", "--out", other);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("✓ the API accepted the token");
    if (process.platform !== "win32") expect(statSync(join(other, "mock-aad", "token-signing-key.pem")).mode & 0o777).toBe(0o600);
  }, 60_000);

  it("step 8 --live refuses a token from the mock before any request is made", async () => {
    const requests: string[] = [];
    const original = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL) => {
      requests.push(String(input));
      throw new Error("no network in this test");
    }) as typeof fetch;
    try {
      const r = await run("8", "--fixed", "--live", "--out", dir);
      expect(r.code).toBe(1);
      expect(r.err).toContain("came from the offline mock");
    } finally {
      globalThis.fetch = original;
    }
    expect(requests).toEqual([]);
  });
});

describe("step 8: call the API (offline)", () => {
  it("Graph returns the app's own registration, with the certificate as its key credential", () => {
    const body = json("api-response.json");
    expect(body.appId).toBe("8a7b6c5d-4e3f-4a2b-9c1d-0e1f2a3b4c5d");
    const thumbprints = json("thumbprints.json");
    expect(body.keyCredentials[0].customKeyIdentifier).toBe(thumbprints.sha1);
  });

  it("--api adt gets a Digital Twins token first and runs the query", async () => {
    const r = await run("8", "--fixed", "--api", "adt", "--out", dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("there was no valid token for Azure Digital Twins, so step 7 asked for one first");
    expect(r.out).toContain("POST https://workshop-demo.api.weu.digitaltwins.azure.net/query?api-version=2023-10-31");
    expect(json("api-response.json").value.length).toBeGreaterThan(0);
  }, 30_000);
});
