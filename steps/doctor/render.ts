/**
 * The doctor's output: the cause first (what is wrong, the evidence, the fix, the code Entra answers
 * and the lab scenario that reproduces it), then Entra's checks in Entra's order, then the
 * thumbprints side by side, the times, and the decoded header and payload. Colours as everywhere in
 * the kit (steps/ui.ts): header red, payload magenta, signature cyan, pass green, fail red, warn yellow.
 */
import { labScenarioFor } from "../lab/names.ts";
import type { ThumbprintConversion } from "../../lib/entra/thumbprint-forms.ts";
import { CATALOG } from "../../lib/entra/aadsts-catalog.ts";
import type { Cause, Check, Diagnosis, ThumbprintRow } from "../../lib/entra/doctor/index.ts";
import type { Role, Ui } from "../ui.ts";

const FOUND_FROM: Record<string, string> = {
  jwt: "a JWT",
  file: "a JWT read from a file",
  "form-body": "a form body",
  curl: "a curl command line",
};

export function renderDiagnosis(d: Diagnosis, ui: Ui): string[] {
  if (d.kind === "no-error-code") return [...heading(ui, "Doctor · no Entra error code in the text"), ...d.notes.map((n) => `  ${ui.paint("warn", "!")} ${n}`)];
  return d.kind === "entra-error" ? renderError(d, ui) : renderAssertion(d, ui);
}

// ── A client assertion ───────────────────────────────────────────────────────────────────────────

function renderAssertion(d: Diagnosis, ui: Ui): string[] {
  const from = d.found ? FOUND_FROM[d.found.from] ?? d.found.from : "the input";
  const where = d.found?.field ? ` (in the form field "${d.found.field}")` : d.found?.formFields ? " (client_assertion)" : "";
  const lines = heading(ui, `Doctor · client assertion from ${from}${where}`);
  lines.push(verdictLine(d, ui));
  const shown = d.causes.filter((c) => c.severity !== "info");
  const info = d.causes.filter((c) => c.severity === "info");
  shown.forEach((c, i) => lines.push(...causeBlock(c, i + 1, shown.length, ui)));
  if (info.length) {
    lines.push("");
    for (const c of info) lines.push(`  ${ui.paint("dim", "i")} ${c.title}: ${ui.paint("dim", c.detail)}`);
  }
  const undecodable = !d.decoded?.header && !d.decoded?.payload;
  if (undecodable) {
    lines.push(...notes(d, ui));
    return lines;
  }
  lines.push(...ui.section("The checks, in the order the mock Entra makes them (Entra does not publish its order)"), ...checkTable(d.checks, ui));
  if (d.thumbprints?.length) lines.push(...thumbprintTable(d.thumbprints, d, ui));
  if (d.times?.length) lines.push(...timeTable(d, ui));
  lines.push(...decoded(d, ui));
  lines.push(...notes(d, ui));
  return lines;
}

function heading(ui: Ui, text: string): string[] {
  return ["", ui.chalk.bold(text), ui.paint("dim", "─".repeat(Math.min(text.length + 2, 100)))];
}

function verdictLine(d: Diagnosis, ui: Ui): string {
  if (d.predicted) {
    const entry = CATALOG[d.predicted.catalogId];
    const label = [d.predicted.catalogId !== String(d.predicted.aadsts) ? d.predicted.catalogId : "", entry ? `HTTP ${entry.status} ${entry.error}` : ""].filter(Boolean).join(", ");
    return `  ${ui.paint("bad", "✗")} ${ui.chalk.bold(`Entra would refuse it: AADSTS${d.predicted.aadsts}`)}${label ? ` ${ui.paint("dim", `(${label})`)}` : ""}`;
  }
  if (d.verdict === "accepted") return `  ${ui.paint("ok", "✓")} ${ui.chalk.bold("Entra would accept it:")} every check passes${d.causes.some((c) => c.severity === "warning") ? ", with the warnings below" : ""}.`;
  const skipped = new Set(d.checks.filter((c) => c.status === "skip").map((c) => c.id));
  const missing: string[] = [];
  if (["key-registered", "key-dates", "key-type", "key-size", "signature"].some((id) => skipped.has(id))) missing.push("--cert (thumbprint, key, signature)");
  if (skipped.has("iss-client-id")) missing.push("--client-id (iss)");
  if (d.checks.some((c) => c.id === "aud" && c.saw.endsWith("(tenant not checked)"))) missing.push("--tenant (aud)");
  return `  ${ui.paint("warn", "?")} ${ui.chalk.bold("Nothing Entra would refuse so far.")} To check the rest, add ${missing.join(", ") || "what the notes below say"}.`;
}

