/**
 * `npm run profile -- add|list|show|edit|remove|export|import …`: the profiles that `npm run token`
 * and `npm run cert` sign in with. With flags it runs without asking anything; with values missing
 * and a terminal it asks for them; without a terminal a missing value is one sentence, exit 1.
 */
import { readFileSync } from "node:fs";
import { KitError } from "../../lib/errors.ts";
import { formatRows, HELP_OPTION, jsonOption, NO_COLOR_OPTION, optionRows, parseCommandLine, runCommand, type CommandSpec, type OptionTable } from "../command.ts";
import { Ui } from "../ui.ts";
import { loadCredential, refuseDemoAgainstRealEntra, type Credential, type ProfileContext } from "./credential.ts";
import type { CertLifeIo } from "./io.ts";
import { confirm } from "./prompt.ts";
import { absolutePath, authorityOrigin, checkProfileName, graphApiBase, GRAPH_BASE_DEFAULT, parseProfile, profileJson, profileNames, readProfile, removeProfile, SCOPE_DEFAULT, writeProfile, type CertificateRef, type Profile } from "./profile.ts";
import { kitHome, writePrivateFile } from "./store.ts";
import { checkEnvName } from "../password-env.ts";
import { windowsThumbprint } from "../../lib/formats/x509/index.ts";
import { ENTRA_AUTHORITY_HOST } from "../../lib/entra/assertion.ts";

const OPTIONS = {
  tenant: { type: "string", value: "ID", description: "Directory (tenant) ID or domain" },
  "client-id": { type: "string", value: "ID", description: "Application (client) ID" },
  pfx: { type: "string", value: "FILE", description: "the certificate and key, as a .pfx/.p12 file" },
  "password-env": { type: "string", value: "VAR", description: "the environment variable that holds the PFX password (never stored)" },
  pem: { type: "string", value: "FILE", description: "or: one PEM file holding the certificate and its private key" },
  scope: { type: "string", value: "S", description: "the scope tokens are asked for", default: SCOPE_DEFAULT },
  authority: { type: "string", value: "URL", description: "Entra, or the HTTPS mock's URL (https://127.0.0.1:8443)", default: ENTRA_AUTHORITY_HOST },
  graph: { type: "string", value: "URL", description: "Microsoft Graph, or the mock's (https://127.0.0.1:8443/graph/v1.0)", default: GRAPH_BASE_DEFAULT },
  out: { type: "string", short: "o", value: "FILE", description: "export: write to FILE (mode 0600) instead of stdout" },
  force: { type: "boolean", description: "add, import, export: replace what is there" },
  yes: { type: "boolean", description: "remove: do not ask" },
  json: jsonOption("print the result as JSON"),
  "no-color": NO_COLOR_OPTION,
  help: HELP_OPTION,
} as const satisfies OptionTable;

// Not --yes or --force from npm_config_*: npx sets npm_config_yes for its own prompt, and nothing is replaced by accident.
const COMMAND: CommandSpec<typeof OPTIONS> = { command: "npm run profile", options: OPTIONS, npmFlags: ["json"] };

const ACTIONS = ["add", "list", "show", "edit", "remove", "export", "import"] as const;
type Action = (typeof ACTIONS)[number];

function help(ui: Ui, io: CertLifeIo): string {
  return [
    ui.chalk.bold("npm run profile -- <add|list|show|edit|remove|export|import> [NAME | FILE] [options]"),
    "",
    "  A profile names the app (tenant, client ID), its certificate file, the scope, and where Entra and Graph are,",
    "  so that npm run token and npm run cert need only --profile NAME. No secret is stored: a PFX password comes",
    "  from the environment variable --password-env names, or is asked for at the terminal.",
    "",
    ...ui.fields(
      [
        ["add NAME", "--tenant ID --client-id ID (--pfx FILE [--password-env VAR] | --pem FILE) [--scope S] [--authority URL] [--graph URL]"],
        ["edit NAME", "the same flags: only those given change"],
        ["list, show NAME", "what is stored (show: one profile)"],
        ["remove NAME", "deletes the profile and its token cache (not the certificate files)"],
        ["export NAME [-o FILE]", "the profile as JSON, for another machine (it holds no secret)"],
        ["import FILE", "a profile another machine exported"],
      ],
      4,
    ),
    "",
    "  Options:",
    ...formatRows(optionRows(OPTIONS), { indent: 4, label: (text) => ui.chalk.dim(text) }),
    "",
    ui.paint("dim", `  Stored in ${kitHome(io.env)} (ENTRA_KIT_HOME overrides it), files 0600, folders 0700.`),
  ].join("\n");
}

