/**
 * steps/command.ts, the shape every command shares: an option table → parseArgs and --help rows,
 * one wording for a command line that does not parse, npm's flag fallback, colours off when asked,
 * and the error report (a KitError: one sentence and a hint, exit 1; anything else: exit 2 with its
 * stack). Also: the module stays self-contained, since the mock's CLI imports it.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { KitError } from "../../lib/errors.ts";
import { mockAadHelp, parseMockAadArgs } from "../../mock-aad/server/cli.ts";
import { runDoctor } from "../../steps/doctor/cli.ts";
import { runLabCli } from "../../steps/lab/command.ts";
import { runCli } from "../../steps/runner.ts";
import {
  checkChoices,
  describeFailure,
  formatRows,
  HELP_OPTION,
  jsonOption,
  NO_COLOR_OPTION,
  optionRows,
  parseCommandLine,
  reportError,
  runCommand,
  wantsColor,
  type CommandSpec,
  type OptionTable,
} from "../../steps/command.ts";

const TABLE = {
  out: { type: "string", value: "DIR", description: "where the files go" },
  alg: { type: "string", value: "ALG", description: "the algorithm", choices: ["RS256", "PS256"], default: "RS256" },
  cert: { type: "string", value: "FILE", multiple: true, description: "a certificate; repeat for more.\nDefault: none" },
  list: { type: "boolean", description: "list them" },
  json: jsonOption("print it as JSON"),
  "no-color": NO_COLOR_OPTION,
  help: HELP_OPTION,
} as const satisfies OptionTable;

const SPEC: CommandSpec<typeof TABLE> = { command: "npm run thing", options: TABLE, npmFlags: ["list", "json"] };

function usage(f: () => unknown): KitError {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(KitError);
    expect((error as KitError).code).toBe("USAGE");
    return error as KitError;
  }
  throw new Error("expected a usage error");
}

beforeEach(() => {
  // As if npm had kept no flag, whatever the command that started the tests.
  for (const name of ["list", "json", "out"]) vi.stubEnv(`npm_config_${name}`, undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("--help from the table", () => {
  it("one row per option: --name VALUE, the description, its choices and default", () => {
    expect(optionRows(TABLE)).toEqual([
      ["--out DIR", "where the files go"],
      ["--alg ALG", "the algorithm (RS256 | PS256), default RS256"],
      ["--cert FILE", "a certificate; repeat for more.\nDefault: none"],
      ["--list", "list them"],
      ["--json", "print it as JSON\n(in a pipe, start it with npm run -s: -s keeps npm's own \"> …\" lines out of stdout)"],
      ["--no-color", "no colours (also when NO_COLOR is set or output is not a terminal)"],
      ["--help", "show this help"],
    ]);
  });

  it("rows line up after the widest label (or a given width); further lines of a text line up under it", () => {
    const rows: [string, string][] = [
      ["--out DIR", "where"],
      ["--cert FILE", "one\ntwo"],
    ];
    expect(formatRows(rows, { indent: 4 })).toEqual(["    --out DIR    where", "    --cert FILE  one", "                 two"]);
    expect(formatRows(rows, { width: 14 })).toEqual(["  --out DIR       where", "  --cert FILE     one", "                  two"]);
    expect(formatRows([["--x", "y"]], { label: (t) => `<${t}>` })).toEqual(["  <--x>  y"]);
  });
});

describe("parsing", () => {
  it("gives the values by name, -h for --help, a repeated option as a list, and the positionals", () => {
    const { values, positionals, fromNpm } = parseCommandLine(["a", "--out", "d", "-h", "--cert", "x.cer", "--cert", "y.pem", "b"], SPEC);
    expect(values).toEqual({ out: "d", help: true, cert: ["x.cer", "y.pem"] });
    expect(positionals).toEqual(["a", "b"]);
    expect(fromNpm).toEqual([]);
  });

  it("an unknown option: one wording, and where the options are told", () => {
    for (const [argv, option] of [[["--colour"], "--colour"], [["-d", "x"], "-d"], [["--colour=red"], "--colour"]] as const) {
      const error = usage(() => parseCommandLine(argv, SPEC));
      expect(error.message).toBe(`Unknown option '${option}'.`);
      expect(error.hint).toBe("See npm run thing -- --help for the options.");
    }
  });

  it("a command's own advice comes before the pointer to --help", () => {
    const error = usage(() => parseCommandLine(["--bogus"], { ...SPEC, usageAdvice: "Quote the curl command line." }));
    expect(error.hint).toBe("Quote the curl command line. See npm run thing -- --help for the options.");
  });

  it("a missing value, a value for a flag, and a positional where none is taken are usage errors", () => {
    const missing = usage(() => parseCommandLine(["--out"], SPEC));
    expect(missing.message).toMatch(/^Option '--out\b.*' argument missing\.$/);
    expect(missing.hint).toBe("See npm run thing -- --help for the options.");
    expect(usage(() => parseCommandLine(["--list=yes"], SPEC)).message).toMatch(/'--list' does not take an argument\.$/);
    expect(usage(() => parseCommandLine(["stray"], { ...SPEC, positionals: false })).message).toMatch(/^Unexpected argument 'stray'/);
    expect(usage(() => parseCommandLine(["stray"], { ...SPEC, positionals: false })).message).not.toMatch(/\.\.$/);
  });

  it("npm's flag fallback: a flag npm kept (npm_config_list=true) counts, and says it came from npm", () => {
    vi.stubEnv("npm_config_list", "true");
    vi.stubEnv("npm_config_out", "true"); // not a flag of the fallback: ignored
    const { values, fromNpm } = parseCommandLine([], SPEC);
    expect(values).toEqual({ list: true });
    expect(fromNpm).toEqual(["list"]);
    expect(parseCommandLine(["--list"], SPEC).fromNpm).toEqual([]); // typed after "--": the user's own
    vi.stubEnv("npm_config_list", "false");
    expect(parseCommandLine([], SPEC).values).toEqual({});
  });

  it("choices match case-insensitively and are stored as listed; others are refused with an example", () => {
    const values: Record<string, unknown> = { alg: "ps256" };
    checkChoices(values, TABLE);
    expect(values.alg).toBe("PS256");
    const error = usage(() => checkChoices({ alg: "HS256" }, TABLE));
    expect([error.message, error.hint]).toEqual(["--alg HS256 is not one of RS256, PS256.", "For example --alg RS256."]);
  });
});

describe("colours", () => {
  it("on for a terminal that shows them; off with --no-color, NO_COLOR, npm's color=false, or no terminal", () => {
    vi.stubEnv("NO_COLOR", "");
    vi.stubEnv("npm_config_color", undefined);
    expect(wantsColor([], { color: true })).toBe(true);
    expect(wantsColor([], { color: false })).toBe(false);
    expect(wantsColor(["--no-color"], { color: true })).toBe(false);
    vi.stubEnv("npm_config_color", ""); // npm run x --no-color, without "--"
    expect(wantsColor([], { color: true })).toBe(false);
    vi.stubEnv("npm_config_color", undefined);
    vi.stubEnv("NO_COLOR", "1");
    expect(wantsColor([], { color: true })).toBe(false);
  });

  it("runCommand hands the body the colour decided", async () => {
    vi.stubEnv("NO_COLOR", "");
    vi.stubEnv("npm_config_color", undefined);
    const io = { out: () => undefined, err: () => undefined, color: true };
    const seen: boolean[] = [];
    await runCommand([], io, async (color) => (seen.push(color), 0));
    await runCommand(["--no-color"], io, async (color) => (seen.push(color), 0));
    expect(seen).toEqual([true, false]);
  });
});

describe("the error report", () => {
  it("a KitError: one sentence and → hint, exit 1, no stack trace", () => {
    let err = "";
    const code = reportError(new KitError("NO_FILE", "There is no file a.jwt.", "Check the path."), { err: (t) => (err += t) }, false);
    expect(code).toBe(1);
    expect(err).toBe("✗ There is no file a.jwt.\n  → Check the path.\n");
    expect(describeFailure(new KitError("USAGE", "One sentence."), false)).toEqual({ exitCode: 1, text: "✗ One sentence.\n" });
  });

  it("in colour: the cross red, the arrow dim, the words plain", () => {
    const { text } = describeFailure(new KitError("USAGE", "Bad.", "Do this."), true);
    expect(text).toBe("\u001b[31m✗\u001b[39m Bad.\n  \u001b[2m→\u001b[22m Do this.\n");
  });

  it("anything else is a bug in the kit: exit 2, with its stack for the report", () => {
    const { exitCode, text } = describeFailure(new TypeError("x is undefined"), false);
    expect(exitCode).toBe(2);
    expect(text).toMatch(/^✗ Unexpected error \(a bug in the kit, please report it\):\nTypeError: x is undefined\n\s+at /);
    expect(describeFailure("a string", false)).toEqual({ exitCode: 2, text: "✗ Unexpected error (a bug in the kit, please report it):\na string\n" });
  });

  it("runCommand reports what the body throws on stderr and returns its exit code", async () => {
    let out = "";
    let err = "";
    const io = { out: (t: string) => (out += t), err: (t: string) => (err += t), color: false };
    expect(await runCommand([], io, async () => 0)).toBe(0);
    expect(await runCommand([], io, async () => { throw new KitError("USAGE", "Nope.", "Try --help."); })).toBe(1);
    expect(await runCommand([], io, async () => { throw new RangeError("boom"); })).toBe(2);
    expect(out).toBe("");
    expect(err).toMatch(/^✗ Nope\.\n {2}→ Try --help\.\n✗ Unexpected error .*\nRangeError: boom\n/);
  });
});

describe("the four commands have the one shape", () => {
  const capture = async (run: (argv: string[], io: { out(t: string): void; err(t: string): void; color: boolean }) => Promise<number>, ...argv: string[]) => {
    let out = "";
    let err = "";
    const code = await run(argv, { out: (t) => (out += t), err: (t) => (err += t), color: false });
    return { code, out, err };
  };
  /** The mock's CLI starts a server, so its parsing is called on its own; a usage error is printed by main() the same way. */
  const mock = async (argv: string[], io: { out(t: string): void; err(t: string): void }) => {
    try {
      if (parseMockAadArgs(argv).help) io.out(mockAadHelp());
      return 0;
    } catch (error) {
      return reportError(error, io, false);
    }
  };
  const commands = [
    ["npm run step", runCli],
    ["npm run doctor", runDoctor],
    ["npm run lab", runLabCli],
    ["npm run mock-aad", mock],
  ] as const;

  it.each(commands)("%s: an unknown option in the one wording, exit 1", async (command, run) => {
    const { code, out, err } = await capture(run, "--bogus");
    expect(code).toBe(1);
    expect(out).toBe("");
    const [message, hint, ...rest] = err.split("\n");
    expect(message).toBe("✗ Unknown option '--bogus'.");
    expect(hint).toMatch(new RegExp(`^ {2}→ (.* )?See ${command} -- --help for the options\\.$`));
    expect(rest).toEqual([""]);
  });

  it.each(commands)("%s: -h and --help print the help, exit 0; --no-color is an option", async (command, run) => {
    const long = await capture(run, "--help");
    expect(long.code).toBe(0);
    expect(long.out.startsWith(`${command} `)).toBe(true);
    expect(long.out).toMatch(/--no-color {2,}no colours/);
    expect((await capture(run, "-h")).out).toBe(long.out);
    expect((await capture(run, "--help", "--no-color")).out).toBe(long.out);
  });

  it("npm's fallback also gives the doctor its --json (npm run doctor --json …, without \"--\")", async () => {
    vi.stubEnv("npm_config_json", "true");
    const { code, out } = await capture(runDoctor, "hello world");
    expect(code).toBe(1);
    expect(JSON.parse(out).verdict).toBeDefined();
  });
});

describe("where it lives", () => {
  const imports = (file: string) =>
    [...readFileSync(fileURLToPath(new URL(file, import.meta.url)), "utf8").matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"([^"]+)"/gm)].map((m) => m[1]);

  it("steps/command.ts imports only node:path, node:util, chalk and lib/errors.ts (the mock's CLI imports it)", () => {
    expect(imports("../../steps/command.ts").sort()).toEqual(["../lib/errors.ts", "chalk", "node:path", "node:util"]);
  });

  it("lib/errors.ts imports nothing", () => {
    expect(imports("../../lib/errors.ts")).toEqual([]);
  });
});
