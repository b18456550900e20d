/**
 * Steps 8 and 9 of the assertion: which key the header names (5002723) → that key is registered
 * (700027), with the thumbprints side by side for the report (run.thumbprints).
 */
import { base64urlEncode } from "../../crypto/base64url.ts";
import { parseCertificate, windowsThumbprint } from "../../formats/x509/index.ts";
import { add, GUID, short, shortText, type AssertionState, type FoundCause } from "./check-state.ts";
import { entraCanDecode, equal, identifiesCertificate, readThumbprint, sha, type CertFacts, type ThumbprintReading } from "./thumbprints.ts";
import { tolerantBase64 } from "./tolerant-jwt.ts";
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
  const found: FoundCause[] = [];
  const x5tS256 = header["x5t#S256"];
  const x5t = header.x5t;
  const kid = header.kid;
  const x5c = header.x5c;
  // Which header Entra reads: x5t#S256 if present (whatever its value), else x5t, else x5c, else kid.
  const usedName = x5tS256 !== undefined ? "x5t#S256" : x5t !== undefined ? "x5t" : undefined;
  // x5c counts only without a thumbprint header; one string (MSAL.NET) and line breaks (MSAL Python) are read.
  let x5cFirst: Uint8Array | undefined;
  if (!usedName && x5c !== undefined) {
    x5cFirst = readX5c(x5c);
    if (!x5cFirst) found.push({ id: "x5c-malformed", detail: Array.isArray(x5c) && x5c.length === 0 ? "x5c is an empty array." : "The first x5c entry is not a certificate in standard base64 (RFC 7515 §4.1.6), so Entra has no key to look up." });
  } else if (usedName && x5c !== undefined && !readX5c(x5c)) {
    run.notes.push(`x5c is not a readable certificate, but Entra goes by ${usedName} and does not look at it.`);
  }
  // Both thumbprint headers, shown side by side with the certificate's.
  const readings: ThumbprintReading[] = [];
  for (const [name, value] of [["x5t", x5t], ["x5t#S256", x5tS256]] as const) {
    const reading = typeof value === "string" && value !== "" ? readThumbprint(name, value, cert) : undefined;
    if (reading) readings.push(reading);
    const used = name === usedName;
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
  const usedReading = readings.find((r) => r.header === usedName);
  const other = readings.find((r) => r !== usedReading);
  // Both thumbprint headers (no Microsoft client sends both): the mock refuses them when they do not
  // name the same registered certificate, as mock-aad/check-assertion.ts does (inferred).
  if (x5tS256 !== undefined && x5t !== undefined && usedReading?.strictOk) {
    const usedMatch = !!cert && identifiesCertificate(usedReading, cert);
    const otherMatch = !!cert && !!other && identifiesCertificate(other, cert);
    const otherUnreadable = !other || !other.strictOk;
    const rows: [string, string][] = [["x5t#S256", short(String(x5tS256), 60)], ["x5t", short(String(x5t), 60)]];
    if (cert && (usedMatch || otherMatch) && (otherUnreadable || usedMatch !== otherMatch))
      found.push({ id: "thumbprints-disagree", detail: `x5t#S256 ${usedMatch ? "is" : "is not"} this certificate's and x5t ${otherMatch ? "is" : otherUnreadable ? "cannot even be read" : "is not"}: which one the judge believes decides who signed. The mock refuses the assertion (inferred: Entra's choice is not known).`, evidence: rows });
    else if (!cert)
      found.push({ id: "thumbprints-disagree", severity: "warning", detail: "The header has both x5t#S256 and x5t; without the certificate (--cert) the doctor cannot tell whether they name the same one.", evidence: rows, outcome: "unknown: the mock refuses it (AADSTS50027) when they name different certificates; Entra's choice is not known" });
  }

  let sawKey: string;
  let kidMatches = false;
  if (usedName) {
    const value = usedName === "x5t" ? x5t : x5tS256;
    if (!usedReading || !usedReading.strictOk) {
      sawKey = `${usedName} ${typeof value === "string" ? short(value, 60) : JSON.stringify(value)}`;
      found.push({
        id: "thumbprint-unreadable",
        detail:
          typeof value !== "string" ? `${usedName} is ${JSON.stringify(value)}, not a string: Entra finds no key by it ('The key was not found.', quoting an empty thumbprint).`
          : value === "" ? `${usedName} is empty: Entra finds no key by it and quotes the thumbprint as ''.`
          : `${usedName} is not base64url nor base64: ${usedReading ? usedReading.problems.map((p) => p.text).join("; ") : "it cannot be decoded"}.`,
      });
    } else {
      sawKey = `${usedReading.header} ${short(usedReading.value, 60)}${usedReading.bytes ? ` (${usedReading.bytes.length} bytes)` : ""}`;
      if (usedReading.issues.includes("standard-base64"))
        found.push({ id: "x5t-standard-base64", detail: `${usedReading.header} has ${describeProblem(usedReading)}: standard base64 (RFC 4648 §4). Entra reads it (msal4j and MSAL Go send thumbprints so); RFC 7515 uses base64url (§5).`, evidence: thumbprintEvidence(usedReading, cert) });
      else if (usedReading.issues.includes("padded"))
        found.push({ id: "x5t-padded", detail: `${usedReading.header} ends with "=" padding. Entra reads it (MSAL Python sends it so); RFC 7515 §2 leaves the padding out.`, evidence: thumbprintEvidence(usedReading, cert) });
    }
  } else if (x5cFirst) {
    sawKey = `x5c[0], a ${x5cFirst.length}-byte certificate (no thumbprint header)`;
  } else if (x5c !== undefined) {
    sawKey = "x5c, with no certificate Entra can read";
  } else if (kid !== undefined) {
    sawKey = `kid ${typeof kid === "string" ? short(kid, 50) : JSON.stringify(kid)} only`;
    if (typeof kid !== "string" || kid === "") found.push({ id: "thumbprint-unreadable", detail: `kid is ${JSON.stringify(kid)}, and there is no x5t, x5t#S256 or x5c: Entra finds no key by it.` });
    // MSAL.NET 4.7-4.9 sent kid = base64url SHA-1 thumbprint, and Entra took it.
    kidMatches = typeof kid === "string" && !!cert && entraCanDecode(kid) && equal(tolerantBase64(kid) ?? new Uint8Array(), cert.sha1);
  } else {
    sawKey = "no x5t, x5t#S256, x5c or kid";
    found.push({ id: "no-thumbprint", detail: "The header has no x5t, x5t#S256, x5c or kid: Entra cannot tell which certificate to check the signature with." });
  }
  const errors = found.filter((f) => f.id !== "x5t-padded" && f.id !== "x5t-standard-base64" && f.severity !== "warning");
  add(s,
    { id: "key-id", title: "a key named in the header", status: errors.length ? "fail" : found.some((f) => f.severity === "warning") ? "warn" : "pass", saw: sawKey, expected: "x5t#S256 or x5t in base64url (or x5c, kid)" },
    errors.some((f) => f.id === "no-thumbprint") ? "5002723" : errors.some((f) => f.id === "thumbprints-disagree") ? "50027-jose" : errors.length ? "700027-key-not-found" : undefined,
    found,
  );

  // 9. Registered: the thumbprint (or x5c) is the certificate's.
  const reg: FoundCause[] = [];
  let status: CheckStatus = "skip";
  let saw = cert ? "" : "no certificate given (--cert FILE)";
  if (usedName && !usedReading?.strictOk) {
    saw = "(no key Entra can read)";
  } else if (usedReading) {
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
  } else if (!usedName && x5c === undefined && kidMatches && cert) {
    status = "pass";
    saw = "kid is this certificate's SHA-1 thumbprint in base64url (as MSAL.NET 4.7-4.9 sent it)";
  } else if (!usedName && x5c === undefined && typeof kid === "string" && kid !== "") {
    if (GUID.test(kid)) {
      status = "warn";
      saw = `kid ${short(kid, 40)}: Entra matches it against the app's key IDs, which the doctor cannot see`;
      reg.push({ id: "kid-only", detail: "The header names the key only by kid; Entra compares it with the key IDs of the app's certificates (Graph keyCredentials keyId), which the doctor cannot see.", outcome: "unknown: AADSTS700027 unless kid is the key ID of a certificate uploaded to the app" });
      run.unverified.push("key-registered");
    } else {
      status = cert ? "fail" : "warn";
      saw = `kid ${short(kid, 40)} is neither a key ID (GUID) nor ${cert ? "this certificate's" : "a"} base64url SHA-1 thumbprint`;
      if (cert) reg.push({ id: "kid-only", severity: "error", detail: `The header names the key only by kid "${short(kid, 40)}", which is no key ID of the app (a GUID) and not the certificate's thumbprint: Entra answers 'The key was not found.'` });
      else {
        reg.push({ id: "kid-only", detail: `The header names the key only by kid "${short(kid, 40)}"; without the certificate the doctor cannot tell whether it is its base64url SHA-1 thumbprint.`, outcome: "unknown: AADSTS700027 unless kid is the certificate's base64url SHA-1 thumbprint" });
        run.unverified.push("key-registered");
      }
    }
  }
  if (status === "skip" && !saw) saw = "(no key named)";
  if (status === "skip" && !cert) run.unverified.push("key-registered");
  const notFound = reg.some((f) => f.id === "kid-only");
  add(s, { id: "key-registered", title: "that key is registered", status, saw, expected: cert ? `${usedReading?.header === "x5t" ? `x5t ${base64urlEncode(cert.sha1)}` : `x5t#S256 ${base64urlEncode(cert.sha256)}`}` : "the thumbprint of the uploaded certificate" }, status === "fail" ? (notFound ? "700027-key-not-found" : "700027-not-registered") : undefined, reg);
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

/** The first x5c certificate as Entra reads it: an array or one string, standard base64, whitespace ignored. */
function readX5c(x5c: unknown): Uint8Array | undefined {
  const first = Array.isArray(x5c) ? x5c[0] : x5c;
  if (typeof first !== "string") return undefined;
  const compact = first.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  const der = new Uint8Array(Buffer.from(compact, "base64"));
  return looksLikeCertificate(der) ? der : undefined;
}

function looksLikeCertificate(der: Uint8Array): boolean {
  try {
    parseCertificate(der);
    return true;
  } catch {
    return false;
  }
}
