import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { absolutePath } from "../../../steps/profile/profile.ts";
import { kitHome } from "../../../steps/profile/store.ts";
import { CLIENT_ID, GRAPH, Lab, ORIGIN, PASSWORD_VAR, START, TENANT, throwawayCert } from "./harness.ts";
import { modesUnder } from "./modes.ts";

const later = new Date(START.getTime() + 730 * 86_400_000);

describe("npm run profile", () => {
  it("keeps a relative path (typed at a prompt, or as import's FILE) as meant from the folder npm was run in (INIT_CWD)", () => {
    const saved = process.env.INIT_CWD;
    const typedIn = join(process.cwd(), "..", "some-project");
    try {
      process.env.INIT_CWD = typedIn;
      expect(absolutePath("certs/app.pfx")).toBe(join(typedIn, "certs", "app.pfx"));
      expect(absolutePath(join(typedIn, "x.pem"))).toBe(join(typedIn, "x.pem")); // absolute: as given
      delete process.env.INIT_CWD;
      expect(absolutePath("app.pfx")).toBe(join(process.cwd(), "app.pfx")); // run without npm: from here
    } finally {
      if (saved === undefined) delete process.env.INIT_CWD;
      else process.env.INIT_CWD = saved;
    }
  });

  it("adds a profile non-interactively: one JSON file, 0600 in a 0700 folder, no password in it", async () => {
    const cert = await throwawayCert(START, later);
    const lab = await Lab.withCertificate(cert);
    const pfx = await lab.pfx(cert);
    const added = await lab.addProfile("work", pfx);
    expect(added.err).toBe("");
    expect(added.code).toBe(0);
    expect(added.out).toContain('Profile "work" added');
    const file = join(lab.home, "profiles", "work.json");
    const stored = JSON.parse(readFileSync(file, "utf8"));
    expect(stored).toMatchObject({ tenant: TENANT, clientId: CLIENT_ID, certificate: { pfx, passwordEnv: PASSWORD_VAR }, authority: ORIGIN, graph: GRAPH });
    expect(readFileSync(file, "utf8")).not.toContain(lab.env[PASSWORD_VAR]!);
    if (process.platform !== "win32") for (const m of modesUnder(lab.home)) expect(m.mode, m.path).toBe(m.dir ? 0o700 : 0o600);

    const list = await lab.run("profile", "list", "--json");
    expect(JSON.parse(list.out).map((p: { name: string }) => p.name)).toEqual(["work"]);
    const show = await lab.run("profile", "show", "work", "--json");
    expect(JSON.parse(show.out)).toEqual(stored);
  });

  it("edit changes only the flags given; export holds no secret and import brings it back", async () => {
    const cert = await throwawayCert(START, later);
    const lab = await Lab.withCertificate(cert);
    await lab.addProfile("work", await lab.pfx(cert));
    const edited = await lab.run("profile", "edit", "work", "--scope", "https://management.azure.com/.default");
    expect(edited.code).toBe(0);
    const after = JSON.parse((await lab.run("profile", "show", "work", "--json")).out);
    expect(after.scope).toBe("https://management.azure.com/.default");
    expect(after.tenant).toBe(TENANT);

    const out = join(lab.files, "work-export.json");
    expect((await lab.run("profile", "export", "work", "-o", out)).code).toBe(0);
    const exported = readFileSync(out, "utf8");
    expect(exported).not.toContain(lab.env[PASSWORD_VAR]!);
    expect(exported).not.toMatch(/PRIVATE KEY|"password"/i);
    // the same file again is not overwritten without --force
    const again = await lab.run("profile", "export", "work", "-o", out);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already exists/);

    expect((await lab.run("profile", "remove", "work", "--yes")).code).toBe(0);
    expect(existsSync(join(lab.home, "profiles", "work.json"))).toBe(false);
    const imported = await lab.run("profile", "import", out);
    expect(imported.code).toBe(0);
    expect(JSON.parse((await lab.run("profile", "show", "work", "--json")).out)).toEqual(after);
  });

  it("asks for missing values at a terminal (the password never echoed, never stored)", async () => {
    const cert = await throwawayCert(START, later);
    const lab = await Lab.withCertificate(cert);
    const pfx = await lab.pfx(cert);
    const answers = [TENANT, CLIENT_ID, pfx, PASSWORD_VAR];
    const asked: string[] = [];
    lab.prompt = { ask: async (q) => (asked.push(q), answers.shift() ?? ""), askHidden: async () => "never asked here" };
    const added = await lab.run("profile", "add", "typed", "--authority", ORIGIN, "--graph", GRAPH);
    expect(added.err).toBe("");
    expect(asked.length).toBe(4);
    expect(JSON.parse(readFileSync(join(lab.home, "profiles", "typed.json"), "utf8")).certificate).toEqual({ pfx, passwordEnv: PASSWORD_VAR });
  });

  it("lives in the platform's config folder unless ENTRA_KIT_HOME says otherwise", () => {
    expect(kitHome({ ENTRA_KIT_HOME: "/x/y" }, "linux", "/home/u")).toBe("/x/y");
    expect(kitHome({}, "linux", "/home/u")).toBe(join("/home/u", ".config", "entra-kit"));
    expect(kitHome({ XDG_CONFIG_HOME: "/cfg" }, "linux", "/home/u")).toBe(join("/cfg", "entra-kit"));
    expect(kitHome({}, "darwin", "/Users/u")).toBe(join("/Users/u", "Library", "Application Support", "entra-kit"));
    expect(kitHome({ APPDATA: "C:\\Users\\u\\AppData\\Roaming" }, "win32", "C:\\Users\\u")).toBe(join("C:\\Users\\u\\AppData\\Roaming", "entra-kit"));
  });
});

