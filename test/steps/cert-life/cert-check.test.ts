import { createHash, X509Certificate } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { judgeExpiry, registeredThumbprint } from "../../../lib/entra/expiry.ts";
import { Lab, START, throwawayCert } from "./harness.ts";

const DAY = 86_400_000;
const END = new Date(START.getTime() + 365 * DAY);

async function ready() {
  const cert = await throwawayCert(START, END);
  const lab = await Lab.withCertificate(cert);
  await lab.addProfile("work", await lab.pfx(cert));
  return { lab, cert };
}

describe("npm run cert -- check --profile", () => {
  it("fine: exit 0, the local certificate found among the app's keyCredentials by its thumbprint", async () => {
    const { lab, cert } = await ready();
    const r = await lab.run("cert", "check", "--profile", "work", "--json");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const sha1 = new X509Certificate(cert.der).fingerprint.replace(/:/g, ""); // node:crypto, the oracle
    expect(j.certificate.thumbprintSha1).toBe(sha1);
    expect(j.status).toBe("ok");
    expect(j.daysLeft).toBe(365);
    expect(j.registered).toHaveLength(1);
    expect(j.registered[0]).toMatchObject({ local: true, customKeyIdentifier: sha1, status: "ok" });
    const text = await lab.run("cert", "check", "--profile", "work");
    expect(text.out).toContain("✓ Fine (exit 0): 365 days left");
    expect(text.out).toContain("← this certificate");
  });

  it("expiring within --warn-days: exit 1 and the rotate command (an injected clock, no waiting)", async () => {
    const { lab } = await ready();
    lab.now = new Date(END.getTime() - 10 * DAY);
    const r = await lab.run("cert", "check", "--profile", "work");
    expect(r.code).toBe(1);
    expect(r.out).toContain("! Expiring (exit 1): 10 days left");
    expect(r.out).toContain("npm run cert -- rotate --profile work");
    expect((await lab.run("cert", "check", "--profile", "work", "--warn-days", "5")).code).toBe(0);
  });

  it("expired: exit 2, the token refused, and what to do (addKey cannot help an expired key)", async () => {
    const { lab } = await ready();
    lab.now = new Date(END.getTime() + DAY);
    const r = await lab.run("cert", "check", "--profile", "work", "--json");
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out);
    expect(j.status).toBe("expired");
    expect(j.lookupError).toMatch(/AADSTS700027/);
    const text = await lab.run("cert", "check", "--profile", "work");
    expect(text.out).toContain("✗ Expired (exit 2)");
    expect(text.out).toContain("an expired one cannot rotate itself");
  });

  it("unreadable (an unknown profile) is exit 2 for a monitoring check, with one sentence", async () => {
    const { lab } = await ready();
    const r = await lab.run("cert", "check", "--profile", "nope");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^✗ There is no profile "nope"/);
  });

  it("a certificate FILE: its dates only", async () => {
    const { lab, cert } = await ready();
    const file = join(lab.files, "cert.cer");
    writeFileSync(file, cert.der);
    expect((await lab.run("cert", "check", file)).code).toBe(0);
    lab.now = new Date(END.getTime() - DAY);
    expect((await lab.run("cert", "check", file)).code).toBe(1);
    lab.now = END;
    expect((await lab.run("cert", "check", file)).code).toBe(2);
    expect((await lab.run("cert", "check", join(lab.files, "missing.cer"))).code).toBe(2);
  });
});

