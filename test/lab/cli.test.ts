/** `npm run lab`'s command line, in-process: --list, one scenario, --json, --all, and the mistakes a user makes. */
import { describe, expect, test } from "vitest";
import { runLabCli } from "../../steps/lab/command.ts";
import { SCENARIOS } from "../../steps/lab/scenarios.ts";

async function lab(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runLabCli(argv, { out: (t) => (out += t), err: (t) => (err += t), color: false });
  return { code, out, err };
}

describe("--list", () => {
  test("one aligned line per scenario: name, AADSTS code, title", async () => {
    const { code, out, err } = await lab("--list");
    expect(code).toBe(0);
    expect(err).toBe("");
    const rows = out.split("\n").filter((l) => SCENARIOS.some((s) => l.startsWith(`  ${s.name} `)));
    expect(rows).toHaveLength(SCENARIOS.length);
    for (const s of SCENARIOS) {
      const row = rows.find((r) => r.startsWith(`  ${s.name} `))!;
      expect(row).toContain(s.expectedGraphError ? `Graph ${s.expectedGraphError.status}` : s.expectedAadsts === undefined ? "200" : `AADSTS${s.expectedAadsts}`);
      expect(row).toContain(s.title);
    }
    // Aligned: every title starts in the same column.
    const titleColumns = new Set(SCENARIOS.map((s) => rows.find((r) => r.startsWith(`  ${s.name} `))!.indexOf(s.title)));
    expect(titleColumns.size).toBe(1);
  });
});

describe("one scenario", () => {
  test("prints the five stages and exits 0 after the fix succeeds", async () => {
    const { code, out } = await lab("x5t-hex-text");
    expect(code).toBe(0);
    for (const stage of ["1 · the request", "2 · the answer (the mock Entra ID, offline)", "3 · the doctor", "4 · the fix", "5 · again: 200 ✓"]) expect(out).toContain(stage);
    expect(out).toContain("error_codes [700027]");
    expect(out).toContain("$cert.GetCertHash()");
    expect(out).toContain("token_type Bearer");
    expect(out).not.toMatch(/\u001b\[/); // no colours when asked for none
  });

  test("the output is the same on every run, in every time zone", async () => {
    const first = (await lab("exp-milliseconds")).out;
    expect((await lab("exp-milliseconds")).out).toBe(first);
    const zone = process.env.TZ;
    try {
      process.env.TZ = "Pacific/Chatham"; // UTC+13:45 in January: any local time would show
      expect((await lab("exp-milliseconds")).out).toBe(first);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  test("--json prints the run as data", async () => {
    const { code, out } = await lab("alg-none", "--json");
    expect(code).toBe(0);
    const run = JSON.parse(out) as { name: string; first: { answer: { errorCodes: number[] } }; second: { answer: { status: number } }; ok: boolean };
    expect(run.name).toBe("alg-none");
    expect(run.first.answer.errorCodes).toEqual([50027]);
    expect(run.second.answer.status).toBe(200);
    expect(run.ok).toBe(true);
  });
});

test("--all runs every scenario and ends with a summary table", async () => {
  const { code, out } = await lab("--all");
  expect(code).toBe(0);
  const summary = out.slice(out.lastIndexOf("Summary"));
  for (const s of SCENARIOS) expect(summary).toContain(s.name);
  expect(summary).toContain(`${SCENARIOS.length} of ${SCENARIOS.length} scenarios`);
});

describe("mistakes on the command line: one clear sentence, exit 1", () => {
  test("an unknown scenario names the ones that exist", async () => {
    const { code, out, err } = await lab("x5t-hex");
    expect(code).toBe(1);
    expect(out).toBe("");
    const lines = err.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('There is no lab scenario "x5t-hex"');
    for (const s of SCENARIOS) expect(lines[0]).toContain(s.name);
  });

  test("an unknown option", async () => {
    const { code, err } = await lab("--fixed");
    expect(code).toBe(1);
    expect(err).toMatch(/^✗ Unknown option '--fixed'\./);
    expect(err).not.toMatch(/\n\s+at /);
  });

  test("two scenarios, or a scenario with --all", async () => {
    expect((await lab("alg-none", "wrong-tenant")).code).toBe(1);
    expect((await lab("alg-none", "--all")).code).toBe(1);
  });
});

test("--help", async () => {
  const { code, out } = await lab("--help");
  expect(code).toBe(0);
  expect(out).toContain("npm run lab -- [NAME | --list | --all]");
});
