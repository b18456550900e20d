/** The one token-request form: what step 7 and the lab send, checked field by field against RFC 6749 §4.4.2 and RFC 7523 §2.2. */
import { describe, expect, it } from "vitest";
import { CLIENT_ASSERTION_TYPE, isGuid, tokenEndpoint } from "../../../lib/entra/protocol.ts";
import { formBody, tokenRequestFields } from "../../../lib/entra/token-request.ts";

describe("tokenRequestFields", () => {
  it("v2: client_id, scope, grant_type, then the assertion and its type", () => {
    const fields = tokenRequestFields({ clientId: "app", scope: "https://graph.microsoft.com/.default", assertion: "a.b.c" });
    expect(fields).toEqual([
      ["client_id", "app"],
      ["scope", "https://graph.microsoft.com/.default"],
      ["grant_type", "client_credentials"],
      ["client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"],
      ["client_assertion", "a.b.c"],
    ]);
    expect(CLIENT_ASSERTION_TYPE).toBe("urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  });
  it("v1 sends resource without /.default", () => {
    expect(tokenRequestFields({ clientId: "app", scope: "https://graph.microsoft.com/.default", v1: true })[1]).toEqual(["resource", "https://graph.microsoft.com"]);
  });
  it("no assertion: neither client_assertion nor its type", () => {
    expect(tokenRequestFields({ clientId: "app", scope: "s" }).map(([k]) => k)).toEqual(["client_id", "scope", "grant_type"]);
  });
  it("the body is form-encoded as a browser encodes it (URLSearchParams is the oracle: read back, equal)", () => {
    const fields = tokenRequestFields({ clientId: "app", scope: "https://x/.default openid", assertion: "a+b/c=" });
    const body = formBody(fields);
    expect(body).toContain("scope=https%3A%2F%2Fx%2F.default+openid");
    expect(body).toContain("client_assertion=a%2Bb%2Fc%3D");
    expect([...new URLSearchParams(body)]).toEqual(fields);
  });
});

describe("protocol", () => {
  it("token endpoints v1 and v2", () => {
    expect(tokenEndpoint("t")).toBe("https://login.microsoftonline.com/t/oauth2/v2.0/token");
    expect(tokenEndpoint("t", "v1", "https://login.microsoftonline.us")).toBe("https://login.microsoftonline.us/t/oauth2/token");
  });
  it("GUIDs in any case; not with braces or missing a group", () => {
    expect(isGuid("4F1C2D3E-5A6B-4C7D-8E9F-0A1B2C3D4E5F")).toBe(true);
    expect(isGuid("{4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f}")).toBe(false);
    expect(isGuid("4f1c2d3e-5a6b-4c7d-8e9f")).toBe(false);
  });
});
