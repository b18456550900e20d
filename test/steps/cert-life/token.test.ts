import { createPublicKey, X509Certificate } from "node:crypto";
import { verifiesAsGraph } from "../../helpers/graph-token.ts";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RENEW_BEFORE_SECONDS } from "../../../steps/token/acquire.ts";
import { CLIENT_ID, GRAPH, Lab, ORIGIN, PASSWORD_VAR, START, TENANT, throwawayCert } from "./harness.ts";
import { runDoctor } from "../../../steps/doctor/cli.ts";
import { modesUnder } from "./modes.ts";

const later = new Date(START.getTime() + 730 * 86_400_000);

async function ready() {
  const cert = await throwawayCert(START, later);
  const lab = await Lab.withCertificate(cert);
  await lab.addProfile("work", await lab.pfx(cert));
  return { lab, cert };
}

/** node:crypto verifies the mock's Graph token with the mock's published signing certificate (the JWKS's x5c). */
async function verifiesWithMockJwks(lab: Lab, token: string): Promise<boolean> {
  const jwks = (await (await lab.mock.handle(new Request(`https://127.0.0.1:8443/${"common"}/discovery/v2.0/keys`))).json()) as { keys: { kid: string; x5c: string[] }[] };
  const [h] = token.split(".");
  const kid = JSON.parse(Buffer.from(h!, "base64url").toString()).kid;
  const jwk = jwks.keys.find((k) => k.kid === kid)!;
  const key = createPublicKey(new X509Certificate(Buffer.from(jwk.x5c[0]!, "base64")).publicKey.export({ type: "spki", format: "pem" }));
  return verifiesAsGraph(token, key).asGraph; // a Graph token: signed over its nonce's hash
}