describe("npm run profile: bad input is one sentence, exit 1, nothing overwritten", () => {
  async function labWithProfile() {
    const cert = await throwawayCert(START, later);
    const lab = await Lab.withCertificate(cert);
    const pfx = await lab.pfx(cert);
    await lab.addProfile("work", pfx);
    return { lab, cert, pfx };
  }

  it("an unknown profile", async () => {
    const { lab } = await labWithProfile();
    const r = await lab.run("profile", "show", "nope");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^✗ There is no profile "nope" \(there are: work\)\.\n  → Create it with npm run profile -- add nope/);
  });

  it("a missing certificate file", async () => {
    const { lab } = await labWithProfile();
    const r = await lab.addProfile("other", join(lab.files, "missing.pfx"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/names the PFX file .*missing\.pfx, which does not exist\./);
    expect(existsSync(join(lab.home, "profiles", "other.json"))).toBe(false);
  });

  it("a missing certificate file during add: the hint is to run add again (edit would fail: nothing was saved)", async () => {
    const { lab } = await labWithProfile();
    const r = await lab.addProfile("p4", join(lab.files, "no-such.pfx"));
    expect(r.code).toBe(1);
    expect(r.err).toContain(`✗ --pfx names the PFX file ${join(lab.files, "no-such.pfx")}, which does not exist.\n`);
    expect(r.err).toContain("→ Check the path, then run npm run profile -- add p4 … again with the right --pfx FILE (nothing was saved).");
    expect(r.err).not.toContain("profile -- edit");
    // The hint is right: p4 does not exist, so edit would answer "There is no profile".
    expect((await lab.run("profile", "edit", "p4", "--pfx", join(lab.files, "no-such.pfx"))).err).toMatch(/There is no profile "p4"/);
    // Once it exists, a file gone missing is fixed with edit.
    const edit = await lab.run("profile", "edit", "work", "--pfx", join(lab.files, "gone.pfx"));
    expect(edit.err).toContain("npm run profile -- edit work --pfx FILE.");
  });

  it("a PFX without a password variable during add (no terminal): run add again with --password-env", async () => {
    const { lab, cert } = await labWithProfile();
    const pfx = await lab.pfx(cert, "locked.pfx");
    const r = await lab.run("profile", "add", "p5", "--tenant", TENANT, "--client-id", CLIENT_ID, "--pfx", pfx, "--authority", ORIGIN, "--graph", GRAPH);
    expect(r.code).toBe(1);
    expect(r.err).toContain("run npm run profile -- add p5 … again with --password-env VAR (nothing was saved)");
    expect(existsSync(join(lab.home, "profiles", "p5.json"))).toBe(false);
  });

  it("an unreadable certificate file (not a PFX)", async () => {
    const { lab } = await labWithProfile();
    const junk = join(lab.files, "junk.pfx");
    writeFileSync(junk, "this is not a PFX");
    const r = await lab.addProfile("other", junk);
    expect(r.code).toBe(1);
    expect(r.err.split("\n")[0]).toMatch(/^✗ .+\.$/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/);
    expect(existsSync(join(lab.home, "profiles", "other.json"))).toBe(false);
  });

  it("a wrong password", async () => {
    const { lab, cert } = await labWithProfile();
    const pfx = await lab.pfx(cert, "other.pfx", "another password");
    const r = await lab.addProfile("other", pfx);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(new RegExp(`other\\.pfx does not open with the password in \\$${PASSWORD_VAR}\\.`));
  });

  it("an absent password: the variable is not set (the profile is kept, with a warning, for the machine where it is)", async () => {
    const { lab, pfx } = await labWithProfile();
    delete lab.env[PASSWORD_VAR];
    const r = await lab.addProfile("ci", pfx);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`$${PASSWORD_VAR} is not set here`);
    const token = await lab.run("token", "--profile", "ci");
    expect(token.code).toBe(1);
    expect(token.err).toMatch(new RegExp(`takes the PFX password from \\$${PASSWORD_VAR}, which is not set\\.`));
  });

  it("a profile that already exists is not overwritten without --force", async () => {
    const { lab, pfx } = await labWithProfile();
    const before = readFileSync(join(lab.home, "profiles", "work.json"), "utf8");
    const r = await lab.run("profile", "add", "work", "--tenant", "contoso.onmicrosoft.com", "--client-id", CLIENT_ID, "--pfx", pfx, "--password-env", PASSWORD_VAR, "--authority", ORIGIN);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/The profile "work" already exists and was left as it is\./);
    expect(readFileSync(join(lab.home, "profiles", "work.json"), "utf8")).toBe(before);
  });

  it("a profile file someone edited badly", async () => {
    const { lab } = await labWithProfile();
    const file = join(lab.home, "profiles", "work.json");
    writeFileSync(file, readFileSync(file, "utf8").replace(/"tenant": "[^"]+"/, '"tenant": "common"'));
    let r = await lab.run("token", "--profile", "work");
    expect(r.code).toBe(1);
    expect(r.err.split("\n")[0]).toBe(`✗ The profile file ${file} has a bad value: "common" is not a tenant: the client credentials flow needs your tenant's ID or domain.`);
    writeFileSync(file, '{ "kind": "entra-kit profile", "tenant": ');
    r = await lab.run("token", "--profile", "work");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^✗ The profile file .*work\.json is not valid JSON \(/);
  });

  it("a password given instead of a variable's name", async () => {
    const { lab, pfx } = await labWithProfile();
    const r = await lab.run("profile", "add", "x", "--tenant", TENANT, "--client-id", CLIENT_ID, "--pfx", pfx, "--password-env", "my secret!", "--authority", ORIGIN);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is not an environment variable's name .*: give the name, never the password itself\./);
    expect(r.err + r.out).not.toContain("my secret!"); // what may be the password is never repeated
  });

  it("remove without --yes and without a terminal refuses, and says to pass --yes", async () => {
    const { lab } = await labWithProfile();
    const r = await lab.run("profile", "remove", "work");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/pass --yes to go ahead\./);
    expect(existsSync(join(lab.home, "profiles", "work.json"))).toBe(true);
  });
});