const SEVERITY_MARK: Record<Cause["severity"], [Role, string]> = { error: ["bad", "✗"], warning: ["warn", "!"], info: ["dim", "i"] };

function causeBlock(c: Cause, n: number, of: number, ui: Ui): string[] {
  const [role, mark] = SEVERITY_MARK[c.severity];
  const number = of > 1 ? `${n}. ` : "";
  const lines = ["", `  ${ui.paint(role, mark)} ${ui.chalk.bold(`${number}${c.title}`)}  ${ui.paint("dim", `[${c.id}]`)}`];
  lines.push(...wrapText(c.detail, 96).map((l) => `    ${l}`));
  if (c.evidence.length) lines.push(...ui.fields(c.evidence.map(([k, v]) => [k, v]), 6));
  const rows: [string, string][] = [["fix", wrapText(c.fix, 86).join("\n")]];
  if (c.aadsts) rows.push(["Entra", `AADSTS${c.aadsts}${c.catalogId && c.catalogId !== String(c.aadsts) ? ui.paint("dim", ` (${c.catalogId})`) : ""}`]);
  else if (c.severity === "warning") rows.push(["Entra", c.outcome ? wrapText(c.outcome, 86).join("\n") : ui.paint("dim", "accepts it today")]);
  if (labScenarioFor(c.id)) rows.push(["reproduce", ui.paint("code", `npm run lab -- ${labScenarioFor(c.id)}`)]);
  lines.push(...ui.fields(rows, 4));
  return lines;
}

const STATUS_MARK: Record<Check["status"], [Role, string]> = { pass: ["ok", "✓"], fail: ["bad", "✗"], warn: ["warn", "!"], skip: ["dim", "–"] };

function checkTable(checks: Check[], ui: Ui): string[] {
  const width = Math.max(...checks.map((c) => c.title.length));
  const lines: string[] = [];
  for (const c of checks) {
    const [role, mark] = STATUS_MARK[c.status];
    const code = c.aadsts ? `  ${ui.paint("bad", `AADSTS${c.aadsts}`)}` : "";
    const title = c.status === "skip" ? ui.paint("dim", c.title.padEnd(width)) : c.title.padEnd(width);
    lines.push(`  ${ui.paint(role, mark)} ${title}  ${c.status === "skip" ? ui.paint("dim", clip(c.saw, 112)) : clip(c.saw, 112)}${code}`);
    if (c.status === "fail" || c.status === "warn") lines.push(`    ${" ".repeat(width)}  ${ui.paint("dim", `expected: ${clip(c.expected, 90)}`)}`);
  }
  return lines;
}

function thumbprintTable(rows: ThumbprintRow[], d: Diagnosis, ui: Ui): string[] {
  const lines = ui.section("Thumbprints: the header next to the certificate");
  for (const r of rows) {
    const used = r.used ? "Entra looks the key up by this one" : r.inHeader ? "ignored by Entra when x5t#S256 is there" : "not in the header";
    lines.push(`  ${ui.chalk.bold(`${r.header} (${r.algorithm})`)}  ${ui.paint("dim", used)}`);
    const headerWindows = r.inHeaderText ? `${r.inHeaderText} ${ui.paint("dim", "(text, not bytes)")}` : r.inHeaderHex ?? (r.inHeader ? ui.paint("dim", "(not base64)") : ui.paint("dim", "—"));
    const same = r.inHeader !== undefined && r.certificateHeader !== undefined && r.inHeader === r.certificateHeader;
    const mark = r.inHeader && r.certificateHeader ? (same ? ui.paint("ok", " ✓") : ui.paint("bad", " ✗")) : "";
    const table: [string, string][] = [
      ["as Windows shows it   header", headerWindows],
      ["                      certificate", r.certificateWindows ?? ui.paint("dim", "(no --cert)")],
      [`as ${r.header.padEnd(8)}           header`, r.inHeader ? `${ui.paint("header", r.inHeader)}${mark}` : ui.paint("dim", "—")],
      ["                      certificate", r.certificateHeader ?? ui.paint("dim", "(no --cert)")],
    ];
    lines.push(...ui.fields(table, 4));
  }
  if (d.certificate) {
    const c = d.certificate;
    lines.push(`  ${ui.paint("dim", `certificate: ${c.subject}, ${c.keyType} ${c.keyBits} bits, valid ${c.notBefore.slice(0, 10)} → ${c.notAfter.slice(0, 10)}${c.source ? `, from ${c.source}` : ""}`)}`);
  }
  return lines;
}

