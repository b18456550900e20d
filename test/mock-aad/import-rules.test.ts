/**
 * How the mock's files import each other, read from the import lines of every file under mock-aad/
 * (so a new file is covered without editing this test):
 * - nothing inside mock-aad/ imports mock-aad/index.ts: that is the mock's public surface, for the
 *   kit and its users; inside, a file imports the module that defines the name;
 * - the files of mock-aad/server/ (the CLI's room) import each other without a circle: the option
 *   and setup types and the defaults live in the leaf options.ts.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const MOCK = join(ROOT, "mock-aad");
const SERVER = join(MOCK, "server") + sep;
const INDEX = join(MOCK, "index.ts");

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/**
 * The project files a file imports: import and export … from (also `import type`, and the closing
 * `} from "…"` of one that spans lines), side-effect imports and import("…"). Relative specifiers
 * only: packages are not ours.
 */
function importsOf(source: string, file: string): string[] {
  const patterns = [/^\s*(?:import|export)\b[^\n]*?\bfrom\s+"([^"]+)"/gm, /^\s*}\s*from\s+"([^"]+)"/gm, /^\s*import\s+"([^"]+)"/gm, /\bimport\(\s*"([^"]+)"\s*\)/g];
  const specs = patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[1]!));
  return [...new Set(specs.filter((s) => s.startsWith(".")).map((s) => resolve(dirname(file), s)))];
}

/** Every circle in a graph, each once, as the path that closes it (a → b → a). */
function cycles(graph: Map<string, string[]>): string[][] {
  const found = new Map<string, string[]>();
  const visit = (node: string, path: string[]) => {
    const at = path.indexOf(node);
    if (at >= 0) {
      const loop = path.slice(at);
      // One circle, wherever the walk entered it: keyed by its rotation that starts at its least node.
      const start = loop.indexOf([...loop].sort()[0]!);
      const canonical = [...loop.slice(start), ...loop.slice(0, start)];
      found.set(canonical.join(" → "), [...canonical, canonical[0]!]);
      return;
    }
    for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
  };
  for (const node of graph.keys()) visit(node, []);
  return [...found.values()];
}

const name = (file: string) => relative(ROOT, file).split(sep).join("/");
const files = tsFiles(MOCK);
const imports = new Map(files.map((f) => [f, importsOf(readFileSync(f, "utf8"), f)]));

describe("the rules see what they judge (a wrong path or pattern would pass vacuously)", () => {
  it("every file under mock-aad/, the server's room included", () => {
    expect(files.map(name)).toEqual(expect.arrayContaining(["mock-aad/index.ts", "mock-aad/core.ts", "mock-aad/server/cli.ts", "mock-aad/server/options.ts"]));
  });

  it("imports on one line, type imports, and imports that span lines; each resolves to a file", () => {
    const cli = imports.get(join(SERVER, "cli.ts"))!.map(name);
    expect(cli).toEqual(expect.arrayContaining(["mock-aad/core.ts", "mock-aad/server/options.ts", "mock-aad/server/startup-text.ts"]));
    expect(imports.get(join(SERVER, "config-file.ts"))!.map(name)).toContain("mock-aad/registry.ts"); // import { … } over many lines
    for (const [file, targets] of imports) for (const t of targets) expect(existsSync(t), `${name(file)} imports ${name(t)}`).toBe(true);
  });

  it("the reader catches the forms a new file might use", () => {
    const source = ['import { a } from "./index.ts";', "import {", "  b,", '} from "../x.ts";', 'import type { C } from "./c.ts";', 'export * from "./d.ts";', 'import "./e.ts";', 'const f = await import("./f.ts");', ' * import { g } from "./g.ts"; (a comment)', 'import { h } from "chalk";'].join("\n");
    expect(importsOf(source, join(MOCK, "probe.ts")).map(name).sort()).toEqual(["mock-aad/c.ts", "mock-aad/d.ts", "mock-aad/e.ts", "mock-aad/f.ts", "mock-aad/index.ts", "x.ts"]);
  });

  it("the circle finder finds a circle, once, however it is entered", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", []],
    ]);
    expect(cycles(graph)).toEqual([["a", "b", "c", "a"]]);
    expect(cycles(new Map([["a", ["b"]], ["b", []]]))).toEqual([]);
  });
});

describe("import rules of mock-aad/", () => {
  it.each(files.map(name))("%s does not import mock-aad/index.ts", (file) => {
    expect(imports.get(join(ROOT, file))!.filter((t) => t === INDEX).map(name)).toEqual([]);
  });

  it("the files of mock-aad/server/ import each other without a circle", () => {
    const server = files.filter((f) => f.startsWith(SERVER));
    const graph = new Map(server.map((f) => [f, imports.get(f)!.filter((t) => t.startsWith(SERVER))]));
    expect(cycles(graph).map((c) => c.map(name).join(" → "))).toEqual([]);
  });
});
