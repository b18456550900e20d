import { createHash, X509Certificate } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NEW_KEY_TRIES } from "../../../steps/cert/rotate.ts";
import { CLIENT_ID, GRAPH, Lab, ORIGIN, PASSWORD_VAR, START, TENANT, throwawayCert } from "./harness.ts";
import { modesUnder } from "./modes.ts";
import { pemDecode } from "../../../lib/formats/pem.ts";

const END = new Date(START.getTime() + 40 * 86_400_000);
const sha1 = (der: Uint8Array) => createHash("sha1").update(der).digest("hex").toUpperCase();

async function ready(options: { replicationDelaySeconds?: number } = {}) {
  const cert = await throwawayCert(START, END);
  const lab = await Lab.withCertificate(cert, options);
  const pfx = await lab.pfx(cert);
  await lab.addProfile("work", pfx);
  await lab.addProfile("straggler", pfx); // another machine, still on the old certificate
  return { lab, cert, pfx };
}

const registered = (lab: Lab) => lab.registry.applications[0]!.keyCredentials.map((k) => sha1(k.certificateDer));
const profileFile = (lab: Lab) => readFileSync(join(lab.home, "profiles", "work.json"), "utf8");

describe("npm run cert -- rotate", () => {
  it("five steps; afterwards only the new certificate is registered, the old key gets 700027, tokens keep coming", async () => {
    const { lab, cert, pfx } = await ready();
    const old = await lab.run("token", "--profile", "work");
    expect(old.code).toBe(0);
    lab.now = new Date(END.getTime() - 10 * 86_400_000);
    expect((await lab.run("cert", "check", "--profile", "work")).code).toBe(1); // expiring: time to rotate

    const r = await lab.run("cert", "rotate", "--profile", "work", "--yes");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    for (const n of [1, 2, 3, 4, 5]) expect(r.out).toMatch(new RegExp(`^✓ ${n}/5 `, "m"));
    expect(r.out).toContain("aud  00000002-0000-0000-c000-000000000000");
    expect(r.out).toContain("✓ Rotated.");

    const profile = JSON.parse(profileFile(lab));
    expect(profile.certificate.pfx).not.toBe(pfx);
    expect(profile.certificate.passwordEnv).toBe(PASSWORD_VAR);
    expect(profile.previous).toBeUndefined();
    const newPfx = readFileSync(profile.certificate.pfx);
    expect(existsSync(pfx)).toBe(true); // the old file kept
    const newCer = new Uint8Array(readFileSync(join(profile.certificate.pfx, "..", "cert.cer")));
    expect(registered(lab)).toEqual([sha1(newCer)]); // only the new one
    expect(sha1(newCer)).not.toBe(sha1(cert.der));
    expect(newPfx.length).toBeGreaterThan(0);

    const straggler = await lab.run("token", "--profile", "straggler", "--no-cache");
    expect(straggler.code).toBe(1);
    expect(straggler.err).toMatch(/AADSTS700027/);
    const after = await lab.run("token", "--profile", "work");
    expect(after.code).toBe(0);
    expect(after.out).not.toBe(old.out); // the old certificate's cached token was dropped
    expect(readdirSync(join(lab.home, "cache", "work"))).toHaveLength(1);
    const check = await lab.run("cert", "check", "--profile", "work", "--json");
    expect(JSON.parse(check.out)).toMatchObject({ status: "ok" });
    expect(JSON.parse(check.out).daysLeft).toBeGreaterThanOrEqual(730); // --years 2 from the rotation day
    if (process.platform !== "win32") for (const m of modesUnder(lab.home)) expect(m.mode, m.path).toBe(m.dir ? 0o700 : 0o600);
  });

  it("a PEM profile gets a PEM file again (certificate and key, 0600), and its tokens keep coming", async () => {
    const cert = await throwawayCert(START, END);
    const lab = await Lab.withCertificate(cert);
    const added = await lab.run("profile", "add", "pem", "--tenant", TENANT, "--client-id", CLIENT_ID, "--pem", lab.pem(cert), "--authority", ORIGIN, "--graph", GRAPH);
    expect(added.code).toBe(0);
    const r = await lab.run("cert", "rotate", "--profile", "pem", "--yes", "--json");
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.ok).toBe(true);
    expect(json.steps.map((s: { number: number; ok: boolean }) => [s.number, s.ok])).toEqual([[1, true], [2, true], [3, true], [4, true], [5, true]]);
    const profile = JSON.parse(readFileSync(join(lab.home, "profiles", "pem.json"), "utf8"));
    expect(profile.certificate.pem).toMatch(/cert-and-key\.pem$/);
    const text = readFileSync(profile.certificate.pem, "utf8");
    expect(pemDecode(text).map((b) => b.label)).toEqual(["CERTIFICATE", "PRIVATE KEY"]);
    expect(registered(lab)).toEqual([sha1(new X509Certificate(text).raw)]); // node:crypto reads the new file's certificate
    expect((await lab.run("token", "--profile", "pem", "--no-cache")).code).toBe(0);
  });

  it("--keep-old leaves the old key registered until --finish", async () => {
    const { lab } = await ready();
    const r = await lab.run("cert", "rotate", "--profile", "work", "--yes", "--keep-old");
    expect(r.code).toBe(0);
    expect(registered(lab)).toHaveLength(2);
    expect((await lab.run("token", "--profile", "straggler", "--no-cache")).code).toBe(0);
    expect(JSON.parse(profileFile(lab)).previous.keyId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await lab.run("cert", "rotate", "--profile", "work", "--yes");
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/left the old key .* registered \(--keep-old\); finish that one first\./);
    const finish = await lab.run("cert", "rotate", "--finish", "--profile", "work", "--yes");
    expect(finish.code).toBe(0);
    expect(registered(lab)).toHaveLength(1);
    expect(JSON.parse(profileFile(lab)).previous).toBeUndefined();
    expect((await lab.run("token", "--profile", "straggler", "--no-cache")).err).toMatch(/AADSTS700027/);
  });

  it("waits for Entra to replicate the new key (the mock's replication delay; the clock moves, the test does not sleep)", async () => {
    const { lab } = await ready({ replicationDelaySeconds: 25 });
    const r = await lab.run("cert", "rotate", "--profile", "work", "--yes");
    expect(r.code).toBe(0);
    expect(lab.sleeps).toBeGreaterThanOrEqual(1);
    expect(r.out).toMatch(/after \d tries: Entra was still replicating the new key/);
  });

  it("a new key that cannot get a token is removed again, its files deleted, the profile unchanged", async () => {
    const { lab, cert } = await ready({ replicationDelaySeconds: 24 * 3600 });
    const before = profileFile(lab);
    const r = await lab.run("cert", "rotate", "--profile", "work", "--yes");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^✗ 3\/5 A token with the new certificate/m);
    expect(r.out).toContain("undone: removed the new key");
    expect(lab.sleeps).toBe(NEW_KEY_TRIES - 1);
    expect(registered(lab)).toEqual([sha1(cert.der)]);
    expect(profileFile(lab)).toBe(before);
    const certs = join(lab.home, "certs", "work");
    expect(existsSync(certs) ? readdirSync(certs) : []).toEqual([]);
    expect((await lab.run("token", "--profile", "work", "--no-cache")).code).toBe(0);
  });
});