type Values = ReturnType<typeof parseCommandLine<typeof OPTIONS>>["values"];

export async function runProfileCli(argv: string[], io: CertLifeIo): Promise<number> {
  return runCommand(argv, io, async (color) => {
    const ui = new Ui(color);
    const { values, positionals } = parseCommandLine(argv, COMMAND);
    if (values.help || positionals.length === 0) {
      io.out(help(ui, io) + "\n");
      return values.help ? 0 : 1;
    }
    const action = positionals[0] as Action;
    if (!ACTIONS.includes(action)) throw new KitError("USAGE", `"${positionals[0]}" is not something npm run profile does.`, `Use one of ${ACTIONS.join(", ")}: see npm run profile -- --help.`);
    const arg = positionals[1];
    if (positionals.length > 2) throw new KitError("USAGE", `npm run profile -- ${action} takes one name, and got ${positionals.length - 1}.`, "Quote a path that has spaces.");
    if (action === "list") return list(io, ui, values);
    if (!arg) throw new KitError("USAGE", `npm run profile -- ${action} needs ${action === "import" ? "the file to import" : "the profile's name"}.`, `For example: npm run profile -- ${action} ${action === "import" ? "my-app.json" : "my-app"}.`);
    switch (action) {
      case "add":
        return add(arg, io, ui, values);
      case "edit":
        return edit(arg, io, ui, values);
      case "show":
        return show(readProfile(io.env, arg), io, ui, values);
      case "remove":
        return remove(arg, io, ui, values);
      case "export":
        return exportProfile(arg, io, ui, values);
      case "import":
        return importProfile(arg, io, ui, values);
    }
  });
}

// ── add and edit ─────────────────────────────────────────────────────────────────────────────────

async function value(values: Values, name: "tenant" | "client-id", io: CertLifeIo, question: string, profileName: string): Promise<string> {
  const given = values[name];
  if (typeof given === "string") return given;
  if (io.prompt) {
    const answer = await io.prompt.ask(question);
    if (answer) return answer;
  }
  throw new KitError("USAGE", `The profile "${profileName}" needs --${name}.`, `npm run profile -- add ${profileName} --tenant ID --client-id ID --pfx FILE (or run it in a terminal to be asked).`);
}

async function certificateFrom(values: Values, io: CertLifeIo, profileName: string, current?: CertificateRef): Promise<CertificateRef> {
  if (values.pfx !== undefined && values.pem !== undefined) throw new KitError("USAGE", "Give --pfx or --pem, not both.", "A profile has one certificate file.");
  if (values.pem !== undefined && values["password-env"] !== undefined) throw new KitError("USAGE", "--password-env goes with --pfx: a PEM file here holds an unencrypted key.", "Leave --password-env out, or use the PFX.");
  const passwordEnv = values["password-env"];
  if (passwordEnv !== undefined) checkEnvName(passwordEnv);
  if (values.pem !== undefined) return { pem: absolutePath(values.pem) };
  if (values.pfx !== undefined) return { pfx: absolutePath(values.pfx), ...(passwordEnv ? { passwordEnv } : {}) };
  if (current) {
    if (passwordEnv === undefined) return current;
    if ("pfx" in current) return { pfx: current.pfx, passwordEnv };
    throw new KitError("USAGE", "--password-env goes with a PFX, and this profile's certificate is a PEM file.", `Give the PFX too: npm run profile -- edit ${profileName} --pfx FILE --password-env VAR.`);
  }
  if (io.prompt) {
    const path = await io.prompt.ask("Certificate file (.pfx, .p12 or .pem with its key): ");
    if (path) {
      if (/\.pem$/i.test(path)) return { pem: absolutePath(path) };
      const variable = passwordEnv ?? (await io.prompt.ask("Environment variable holding the PFX password (Enter: ask each time): "));
      if (variable) checkEnvName(variable);
      return { pfx: absolutePath(path), ...(variable ? { passwordEnv: variable } : {}) };
    }
  }
  throw new KitError("USAGE", `The profile "${profileName}" needs a certificate: --pfx FILE or --pem FILE.`, "Make one with npm run step 1 (it writes .workshop/cert.pfx), then --pfx .workshop/cert.pfx --password-env VAR.");
}

