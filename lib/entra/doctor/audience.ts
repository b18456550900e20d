/**
 * The aud claim. RFC 7523 §3 item 3: the audience is the authorization server, and "the token
 * endpoint URL of the authorization server MAY be used". Entra requires exactly that: its tenant's
 * token endpoint, v2 (/oauth2/v2.0/token) or v1 (/oauth2/token), compared as text without regard
 * to case (the mock's rule, check-assertion.ts audienceMatches). This file says which way an aud
 * that does not match is wrong.
 */
import { ENTRA_AUTHORITY_HOST as ENTRA_ORIGIN, GRAPH_APP_ID, GUID, MULTI_TENANT_NAMES } from "../protocol.ts";
import type { CauseId } from "./causes.ts";

export interface AudienceContext {
  /** The tenant the request goes to (GUID or domain), when known. */
  tenant?: string;
  /** Where the request is posted, when known (a local mock's origin is accepted too). */
  endpoint?: { origin: string; version: "v1" | "v2" };
}

export interface AudienceFinding {
  status: "pass" | "fail" | "warn";
  /** Found a problem Entra refuses? Then causes hold "error" causes; else warnings or information. */
  causes: { id: CauseId; detail: string; evidence: [string, string][]; outcome?: string }[];
  expected: string;
  /** The check could only look at the form of aud (the tenant is unknown). */
  partial: boolean;
}

const MULTI = MULTI_TENANT_NAMES;
const TOKEN_PATH = /^\/([^/]+)\/oauth2\/(v2\.0\/)?token$/i;

export function expectedAudience(tenant: string | undefined, version: "v1" | "v2" = "v2"): string {
  return `${ENTRA_ORIGIN}/${tenant ?? "<tenant>"}/oauth2/${version === "v2" ? "v2.0/" : ""}token`;
}

