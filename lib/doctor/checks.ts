/**
 * Entra's checks, in Entra's order: the order the mock uses (mock-aad/core.ts for the form,
 * mock-aad/check-assertion.ts for the assertion), so that the first failing check is the code both
 * the mock and, as far as public sources tell, the real service answer:
 *
 *   form:      grant_type (900144, 70003) → tenant in the URL (9001023) → client_id (900144)
 *              → scope (90014) → client_assertion (7000216) → client_assertion_type (900144, 90011)
 *   assertion: shape (50027) → alg (5002738) → claims present (90014) → sub = iss (50048)
 *              → iss = client_id (700021) → aud (700023) → nbf/exp (700024) → which key (5002723)
 *              → key registered (700027) → key dates (700027) → RSA (5002730) → 2048 bits (700027)
 *              → signature (700027)
 *   form:      scope is <resource>/.default (1002012, 70011)
 *
 * Unlike Entra, the doctor does not stop at the first failure: it reads on tolerantly and runs
 * every check it can, so that every cause is named. Advice Entra does not enforce (lifetime, jti)
 * shows as warnings between the checks.
 */
import { CATALOG } from "../../mock-aad/catalog.ts";
import { windowsThumbprint } from "../x509.ts";
import { base64urlEncode } from "../base64url.ts";
import { analyseAudience, expectedAudience } from "./audience.ts";
import { cause, type CauseId } from "./causes.ts";
import { endpointOf } from "./read-input.ts";
import { JWS_ALGS, signatureForensics, type SignatureForensics } from "./signature-forensics.ts";
import { identifiesCertificate, readThumbprint, sha, type CertFacts, type ThumbprintReading } from "./thumbprints.ts";
import { ADVISED_MAX_LIFETIME_SECONDS, CLOCK_SKEW_SECONDS, durationText, localSummary, numericDate, readTime, relativeText } from "./times.ts";
import { readJwsTolerantly, type TolerantJws } from "./tolerant-jwt.ts";
import type { Cause, CauseSeverity, Check, CheckStatus, Found, ThumbprintRow, TimeReading } from "./types.ts";

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CheckRunInput {
  found: Found;
  cert?: CertFacts;
  clientId?: string;
  tenant?: string;
  now: Date;
}

export interface CheckRun {
  checks: Check[];
  causes: Cause[];
  notes: string[];
  /** Checks that could not run fully (no certificate, no client id, unknown tenant). */
  unverified: string[];
  jws?: TolerantJws;
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  times: TimeReading[];
  thumbprints: ThumbprintRow[];
}

/** A cause a check found; `severity` overrides the cause's default (a kid that cannot match is an error). */
type Found1 = { id: CauseId; detail: string; evidence?: [string, string][]; severity?: CauseSeverity };

