/**
 * How a lab run looks in the terminal: the scenario's title and story, then the five stages
 * (the request, Entra's answer, the doctor, the fix, the request again), with steps/ui.ts's
 * colours: problems red, success green, the JWT's header, payload and signature in their colours.
 */
import type { Ui } from "../ui.ts";
import type { DoctorFinding } from "./doctor.ts";
import type { EntraAnswer } from "./entra.ts";
import type { LabRun, StageView } from "./run.ts";
import type { Scenario } from "./scenario.ts";

const WIDTH = 100;
const MARK = "◀";

export function renderRun(run: LabRun, ui: Ui): string[] {
  const heading = `Lab · ${run.name} · ${run.title}`;
  return [
    "",
    ui.chalk.bold(heading),
    ui.paint("dim", "─".repeat(Math.min(heading.length + 2, WIDTH))),
    ...wrapWords(run.story.join(" "), WIDTH - 2).map((line) => `  ${line}`),
    ...ui.section("1 · the request"),
    ...requestLines(run.first, run.focus, ui),
    ...ui.section("2 · the answer (the mock Entra ID, offline)"),
    ...answerLines(run.first.answer, ui),
    ...ui.section("3 · the doctor"),
    ...doctorLines(run, ui),
    ...ui.section("4 · the fix"),
    ...fixLines(run, ui),
    ...ui.section(`5 · again: ${run.second.answer.status}${run.outcome.fixedOk ? " ✓" : " ✗"}`),
    ...againCallLines(run.second, ui),
    ...changedLines(run, ui),
    ...answerLines(run.second.answer, ui),
  ];
}

// ── 1 · the request ─────────────────────────────────────────────────────────────────────────────

function marked(ui: Ui, focus: string[], name: string, value: string): string {
  return focus.includes(name) ? `${ui.paint("bad", value)}  ${ui.paint("bad", MARK)}` : value;
}

/** The app's own calls before the token request, one a line: method, URL, the header that matters, status. */
function callLines(stage: StageView, ui: Ui): string[] {
  if (!stage.calls?.length) return [];
  return [
    `  ${ui.paint("dim", "first, the Function's calls (the mock managed identity and Key Vault, in this process):")}`,
    ...stage.calls.map((c) => `    ${ui.paint("em", c.method.padEnd(4))} ${c.url}  ${ui.paint("dim", `${c.header[0]}:`)} ${c.header[1]}  ${c.status < 300 ? ui.paint("ok", `← ${c.status}`) : ui.paint("bad", `← ${c.status}`)}`),
    `  ${ui.paint("dim", "then the token request:")}`,
  ];
}

/** The same calls, made again for the fixed request: one line with their statuses. */
function againCallLines(stage: StageView, ui: Ui): string[] {
  if (!stage.calls?.length) return [];
  const statuses = stage.calls.map((c) => (c.status < 300 ? ui.paint("ok", String(c.status)) : ui.paint("bad", String(c.status)))).join(" ");
  return [`  ${ui.paint("dim", `the Function's ${stage.calls.length} calls again (${stage.calls.map((c) => `${c.method} ${new URL(c.url).pathname.split("/").at(-1)}`).join(", ")}):`)} ← ${statuses}`];
}

function requestLines(stage: StageView, focus: string[], ui: Ui): string[] {
  const { request, jwt, graphCall } = stage;
  const lines = callLines(stage, ui);
  lines.push(...(graphCall
    ? [`  ${ui.paint("dim", "with the app's own Graph token (from the token endpoint; no Graph permission needed):")}`, `  ${ui.paint("em", "POST")} ${marked(ui, focus, "url", graphCall.url)}`]
    : [`  ${ui.paint("em", "POST")} ${marked(ui, focus, "url", request.url)}`]));
  const rows: [string, string][] = (graphCall?.fields ?? request.fields).map(([name, value]) => [name, marked(ui, focus, name, shorten(value, 72))]);
  // A focused form field that is not there at all is the mistake: show its absence.
  for (const name of ["client_id", "scope", "client_assertion_type", "client_assertion"])
    if (focus.includes(name) && !request.fields.some(([n]) => n === name)) rows.push([name, marked(ui, focus, name, "(missing)")]);
  lines.push(...ui.fields(rows, 4));
  if (jwt) {
    lines.push(`  ${ui.paint("dim", `the JWT in ${jwt.field}, decoded:`)}`);
    if (jwt.header) lines.push(...jsonRows("header", jwt.header, "header", focus, ui));
    if (jwt.claims) lines.push(...jsonRows("claims", jwt.claims, "payload", focus, ui));
    if (focus.includes("payload")) lines.push(`    ${ui.paint("payload", "payload bytes")}  ${marked(ui, focus, "payload", `${jwt.payloadStart} …`)}`);
    for (const note of jwt.notes) lines.push(`    ${ui.paint("bad", note)}`);
    const signature = jwt.signatureChars === 0 ? "(empty)" : `${jwt.signatureChars} base64url characters`;
    lines.push(`    ${ui.paint("signature", "signature")}  ${marked(ui, focus, "signature", signature)}`);
  }
  lines.push(...registeredLines(stage, focus.includes("registered"), ui));
  return lines;
}

function jsonRows(label: string, value: Record<string, unknown>, role: "header" | "payload", focus: string[], ui: Ui): string[] {
  const rows: [string, string][] = Object.entries(value).map(([name, v]) => [name, marked(ui, focus, name, showValue(name, v))]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v], i) => `    ${ui.paint(role, (i === 0 ? label : "").padEnd(8))}${ui.paint("dim", k.padEnd(width))}  ${v}`);
}