export function analyseAudience(aud: string, context: AudienceContext): AudienceFinding {
  const version = context.endpoint?.version ?? "v2";
  const tenant = context.tenant;
  const expected = expectedAudience(tenant, version);
  const out: AudienceFinding = { status: "pass", causes: [], expected, partial: false };
  const fail = (id: CauseId, detail: string, evidence: [string, string][] = []) => {
    out.status = "fail";
    out.causes.push({ id, detail, evidence: [["aud", aud], ["expected", expected], ...evidence] });
  };
  const origins = new Set([ENTRA_ORIGIN, ...(context.endpoint ? [context.endpoint.origin.toLowerCase()] : [])]);

  if (aud.toLowerCase() === GRAPH_APP_ID || /^https?:\/\/graph\.(microsoft\.com|windows\.net)(\/|$)/i.test(aud)) {
    fail("aud-graph-resource", `aud is ${aud}, the API the token is for; aud of a client assertion is the token endpoint that receives it.`);
    return out;
  }
  let url: URL;
  try {
    url = new URL(aud);
  } catch {
    fail("aud-not-token-endpoint", `aud "${aud}" is not a URL.`);
    return out;
  }
  const origin = `${url.protocol}//${url.host}`.toLowerCase();
  let path = url.pathname;
  const trailingSlash = path.length > 1 && path.endsWith("/");
  if (trailingSlash) path = path.replace(/\/+$/, "");
  const match = TOKEN_PATH.exec(path);
  const segment = match ? decodeURIComponent(match[1]!) : path.split("/")[1] ?? "";
  const audVersion = match ? (match[2] ? "v2" : "v1") : undefined;

  if (!origins.has(origin)) fail("aud-not-token-endpoint", `aud is at ${url.host}; Entra's token endpoint is at login.microsoftonline.com.`);
  if (!match) {
    const what = /\/v2\.0$/i.test(path) ? "the v2 issuer/authority" : /^\/[^/]+$/.test(path) ? "the authority" : /\/oauth2\/(v2\.0\/)?authorize$/i.test(path) ? "the authorize endpoint" : "not the token endpoint";
    fail("aud-not-token-endpoint", `aud ends in ${url.pathname}: that is ${what}, not …/oauth2/v2.0/token.`);
  }
  if (trailingSlash) fail("aud-trailing-slash", "aud ends with a slash: Entra compares the URL as text, so the slash makes it another URL.");
  if (url.search || url.hash) fail("aud-not-token-endpoint", `aud carries "${url.search}${url.hash}": Entra compares the URL as text.`);
  if (url.port) fail("aud-not-token-endpoint", `aud names port ${url.port} explicitly: Entra compares the URL as text.`);

  if (MULTI.test(segment)) {
    fail("aud-common", `aud uses /${segment}/: a client assertion names the tenant it signs in to.`);
  } else if (segment && tenant) {
    const same = segment.toLowerCase() === tenant.toLowerCase();
    // A GUID and a domain can name the same tenant; the doctor cannot tell. Anything that is
    // neither a GUID nor a domain name is no name of the tenant at all.
    const isName = (t: string) => GUID.test(t) || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(t);
    const comparable = GUID.test(segment) === GUID.test(tenant) || !isName(segment);
    if (!same && comparable) fail("aud-other-tenant", `aud names tenant ${segment}, but the request goes to tenant ${tenant}.`, [["aud tenant", segment], ["request tenant", tenant]]);
    else if (!same && out.status === "pass") {
      out.status = "warn";
      out.partial = true;
      const domain = GUID.test(segment) ? tenant : segment;
      out.causes.push({
        id: "aud-other-tenant",
        detail: `aud names ${segment} and the request ${tenant}: one is a GUID, the other a domain; the doctor cannot tell if they are the same tenant.`,
        evidence: [["aud", aud]],
        outcome: `unknown: AADSTS700023 unless ${domain} is a domain of the tenant ${GUID.test(segment) ? segment : tenant}`,
      });
    }
  } else if (!tenant) {
    out.partial = true;
  }
  // Last, the comparison the mock makes: the text, lower-cased, against the token endpoint URLs
  // (explicit ports, "/./", doubled slashes or escapes that URL parsing hides all make it differ).
  if (out.status !== "fail") {
    const rawSegment = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\/([^/?#]*)/i.exec(aud)?.[1] ?? "";
    const texts = [...origins].flatMap((o) => [`${o}/${rawSegment}/oauth2/v2.0/token`, `${o}/${rawSegment}/oauth2/token`].map((t) => t.toLowerCase()));
    if (!texts.includes(aud.toLowerCase())) fail("aud-not-token-endpoint", `aud differs as text from the token endpoint URL (Entra compares the text): ${describeTextDifference(aud)}.`);
  }
  if (out.status === "fail") return out;

  // Accepted. Worth saying: case and version.
  if (aud !== aud.toLowerCase() && !(tenant && aud === expectedAudience(tenant, audVersion))) {
    out.status = "warn";
    out.causes.push({ id: "aud-case", detail: "aud has upper-case letters where the token endpoint URL has lower case; Entra compares without regard to case (MSAL sends it lower-cased).", evidence: [["aud", aud], ["lower case", aud.toLowerCase()]] });
  }
  if (audVersion && audVersion !== version) {
    const where = context.endpoint ? `the request goes to the ${version} endpoint` : "the doctor assumes the v2 endpoint (no URL given)";
    out.causes.push({ id: "aud-v1-vs-v2", detail: `aud is the ${audVersion} token endpoint and ${where}; Entra accepts either.`, evidence: [["aud", aud], [`${version} endpoint`, expectedAudience(tenant ?? segment, version)]] });
  }
  return out;
}

/** What makes a URL that parses like the token endpoint differ from it as text. */
function describeTextDifference(aud: string): string {
  if (/^[a-z]+:\/\/[^/]*:\d+/i.test(aud)) return "it names the port explicitly";
  if (/\/\.{1,2}(\/|$)/.test(aud)) return 'it has "." or ".." path segments';
  if (/[^:]\/\//.test(aud)) return "it has a doubled slash";
  if (/%[0-9a-f]{2}/i.test(aud)) return "it has %-escapes";
  if (/@/.test(aud.split("/")[2] ?? "")) return "it carries user information before the host";
  return "look for characters that do not belong";
}