describe("npm run token", () => {
  it("prints only the access token; the second call comes from the 0600 cache without a request", async () => {
    const { lab } = await ready();
    const first = await lab.run("token", "--profile", "work");
    expect(first.err).toBe("");
    expect(first.code).toBe(0);
    const token = first.out.trim();
    expect(first.out).toBe(token + "\n");
    expect(token.split(".")).toHaveLength(3);
    expect(await verifiesWithMockJwks(lab, token)).toBe(true);
    expect(JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString())).toMatchObject({ appid: CLIENT_ID, aud: "https://graph.microsoft.com" });
    expect(lab.tokenRequests()).toBe(1);

    lab.now = new Date(lab.now.getTime() + 10 * 60_000); // ten minutes later: still well before expiry
    const second = await lab.run("token", "--profile", "work");
    expect(second.out).toBe(first.out);
    expect(lab.tokenRequests()).toBe(1); // no second request
    if (process.platform !== "win32") for (const m of modesUnder(lab.home)) expect(m.mode, m.path).toBe(m.dir ? 0o700 : 0o600);
    expect(modesUnder(join(lab.home, "cache")).some((m) => !m.dir)).toBe(true);
  });

  it("asks again shortly before expiry, and with --no-cache; --json gives the expiry", async () => {
    const { lab } = await ready();
    const first = JSON.parse((await lab.run("token", "--profile", "work", "--json")).out);
    expect(first.fromCache).toBe(false);
    const expiresOn = new Date(first.expiresOn);
    expect(expiresOn.getTime()).toBeGreaterThan(START.getTime());
    lab.now = new Date(expiresOn.getTime() - (RENEW_BEFORE_SECONDS + 1) * 1000);
    expect(JSON.parse((await lab.run("token", "--profile", "work", "--json")).out).fromCache).toBe(true);
    expect(lab.tokenRequests()).toBe(1);
    lab.now = new Date(expiresOn.getTime() - (RENEW_BEFORE_SECONDS - 1) * 1000);
    expect(JSON.parse((await lab.run("token", "--profile", "work", "--json")).out).fromCache).toBe(false);
    expect(lab.tokenRequests()).toBe(2);
    await lab.run("token", "--profile", "work", "--no-cache");
    expect(lab.tokenRequests()).toBe(3);
  });

  it("a refusal goes to stderr as the doctor explains it, exit 1, stdout empty", async () => {
    const cert = await throwawayCert(START, later);
    const other = await throwawayCert(START, later, "CN=not registered");
    const lab = await Lab.withCertificate(cert);
    await lab.addProfile("work", await lab.pfx(other));
    const r = await lab.run("token", "--profile", "work");
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^✗ Entra answered AADSTS700027: .+ Most likely: /);
    expect(r.err).toMatch(/→ .*npm run cert -- check --profile work/);
  });

  it("the refusal's doctor command works as given: the PFX with the profile's --password-env, and the PEM as it is", async () => {
    const cert = await throwawayCert(START, later);
    const other = await throwawayCert(START, later, "CN=not registered");
    const lab = await Lab.withCertificate(cert);
    const pfx = await lab.pfx(other);
    await lab.addProfile("work", pfx);
    await lab.run("profile", "add", "pem", "--tenant", TENANT, "--client-id", CLIENT_ID, "--pem", lab.pem(other), "--authority", ORIGIN, "--graph", GRAPH);
    const sha1 = new X509Certificate(other.der).fingerprint.replace(/:/g, ""); // node:crypto, the oracle
    for (const [profile, flags] of [["work", `--cert ${pfx} --password-env ${PASSWORD_VAR}`], ["pem", `--cert ${join(lab.files, "app.pem")}`]] as const) {
      const r = await lab.run("token", "--profile", profile);
      expect(r.code).toBe(1);
      const command = /for every detail: npm run doctor -- '<the error text>' (.+)\.$/m.exec(r.err)?.[1];
      expect(command, r.err).toBe(flags);
      // Run it as the newcomer would, pasting the first line the token command printed.
      const pasted = r.err.split("\n")[0]!.replace(/^✗ /, "");
      let out = "";
      let err = "";
      const code = await runDoctor([pasted, ...command!.split(" "), "--json"], { out: (t) => void (out += t), err: (t) => void (err += t), color: false, env: lab.env, now: () => lab.now });
      expect(err).toBe("");
      expect(code).toBe(1); // an Entra error, explained
      expect(JSON.parse(out).certificate.sha1Windows).toBe(sha1);
    }
  });

  it("an expired certificate: 700027, the key is expired", async () => {
    const cert = await throwawayCert(new Date("2024-01-01T00:00:00Z"), new Date("2026-01-01T00:00:00Z"));
    const lab = await Lab.withCertificate(cert);
    await lab.addProfile("old", await lab.pfx(cert));
    const r = await lab.run("token", "--profile", "old");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/AADSTS700027/);
    expect(r.err.toLowerCase()).toMatch(/expired/);
  });

  it("an unreachable authority: one sentence naming the host", async () => {
    const { lab } = await ready();
    const io = lab.io();
    io.fetch = async () => {
      throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    };
    const { runTokenCli } = await import("../../../steps/token/command.ts");
    const code = await runTokenCli(["--profile", "work"], io);
    expect(code).toBe(1);
    expect(io.text().err).toMatch(/^✗ Could not reach 127\.0\.0\.1:8443 \(ECONNREFUSED\)\.\n  → /);
  });

  it("against a real Entra it refuses the published demo key", async () => {
    const { readFileSync, writeFileSync } = await import("node:fs");
    const { DEMO_KEY_PATH } = await import("../../../steps/fixed.ts");
    const { buildSelfSignedCertificate } = await import("../../../lib/formats/x509/index.ts");
    const { createPrivateKey, sign } = await import("node:crypto");
    const pem = readFileSync(DEMO_KEY_PATH, "utf8");
    const key = createPrivateKey(pem);
    const built = await buildSelfSignedCertificate({ subject: "CN=demo", publicKeySpki: new Uint8Array(key.export({ type: "pkcs1", format: "der" }).length ? (await import("node:crypto")).createPublicKey(key).export({ type: "spki", format: "der" }) : []), notBefore: START, notAfter: later, serialNumber: Uint8Array.of(1), sign: (tbs) => new Uint8Array(sign("sha256", tbs, key)) });
    const lab = new Lab((await import("../../../mock-aad/registry.ts")).defaultRegistry());
    const file = join(lab.files, "demo.pem");
    writeFileSync(file, `-----BEGIN CERTIFICATE-----\n${Buffer.from(built.der).toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE-----\n${pem}`);
    const r = await lab.run("profile", "add", "real", "--tenant", "contoso.onmicrosoft.com", "--client-id", "11111111-2222-4333-8444-555555555555", "--pem", file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/published demo keys, and https:\/\/login\.microsoftonline\.com is a real Entra/);
    expect(lab.requests).toHaveLength(0);
  });
});