function timeTable(d: Diagnosis, ui: Ui): string[] {
  const lines = ui.section("Times (NumericDate: seconds since 1970, RFC 7519 §2)");
  const rows: [string, string][] = [["now", `${d.now.replace("T", " ").replace(/\.\d+Z$/, " UTC")}`]];
  for (const t of d.times ?? []) {
    if (t.utc === undefined) {
      rows.push([t.claim, `${JSON.stringify(t.raw)} ${ui.paint("bad", "(not a number)")}`]);
      continue;
    }
    const ms = t.milliseconds ? `\n${ui.paint("warn", `as milliseconds it would be ${t.asMilliseconds}`)}` : "";
    rows.push([t.claim, `${t.raw as string | number}  ${t.utc}  ${ui.paint("dim", t.relative ?? "")}\n${ui.paint("dim", `local: ${t.local}`)}${ms}`]);
  }
  lines.push(...ui.fields(rows, 2));
  return lines;
}

function decoded(d: Diagnosis, ui: Ui): string[] {
  const lines: string[] = [];
  const dec = d.decoded;
  if (!dec) return lines;
  lines.push(...ui.section("Decoded (read tolerantly: what the bytes say)"));
  if (dec.header) lines.push(`  ${ui.paint("dim", "header")}`, ...jsonLines(dec.header, "header", ui));
  else if (dec.headerJson !== undefined) lines.push(`  ${ui.paint("dim", "header (not a JSON object)")}`, `    ${ui.paint("header", clip(dec.headerJson, 200))}`);
  if (dec.payload) lines.push(`  ${ui.paint("dim", "payload")}`, ...jsonLines(dec.payload, "payload", ui));
  else if (dec.payloadJson !== undefined) lines.push(`  ${ui.paint("dim", "payload (not a JSON object)")}`, `    ${ui.paint("payload", clip(dec.payloadJson, 200))}`);
  if (dec.signatureBytes !== undefined) lines.push(`  ${ui.paint("dim", "signature")}  ${ui.paint("signature", `${dec.signatureBytes} bytes`)}${dec.signatureBytes ? ui.paint("dim", ` (${dec.signatureBytes * 8}-bit key)`) : ""}`);
  const form = d.found?.formFields;
  if (form) {
    lines.push(`  ${ui.paint("dim", "form fields")}`);
    lines.push(...ui.fields(Object.entries(form).map(([k, v]): [string, string] => [k, clip(v, 80)]), 4));
  }
  if (d.found?.url) lines.push(`  ${ui.paint("dim", "posted to")}  ${d.found.url}`);
  return lines;
}

function jsonLines(value: Record<string, unknown>, role: Role, ui: Ui): string[] {
  return JSON.stringify(value, null, 2)
    .split("\n")
    .map((l) => `    ${ui.paint(role, clip(l, 110))}`);
}

function notes(d: Diagnosis, ui: Ui): string[] {
  if (!d.notes.length) return [];
  return ["", ...d.notes.flatMap((n) => wrapText(n, 96).map((l, i) => `  ${ui.paint("dim", `${i === 0 ? "note:" : "     "} ${l}`)}`))];
}

// ── A pasted Entra error ─────────────────────────────────────────────────────────────────────────