/** A claim's value; NumericDates also as UTC, because a time in the wrong unit is a classic. */
function showValue(name: string, value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if ((name === "nbf" || name === "exp" || name === "iat") && typeof value === "number") return `${text}  (${utc(new Date(value * 1000))})`;
  return shorten(text, 120);
}

function registeredLines(stage: StageView, focused: boolean, ui: Ui): string[] {
  const label = "registered on the app";
  if (stage.registered.length === 0) return [`  ${ui.paint("dim", label)}  ${focused ? ui.paint("bad", `no certificate  ${MARK}`) : "no certificate"}`];
  return stage.registered.map((r, i) => {
    const text = `${r.thumbprint}  valid ${day(r.start)} → ${day(r.end)}`;
    return `  ${ui.paint("dim", (i === 0 ? label : "").padEnd(label.length))}  ${focused ? ui.paint("bad", text) : text}`;
  });
}

// ── 2 · Entra's answer ──────────────────────────────────────────────────────────────────────────

function answerLines(answer: EntraAnswer, ui: Ui): string[] {
  if (answer.graphError) {
    return [`  ${ui.paint("bad", String(answer.status))}  ${ui.paint("bad", answer.graphError.code)}  ${ui.paint("dim", "(Microsoft Graph)")}`, ...wrapWords(answer.graphError.message, WIDTH - 4).map((l) => `    ${l}`)];
  }
  if (answer.keyAdded) {
    return [
      `  ${ui.paint("ok", String(answer.status))}  keyCredential added  keyId ${answer.keyAdded.keyId}  ${ui.paint("dim", "thumbprint")} ${answer.keyAdded.thumbprint}`,
      ui.check(answer.graphAccepted === true, "the new certificate gets a token at once, and Microsoft Graph accepts it (GET /v1.0/users → 200)"),
    ];
  }
  if (answer.status === 200) {
    const lines = [`  ${ui.paint("ok", "200")}  token_type ${ui.paint("em", answer.tokenType ?? "?")}  expires_in ${answer.expiresIn ?? "?"}`];
    lines.push(ui.check(answer.graphAccepted === true, "Microsoft Graph accepts the access token (GET /v1.0/users → 200); only Graph can check a Graph token"));
    return lines;
  }
  const lines = [`  ${ui.paint("bad", String(answer.status))}  ${ui.paint("bad", answer.error ?? "")}  error_codes ${JSON.stringify(answer.errorCodes ?? [])}`];
  if (answer.errorDescription) lines.push(...wrapWords(answer.errorDescription, WIDTH - 4).map((l) => `    ${l}`));
  return lines;
}

// ── 3 · the doctor ──────────────────────────────────────────────────────────────────────────────

