/**
 * Property: whatever the assertion, the doctor predicts exactly what the mock answers (the first
 * failing check's code, or success), and it never throws. Two generators: random edits of a good
 * assertion's text, and random header and claim values (of every type) from pools of the usual
 * mistakes.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { diagnose } from "../../lib/entra/doctor/index.ts";
import { b64url, build, certFor, DEMO_CLIENT_ID, DEMO_TENANT_ID, mockAnswer, NOW, NOW_S, rsaKeys, tokenForm, V1_AUD, V2_AUD, type TestCert } from "./helpers.ts";

let cert: TestCert;
let other: TestCert;
beforeAll(async () => {
  cert = await certFor(rsaKeys());
  other = await certFor(rsaKeys(), { serial: 2 });
});

async function agree(jwt: string): Promise<void> {
  const d = diagnose({ text: jwt, certificate: { der: cert.der }, clientId: DEMO_CLIENT_ID, tenant: DEMO_TENANT_ID, now: NOW });
  const mock = await mockAnswer(tokenForm(jwt), [cert.der]);
  expect(d.predicted?.aadsts ?? "ok", `${jwt.slice(0, 80)}… causes ${d.causes.map((c) => c.id).join(",")}`).toBe(mock);
}

describe("the doctor and the mock agree", () => {
  it("on random edits of a good assertion", async () => {
    const edit = fc.record({ at: fc.nat(), op: fc.constantFrom("replace", "delete", "insert"), ch: fc.constantFrom(..."AZaz09-_+/=.{}\"") });
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(edit, { minLength: 1, maxLength: 3 }), async (pss, edits) => {
        let t = pss ? build(cert, { header: { alg: "PS256", x5t: undefined, "x5t#S256": cert.x5tS256 } }) : build(cert);
        for (const e of edits) {
          const at = e.at % (t.length + 1);
          t = e.op === "replace" ? t.slice(0, at) + e.ch + t.slice(at + 1) : e.op === "delete" ? t.slice(0, at) + t.slice(at + 1) : t.slice(0, at) + e.ch + t.slice(at);
        }
        await agree(t);
      }),
      { numRuns: 150 },
    );
  });

  it("on random header and claim values", async () => {
    const maybe = <T,>(usual: T, ...others: unknown[]) => fc.oneof({ arbitrary: fc.constant(usual), weight: 3 }, { arbitrary: fc.constantFrom(undefined, ...others), weight: 1 });
    const claims = fc.record({
      aud: maybe(V2_AUD, V1_AUD, `${V2_AUD}/`, V2_AUD.toUpperCase(), "https://graph.microsoft.com", [V2_AUD], 5, "", `https://login.microsoftonline.com/common/oauth2/v2.0/token`, `https://login.microsoftonline.com:443/${DEMO_TENANT_ID}/oauth2/v2.0/token`, `https://login.microsoftonline.com/workshop-demo.onmicrosoft.com/oauth2/v2.0/token`),
      iss: maybe(DEMO_CLIENT_ID, DEMO_CLIENT_ID.toUpperCase(), "12345678-1234-4234-8234-123456789abc", 7, ""),
      sub: maybe(DEMO_CLIENT_ID, "someone", null),
      nbf: maybe(NOW_S, NOW_S + 200, NOW_S + 400, NOW_S * 1000, String(NOW_S), "abc", true, null),
      exp: maybe(NOW_S + 600, NOW_S - 200, NOW_S - 400, (NOW_S + 600) * 1000, String(NOW_S + 600), "soon", 0, NOW_S + 86400),
    });
    const header = fc.record({
      alg: maybe("RS256", "PS256", "RS384", "none", "HS256", "ES256", "", 5),
      x5t: maybe(cert.x5t, `${cert.x5t}=`, b64url(cert.sha1Hex), cert.x5tS256, other.x5t, 5, "", "!!"),
      "x5t#S256": fc.constantFrom(undefined, undefined, cert.x5tS256, cert.x5t, other.x5tS256),
      x5c: fc.constantFrom(undefined, undefined, [Buffer.from(cert.der).toString("base64")], [Buffer.from(other.der).toString("base64")], [b64url(cert.der)], []),
      kid: fc.constantFrom(undefined, undefined, "abc", "11111111-2222-4333-8444-555555555555", 5),
    });
    await fc.assert(
      fc.asyncProperty(header, claims, fc.constantFrom("RS256", "PS256", "other-key") as fc.Arbitrary<string>, async (h, c, how) => {
        const jwt = build(cert, { header: h, claims: c, ...(how === "other-key" ? { key: other.privateKey, how: "RS256" } : { how: how as "RS256" | "PS256" }) });
        await agree(jwt);
      }),
      { numRuns: 150 },
    );
  });
});
