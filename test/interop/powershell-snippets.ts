/**
 * Where the kit's PowerShell snippets come from: the one place the PowerShell interop test touches
 * the project. When files move (lib/, steps/, mock-aad/), fix the imports and paths here only.
 *
 *   - the lab's fixes (steps/lab): imported, Scenario.fixText with a "PowerShell…" label
 *   - the doctor's fixes (lib/entra/doctor/causes.ts): imported, the PowerShell code inside CauseSpec.fix
 *   - steps 1–8 ("The same in PowerShell" sections): printed by the kit's CLI, captured and parsed
 *   - the mock's startup text (mock-aad/server/cli.ts): printed by the server, captured and parsed; its
 *     PowerShell block is also exported (snippets()) and compared with what is printed
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { SCENARIOS } from "../../steps/lab/scenarios.ts";
import { CAUSES } from "../../lib/entra/doctor/causes.ts";

export { snippets as mockStartupSnippets } from "../../mock-aad/server/startup-text.ts";
export { DEMO_CLIENT_ID, DEMO_TENANT_ID } from "../../lib/entra/demo.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** `npm run step` / `npm run workshop`: run with tsx from ROOT. */
export const KIT_CLI = join(ROOT, "steps", "cli.ts");
/** `npm run mock-aad`. */
export const MOCK_CLI = join(ROOT, "mock-aad", "server", "cli.ts");
/** The tsx loader the package scripts use. */
export const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
/** The password step 1 gives cert.pfx unless --password says otherwise. */
export const KIT_PFX_PASSWORD = "workshop";

export interface Snippet {
  /** Where it is printed: "step 2", "lab x5t-padded (after)", "doctor json-bom", "mock startup". */
  source: string;
  /** The label printed above it: "PowerShell:", "PowerShell 7", "PowerShell (Windows certificate store):". */
  label: string;
  /** The code, one entry per printed line. */
  lines: string[];
}

/** Every lab fix whose label names PowerShell, before and after. */
export function labSnippets(): (Snippet & { scenario: string; side: "before" | "after" })[] {
  const out: (Snippet & { scenario: string; side: "before" | "after" })[] = [];
  for (const s of SCENARIOS) {
    if (!/powershell/i.test(s.fixText.label)) continue;
    for (const side of ["before", "after"] as const) {
      const text = s.fixText[side];
      if (text !== undefined) out.push({ source: `lab ${s.name} (${side})`, label: s.fixText.label, lines: [text], scenario: s.name, side });
    }
  }
  return out;
}

/**
 * The PowerShell code inside the doctor's fix texts: after "PowerShell" (with or without a colon)
 * up to ", not …" or the closing ")." of the sentence; and a New-SelfSignedCertificate call.
 */
export function doctorSnippets(): (Snippet & { cause: string })[] {
  const out: (Snippet & { cause: string })[] = [];
  for (const [id, spec] of Object.entries(CAUSES) as [string, { fix: string }][]) {
    const inline = /PowerShell:? (.+?)(?:, not |\)\.$|, openssl|\.$)/.exec(spec.fix);
    if (inline) out.push({ source: `doctor ${id}`, label: "PowerShell", lines: [inline[1]!], cause: id });
    const cmdlet = /New-SelfSignedCertificate[^,.;)]*/.exec(spec.fix);
    // The fix text's own words are its label: "(Windows)" in the sentence says the cmdlet is Windows-only.
    if (cmdlet) out.push({ source: `doctor ${id}`, label: /Windows/.test(spec.fix) ? "Windows" : "(none)", lines: [cmdlet[0].trim()], cause: id });
  }
  return out;
}

/**
 * The "The same in PowerShell…" sections of the kit's plain-text output (--no-color): each block is
 * a label line indented 2 spaces ("  PowerShell:") and code lines indented 4; openssl blocks are left out.
 */
export function stepSnippets(output: string): Snippet[] {
  const out: Snippet[] = [];
  let step = "";
  let inSection = false;
  let current: Snippet | undefined;
  for (const line of output.split("\n")) {
    const title = /^Step (\d+) ·/.exec(line);
    if (title) step = `step ${title[1]}`;
    if (/^The same in PowerShell/.test(line)) {
      inSection = true;
      continue;
    }
    if (!inSection) continue;
    const code = /^ {4}(.*)$/.exec(line);
    const label = /^ {2}(\S.*)$/.exec(line);
    if (code && current) current.lines.push(code[1]!);
    else if (label && !code) {
      current = { source: step, label: label[1]!, lines: [] };
      if (/^PowerShell/i.test(label[1]!)) out.push(current);
    } else {
      inSection = false;
      current = undefined;
    }
  }
  return out.filter((s) => s.lines.length > 0);
}

/** The mock's startup text: the PowerShell line under "Trust the local CA", and the PowerShell block. */
export function startupSnippets(output: string): Snippet[] {
  const lines = output.split("\n");
  const out: Snippet[] = [];
  const env = lines.find((l) => /^ {2}PowerShell\s+\$env:/.test(l));
  if (env) out.push({ source: "mock startup (trust the local CA)", label: "PowerShell", lines: [env.replace(/^ {2}PowerShell\s+/, "")] });
  const start = lines.findIndex((l) => l === "PowerShell");
  if (start >= 0) {
    const block: string[] = [];
    for (const l of lines.slice(start + 1)) {
      if (!l.startsWith("  ")) break;
      block.push(l.slice(2));
    }
    out.push({ source: "mock startup (PowerShell block)", label: "PowerShell", lines: block });
  }
  return out;
}
