/**
 * Steps 1 and 2 of the assertion: a well-formed JWT (50027), one reading only (50027, inferred: the
 * JOSE edge cases of mock-aad/check-assertion.ts), an alg Entra verifies (5002738), and no crit.
 */
import { duplicateJsonKeys } from "../../json-duplicate-keys.ts";
import { add, short, type AssertionState, type FoundCause } from "./check-state.ts";
import { JWS_ALGS } from "./signature-forensics.ts";

/** Checks the JWT's three parts, their base64url and JSON, then its alg. */
export function checkShape(s: AssertionState): void {
  const { assertion, jws, header } = s;
  // 1. Shape (RFC 7515 §7.1: three base64url parts; §5.2 steps 2–4: UTF-8 JSON objects).
  {
    const found: FoundCause[] = [];
    const problems: string[] = [];
    const parts = jws.parts;
    const algNone = typeof header?.alg === "string" && header.alg.toLowerCase() === "none";
    const found0 = s.input.found;
    // Line breaks at the very end (a file's last newline): named as such, not as "whitespace in the signature".
    const trailing = /[\r\n]+$/.exec(assertion)?.[0] ?? "";
    // `-d client_assertion=@file` / `--data-urlencode client_assertion=@file`: curl sends "@file" as text.
    const literalAt = found0.from === "curl" && /^@[^\s.]*(?:\.[^\s.]*)?$/.test(assertion) && assertion.length > 1;
    if (literalAt) {
      problems.push("the text of a file name");
      found.push({
        id: "malformed-jwt",
        detail: `client_assertion is the text "${assertion}", not the file's content: curl reads a file for -d only when the whole argument starts with @ (-d @file, the whole body), and for --data-urlencode only as name@file (an "=" before the @ makes it text). Use --data-urlencode client_assertion${assertion} (with no newline at the end of the file).`,
        evidence: [["client_assertion", assertion]],
      });
    } else if (trailing && assertion.trim() !== "") {
      const field = found0.field ?? (found0.formFields ? "client_assertion" : "the assertion");
      const ref = found0.fileRefs?.find((r) => r.read && r.how !== "strip-newlines" && (r.field === undefined || r.field === field));
      const escaped = trailing.replace(/\r/g, "%0D").replace(/\n/g, "%0A");
      problems.push("a trailing newline");
      found.push({
        id: "malformed-jwt",
        detail: ref
          ? ref.how === "urlencode"
            ? `${field} ends with a line break (${escaped}): a trailing newline from --data-urlencode name@file (${ref.option}), which sends the file's content with its newlines. Entra reads it as part of the signature and refuses the JWT. Save the file without the newline (printf '%s' "$jwt" > ${ref.path}; PowerShell Set-Content -NoNewline), or send --data-urlencode "${ref.field ?? "client_assertion"}=$(cat ${ref.path})" ($(…) drops the trailing newline).`
            : `${field} ends with a line break: a trailing newline from ${ref.option}, which sends the file's content as it is. Entra reads it as part of the signature and refuses the JWT. Save the file without the newline, or use -d @${ref.path} (which removes line breaks).`
          : `${field} ends with a line break (${escaped}${found0.formFields ? " in the form" : ""}): Entra reads it as part of the signature and refuses the JWT. Trim the assertion before sending it (a file's last newline, or echo without -n).`,
        evidence: [["ends with", `…${assertion.slice(-12 - trailing.length, -trailing.length)}${escaped}`]],
      });
    }
    if (literalAt) {
      // Nothing more to say about the text of a file name.
    } else if (assertion.trim() === "") {
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
    const lastSegment = [jws.header, jws.payload, jws.signature][parts.length - 1];
    for (const seg of literalAt ? [] : [jws.header, jws.payload, jws.signature]) {
      if (!seg) continue;
      for (const p of seg.problems) {
        // The trailing newline, named above.
        if (trailing && seg === lastSegment && p.kind === "whitespace" && (p.position ?? 0) >= seg.text.length - trailing.length) continue;
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
      // The detail says what is wrong in general; the evidence rows name each place (once: the
      // detail used to repeat the first row word for word).
      found.push({ id: "segment-standard-base64", detail: "The JWT holds standard base64 (+, / or = padding) where base64url (RFC 7515 §2) has - and _ and no padding.", evidence: standard.slice(0, 4).map((text) => ["segment", text] as [string, string]) });
    }
    for (const seg of literalAt ? [] : [jws.header, jws.payload]) {
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
    add(s,
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

  // 1b. One reading only: the canonical base64url of each part, each JSON name once (the mock's
  // refusals here are inferred; what Entra does is not known, so the cause says so).
  {
    const found: FoundCause[] = [];
    const seen: string[] = [];
    for (const seg of [jws.header, jws.payload, jws.signature]) {
      if (!seg?.bytes || seg.bytes.length === 0 || seg.problems.length) continue;
      const canonical = Buffer.from(seg.bytes).toString("base64url");
      if (canonical === seg.text) continue;
      seen.push(`${seg.name}: non-canonical base64url`);
      found.push({
        id: "segment-non-canonical",
        detail: `The ${seg.name} part ends in "${seg.text.slice(-2)}", but its bytes encode as "…${canonical.slice(-2)}": the last character carries bits that belong to no byte (RFC 4648 §3.5). Decoders that ignore them (node's, .NET's) read the same bytes, so two texts stand for one JWT; the mock refuses it (inferred: Entra's answer is not known).`,
        evidence: [["sent", `…${seg.text.slice(-8)}`], ["canonical", `…${canonical.slice(-8)}`]],
      });
    }
    for (const seg of [jws.header]) {
      const twice = seg?.json.text !== undefined && seg.json.value ? duplicateJsonKeys(seg.json.text) : [];
      if (!twice.length) continue;
      seen.push(`${seg!.name}: ${twice.join(", ")} twice`);
      found.push({
        id: "json-duplicate-name",
        detail: `The ${seg!.name} JSON has ${twice.map((n) => `"${n}"`).join(", ")} more than once. RFC 7515 §4 and RFC 7519 §4 let a reader refuse it or keep the last one (JSON.parse keeps the last, others the first), so the signer's tools and the judge may read different values; the mock refuses it (inferred: Entra's answer is not known).`,
        evidence: twice.map((n) => [`${seg!.name} name`, n] as [string, string]),
      });
    }
    // Shown only when it finds something: on a sound JWT it is one more line to read.
    if (found.length)
      add(s,
        { id: "one-reading", title: "one reading only", status: found.length ? "fail" : "pass", saw: found.length ? seen.join("; ") : "canonical base64url, each JSON name once", expected: "canonical base64url, no name twice (RFC 4648 §3.5, RFC 7515 §4)" },
        "50027-jose",
        found,
      );
  }

  // 1c. A name twice in the payload: accepted, the last one counting (MSAL.NET's WithClientClaims
  // with mergeWithDefaultClaims sends an overridden claim twice: client evidence), but worth a warning.
  {
    const seg = jws.payload;
    const twice = seg?.json.text !== undefined && seg.json.value ? duplicateJsonKeys(seg.json.text) : [];
    if (twice.length)
      add(s,
        { id: "payload-names-once", title: "each payload name once (advice)", status: "warn", saw: `${twice.map((n) => `"${n}"`).join(", ")} more than once`, expected: "each claim once" },
        undefined,
        [{
          id: "payload-duplicate-name",
          detail: `The payload has ${twice.map((n) => `"${n}"`).join(", ")} more than once. MSAL.NET's WithClientClaims(…, mergeWithDefaultClaims: true) sends an overridden claim this way (its own value first, yours last), and the mock reads the last one, as JSON.parse does; a reader that keeps the first would see the other value (RFC 7519 §4 allows either).`,
          evidence: twice.map((n) => ["payload name", n] as [string, string]),
          outcome: "accepted: the last value counts",
        }],
      );
  }

  // 2. alg (RFC 7515 §4.1.1; Entra takes RS256, RS384, RS512 and PS256).
  if (!header) {
    add(s, { id: "alg", title: "alg", status: "skip", saw: "(the header could not be read)", expected: "RS256 or PS256" }, undefined);
  } else {
    const alg = header.alg;
    if (typeof alg !== "string" || alg === "") {
      add(s, { id: "alg", title: "alg", status: "fail", saw: alg === undefined ? "no alg" : `alg ${JSON.stringify(alg)}`, expected: "RS256 or PS256" }, "50027", [{ id: "malformed-jwt", detail: alg === undefined ? "The header has no alg (RFC 7515 §4.1.1: it is required)." : "alg is not a string." }]);
    } else if (!JWS_ALGS[alg]) {
      const none = alg.toLowerCase() === "none";
      add(s,
        { id: "alg", title: "alg", status: "fail", saw: `alg ${alg}`, expected: "RS256 (with x5t) or PS256 (with x5t#S256)" },
        "5002738",
        [
          none
            ? { id: "alg-none", detail: 'alg is "none": an unsigned JWT (RFC 7519 §6), which proves nothing about who sent it.' }
            : { id: "alg-unsupported", detail: `alg is ${alg}; Entra verifies RS256, RS384, RS512 and PS256 (RSA) only${/^HS/.test(alg) ? " (HS* is an HMAC with a shared secret, not a certificate)" : /^ES/.test(alg) ? " (ES* is ECDSA)" : ""}.` },
        ],
      );
    } else {
      add(s, { id: "alg", title: "alg", status: "pass", saw: `alg ${alg}`, expected: "RS256, RS384, RS512 or PS256" }, undefined);
    }
    // RFC 7515 §4.1.11: crit lists extensions the recipient must understand, or the JWS is invalid.
    const crit = header.crit;
    if (crit !== undefined) add(s,
      { id: "crit", title: "no crit", status: crit === undefined ? "pass" : "fail", saw: crit === undefined ? "no crit" : `crit ${short(JSON.stringify(crit), 60)}`, expected: "no crit (a client assertion uses no JOSE extension)" },
      "50027-jose",
      crit === undefined ? [] : [{ id: "crit-header", detail: `The header has crit ${short(JSON.stringify(crit), 60)}: a judge that does not understand those extensions must refuse the JWS (RFC 7515 §4.1.11), and one that ignores crit reads it differently. The mock refuses it (inferred: whether Entra processes crit is not known).`, evidence: [["crit", JSON.stringify(crit)]] }],
    );
  }
}

function hexHead(bytes: Uint8Array, n: number): string {
  return Array.from(bytes.subarray(0, n), (b) => b.toString(16).padStart(2, "0")).join(" ");
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
