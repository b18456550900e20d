/**
 * Steps 8 and 9 of the assertion: which key the header names (5002723) → that key is registered
 * (700027), with the thumbprints side by side for the report (run.thumbprints).
 */
import { base64urlEncode } from "../../crypto/base64url.ts";
import { windowsThumbprint } from "../../formats/x509/index.ts";
import { add, GUID, short, shortText, type AssertionState, type Found1 } from "./check-state.ts";
import { identifiesCertificate, readThumbprint, sha, type CertFacts, type ThumbprintReading } from "./thumbprints.ts";
import type { CheckStatus, ThumbprintRow } from "./types.ts";

/** Checks the key the header names; keeps the thumbprint Entra uses (s.key) for the signature check. */
export function checkKey(s: AssertionState): void {
  const { header } = s;
  // 8. Which key: x5t#S256, else x5t, else x5c[0], else kid (RFC 7515 §4.1.4–§4.1.8).
  if (header) s.key = keyChecks(s, header);
  else add(s, { id: "key-id", title: "a key named in the header", status: "skip", saw: "(the header could not be read)", expected: "x5t or x5t#S256" }, undefined);
}

/** Steps 8 and 9: which key the header names, and is it this certificate. */
function keyChecks(s: AssertionState, header: Record<string, unknown>): ThumbprintReading | undefined {
  const { input, run } = s;
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
  add(s,
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
      reg.push({ id: "kid-only", detail: "The header names the key only by kid; Entra compares it with the key IDs of the app's certificates (Graph keyCredentials keyId), which the doctor cannot see.", outcome: "unknown: AADSTS700027 unless kid is the key ID of a certificate uploaded to the app" });
      run.unverified.push("key-registered");
    } else {
      status = "fail";
      saw = `kid ${short(kid, 40)} is not a GUID, so it is no key ID of the app`;
      reg.push({ id: "kid-only", severity: "error", detail: `The header names the key only by kid "${short(kid, 40)}"; Entra compares kid with the app's key IDs, which are GUIDs, so no registered key can match.` });
    }
  }
  if (status === "skip" && !saw) saw = "(no key named)";
  if (status === "skip" && !cert) run.unverified.push("key-registered");
  add(s, { id: "key-registered", title: "that key is registered", status, saw, expected: cert ? `${usedReading?.header === "x5t" ? `x5t ${base64urlEncode(cert.sha1)}` : `x5t#S256 ${base64urlEncode(cert.sha256)}`}` : "the thumbprint of the uploaded certificate" }, status === "fail" ? "700027-not-registered" : undefined, reg);
  return usedReading;
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
