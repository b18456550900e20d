/**
 * What each client sent and how each case ended: one console line per client configuration, and,
 * when INTEROP_REPORT names a file, a JSON array of
 * { client, version, header, claimTypes, formFields, result } (entries of the same client replaced).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { TokenRequest } from "./harness.ts";

export interface ClientSummary {
  client: string;
  version: string;
  /** The JOSE header of the client assertion (x5c shortened to a description). */
  header: Record<string, unknown> | null;
  /** Claim name → JSON type ("string", "integer", "fraction", …). */
  claimTypes: Record<string, string> | null;
  /** Names of the form fields of the token request, sorted. */
  formFields: string[] | null;
  /** Case → outcome ("token", "AADSTS700027", …). */
  result: Record<string, string>;
}

export class ClientReport {
  private readonly summary: ClientSummary;

  constructor(client: string, version: string) {
    this.summary = { client, version, header: null, claimTypes: null, formFields: null, result: {} };
  }

  /** Keeps what the client sent in its first token request (call it for the success case first). */
  sent(requests: TokenRequest[]): void {
    const request = requests.find((r) => r.header !== undefined) ?? requests[0];
    if (!request || this.summary.formFields) return;
    this.summary.header = request.header ? describeHeader(request.header as Record<string, unknown>) : null;
    this.summary.claimTypes = request.payload ? claimTypes(request.payload as Record<string, unknown>) : null;
    this.summary.formFields = [...new Set(request.form.keys())].sort();
  }

  /** For a verifier (it sends no assertion): the header and claims of the token it checked. */
  checked(header: Record<string, unknown>, claims: Record<string, unknown>): void {
    this.summary.header = describeHeader(header);
    this.summary.claimTypes = claimTypes(claims);
  }

  outcome(caseName: string, outcome: string): void {
    this.summary.result[caseName] = outcome;
  }

  /** Prints the line and writes INTEROP_REPORT; call once, in afterAll. */
  finish(): ClientSummary {
    const s = this.summary;
    const header = s.header ? Object.entries(s.header).map(([k, v]) => (k === "alg" || k === "typ" ? `${k}=${String(v)}` : k)).join(",") : "-";
    const claims = s.claimTypes ? Object.entries(s.claimTypes).map(([k, v]) => `${k}:${v}`).join(",") : "-";
    const results = Object.entries(s.result).map(([k, v]) => `${k}=${v}`).join("; ");
    console.log(`interop: ${s.client} ${s.version} | header ${header} | claims ${claims} | ${results}`);
    const path = process.env.INTEROP_REPORT;
    if (path) writeReport(path, s);
    return s;
  }
}

function describeHeader(header: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...header };
  if (Array.isArray(header.x5c)) {
    out.x5c = header.x5c.map((entry) => {
      const text = String(entry);
      return `<${text.length} chars of base64${/[\r\n]/.test(text) ? ", with line breaks" : ""}>`;
    });
  }
  return out;
}

function claimTypes(payload: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (typeof value === "number") out[name] = Number.isInteger(value) ? "integer" : "fraction";
    else if (Array.isArray(value)) out[name] = "array";
    else if (value === null) out[name] = "null";
    else out[name] = typeof value;
  }
  return out;
}

function writeReport(path: string, summary: ClientSummary): void {
  let entries: ClientSummary[] = [];
  if (existsSync(path)) {
    try {
      const old: unknown = JSON.parse(readFileSync(path, "utf8"));
      if (Array.isArray(old)) entries = old as ClientSummary[];
    } catch {
      // Not ours, or half written: start over.
    }
  }
  entries = entries.filter((e) => e.client !== summary.client);
  entries.push(summary);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(entries, null, 2)}\n`);
  renameSync(temporary, path);
}
