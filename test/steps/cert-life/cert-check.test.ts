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
  });
});
