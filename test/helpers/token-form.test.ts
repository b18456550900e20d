/**
 * The shared test form builder (test/helpers/token-form.ts): the exact body it makes, since the
 * doctor's and the mock's tests both send it and compare answers with it.
 */
import { describe, expect, it } from "vitest";
import { DEMO_CLIENT_ID } from "../../lib/entra/demo.ts";
import { JWT_BEARER, tokenForm } from "./token-form.ts";

describe("tokenForm", () => {
  it("makes the five fields of a certificate token request, in order", () => {
    expect(new URLSearchParams(tokenForm("h.p.s")).toString()).toBe(
      `grant_type=client_credentials&client_id=${DEMO_CLIENT_ID}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default` +
        "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=h.p.s",
    );
    expect(JWT_BEARER).toBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  });

  it("replaces a field in place, appends new ones, and drops undefined ones", () => {
    const form = tokenForm("h.p.s", { scope: "api://x/.default", resource: "https://graph.microsoft.com", client_id: undefined });
    expect(Object.keys(form)).toEqual(["grant_type", "scope", "client_assertion_type", "client_assertion", "resource"]);
    expect(form.scope).toBe("api://x/.default");
    expect(Object.keys(tokenForm(undefined))).not.toContain("client_assertion");
    expect(Object.values(tokenForm(undefined, { grant_type: undefined }))).not.toContain(undefined);
  });
});