/** Runs every check; returns them in order with the causes (ranked) and what was decoded. */
export function runChecks(input: CheckRunInput): CheckRun {
  const run: CheckRun = { checks: [], causes: [], notes: [], unverified: [], times: [], thumbprints: [] };
  const ranked: { cause: Cause; order: number }[] = [];

  /** Adds a check and the causes it found; a failing check's code goes on its error causes. */
  const add = (check: Omit<Check, "aadsts" | "catalogId">, catalogId: string | undefined, found: Found1[] = []) => {
    const full: Check = { ...check };
    if (check.status === "fail" && catalogId) {
      full.catalogId = catalogId;
      full.aadsts = CATALOG[catalogId]!.code;
    }
    run.checks.push(full);
    const order = run.checks.length;
    for (const f of found) {
      const c = cause(f.id, f.detail, f.evidence ?? [], { ...(check.status === "fail" && catalogId ? { aadsts: CATALOG[catalogId]!.code, catalogId } : {}), ...(f.severity ? { severity: f.severity } : {}) });
      // A warning found by a check that passed (or warned) stays a warning; an error cause found
      // by a check that did not fail (e.g. tolerated) is reported as a warning.
      if (c.severity === "error" && check.status !== "fail") c.severity = "warning";
      ranked.push({ cause: c, order });
    }
  };

  const form = input.found.formFields;
  const endpoint = input.found.url ? endpointOf(input.found.url) : undefined;
  if (input.found.url && !endpoint) run.notes.push(`The URL ${input.found.url} is not a token endpoint (…/{tenant}/oauth2/v2.0/token).`);
  const urlTenant = endpoint && !/^(common|organizations|consumers)$/i.test(endpoint.tenant) ? endpoint.tenant : undefined;
  if (input.tenant && urlTenant && input.tenant.toLowerCase() !== urlTenant.toLowerCase())
    run.notes.push(`--tenant ${input.tenant} differs from the tenant in the URL (${urlTenant}); the URL is what Entra sees, so the doctor uses it.`);
  const tenant = urlTenant ?? input.tenant;
  const clientId = form?.client_id || input.clientId;
  if (form?.client_id && input.clientId && form.client_id.toLowerCase() !== input.clientId.toLowerCase())
    run.notes.push(`--client-id ${input.clientId} differs from the form's client_id (${form.client_id}); Entra compares iss with the form's.`);

  // ── The form, before the assertion (mock-aad/core.ts) ──────────────────────────────────────────
  if (form) {
    const grant = form.grant_type;
    add(
      { id: "form-grant-type", title: "grant_type", status: grant === "client_credentials" ? "pass" : "fail", saw: grant ? `grant_type=${grant}` : "no grant_type", expected: "grant_type=client_credentials" },
      grant ? "70003" : "900144",
      grant === "client_credentials" ? [] : [{ id: "form-field", detail: grant ? `grant_type is "${grant}"; an app signing in as itself uses client_credentials.` : "The form has no grant_type." }],
    );
    if (endpoint && /^(common|organizations|consumers)$/i.test(endpoint.tenant)) {
      add(
        { id: "form-tenant", title: "tenant in the URL", status: "fail", saw: `/${endpoint.tenant}/ in ${input.found.url}`, expected: "the tenant ID or domain in the URL" },
        "9001023",
        [{ id: "wrong-tenant", detail: `The request goes to /${endpoint.tenant}/: the client credentials flow needs the tenant.`, evidence: [["URL", input.found.url!]] }],
      );
    }
    add(
      { id: "form-client-id", title: "client_id", status: form.client_id ? "pass" : "fail", saw: form.client_id ? `client_id=${form.client_id}` : "no client_id", expected: "the Application (client) ID" },
      "900144",
      form.client_id ? [] : [{ id: "form-field", detail: "The form has no client_id." }],
    );
    const v1 = endpoint?.version === "v1";
    const scopeField = v1 ? "resource" : "scope";
    add(
      { id: "form-scope", title: scopeField, status: form[scopeField] ? "pass" : "fail", saw: form[scopeField] ? `${scopeField}=${short(form[scopeField]!, 60)}` : `no ${scopeField}`, expected: v1 ? "resource=<API>" : "scope=<resource>/.default" },
      v1 ? "900144" : "90014",
      form[scopeField] ? [] : [{ id: "form-field", detail: `The form has no ${scopeField}.` }],
    );
    const hasAssertion = !!form.client_assertion;
    const misplaced: Found1[] = [];
    if (!hasAssertion && input.found.field === "scope")
      misplaced.push({ id: "jwt-as-scope", detail: "The form's scope holds a JWT and there is no client_assertion: Entra sees a request without credentials.", evidence: [["scope", short(form.scope ?? "", 60)], ["client_assertion", "(absent)"]] });
    else if (!hasAssertion && input.found.field) misplaced.push({ id: "form-field", detail: `The JWT is in the form field "${input.found.field}", not in client_assertion.` });
    else if (!hasAssertion) misplaced.push({ id: "form-field", detail: "The form has no client_assertion (and no client_secret)." });
    add(
      { id: "form-client-assertion", title: "client_assertion", status: hasAssertion || form.client_secret ? "pass" : "fail", saw: hasAssertion ? `a ${form.client_assertion!.length}-character JWT` : form.client_secret ? "client_secret instead" : "no client_assertion", expected: "client_assertion=<the signed JWT>" },
      "7000216",
      hasAssertion || form.client_secret ? [] : misplaced,
    );
    if (hasAssertion) {
      const type = form.client_assertion_type;
      add(
        { id: "form-assertion-type", title: "client_assertion_type", status: type === JWT_BEARER ? "pass" : "fail", saw: type ? `client_assertion_type=${type}` : "no client_assertion_type", expected: `client_assertion_type=${JWT_BEARER}` },
        type ? "90011" : "900144",
        type === JWT_BEARER ? [] : [{ id: "form-field", detail: type ? `client_assertion_type is "${type}" (RFC 7523 §2.2 names ${JWT_BEARER}).` : "The form has no client_assertion_type." }],
      );
    }
    run.notes.push("Entra then looks the app up in the tenant (AADSTS700016 when client_id is unknown there); the doctor has no directory to look in.");
  }

  // ── The assertion (mock-aad/check-assertion.ts) ────────────────────────────────────────────────
  const assertion = input.found.assertion;
  if (assertion !== "" || !form) assertionChecks();

  // ── The scope, after the assertion ─────────────────────────────────────────────────────────────
  if (form && endpoint?.version !== "v1" && form.scope) {
    const scopes = form.scope.split(/\s+/).filter(Boolean);
    const notDefault = scopes.find((s) => !/\/\.default$/i.test(s));
    const resource = scopes.length === 1 && !notDefault ? scopes[0]!.slice(0, -"/.default".length) : undefined;
    let status: CheckStatus = "pass";
    let catalogId: string | undefined;
    const found: Found1[] = [];
    if (input.found.field === "scope") {
      status = "fail";
      catalogId = "1002012";
      found.push({ id: "jwt-as-scope", detail: "scope holds the JWT." });
    } else if (notDefault) {
      status = "fail";
      catalogId = "1002012";
      found.push({ id: "scope-without-default", detail: `scope "${notDefault}" names a permission; the client credentials flow asks for <resource>/.default.`, evidence: [["scope", form.scope], ["expected", suggestDefault(notDefault)]] });
    } else if (scopes.length !== 1 || (resource !== undefined && !GUID.test(resource) && !resource.includes(":"))) {
      status = "fail";
      catalogId = "70011";
      found.push({ id: "form-field", detail: scopes.length !== 1 ? `scope names ${scopes.length} resources; ask for one per request.` : `"${resource}" before /.default is neither a URI nor a GUID.` });
    }
    add({ id: "form-scope-default", title: "scope is <resource>/.default", status, saw: `scope=${short(form.scope, 70)}`, expected: "one <resource>/.default, e.g. https://graph.microsoft.com/.default" }, catalogId, found);
  }

  // Ranking: errors in check order (the first is what Entra answers), then warnings, then information.
  const severityRank = { error: 0, warning: 1, info: 2 } as const;
  ranked.sort((a, b) => severityRank[a.cause.severity] - severityRank[b.cause.severity] || a.order - b.order);
  const seen = new Set<string>();
  for (const { cause: c } of ranked) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    run.causes.push(c);
  }
  return run;

  // ── The assertion's checks ─────────────────────────────────────────────────────────────────────
  function assertionChecks(): void {
    const jws = readJwsTolerantly(assertion);
    run.jws = jws;
    const header = jws.header?.json.value;
    const payload = jws.payload?.json.value;
    if (header) run.header = header;
    if (payload) run.payload = payload;
    const signature = jws.signature?.bytes;

    // 1. Shape (RFC 7515 §7.1: three base64url parts; §5.2 steps 2–4: UTF-8 JSON objects).
    {
      const found: Found1[] = [];
      const problems: string[] = [];
      const parts = jws.parts;
      const algNone = typeof header?.alg === "string" && header.alg.toLowerCase() === "none";
      if (assertion.trim() === "") {
        problems.push("the input is empty");
        found.push({ id: "malformed-jwt", detail: "There is no client assertion: the input is empty." });
      } else if (parts.length !== 3) {
        problems.push(`${parts.length} part${parts.length === 1 ? "" : "s"}`);
        if (parts.length === 2 && algNone) found.push({ id: "alg-none", detail: 'alg is "none" and the JWT has no signature part at all.' });
        else
          found.push({
            id: "malformed-jwt",
            detail:
              parts.length === 1
                ? "This is not a JWT: there are no dots (a JWT is header.payload.signature)."
                : parts.length === 5
                  ? "5 parts: this is an encrypted JWT (JWE), not a signed one (JWS)."
                  : `The JWT has ${parts.length} parts separated by dots, not 3: it was cut short or joined with something else.`,
            evidence: [["parts", parts.map((p) => `${p.length} chars`).join(" . ")]],
          });
      }
      const standard: string[] = [];
      for (const seg of [jws.header, jws.payload, jws.signature]) {
        if (!seg) continue;
        for (const p of seg.problems) {
          if (p.kind === "standard-alphabet" || p.kind === "padding") standard.push(`${seg.name}: ${p.text}`);
          else if (p.kind === "empty" && seg.name === "signature" && algNone) {
            problems.push("empty signature");
            found.push({ id: "alg-none", detail: 'alg is "none" and the signature part is empty: Entra refuses the JWT as malformed before it even looks at alg.' });
          } else if (p.kind === "empty") {
            problems.push(`empty ${seg.name}`);
            found.push({ id: "malformed-jwt", detail: seg.name === "signature" ? "The signature part is empty: the JWT was never signed, or the signature was cut off." : `The ${seg.name} part is empty.` });
          } else {
            problems.push(`${seg.name}: ${p.text}`);
            found.push({ id: "malformed-jwt", detail: `The ${seg.name} part is not base64url: ${p.text}.`, evidence: [[seg.name, short(seg.text, 60)]] });
          }
        }
      }
      if (standard.length) {
        problems.push("standard base64");
        found.push({ id: "segment-standard-base64", detail: `${standard[0]}.`, evidence: standard.slice(0, 4).map((s) => ["segment", s] as [string, string]) });
      }
      for (const seg of [jws.header, jws.payload]) {
        if (!seg || !seg.bytes || seg.bytes.length === 0) continue;
        const { charset, error } = seg.json;
        // Only bytes that are JSON in some charset have a charset problem; noise is just malformed.
        const jsonish = seg.json.text?.trimStart().startsWith("{") ?? false;
        if (!jsonish) {
          problems.push(`${seg.name}: not JSON`);
          found.push({ id: "malformed-jwt", detail: `The ${seg.name} part does not decode to JSON: ${error ?? "it is not a JSON object"}.`, evidence: [[seg.name, short(seg.text, 60)]] });
          continue;
        }
        if (charset === "utf-8 with BOM") {
          problems.push(`${seg.name} starts with a BOM`);
          found.push({ id: "json-bom", detail: `The ${seg.name} JSON starts with the bytes EF BB BF, a UTF-8 byte-order mark (RFC 8259 §8.1: JSON over a network must not have one).`, evidence: [[`${seg.name} bytes`, `${hexHead(seg.bytes, 8)}…`]] });
        } else if (charset && charset !== "utf-8") {
          problems.push(`${seg.name} is ${charset}`);
          found.push({
            id: "json-not-utf8",
            detail: `The ${seg.name} JSON is ${charset === "windows-1252" ? "not valid UTF-8 (it reads as Windows-1252 / Latin-1)" : charset.toUpperCase()}; RFC 7515 §7.1 and RFC 8259 §8.1 say UTF-8.`,
            evidence: [[`${seg.name} bytes`, `${hexHead(seg.bytes, 12)}…`]],
          });
        }
        if (error) {
          problems.push(`${seg.name}: ${error}`);
          found.push({ id: "malformed-jwt", detail: `The ${seg.name} is not a JSON object: ${error}.`, evidence: [[seg.name, short(seg.json.text ?? "", 60)]] });
        }
      }
      if ((!jws.header?.bytes || !jws.header.bytes.length) && jws.header?.text && !jws.header.problems.length) {
        problems.push("header unreadable");
      }
      add(
        {
          id: "shape",
          title: "a well-formed JWT",
          status: found.length ? "fail" : "pass",
          saw: found.length ? unique(problems).join("; ") : "3 base64url parts, header and payload UTF-8 JSON objects",
          expected: "3 base64url parts (no + / = or spaces), UTF-8 JSON objects without BOM (RFC 7515 §7.1)",
        },
        "50027",
        found,
      );
    }

    // 2. alg (RFC 7515 §4.1.1; Entra takes RS256, RS384, RS512 and PS256).
    if (!header) {
      add({ id: "alg", title: "alg", status: "skip", saw: "(the header could not be read)", expected: "RS256 or PS256" }, undefined);
    } else {
      const alg = header.alg;
      if (typeof alg !== "string" || alg === "") {
        add({ id: "alg", title: "alg", status: "fail", saw: alg === undefined ? "no alg" : `alg ${JSON.stringify(alg)}`, expected: "RS256 or PS256" }, "50027", [{ id: "malformed-jwt", detail: alg === undefined ? "The header has no alg (RFC 7515 §4.1.1: it is required)." : "alg is not a string." }]);
      } else if (!JWS_ALGS[alg]) {
        const none = alg.toLowerCase() === "none";
        add(
          { id: "alg", title: "alg", status: "fail", saw: `alg ${alg}`, expected: "RS256 (with x5t) or PS256 (with x5t#S256)" },
          "5002738",
          [
            none
              ? { id: "alg-none", detail: 'alg is "none": an unsigned JWT (RFC 7519 §6), which proves nothing about who sent it.' }
              : { id: "alg-unsupported", detail: `alg is ${alg}; Entra verifies RS256, RS384, RS512 and PS256 (RSA) only${/^HS/.test(alg) ? " (HS* is an HMAC with a shared secret, not a certificate)" : /^ES/.test(alg) ? " (ES* is ECDSA)" : ""}.` },
          ],
        );
      } else {
        add({ id: "alg", title: "alg", status: "pass", saw: `alg ${alg}`, expected: "RS256, RS384, RS512 or PS256" }, undefined);
      }
    }

    // 3. Claims present and of the right type (RFC 7523 §3).
    let iss: string | undefined;
    let sub: string | undefined;
    let aud: string | undefined;
    if (!payload) {
      add({ id: "claims", title: "iss, sub, aud present", status: "skip", saw: "(the payload could not be read)", expected: "iss, sub and aud as strings" }, undefined);
    } else {
      const wrongType = ["iss", "sub", "aud"].filter((n) => payload[n] !== undefined && payload[n] !== null && typeof payload[n] !== "string");
      const missing = ["iss", "sub", "aud"].filter((n) => typeof payload[n] !== "string" || payload[n] === "");
      if (Array.isArray(payload.aud) || wrongType.length) {
        const name = Array.isArray(payload.aud) ? "aud" : wrongType[0]!;
        add(
          { id: "claims", title: "iss, sub, aud present", status: "fail", saw: `${name} is ${Array.isArray(payload[name]) ? "an array" : `a ${typeof payload[name]}`}`, expected: "iss, sub and aud as strings" },
          "50027",
          [{ id: "malformed-jwt", detail: `${name} is ${Array.isArray(payload[name]) ? "an array" : `a ${typeof payload[name]}`}; Entra wants one string (RFC 7519 allows an array for aud, Entra does not).`, evidence: [[name, JSON.stringify(payload[name])]] }],
        );
      } else if (missing.length) {
        add(
          { id: "claims", title: "iss, sub, aud present", status: "fail", saw: `no ${missing.join(", ")}`, expected: "iss, sub and aud" },
          "90014",
          [{ id: "claim-missing", detail: `The payload has no ${missing.join(", ")} (RFC 7523 §3 requires iss, sub and aud).` }],
        );
      } else {
        add({ id: "claims", title: "iss, sub, aud present", status: "pass", saw: "iss, sub and aud are strings", expected: "iss, sub and aud" }, undefined);
      }
      if (typeof payload.iss === "string" && payload.iss) iss = payload.iss;
      if (typeof payload.sub === "string" && payload.sub) sub = payload.sub;
      if (typeof payload.aud === "string" && payload.aud) aud = payload.aud;
    }

    // 4. sub = iss (RFC 7523 §3 items 1 and 2: both are the client ID for client authentication).
    if (iss !== undefined && sub !== undefined) {
      const same = iss.toLowerCase() === sub.toLowerCase();
      add(
        { id: "sub-iss", title: "sub = iss", status: same ? "pass" : "fail", saw: same ? `iss = sub = ${iss}` : `iss ${iss}, sub ${sub}`, expected: "sub equal to iss (the client ID)" },
        "50048",
        same ? [] : [{ id: "iss-sub-mismatch", detail: `iss is ${iss} but sub is ${sub}.`, evidence: [["iss", iss], ["sub", sub]] }],
      );
    } else {
      add({ id: "sub-iss", title: "sub = iss", status: "skip", saw: "(iss or sub missing)", expected: "sub equal to iss" }, undefined);
    }

    // 5. iss = client_id.
    if (iss === undefined) {
      add({ id: "iss-client-id", title: "iss = client_id", status: "skip", saw: "(no iss)", expected: "iss equal to the form's client_id" }, undefined);
    } else if (!clientId) {
      run.unverified.push("iss-client-id");
      add({ id: "iss-client-id", title: "iss = client_id", status: "skip", saw: `iss ${iss}; no client id given (--client-id)`, expected: "iss equal to the form's client_id" }, undefined);
    } else {
      const same = iss.toLowerCase() === clientId.toLowerCase();
      add(
        { id: "iss-client-id", title: "iss = client_id", status: same ? "pass" : "fail", saw: same ? `iss = client_id = ${iss}` : `iss ${iss}, client_id ${clientId}`, expected: `iss = ${clientId}` },
        "700021",
        same ? [] : [{ id: "iss-client-id-mismatch", detail: `iss (and sub) is ${iss}, but the request's client_id is ${clientId}.`, evidence: [["iss", iss], ["client_id", clientId]] }],
      );
    }

    // 6. aud = this tenant's token endpoint (RFC 7523 §3 item 3).
    if (aud === undefined) {
      add({ id: "aud", title: "aud = token endpoint", status: "skip", saw: "(no aud)", expected: expectedAudience(tenant, endpoint?.version) }, undefined);
    } else {
      const finding = analyseAudience(aud, { ...(tenant ? { tenant } : {}), ...(endpoint ? { endpoint: { origin: endpoint.origin, version: endpoint.version } } : {}) });
      if (finding.partial) run.unverified.push("aud");
      add(
        { id: "aud", title: "aud = token endpoint", status: finding.status, saw: aud + (finding.partial && finding.status === "pass" ? " (tenant not checked)" : ""), expected: finding.expected },
        "700023",
        finding.causes,
      );
    }

    // 7. nbf ≤ now < exp, with clock skew (RFC 7519 §4.1.4, §4.1.5).
    if (!payload) {
      add({ id: "time", title: "nbf ≤ now < exp", status: "skip", saw: "(the payload could not be read)", expected: "now between nbf and exp" }, undefined);
    } else {
      timeChecks(payload);
    }

    // 8. Which key: x5t#S256, else x5t, else x5c[0], else kid (RFC 7515 §4.1.4–§4.1.8).
    const key = header ? keyChecks(header) : undefined;
    if (!header) add({ id: "key-id", title: "a key named in the header", status: "skip", saw: "(the header could not be read)", expected: "x5t or x5t#S256" }, undefined);

    // 10–12. The registered key's dates, type and size.
    const cert = input.cert;
    if (!cert) {
      for (const [id, title] of [
        ["key-dates", "certificate valid now"],
        ["key-type", "an RSA key"],
        ["key-size", "at least 2048 bits"],
        ["signature", "the signature verifies"],
      ] as const) {
        run.unverified.push(id);
        add({ id, title, status: "skip", saw: "no certificate given (--cert FILE)", expected: id === "signature" ? "a signature by the certificate's key" : "—" }, undefined);
      }
      return;
    }
    const { notBefore, notAfter } = cert.info;
    const nowMs = input.now.getTime();
    const datesOk = nowMs >= notBefore.getTime() && nowMs <= notAfter.getTime();
    const certDates: [string, string][] = [
      ["certificate valid", `${notBefore.toISOString()} → ${notAfter.toISOString()}`],
      ["now", input.now.toISOString()],
    ];
    add(
      { id: "key-dates", title: "certificate valid now", status: datesOk ? "pass" : "fail", saw: `${day(notBefore)} → ${day(notAfter)}`, expected: `includes ${day(input.now)}` },
      "700027-key-expired",
      datesOk
        ? []
        : nowMs > notAfter.getTime()
          ? [{ id: "cert-expired", detail: `The certificate expired ${relativeText((notAfter.getTime() - nowMs) / 1000)} (${notAfter.toISOString()}).`, evidence: certDates }]
          : [{ id: "cert-not-yet-valid", detail: `The certificate becomes valid ${relativeText((notBefore.getTime() - nowMs) / 1000)} (${notBefore.toISOString()}).`, evidence: certDates }],
    );
    const keyType = cert.info.keyType;
    add(
      { id: "key-type", title: "an RSA key", status: keyType === "RSA" ? "pass" : "fail", saw: `${keyType} ${cert.info.keyBits} bits`, expected: "RSA (rsaEncryption)" },
      "5002730",
      keyType === "RSA"
        ? []
        : keyType === "EC"
          ? [{ id: "ec-key", detail: `The certificate's key is EC (${cert.info.keyBits} bits): it cannot make the RSA signatures RS256 and PS256 are.`, evidence: [["key", `EC ${cert.info.keyBits} bits`], ["header alg", String(header?.alg ?? "?")]] }]
          : [{ id: "key-not-rsa", detail: `The certificate's key is ${keyType}; Entra verifies plain RSA keys (rsaEncryption).` }],
    );
    if (keyType === "RSA" || keyType === "RSA-PSS") {
      const big = cert.info.keyBits >= 2048;
      add(
        { id: "key-size", title: "at least 2048 bits", status: big ? "pass" : "fail", saw: `${cert.info.keyBits} bits`, expected: "2048 bits or more" },
        "700027-key-too-small",
        big ? [] : [{ id: "rsa-under-2048", detail: `The key is ${cert.info.keyBits} bits; Entra wants at least 2048.`, evidence: [["modulus", `${cert.info.keyBits} bits`]] }],
      );
    } else {
      add({ id: "key-size", title: "at least 2048 bits", status: "skip", saw: `(not an RSA key)`, expected: "2048 bits or more" }, undefined);
    }

    // 13. The signature (RFC 7515 §5.2 step 8; RFC 7518 §3.3 RS256, §3.5 PS256).
    const alg = typeof header?.alg === "string" ? header.alg : undefined;
    if (!cert.publicKey || !alg || !JWS_ALGS[alg] || !signature || signature.length === 0 || jws.parts.length !== 3) {
      const why = !cert.publicKey ? "(not an RSA certificate)" : !alg || !JWS_ALGS[alg] ? "(no algorithm Entra verifies)" : "(no signature to check)";
      add({ id: "signature", title: "the signature verifies", status: "skip", saw: why, expected: "a signature by the certificate's key" }, undefined);
      return;
    }
    const forensics = signatureForensics({ alg, headerPart: jws.parts[0]!, payloadPart: jws.parts[1]!, signature, key: cert.publicKey, ...(header ? { header } : {}), ...(payload ? { payload } : {}) });
    const sigCauses = signatureCauses(alg, forensics, key);
    add(
      { id: "signature", title: "the signature verifies", status: forensics.verdict.kind === "valid" ? "pass" : "fail", saw: describeSignature(alg, forensics), expected: `${JWS_ALGS[alg]!.scheme === "pss" ? "RSASSA-PSS, SHA-256, salt 32" : `RSASSA-PKCS1-v1_5 with ${JWS_ALGS[alg]!.hash.toUpperCase()}`} over header.payload, by the certificate's key` },
      "700027-bad-signature",
      sigCauses,
    );
  }

  function timeChecks(payload: Record<string, unknown>): void {
    const nowS = input.now.getTime() / 1000;
    const nbfRaw = payload.nbf;
    const expRaw = payload.exp;
    const nbf = numericDate(nbfRaw);
    const exp = numericDate(expRaw);
    for (const [claim, raw] of [["nbf", nbfRaw], ["exp", expRaw], ["iat", payload.iat]] as const) if (raw !== undefined) run.times.push(readTime(claim, raw, input.now));
    const nbfT = run.times.find((t) => t.claim === "nbf");
    const expT = run.times.find((t) => t.claim === "exp");
    const timeRows = (): [string, string][] => [
      ["now", `${readTime("iat", nowS, input.now).utc}`],
      ...run.times.filter((t) => t.claim !== "iat").map((t): [string, string] => [t.claim, t.utc ? `${t.utc}  ${t.relative}${t.milliseconds ? `  (as milliseconds: ${t.asMilliseconds})` : ""}` : JSON.stringify(t.raw)]),
      ["local time", localSummary(input.now, run.times.filter((t) => t.claim !== "iat"))],
    ];
    if (nbf === "bad" || exp === "bad") {
      const name = nbf === "bad" ? "nbf" : "exp";
      add(
        { id: "time", title: "nbf ≤ now < exp", status: "fail", saw: `${name} is ${JSON.stringify(payload[name])}`, expected: "NumericDate: seconds since 1970 (RFC 7519 §2)" },
        "50027",
        [{ id: "malformed-jwt", detail: `${name} is ${JSON.stringify(payload[name])}, not a number of seconds (RFC 7519 §2 NumericDate).` }],
      );
      return;
    }
    const from = nbf ?? 0;
    const until = exp ?? 0;
    const inRange = nowS >= from - CLOCK_SKEW_SECONDS && nowS < until + CLOCK_SKEW_SECONDS;
    const found: Found1[] = [];
    if (nbf !== undefined && nbf > 1e11) found.push({ id: "nbf-milliseconds", detail: `nbf is ${nbf}: as seconds that is ${nbfT!.utc}; as milliseconds it would be ${nbfT!.asMilliseconds}.`, evidence: timeRows() });
    else if (nowS < from - CLOCK_SKEW_SECONDS) found.push({ id: "not-yet-valid", detail: `nbf is ${durationText(from - nowS)} in the future, more than the ${CLOCK_SKEW_SECONDS / 60} minutes of clock skew the mock allows (Entra does not publish its value): the signing machine's clock runs ahead, or nbf was set later on purpose.`, evidence: timeRows() });
    if (exp === undefined) found.push({ id: "exp-missing", detail: "There is no exp; Entra reads it as 1970-01-01, so the assertion is expired.", evidence: timeRows() });
    else if (exp > 1e11) found.push({ id: "exp-milliseconds", detail: `exp is ${exp}: as seconds that is ${expT!.utc}; as milliseconds it would be ${expT!.asMilliseconds}. Entra takes it as seconds, so the assertion never expires.`, evidence: timeRows() });
    else if (nowS >= until + CLOCK_SKEW_SECONDS) found.push({ id: "expired", detail: `exp was ${durationText(nowS - until)} ago (${expT!.utc}), beyond the ${CLOCK_SKEW_SECONDS / 60} minutes of clock skew the mock allows (Entra does not publish its value).`, evidence: timeRows() });
    const soft = inRange && ((nbf !== undefined && nowS < nbf) || nowS >= until);
    if (soft) run.notes.push(`The assertion is only valid thanks to the clock skew Entra tolerates (${CLOCK_SKEW_SECONDS} s here; Entra does not publish its value).`);
    const seen = [nbfT?.utc ? `nbf ${nbfT.relative}` : "no nbf", expT?.utc ? `exp ${expT.relative}` : "no exp"].join(", ");
    add(
      { id: "time", title: "nbf ≤ now < exp", status: inRange ? (soft ? "warn" : "pass") : "fail", saw: seen, expected: `now within [nbf − ${CLOCK_SKEW_SECONDS} s, exp + ${CLOCK_SKEW_SECONDS} s), in seconds` },
      "700024",
      found,
    );

    // Advice Entra does not enforce: the lifetime, and jti.
    const start = nbf ?? (typeof numericDate(payload.iat) === "number" ? (numericDate(payload.iat) as number) : undefined);
    if (exp !== undefined && exp <= 1e11 && start !== undefined && start <= 1e11) {
      const lifetime = exp - start;
      const long = lifetime > ADVISED_MAX_LIFETIME_SECONDS;
      add(
        { id: "lifetime", title: "lifetime ≤ 10 minutes (advice)", status: long ? "warn" : "pass", saw: `exp − ${nbf !== undefined ? "nbf" : "iat"} = ${lifetime} s (${durationText(lifetime)})`, expected: `at most ${ADVISED_MAX_LIFETIME_SECONDS} s (Microsoft advises 5–10 minutes)` },
        undefined,
        long ? [{ id: "lifetime-too-long", detail: `The assertion lives ${durationText(lifetime)}; Microsoft advises 5–10 minutes (Entra does not enforce it today).`, evidence: [["lifetime", `${lifetime} s`], ["advised", `≤ ${ADVISED_MAX_LIFETIME_SECONDS} s`]] }] : [],
      );
    }
    const jti = payload.jti;
    const jtiOk = typeof jti === "string" && jti !== "";
    add(
      { id: "jti", title: "a jti (advice)", status: jtiOk ? "pass" : "warn", saw: jtiOk ? `jti ${short(jti as string, 40)}` : "no jti", expected: "a new GUID per assertion" },
      undefined,
      jtiOk ? [] : [{ id: "jti-missing", detail: "The payload has no jti. Microsoft's docs list it as required; the mock (like Entra today, as far as is known) does not refuse it." }],
    );
  }

  /** Steps 8 and 9: which key the header names, and is it this certificate. */
  function keyChecks(header: Record<string, unknown>): ThumbprintReading | undefined {
    const cert = input.cert;
    const found: Found1[] = [];
    const x5tS256 = header["x5t#S256"];
    const x5t = header.x5t;
    const kid = header.kid;
    const x5c = header.x5c;
    for (const [name, value] of [["x5t#S256", x5tS256], ["x5t", x5t], ["kid", kid]] as const) {
      if (value !== undefined && typeof value !== "string") found.push({ id: "malformed-jwt", detail: `${name} is ${JSON.stringify(value)}, not a string.` });
    }
    let x5cFirst: Uint8Array | undefined;
    if (x5c !== undefined) {
      const items = Array.isArray(x5c) ? x5c : undefined;
      const bad = !items || items.length === 0 || items.some((i) => typeof i !== "string" || !/^[A-Za-z0-9+/]+={0,2}$/.test(i) || i.length % 4 !== 0);
      if (bad) found.push({ id: "x5c-malformed", detail: !items ? "x5c is not an array." : items.length === 0 ? "x5c is an empty array." : "An x5c entry is not standard base64 (x5c uses standard base64 with padding, unlike every other JOSE field: RFC 7515 §4.1.6)." });
      else x5cFirst = new Uint8Array(Buffer.from(items[0] as string, "base64"));
    }
    // Both thumbprint headers, shown side by side with the certificate's.
    const readings: ThumbprintReading[] = [];
    for (const [name, value] of [["x5t", x5t], ["x5t#S256", x5tS256]] as const) {
      const reading = typeof value === "string" && value !== "" ? readThumbprint(name, value, cert) : undefined;
      if (reading) readings.push(reading);
      const used = name === "x5t#S256" ? typeof x5tS256 === "string" && x5tS256 !== "" : typeof x5t === "string" && x5t !== "" && !(typeof x5tS256 === "string" && x5tS256 !== "");
      if (reading || cert) {
        const row: ThumbprintRow = { algorithm: name === "x5t" ? "SHA-1" : "SHA-256", header: name, used };
        if (reading) {
          row.inHeader = reading.value;
          if (reading.bytes) row.inHeaderHex = windowsThumbprint(reading.bytes);
          if (reading.hexText) row.inHeaderText = reading.hexText;
        }
        if (cert) {
          row.certificateWindows = windowsThumbprint(name === "x5t" ? cert.sha1 : cert.sha256);
          row.certificateHeader = base64urlEncode(name === "x5t" ? cert.sha1 : cert.sha256);
        }
        run.thumbprints.push(row);
      }
    }
    const usedReading = readings.find((r) => r.header === "x5t#S256") ?? readings.find((r) => r.header === "x5t");
    const other = readings.find((r) => r !== usedReading);
    if (usedReading && other && cert && !identifiesCertificate(other, cert))
      run.notes.push(`${other.header} is also in the header and does not match the certificate, but Entra uses ${usedReading.header} (x5t#S256 wins) and ignores it.`);

    let sawKey: string;
    if (usedReading) {
      sawKey = `${usedReading.header} ${short(usedReading.value, 60)}${usedReading.bytes ? ` (${usedReading.bytes.length} bytes)` : ""}`;
      if (!usedReading.strictOk) {
        if (usedReading.issues.includes("standard-base64"))
          found.push({ id: "x5t-standard-base64", detail: `${usedReading.header} has ${describeProblem(usedReading)}: it is standard base64 (RFC 4648 §4), not base64url (§5).`, evidence: thumbprintEvidence(usedReading, cert) });
        else if (usedReading.issues.includes("padded"))
          found.push({ id: "x5t-padded", detail: `${usedReading.header} ends with "=" padding, which base64url in JOSE leaves out (RFC 7515 §2).`, evidence: thumbprintEvidence(usedReading, cert) });
        else found.push({ id: "malformed-jwt", detail: `${usedReading.header} is not base64url: ${usedReading.problems.map((p) => p.text).join("; ")}.` });
      }
    } else if (x5cFirst) {
      sawKey = `x5c[0], a ${x5cFirst.length}-byte certificate (no thumbprint header)`;
    } else if (typeof kid === "string" && kid !== "") {
      sawKey = `kid ${short(kid, 50)} only`;
    } else {
      sawKey = "no x5t, x5t#S256, x5c or kid";
      if (!found.length) found.push({ id: "no-thumbprint", detail: "The header has no x5t, x5t#S256, x5c or kid: Entra cannot tell which certificate to check the signature with." });
    }
    const malformed = found.length > 0 && found.some((f) => f.id !== "no-thumbprint");
    add(
      { id: "key-id", title: "a key named in the header", status: found.length ? "fail" : "pass", saw: sawKey, expected: "x5t#S256 or x5t in base64url (or x5c, kid)" },
      malformed ? "50027" : found.length ? "5002723" : undefined,
      found,
    );

    // 9. Registered: the thumbprint (or x5c) is the certificate's.
    const reg: Found1[] = [];
    let status: CheckStatus = "skip";
    let saw = cert ? "" : "no certificate given (--cert FILE)";
    if (usedReading) {
      const issues = usedReading.issues;
      const quoted = usedReading.entraQuotes ? `Entra would quote '${shortText(usedReading.entraQuotes, 24)}'` : "";
      if (issues.includes("hex-text") || issues.includes("hex-raw")) {
        const of = usedReading.matches ? `this certificate's ${usedReading.matches === "sha1" ? "SHA-1" : "SHA-256"}` : cert ? "a thumbprint that is not this certificate's either" : "a thumbprint";
        reg.push({
          id: "x5t-hex-text",
          detail: issues.includes("hex-raw")
            ? `${usedReading.header} is the hex thumbprint itself (${usedReading.hexText!.length} hex digits, ${of}), not base64url of its ${usedReading.hexText!.length / 2} bytes.`
            : `${usedReading.header} decodes to the ${usedReading.hexText!.length} characters "${shortText(usedReading.hexText!, 24)}", the hex text of ${of}, instead of the ${usedReading.hexText!.length / 2} bytes they stand for.`,
          evidence: thumbprintEvidence(usedReading, cert),
        });
      }
      if (issues.includes("sha256-in-x5t"))
        reg.push({ id: "sha256-in-x5t", detail: `x5t decodes to 32 bytes${usedReading.matches === "sha256" ? ", this certificate's SHA-256" : ", the size of a SHA-256"}; Entra looks for a SHA-1 (20 bytes) there.`, evidence: thumbprintEvidence(usedReading, cert) });
      if (issues.includes("sha1-in-x5t-s256"))
        reg.push({ id: "sha1-in-x5t-s256", detail: `x5t#S256 decodes to 20 bytes${usedReading.matches === "sha1" ? ", this certificate's SHA-1" : ", the size of a SHA-1"}; Entra looks for a SHA-256 (32 bytes) there.`, evidence: thumbprintEvidence(usedReading, cert) });
      if (issues.includes("other-certificate"))
        reg.push({ id: "x5t-other-certificate", detail: `${usedReading.header} is the thumbprint of another certificate than the one given.`, evidence: thumbprintEvidence(usedReading, cert) });
      if (issues.includes("odd-length") && !reg.length)
        reg.push({ id: "x5t-other-certificate", detail: `${usedReading.header} decodes to ${usedReading.bytes?.length ?? 0} bytes, which is no ${usedReading.header === "x5t" ? "SHA-1 (20)" : "SHA-256 (32)"}: it was cut, altered, or made some other way.`, evidence: thumbprintEvidence(usedReading, cert) });
      if (reg.length) {
        status = "fail";
        saw = `${usedReading.header} decodes to ${usedReading.bytes?.length ?? 0} bytes${usedReading.hexText && issues.includes("hex-text") ? " of hex text" : ""}${quoted ? `; ${quoted}` : ""}`;
      } else if (cert) {
        status = "pass";
        saw = usedReading.strictOk ? `${usedReading.header} = this certificate's ${usedReading.header === "x5t" ? "SHA-1" : "SHA-256"}` : `${usedReading.header}, read tolerantly, is this certificate's thumbprint: only its encoding is wrong`;
      }
    } else if (x5cFirst && cert) {
      const same = sha(x5cFirst, "sha1").every((b, i) => b === cert.sha1[i]);
      status = same ? "pass" : "fail";
      saw = same ? "x5c[0] is this certificate" : `x5c[0] is another certificate (SHA-1 ${windowsThumbprint(sha(x5cFirst, "sha1"))})`;
      if (!same) reg.push({ id: "x5t-other-certificate", detail: "x5c[0] is another certificate than the one given.", evidence: [["x5c[0] SHA-1", windowsThumbprint(sha(x5cFirst, "sha1"))], ["certificate SHA-1", windowsThumbprint(cert.sha1)]] });
    } else if (!usedReading && !x5cFirst && typeof kid === "string" && kid !== "") {
      if (GUID.test(kid)) {
        status = "warn";
        saw = `kid ${short(kid, 40)}: Entra matches it against the app's key IDs, which the doctor cannot see`;
        reg.push({ id: "kid-only", detail: "The header names the key only by kid; Entra compares it with the key IDs of the app's certificates (Graph keyCredentials keyId), which the doctor cannot see." });
        run.unverified.push("key-registered");
      } else {
        status = "fail";
        saw = `kid ${short(kid, 40)} is not a GUID, so it is no key ID of the app`;
        reg.push({ id: "kid-only", severity: "error", detail: `The header names the key only by kid "${short(kid, 40)}"; Entra compares kid with the app's key IDs, which are GUIDs, so no registered key can match.` });
      }
    }
    if (status === "skip" && !saw) saw = "(no key named)";
    if (status === "skip" && !cert) run.unverified.push("key-registered");
    add({ id: "key-registered", title: "that key is registered", status, saw, expected: cert ? `${usedReading?.header === "x5t" ? `x5t ${base64urlEncode(cert.sha1)}` : `x5t#S256 ${base64urlEncode(cert.sha256)}`}` : "the thumbprint of the uploaded certificate" }, status === "fail" ? "700027-not-registered" : undefined, reg);
    return usedReading;
  }
}

/** The causes a signature that does not verify points to. */
function signatureCauses(alg: string, f: SignatureForensics, thumbprint: ThumbprintReading | undefined): Found1[] {
  const v = f.verdict;
  const spec = JWS_ALGS[alg]!;
  const evidence = f.evidence;
  switch (v.kind) {
    case "valid":
      return [];
    case "wrong-length":
      return [{ id: "key-mismatch", detail: `The signature is ${v.length} bytes, but this ${v.expected * 8}-bit key makes ${v.expected}-byte signatures: it was made with another (${v.length * 8}-bit) key.`, evidence }];
    case "out-of-range":
    case "no-structure":
      return [{ id: "key-mismatch", detail: `Opened with this certificate's public key, the signature shows no padding at all (s^e mod n is noise): it was made with another private key${thumbprint ? " than the certificate the header names" : ""}.`, evidence }];
    case "pkcs1": {
      if (spec.scheme === "pss") {
        return [{ id: "ps256-with-pkcs1-signature", detail: `alg is PS256, but the signature is RSASSA-PKCS1-v1_5${v.overThisInput ? ", a valid RS256 signature of this very header.payload" : ""}.`, evidence }];
      }
      if (v.hash === "bare") return [{ id: "wrong-hash-algorithm", detail: "The PKCS#1 v1.5 block holds a bare hash without its DigestInfo: the signer used 'raw' RSA on a digest (NONEwithRSA, a Key Vault RSNULL-style call) instead of RS256.", evidence }];
      if (v.hash !== spec.hash)
        return [{ id: "wrong-hash-algorithm", detail: `alg ${alg} means ${spec.hash.toUpperCase()}, but the signature holds a ${v.hash.toUpperCase()} DigestInfo${v.overThisInput ? " of this very header.payload" : ""}.`, evidence }];
      return [{ id: "signature-over-other-input", detail: v.variant ? `The signature is over ${v.variant}, not the header.payload that was sent.` : "The key and padding are right, but the hash inside is not the hash of header.payload as sent: other bytes were signed (none of the usual variants matched).", evidence: v.variant ? [...evidence, ["signed instead", v.variant]] : evidence }];
    }
    case "pss": {
      if (spec.scheme === "pkcs1") return [{ id: "rs256-with-pss-signature", detail: `alg is ${alg}, but the signature is RSASSA-PSS${v.overThisInput ? ", a valid PSS signature of this very header.payload" : ""}.`, evidence }];
      if (v.overThisInput && v.saltLength !== 32) return [{ id: "pss-salt-length", detail: `The PSS signature is over this header.payload but with a ${v.saltLength}-byte salt; PS256 uses 32 (RFC 7518 §3.5), and Entra checks it.`, evidence }];
      return [{ id: "signature-over-other-input", detail: v.variant ? `The signature is over ${v.variant}, not the header.payload that was sent.` : "The key and padding are right, but the PSS hash does not match header.payload as sent: other bytes were signed (none of the usual variants matched).", evidence: v.variant ? [...evidence, ["signed instead", v.variant]] : evidence }];
    }
  }
}

function describeSignature(alg: string, f: SignatureForensics): string {
  const v = f.verdict;
  switch (v.kind) {
    case "valid":
      return `a valid ${alg} signature by the certificate's key`;
    case "wrong-length":
      return `${v.length} bytes; this key signs ${v.expected}`;
    case "out-of-range":
      return "larger than the modulus";
    case "no-structure":
      return "no padding under this key: another key signed it";
    case "pkcs1":
      return `PKCS#1 v1.5 with ${v.hash === "bare" ? "a bare hash" : v.hash.toUpperCase()}${v.overThisInput ? " over header.payload" : " over other bytes"}`;
    case "pss":
      return `PSS, salt ${v.saltLength} bytes${v.overThisInput ? " over header.payload" : " over other bytes"}`;
  }
}

function thumbprintEvidence(r: ThumbprintReading, cert: CertFacts | undefined): [string, string][] {
  const rows: [string, string][] = [[`${r.header} in the header`, r.value]];
  if (r.hexText) rows.push(["that is the text", r.hexText]);
  else if (r.bytes) rows.push([`decodes to ${r.bytes.length} bytes`, windowsThumbprint(r.bytes)]);
  if (r.entraQuotes && r.entraQuotes !== (r.bytes ? windowsThumbprint(r.bytes) : "")) rows.push(["Entra quotes", shortText(r.entraQuotes, 64)]);
  if (cert) {
    const which = r.header === "x5t" ? cert.sha1 : cert.sha256;
    rows.push([`certificate ${r.header === "x5t" ? "SHA-1" : "SHA-256"} (Windows)`, windowsThumbprint(which)]);
    rows.push([`expected ${r.header}`, base64urlEncode(which)]);
  }
  return rows;
}

function describeProblem(r: ThumbprintReading): string {
  const p = r.problems.find((x) => x.kind === "standard-alphabet") ?? r.problems[0];
  return p ? p.text : "characters outside base64url";
}

function suggestDefault(scope: string): string {
  try {
    const u = new URL(scope);
    return `${u.origin}/.default`;
  } catch {
    return "https://graph.microsoft.com/.default";
  }
}

function short(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 12)}…${text.slice(-10)}`;
}

function shortText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function hexHead(bytes: Uint8Array, n: number): string {
  return Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, "0")).join(" ");
}

function day(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ") + "Z";
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
