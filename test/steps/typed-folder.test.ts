/**
 * Relative paths the user types start from the folder npm was run in (INIT_CWD), not from the kit's
 * folder, where `npm run` starts the command: the hints say so, and this keeps it true.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { parseMockAadArgs } from "../../mock-aad/server/cli.ts";
import { fromTypedFolder, parseCommandLine, type OptionTable } from "../../steps/command.ts";
import { runDoctor } from "../../steps/doctor/cli.ts";
import { Workspace } from "../../steps/workspace.ts";

const OPTIONS = { pfx: { type: "string", value: "FILE", description: "a file" }, out: { type: "string", value: "DIR", description: "a folder" }, alg: { type: "string", value: "ALG", description: "not a path" } } as const satisfies OptionTable;
const elsewhere = mkdtempSync(join(tmpdir(), "typed-in-"));

afterEach(() => vi.unstubAllEnvs());

describe("paths typed on the command line", () => {
  it("start from INIT_CWD when npm was run in another folder", () => {
    vi.stubEnv("INIT_CWD", elsewhere);
    const { values } = parseCommandLine(["--pfx", "my.pfx", "--out", "results", "--alg", "PS256"], { command: "test", options: OPTIONS });
    expect(values).toEqual({ pfx: join(elsewhere, "my.pfx"), out: join(elsewhere, "results"), alg: "PS256" });
    expect(parseMockAadArgs(["--cert", "app.cer", "--config", "registry.json"])).toMatchObject({ certFiles: [join(elsewhere, "app.cer")], config: join(elsewhere, "registry.json") });
  });

  it("are left as typed when absolute, when npm ran in the kit's folder, or without npm", () => {
    vi.stubEnv("INIT_CWD", elsewhere);
    expect(fromTypedFolder(join(tmpdir(), "x.pfx"))).toBe(join(tmpdir(), "x.pfx"));
    vi.stubEnv("INIT_CWD", process.cwd());
    expect(fromTypedFolder("my.pfx")).toBe("my.pfx");
    vi.stubEnv("INIT_CWD", "");
    expect(fromTypedFolder("my.pfx")).toBe("my.pfx");
  });

  it("files are shown as paths that work from the folder npm was run in", () => {
    const ws = new Workspace(join(process.cwd(), ".workshop"));
    expect(ws.display("cert.cer")).toBe(join(".workshop", "cert.cer"));
    vi.stubEnv("INIT_CWD", elsewhere); // typed elsewhere: the kit's .workshop is not under it
    expect(ws.display("cert.cer")).toBe(join(process.cwd(), ".workshop", "cert.cer"));
    expect(new Workspace(join(elsewhere, "out")).display("cert.cer")).toBe(join("out", "cert.cer"));
  });

  it("the doctor reads an assertion file named relative to INIT_CWD", async () => {
    writeFileSync(join(elsewhere, "assertion.txt"), "not.a-jwt");
    vi.stubEnv("INIT_CWD", elsewhere);
    let out = "";
    await runDoctor(["assertion.txt", "--json"], { out: (t) => (out += t), err: (t) => (out += t), color: false });
    // Read as a file (the doctor says where the text came from), not taken as the assertion text itself.
    expect(JSON.parse(out).found).toEqual({ from: "file", assertion: "not.a-jwt" });
  });
});

afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));