/** The certificate opens with what the profile says (so that a typo is found now, not at 3 am); nothing is written otherwise. */
async function tryCredential(profile: Profile, io: CertLifeIo, context: ProfileContext): Promise<{ credential?: Credential; note?: string }> {
  try {
    const credential = await loadCredential(profile.certificate, io, profile.name, context);
    refuseDemoAgainstRealEntra(profile, credential.key, context);
    return { credential };
  } catch (error) {
    // The variable may be set only where the scripts run (a CI secret): keep the profile, say so.
    if (error instanceof KitError && error.code === "PFX_PASSWORD" && "pfx" in profile.certificate && profile.certificate.passwordEnv && io.env[profile.certificate.passwordEnv] === undefined)
      return { note: `$${profile.certificate.passwordEnv} is not set here, so the PFX was not opened: set it where npm run token runs.` };
    throw error;
  }
}

async function add(name: string, io: CertLifeIo, ui: Ui, values: Values): Promise<number> {
  checkProfileName(name);
  if (!values.force && profileNames(io.env).includes(name)) throw new KitError("PROFILE_EXISTS", `The profile "${name}" already exists and was left as it is.`, `Change it with npm run profile -- edit ${name} …, or replace it with --force.`);
  const tenant = await value(values, "tenant", io, "Tenant (Directory ID or domain): ", name);
  const clientId = await value(values, "client-id", io, "Application (client) ID: ", name);
  const certificate = await certificateFrom(values, io, name);
  const profile = parseProfile(profileJson({ name, tenant, clientId, certificate, scope: values.scope ?? SCOPE_DEFAULT, authority: values.authority ?? ENTRA_AUTHORITY_HOST, graph: values.graph ?? GRAPH_BASE_DEFAULT }), "(the new profile)", name);
  const tried = await tryCredential(profile, io, { adding: true });
  const path = writeProfile(io.env, profile, { replace: !!values.force });
  return saved("added", profile, path, tried, io, ui, values);
}

async function edit(name: string, io: CertLifeIo, ui: Ui, values: Values): Promise<number> {
  const current = readProfile(io.env, name);
  const certificate = await certificateFrom(values, io, name, current.certificate);
  const tenant = values.tenant ?? current.tenant;
  const changed: Profile = {
    ...current,
    tenant,
    clientId: values["client-id"] ?? current.clientId,
    certificate,
    scope: values.scope ?? current.scope,
    authority: values.authority !== undefined ? authorityOrigin(values.authority, tenant) : current.authority,
    graph: values.graph ?? current.graph,
  };
  if (values.graph !== undefined) graphApiBase(values.graph);
  const profile = parseProfile(profileJson(changed), "(the edited profile)", name);
  const tried = await tryCredential(profile, io, {});
  const path = writeProfile(io.env, profile, { replace: true });
  return saved("changed", profile, path, tried, io, ui, values);
}

function saved(verb: string, profile: Profile, path: string, tried: { credential?: Credential; note?: string }, io: CertLifeIo, ui: Ui, values: Values): number {
  const c = tried.credential?.certificate;
  if (values.json) {
    io.out(JSON.stringify({ profile: JSON.parse(profileJson(profile)), path, certificate: c ? { subject: c.subject, thumbprintSha1: windowsThumbprint(c.thumbprintSha1), notAfter: c.notAfter } : null, note: tried.note ?? null }, null, 2) + "\n");
    return 0;
  }
  const lines = [`${ui.paint("ok", "✓")} Profile "${profile.name}" ${verb}: ${path} ${ui.paint("dim", "(mode 0600, no secret in it)")}`, ...rows(profile, ui, c)];
  if (tried.note) lines.push(ui.warn(tried.note));
  lines.push(...ui.next(`npm run token -- --profile ${profile.name}`, "an access token for scripts"));
  io.out(lines.join("\n") + "\n");
  return 0;
}

