/**
 * One AADSTS code, several answers: 700027 is four in the catalog (not registered, key not found,
 * key expired, bad signature), 9002313, 50027 and 90002 are several too. A pasted code without its
 * text (`AADSTS700027`, `AADSTS700027:`) cannot say which, so the doctor lists them all: what each
 * means, and what in Entra's answer tells it (the "[Reason - …]" text, the quoted thumbprint, the
 * HTTP status or `error` value), the same marks matchCatalogEntry reads.
 */
import { catalogEntriesFor, type CatalogEntry, type CatalogId, type EvidenceGrade } from "../aadsts-catalog.ts";

export interface CodeVariant {
  catalogId: CatalogId;
  status: number;
  error: string;
  /** What in Entra's answer says it is this one. */
  tell: string;
  meaning: string;
  fix: string;
  evidence: EvidenceGrade;
}

/**
 * Where the Reason text is the same, what else tells them apart (error-text.ts matchCatalogEntry
 * reads the same mark; the two texts are entra-errors.md 700027 variant 3 and pnp/cli-microsoft365 #1532).
 */
const TELLS: Partial<Record<CatalogId, string>> = {
  "700027-not-registered": "[Reason - The key was not found.] with a thumbprint quoted: Thumbprint of key used by client: '<40 or 64 hex digits>'",
  "700027-key-not-found": "[Reason - The key was not found.] with an empty thumbprint (Thumbprint of key used by client: '') or none",
};

/** The "[Reason - …]" part of a template, up to its first comma. */
function reason(entry: CatalogEntry): string | undefined {
  const m = /\[Reason - ([^,\]]+)/.exec(entry.template);
  return m ? `[Reason - ${m[1]!.trim()}]` : undefined;
}

/** The template's first fixed sentence (before any {placeholder}). */
function firstText(entry: CatalogEntry): string {
  return entry.template.split(/\{\w+\}/)[0]!.split(/(?<=\.)\s/)[0]!.trim();
}

function answer(entry: CatalogEntry): string {
  return `HTTP ${entry.status} ${entry.error}`;
}

function tellOf(entry: CatalogEntry, all: CatalogEntry[]): string {
  const told = TELLS[entry.id];
  if (told) return told;
  const unique = (f: (e: CatalogEntry) => string | undefined) => {
    const mine = f(entry);
    return mine !== undefined && all.filter((e) => f(e) === mine).length === 1 ? mine : undefined;
  };
  const byReason = unique(reason);
  if (byReason) return byReason;
  const byText = unique(firstText);
  if (byText) return `the text "${byText}"`;
  const byAnswer = unique(answer);
  if (byAnswer) return `${byAnswer} (the same text as the others)`;
  const twins = all.filter((e) => e !== entry && answer(e) === answer(entry) && firstText(e) === firstText(entry)).map((e) => e.id);
  return `the same answer as ${twins.join(", ")}: only the request tells them apart (give the doctor the request or the assertion)`;
}

/** The catalog's answers under this code, each with what tells it; empty or one: nothing to tell apart. */
export function codeVariants(code: number): CodeVariant[] {
  const all = catalogEntriesFor(code);
  if (all.length < 2) return [];
  return all.map((e) => ({ catalogId: e.id, status: e.status, error: e.error, tell: tellOf(e, all), meaning: e.meaning, fix: e.fix, evidence: e.evidence }));
}

/** Whether a pasted description is the code alone ("AADSTS700027", "AADSTS700027:"), with no text that would tell which answer it is. */
export function isBareCode(description: string): boolean {
  return description.replace(/AADSTS\s*\d+/gi, "").replace(/[^\p{L}\p{N}]/gu, "") === "";
}