function doctorLines(run: LabRun, ui: Ui): string[] {
  const doctor = run.doctor;
  const lines: string[] = [];
  if (doctor.input === "answer") {
    lines.push(`  ${ui.paint("dim", "given Entra's answer (offline, the request itself looks right):")}`);
    if (doctor.explained) lines.push(...wrapWords(doctor.explained.meaning, WIDTH - 4).map((l) => `  ${l}`));
  } else if (doctor.input === "proof") lines.push(`  ${ui.paint("dim", "given the proof and the app's registered certificates with their dates (offline):")}`);
  else lines.push(`  ${ui.paint("dim", "given the form body and the app's certificate (offline):")}`);
  lines.push(...causeLines(doctor, run.cause, ui));
  if (doctor.predictedGraph) {
    const { status, code } = doctor.predictedGraph;
    const agrees = run.first.answer.graphError?.code === code && run.first.answer.status === status ? ui.paint("ok", "✓ as Graph answered") : ui.paint("warn", `≠ Graph answered ${run.first.answer.status}`);
    lines.push(`  predicts ${ui.paint("em", `${status} ${code}`)}  ${agrees}`);
  } else if (doctor.predicted) {
    const got = run.outcome.firstAadsts;
    const verb = doctor.input === "answer" ? "reads" : "predicts";
    const detail = doctor.predicted.catalogId && doctor.predicted.catalogId !== String(doctor.predicted.aadsts) ? ` (${doctor.predicted.catalogId})` : "";
    const agrees = got === doctor.predicted.aadsts ? ui.paint("ok", "✓ as Entra answered") : ui.paint("warn", `≠ Entra answered ${got ?? run.first.answer.status}`);
    lines.push(`  ${verb} ${ui.paint("em", `AADSTS${doctor.predicted.aadsts}`)}${ui.paint("dim", detail)}  ${agrees}`);
  } else if (run.first.answer.status === 200) lines.push(`  predicts ${ui.paint("ok", "no error")}  ${ui.paint("ok", "✓ as Entra answered")}`);
  if (!run.outcome.doctorNamed) lines.push(ui.warn(`The doctor did not name ${run.cause} with the code Entra answered.`));
  return lines;
}

const SEVERITY_MARK = { error: ["bad", "✗"], warning: ["warn", "!"], info: ["dim", "i"] } as const;
/** Causes shown in full; the rest get one line each. */
const FULL_CAUSES = 2;

function causeLines(doctor: DoctorFinding, scenario: string, ui: Ui): string[] {
  if (doctor.causes.length === 0) return [`  ${ui.paint("dim", "no cause named")}`];
  const lines: string[] = [];
  // The likely causes of an answer are a ranked list: the first in full, the others by name.
  const full = doctor.input === "answer" ? 1 : FULL_CAUSES;
  const shownEvidence = new Set<string>();
  doctor.causes.forEach((cause, i) => {
    const [role, mark] = SEVERITY_MARK[cause.severity];
    const name = cause.id === scenario ? ui.paint("em", cause.id) : cause.id;
    if (i >= full) {
      lines.push(`  ${ui.paint(role, mark)} ${name}  ${ui.paint("dim", cause.title)}`);
      return;
    }
    lines.push(`  ${ui.paint(role, mark)} ${name}  ${cause.title}`);
    lines.push(...wrapWords(cause.detail, WIDTH - 6).map((l) => `      ${l}`));
    // Rows another cause already showed are not repeated. The doctor's "local time" row is left
    // out: the lab's output must be the same on every machine, whatever its time zone.
    const evidence = cause.evidence.filter(([k, v]) => k !== "local time" && !shownEvidence.has(`${k}\u0000${v}`));
    for (const [k, v] of evidence) shownEvidence.add(`${k}\u0000${v}`);
    if (evidence.length) lines.push(...ui.fields(evidence.map(([k, v]) => [k, shorten(v, 90)]), 6));
  });
  if (doctor.input === "answer" && doctor.causes.length > 1) lines.splice(lines.length - doctor.causes.length + 1, 0, `  ${ui.paint("dim", "other usual reasons for this answer:")}`);
  return lines;
}

// ── 4 · the fix, 5 · again ──────────────────────────────────────────────────────────────────────

function fixLines(run: LabRun, ui: Ui): string[] {
  const { fix } = run;
  const lines = fix.what.map((l) => `  ${l}`);
  lines.push(`  ${ui.paint("dim", fix.label)}`);
  if (fix.before) lines.push(`    ${ui.paint("bad", `- ${fix.before}`)}`);
  lines.push(`    ${ui.paint("ok", `+ ${fix.after}`)}`);
  return lines;
}