describe("npm run cert -- check: what a newcomer met after a rotation", () => {
  it("the local certificate is no longer registered (the token request gets 700027, key not found): the verdict is known, not registered, exit 2", async () => {
    const current = await throwawayCert(START, END, "CN=cert-life current");
    const old = await throwawayCert(new Date(START.getTime() - 30 * DAY), new Date(START.getTime() + 730 * DAY), "CN=cert-life old");
    const lab = await Lab.withCertificate(current); // the app has only the current certificate: the old one was removed
    await lab.addProfile("old-app", await lab.pfx(old, "old.pfx"));
    // What the token endpoint says, as the token command shows it: 700027, the key was not found.
    const token = await lab.run("token", "--profile", "old-app");
    expect(token.err).toMatch(/^✗ Entra answered AADSTS700027: No certificate registered on the app has the thumbprint/);
    const r = await lab.run("cert", "check", "--profile", "old-app");
    expect(r.code).toBe(2);
    const sha1 = new X509Certificate(old.der).fingerprint.replace(/:/g, ""); // node:crypto, the oracle
    expect(r.out).toContain(`✗ Not registered (exit 2): the app has no certificate with thumbprint ${sha1}; Entra answers AADSTS700027.`);
    expect(r.out).toContain("switch the profile to the current certificate: npm run profile -- edit old-app --pfx FILE.");
    expect(r.out).toContain("Entra refused a token for this certificate as not registered on the app");
    expect(r.out).not.toMatch(/Unknown|could not be read/);
    const j = JSON.parse((await lab.run("cert", "check", "--profile", "old-app", "--json")).out);
    expect(j).toMatchObject({ status: "not-registered", exitCode: 2, lookupError: null, registered: null });
    expect(j.tokenRefusal).toMatch(/AADSTS700027/);
  });

  it("a registration that cannot be read (Graph unreachable) is Unknown, in English; the dates have no milliseconds", async () => {
    const { lab } = await ready();
    lab.now = new Date(START.getTime() + 123); // a clock with milliseconds, as a real one has
    const io = lab.io();
    const fetch = io.fetch;
    io.fetch = async (url, init) => {
      if (url.includes("/graph/")) throw Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
      return fetch(url, init);
    };
    const { runCertCli } = await import("../../../steps/cert/command.ts");
    expect(await runCertCli(["check", "--profile", "work"], io)).toBe(2);
    const out = io.text().out;
    expect(out).toContain("✗ Unknown (exit 2): the certificate has 364 days left, but whether Entra accepts it could not be read.");
    expect(out).toContain("checked at   2026-03-01T10:00:00Z, warning window 30 days");
    expect(out).not.toMatch(/\d\.\d{3}Z/);
  });

  it("a certificate FILE that does not exist: the hint names the FILE argument as given, not --cert", async () => {
    const { lab } = await ready();
    const r = await lab.run("cert", "check", join(lab.files, "missing.cer"));
    expect(r.code).toBe(2);
    expect(r.err).toContain("There is no certificate file");
    expect(r.err).toContain("→ Check the path given as FILE (.cer, .pem or .pfx).");
    expect(r.err).not.toContain("--cert");
  });
});

describe("lib/entra/expiry.ts", () => {
  it("reads the thumbprint from key, from the hex customKeyIdentifier or from its base64 bytes", async () => {
    const cert = await throwawayCert(START, END);
    const sha1 = createHash("sha1").update(cert.der).digest();
    const hex = sha1.toString("hex").toUpperCase();
    expect(registeredThumbprint({ keyId: "k", key: Buffer.from(cert.der).toString("base64") })).toBe(hex);
    expect(registeredThumbprint({ keyId: "k", customKeyIdentifier: hex.toLowerCase() })).toBe(hex);
    expect(registeredThumbprint({ keyId: "k", customKeyIdentifier: sha1.toString("base64") })).toBe(hex);
    expect(registeredThumbprint({ keyId: "k", customKeyIdentifier: "my label" })).toBeUndefined();
  });

  it("not registered: exit 2; a registration that ends before the certificate counts first", async () => {
    const cert = await throwawayCert(START, END);
    const hex = createHash("sha1").update(cert.der).digest("hex").toUpperCase();
    const local = { subject: "CN=x", thumbprintSha1: hex, der: cert.der, notBefore: START, notAfter: END };
    const other = { keyId: "other", customKeyIdentifier: "00".repeat(20), start: START, end: END };
    expect(judgeExpiry({ local, registered: [other], now: START, warnDays: 30 })).toMatchObject({ status: "not-registered", exitCode: 2 });
    const short = { keyId: "mine", customKeyIdentifier: hex, start: START, end: new Date(START.getTime() + 20 * DAY) };
    expect(judgeExpiry({ local, registered: [other, short], now: START, warnDays: 30 })).toMatchObject({ status: "expiring", exitCode: 1, daysLeft: 20 });
    expect(judgeExpiry({ local, now: new Date(START.getTime() - DAY), warnDays: 30 })).toMatchObject({ status: "not-yet-valid", exitCode: 2 });
    // Entra's own "not registered" (a token refused with 700027, key not found), without Graph's list: not registered; the dates still come first.
    expect(judgeExpiry({ local, refusedAsUnregistered: true, now: START, warnDays: 30 })).toMatchObject({ status: "not-registered", exitCode: 2 });
    expect(judgeExpiry({ local, refusedAsUnregistered: true, now: END, warnDays: 30 })).toMatchObject({ status: "expired", exitCode: 2 });
  });
});