function rows(profile: Profile, ui: Ui, c?: Credential["certificate"]): string[] {
  const ref = profile.certificate;
  return ui.fields([
    ["tenant", profile.tenant],
    ["client id", profile.clientId],
    ["certificate", "pfx" in ref ? `${ref.pfx}${ref.passwordEnv ? `  (password from $${ref.passwordEnv})` : "  (password asked for)"}` : ref.pem],
    ...(c ? ([["", `${c.subject}, SHA-1 ${windowsThumbprint(c.thumbprintSha1)}, valid until ${c.notAfter.toISOString()}`]] as [string, string][]) : []),
    ["scope", profile.scope],
    ["authority", profile.authority],
    ["graph", graphApiBase(profile.graph)],
    ...(profile.previous ? ([["previous key", `${profile.previous.keyId} (${profile.previous.thumbprint}), still registered: npm run cert -- rotate --finish --profile ${profile.name}`]] as [string, string][]) : []),
  ]);
}

// ── list, show, remove, export, import ───────────────────────────────────────────────────────────

function list(io: CertLifeIo, ui: Ui, values: Values): number {
  const profiles = profileNames(io.env).map((n) => readProfile(io.env, n));
  if (values.json) {
    io.out(JSON.stringify(profiles.map((p) => JSON.parse(profileJson(p))), null, 2) + "\n");
    return 0;
  }
  if (!profiles.length) {
    io.out(`No profiles in ${kitHome(io.env)} yet.\n${ui.next("npm run profile -- add NAME --tenant ID --client-id ID --pfx FILE", "the first one").join("\n")}\n`);
    return 0;
  }
  io.out(ui.fields(profiles.map((p) => [p.name, `${p.clientId} in ${p.tenant} at ${p.authority}`]), 0).join("\n") + "\n");
  return 0;
}

function show(profile: Profile, io: CertLifeIo, ui: Ui, values: Values): number {
  if (values.json) io.out(profileJson(profile));
  else io.out([ui.chalk.bold(`Profile "${profile.name}"`), ...rows(profile, ui)].join("\n") + "\n");
  return 0;
}

async function remove(name: string, io: CertLifeIo, ui: Ui, values: Values): Promise<number> {
  readProfile(io.env, name);
  await confirm(io, values.yes, `Remove the profile "${name}" and its cached tokens (the certificate files stay)? [y/N] `, `npm run profile -- remove ${name} --yes`);
  removeProfile(io.env, name);
  io.out(values.json ? JSON.stringify({ removed: name }) + "\n" : `${ui.paint("ok", "✓")} Profile "${name}" removed; its certificate files were not touched.\n`);
  return 0;
}

function exportProfile(name: string, io: CertLifeIo, ui: Ui, values: Values): number {
  const profile = readProfile(io.env, name);
  // A profile holds no secret (no password, no key): only paths and the password variable's name.
  const text = profileJson(profile);
  if (values.out === undefined) {
    io.out(text);
    return 0;
  }
  const path = absolutePath(values.out);
  writePrivateFile(path, text, { replace: !!values.force, what: path, hint: "Pick another file with -o, or pass --force to replace it." });
  io.out(values.json ? JSON.stringify({ exported: name, path }) + "\n" : `${ui.paint("ok", "✓")} Profile "${name}" written to ${path} ${ui.paint("dim", "(mode 0600; it holds no password or key)")}\n`);
  return 0;
}

async function importProfile(file: string, io: CertLifeIo, ui: Ui, values: Values): Promise<number> {
  let text: string;
  try {
    text = readFileSync(absolutePath(file), "utf8");
  } catch (error) {
    throw new KitError("FILE_NOT_FOUND", `Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`, "Give the file npm run profile -- export NAME -o FILE wrote.");
  }
  const imported = parseProfile(text, file);
  checkProfileName(imported.name);
  if (!values.force && profileNames(io.env).includes(imported.name))
    throw new KitError("PROFILE_EXISTS", `The profile "${imported.name}" already exists and was left as it is.`, `Remove it first, or pass --force to replace it with ${file}.`);
  const path = writeProfile(io.env, imported, { replace: !!values.force });
  const tried = await tryCredential(imported, io, {}).catch((error: unknown) => ({ note: error instanceof KitError ? `${error.message} ${error.hint ?? ""}`.trim() : String(error) }));
  return saved("imported", imported, path, tried, io, ui, values);
}