/** The focused values as the fixed request sends them. */
function changedLines(run: LabRun, ui: Ui): string[] {
  const { second } = run;
  const rows: [string, string][] = [];
  for (const name of run.focus) {
    if (name === "url") rows.push(["url", second.request.url]);
    else if (name === "registered") continue;
    else if (name === "payload") rows.push(["payload bytes", ui.paint("ok", `${second.jwt?.payloadStart ?? ""} …`)]);
    else if (name === "signature") rows.push(["signature", `${second.jwt?.signatureChars ?? 0} base64url characters, made by the certificate's key`]);
    else {
      const inForm = second.request.fields.find(([n]) => n === name)?.[1];
      const inJwt = second.jwt?.header?.[name] ?? second.jwt?.claims?.[name];
      const value = inForm !== undefined ? shorten(inForm, 72) : inJwt !== undefined ? showValue(name, inJwt) : undefined;
      if (value !== undefined) rows.push([name, ui.paint("ok", value)]);
    }
  }
  // A JWT whose standard base64 was fixed along the way: say so, since its decoded rows are the same.
  const standard = (stage?: StageView) => stage?.jwt?.notes.some((n) => n.includes("standard base64")) ?? false;
  if (standard(run.first) && second.jwt && !standard(second)) rows.push([`${second.jwt.field} segments`, ui.paint("ok", "base64url now: no + / or =")]);
  const lines = rows.length ? ui.fields(rows, 4) : [];
  if (run.focus.includes("registered")) lines.push(...registeredLines(second, false, ui));
  return lines;
}

// ── Lists and tables ────────────────────────────────────────────────────────────────────────────

/** The code of a scenario's first answer, as --list shows it. */
export function expectedLabel(scenario: Pick<Scenario, "expectedAadsts" | "expectedGraphError">): string {
  if (scenario.expectedGraphError) return `Graph ${scenario.expectedGraphError.status}`;
  return scenario.expectedAadsts === undefined ? "200 accepted" : `AADSTS${scenario.expectedAadsts}`;
}

export function listLines(groups: readonly { theme: string; scenarios: readonly Scenario[] }[], ui: Ui): string[] {
  const all = groups.flatMap((g) => g.scenarios);
  const nameWidth = Math.max(...all.map((s) => s.name.length));
  const codeWidth = Math.max(...all.map((s) => expectedLabel(s).length));
  const lines: string[] = [];
  for (const group of groups) {
    lines.push("", `  ${ui.paint("dim", group.theme)}`);
    for (const s of group.scenarios) lines.push(`  ${ui.paint("em", s.name.padEnd(nameWidth))}  ${ui.paint("code", expectedLabel(s).padEnd(codeWidth))}  ${s.title}`);
  }
  return lines;
}

/** The table --all ends with: one row per scenario. */
export function summaryLines(runs: LabRun[], ui: Ui): string[] {
  const head: [string, string, string, string] = ["scenario", "mock answered first", "doctor", "after the fix"];
  const rows = runs.map((r) => {
    const first = r.outcome.firstAadsts !== undefined ? `AADSTS${r.outcome.firstAadsts}` : String(r.first.answer.status);
    const doctor = r.outcome.doctorNamed ? "✓" : "✗";
    return { cells: [r.name, `${first} ${r.outcome.firstAsExpected ? "✓" : "✗"}`, doctor, `${r.second.answer.status} ${r.outcome.fixedOk ? "✓" : "✗"}`], run: r };
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r.cells[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const passed = runs.filter((r) => r.ok).length;
  return [
    ...ui.section("Summary"),
    `  ${ui.paint("dim", line(head))}`,
    ...rows.map(({ cells, run }) => `  ${ui.paint(run.ok ? "plain" : "bad", line(cells))}`),
    "",
    `  ${passed === runs.length ? ui.paint("ok", "✓") : ui.paint("bad", "✗")} ${passed} of ${runs.length} scenarios reproduced their error and ended in a token after the fix.`,
  ];
}

// ── Text helpers ────────────────────────────────────────────────────────────────────────────────

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…  (${text.length} characters)`;
}

function utc(date: Date): string {
  return Number.isNaN(date.getTime()) ? "not a date" : date.toISOString().replace("T", " ").replace(/\.000Z$/, "Z");
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Folds text at spaces to a width (a word longer than the width gets a line of its own). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else current = current ? `${current} ${word}` : word;
  }
  if (current) lines.push(current);
  return lines;
}
