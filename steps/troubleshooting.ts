/**
 * The AADSTS table of WORKSHOP.md's troubleshooting chapter, generated from the same catalog the
 * mock answers with (lib/entra/aadsts-catalog.ts), the doctor's ranking of causes (lib/entra/doctor) and the lab's
 * scenarios (steps/lab), so that the guide cannot drift from the program: `npm run docs:update`
 * writes it, a test compares.
 */
import { CAUSES, likelyCausesFor, type CauseId } from "../lib/entra/doctor/index.ts";
import { CATALOG, type CatalogEntry } from "../lib/entra/aadsts-catalog.ts";
import { SCENARIOS } from "./lab/scenarios.ts";

/** The entries a client can meet (the mock's own failure, 50000, is left out). */
function entries(): CatalogEntry[] {
  return Object.values(CATALOG).filter((e) => e.code !== 50000);
}

/** Markdown table cells cannot hold "|" or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

/** The description up to its bracketed details, placeholders shown as "…", at most about 200 characters. */
function says(entry: CatalogEntry): string {
  const text = entry.template.replace(/\{[^}]+\}/g, "…").replace(/\s*\[Reason - ([^,\]]+).*$/, " [Reason - $1 …]");
  return `AADSTS${entry.code}: ${text.length > 200 ? text.slice(0, 197) + "…" : text}`;
}

function causesOf(entry: CatalogEntry): CauseId[] {
  return likelyCausesFor(entry.id).filter((id) => id in CAUSES).slice(0, 3);
}

/** How to confirm it: which input to give the doctor. */
function confirm(causes: CauseId[]): string {
  if (causes.some((c) => c === "jwt-as-scope" || c === "form-duplicate-field" || c === "two-credentials" || c === ("form-field" as CauseId))) return "`npm run doctor -- \"<form body or curl line>\"`";
  if (causes.some((c) => c === "cert-not-uploaded" || c === "unknown-client-id" || c === "wrong-tenant")) return "`npm run doctor -- <assertion> --cert cert.cer`, or paste the error text";
  if (causes.length === 0) return "paste the error text: `npm run doctor -- \"AADSTS…\"`";
  return "`npm run doctor -- <assertion> --cert cert.cer`";
}

/** The lab scenarios for an entry: its likely causes that the lab reproduces (scenario names are cause ids). */
function labFor(entry: CatalogEntry): string {
  const likely = likelyCausesFor(entry.id) as string[];
  const names = SCENARIOS.filter((s) => s.expectedAadsts === entry.code && likely.includes(s.name)).map((s) => s.name);
  return names.length ? names.map((n) => `\`npm run lab -- ${n}\``).join(", ") : "–";
}

/** Where the wording comes from, short: "inferred", or the named source. */
function source(entry: CatalogEntry): string {
  return /^inferred/.test(entry.source) ? "inferred" : entry.source.length > 90 ? entry.source.slice(0, 87) + "…" : entry.source;
}

export function troubleshootingTable(): string {
  const rows = [
    "| Code | What Entra says | What it means | Likely causes | Confirm with the doctor | Fix | Reproduce | Wording from |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const entry of entries()) {
    const causes = causesOf(entry);
    rows.push(
      `| ${[
        `${entry.code} \`${entry.error}\` (HTTP ${entry.status})`,
        says(entry),
        entry.meaning,
        causes.length ? causes.map((c) => CAUSES[c].title).join("; ") : "–",
        confirm(causes),
        entry.fix,
        labFor(entry),
        source(entry),
      ].map(cell).join(" | ")} |`,
    );
  }
  return rows.join("\n") + "\n";
}

/** WORKSHOP.md marks the table with these two comments. */
export const TABLE_START = "<!-- generated: troubleshooting table (npm run docs:update) -->\n";
export const TABLE_END = "<!-- end of generated table -->";

export function replaceTable(markdown: string, table: string): string {
  const a = markdown.indexOf(TABLE_START);
  const b = markdown.indexOf(TABLE_END);
  if (a < 0 || b < a) throw new Error("WORKSHOP.md has no troubleshooting table markers");
  return markdown.slice(0, a + TABLE_START.length) + table + markdown.slice(b);
}

export function shownTable(markdown: string): string | undefined {
  const a = markdown.indexOf(TABLE_START);
  const b = markdown.indexOf(TABLE_END);
  return a < 0 || b < a ? undefined : markdown.slice(a + TABLE_START.length, b);
}