describe("npm run cert -- rotate: bad input is one sentence, exit 1, nothing changed", () => {
  it("without --yes and without a terminal: refuses and says to pass --yes", async () => {
    const { lab, cert } = await ready();
    const r = await lab.run("cert", "rotate", "--profile", "work");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/pass --yes to go ahead\./);
    expect(registered(lab)).toEqual([sha1(cert.der)]);
  });

  it("at a terminal it asks: anything but yes changes nothing, yes rotates", async () => {
    const { lab, cert } = await ready();
    const questions: string[] = [];
    let answer = "n";
    lab.prompt = { ask: async (q) => (questions.push(q), answer), askHidden: async () => "" };
    const no = await lab.run("cert", "rotate", "--profile", "work");
    expect(no.code).toBe(1);
    expect(no.err).toMatch(/Nothing was done \(you did not answer yes\)\./);
    expect(registered(lab)).toEqual([sha1(cert.der)]);
    answer = "yes";
    expect((await lab.run("cert", "rotate", "--profile", "work")).code).toBe(0);
    expect(questions[0]).toMatch(/^Change the app registration "Entra workshop demo app" now\? \[y\/N\] $/);
    expect(registered(lab)).not.toContain(sha1(cert.der));
  });

  it("Graph refusing the proof (this machine's clock 20 minutes behind): nothing registered, the profile as it was", async () => {
    const { lab, cert } = await ready();
    await lab.run("token", "--profile", "work", "--scope", "https://graph.microsoft.com/.default");
    const before = profileFile(lab);
    lab.mockSkewMs = 20 * 60_000;
    const r = await lab.run("cert", "rotate", "--profile", "work", "--yes");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^✗ 2\/5 Graph addKey/m);
    expect(r.out).toMatch(/✗ Rotation stopped: Microsoft Graph refused POST \/applications\/[0-9a-f-]+\/addKey: Authentication_MissingOrMalformed/);
    expect(registered(lab)).toEqual([sha1(cert.der)]);
    expect(profileFile(lab)).toBe(before);
  });

  it("rotating with a PFX whose password is gone", async () => {
    const { lab, cert } = await ready();
    lab.env[PASSWORD_VAR] = "not the password any more";
    const r = await lab.run("cert", "rotate", "--profile", "work", "--yes");
    expect(r.code).toBe(1);
    expect(r.err.split("\n")[0]).toMatch(/^✗ .*app\.pfx does not open with the password in \$TEST_PFX_PASSWORD\.$/);
    expect(registered(lab)).toEqual([sha1(cert.der)]);
  });

  it("an expired certificate cannot authorise its own rotation", async () => {
    const { lab } = await ready();
    lab.now = new Date(END.getTime() + 86_400_000);
    const r = await lab.run("cert", "rotate", "--profile", "work", "--yes");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/AADSTS700027/);
  });
});