function renderError(d: Diagnosis, ui: Ui): string[] {
  const e = d.error!;
  const entry = e.catalogId ? CATALOG[e.catalogId] : undefined;
  const lines = heading(ui, `Doctor · Entra error AADSTS${e.code}${e.catalogId && e.catalogId !== String(e.code) ? ` (${e.catalogId})` : ""}`);
  lines.push(
    ...ui.fields([
      ["what it means", wrapText(e.meaning, 84).join("\n")],
      ["what to do", wrapText(e.fix, 84).join("\n")],
      ...(entry ? [["answer", `HTTP ${entry.status} ${entry.error}`] as [string, string]] : []),
    ]),
  );
  if (e.variants) {
    lines.push(...ui.section(`AADSTS${e.code}'s ${e.variants.length} answers, and what in Entra's text tells each`));
    for (const v of e.variants) {
      lines.push("", `  ${ui.chalk.bold(v.catalogId)}  ${ui.paint("dim", `HTTP ${v.status} ${v.error}${v.evidence === "inferred" ? ", inferred" : ""}`)}`);
      lines.push(...ui.fields([["tell", wrapText(v.tell, 84).join("\n")], ["means", wrapText(v.meaning, 84).join("\n")], ["fix", wrapText(v.fix, 84).join("\n")], ...(v.likelyCauses.length ? ([["causes", wrapText(v.likelyCauses.join(", "), 84).join("\n")]] as [string, string][]) : [])], 4));
    }
  }
  if (d.causes.length) {
    lines.push(...ui.section("Likely causes, most likely first"));
    // In full: the causes the text itself points to (they have evidence), else the first one.
    const anySpecific = d.causes.some((c) => c.evidence.length > 0);
    d.causes.forEach((c, i) => {
      const specific = c.evidence.length > 0;
      if (specific || (!anySpecific && i === 0)) {
        lines.push("", `  ${ui.paint("bad", `${i + 1}.`)} ${ui.chalk.bold(c.title)}  ${ui.paint("dim", `[${c.id}]`)}`);
        lines.push(...wrapText(c.detail, 96).map((l) => `     ${l}`));
        if (c.evidence.length) lines.push(...ui.fields(c.evidence, 6));
        const rows: [string, string][] = [["fix", wrapText(c.fix, 84).join("\n")]];
        if (labScenarioFor(c.id)) rows.push(["reproduce", ui.paint("code", `npm run lab -- ${labScenarioFor(c.id)}`)]);
        lines.push(...ui.fields(rows, 5));
      } else {
        if (i > 0 && d.causes[i - 1]!.evidence.length) lines.push("");
        lines.push(`  ${ui.paint("dim", `${i + 1}.`)} ${c.title}  ${ui.paint("dim", `[${c.id}]${labScenarioFor(c.id) ? `  npm run lab -- ${labScenarioFor(c.id)}` : ""}`)}`);
      }
    });
  }
  lines.push(...ui.section("To quote to Microsoft support"));
  lines.push(
    ...ui.fields([
      ["correlation ID", e.correlationId ?? ui.paint("dim", "(not in the text)")],
      ["trace ID", e.traceId ?? ui.paint("dim", "(not in the text)")],
      ["time", e.timestamp ?? ui.paint("dim", "(not in the text)")],
    ]),
  );
  if (e.description) lines.push(...ui.section("What Entra said"), ...wrapText(e.description, 96).map((l) => `  ${ui.paint("dim", l)}`));
  lines.push(...ui.next("npm run doctor -- <the client assertion> --cert cert.cer", "to find which byte is wrong"));
  lines.push(...notes(d, ui));
  return lines;
}

// ── Text helpers ─────────────────────────────────────────────────────────────────────────────────

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Greedy word wrap; words longer than the width stay whole. */
export function wrapText(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line || !out.length) out.push(line);
  return out;
}

/** `npm run doctor -- --thumbprint T`: both forms of one thumbprint, or why it is none. */
export function renderThumbprintConversion(input: string, c: ThumbprintConversion, ui: Ui): string[] {
  const lines = heading(ui, "Doctor · thumbprint");
  if (!c.ok) return [...lines, `  ${ui.paint("bad", "✗")} ${c.reason}`];
  lines.push(
    ...ui.fields([
      ["given", `${input.trim()} ${ui.paint("dim", `(${c.from})`)}`],
      [`${c.algorithm} (Windows hex)`, c.hex],
      [c.header, ui.paint("ok", c.headerValue)],
    ]),
  );
  if (c.note) lines.push(`  ${ui.paint("dim", c.note)}`);
  lines.push(`  ${ui.paint("dim", c.header === "x5t" ? 'Header: {"alg":"RS256","typ":"JWT","x5t":"' + c.headerValue + '"}' : 'Header: {"alg":"PS256","typ":"JWT","x5t#S256":"' + c.headerValue + '"}')}`);
  return lines;
}
