/**
 * A profile: what `npm run token` and `npm run cert` need to sign in as one application, kept in
 * <kit home>/profiles/NAME.json (store.ts). It names the certificate file, never holds a secret:
 * a PFX password comes from the environment variable the profile names, or is asked for.
 */
import { isAbsolute, join, resolve } from "node:path";
import { checkClientId, checkTenant, ENTRA_AUTHORITY_HOST } from "../../lib/entra/assertion.ts";
import { KitError } from "../../lib/errors.ts";
import { kitHome, listFiles, readIfPresent, removePath, writePrivateFile, type Env } from "./store.ts";

import { GRAPH_BASE_URL } from "../../lib/entra/key-proof.ts";
import { ENV_NAME } from "../password-env.ts";
import { fromTypedFolder } from "../command.ts";

export const GRAPH_BASE_DEFAULT = GRAPH_BASE_URL;
export const SCOPE_DEFAULT = "https://graph.microsoft.com/.default";
/** Marks the file as the kit's, so that a stray JSON file is not taken for a profile. */
const KIND = "entra-kit profile";

export type CertificateRef = { pfx: string; passwordEnv?: string } | { pem: string };

export interface Profile {
  name: string;
  tenant: string;
  clientId: string;
  certificate: CertificateRef;
  scope: string;
  /** The authority host: https://login.microsoftonline.com, or the HTTPS mock's URL. */
  authority: string;
  /** Graph's base: https://graph.microsoft.com (/v1.0 is added), or the mock's /graph URL. */
  graph: string;
  /** After `cert rotate --keep-old`: the key `cert rotate --finish` removes. */
  previous?: { keyId: string; thumbprint: string; certificate: CertificateRef; since: string };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkProfileName(name: string): void {
  if (!NAME.test(name))
    throw new KitError("PROFILE_NAME", `"${name}" is not a profile name: use letters, digits, ".", "_" and "-", up to 64, starting with a letter or digit.`, "For example: npm run profile -- add my-app …");
}

export function profilesFolder(env: Env): string {
  return join(kitHome(env), "profiles");
}

export function profilePath(env: Env, name: string): string {
  checkProfileName(name);
  return join(profilesFolder(env), `${name}.json`);
}

export function profileNames(env: Env): string[] {
  return listFiles(profilesFolder(env), ".json").map((f) => f.slice(0, -".json".length));
}

/** The named profile, checked; KitError PROFILE_UNKNOWN or PROFILE_FILE (one sentence naming the field). */
export function readProfile(env: Env, name: string): Profile {
  const path = profilePath(env, name);
  const bytes = readIfPresent(path);
  if (!bytes) {
    const known = profileNames(env);
    throw new KitError("PROFILE_UNKNOWN", `There is no profile "${name}"${known.length ? ` (there are: ${known.join(", ")})` : ""}.`, `Create it with npm run profile -- add ${name} --tenant ID --client-id ID --pfx FILE, or see npm run profile -- list.`);
  }
  return parseProfile(new TextDecoder().decode(bytes), path, name);
}

/** Reads a profile's JSON (a profile file, or a file `profile export` wrote). */
export function parseProfile(text: string, path: string, name?: string): Profile {
  const bad = (what: string) => new KitError("PROFILE_FILE", `The profile file ${path} ${what}.`, `Fix it in an editor, or replace it: npm run profile -- edit ${name ?? "NAME"} with the right flags (or remove and add it again).`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw bad(`is not valid JSON (${(error as Error).message.replace(/\.$/, "")})`);
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) throw bad("does not hold a JSON object");
  const o = json as Record<string, unknown>;
  if (o.kind !== KIND) throw bad(`is not an entra-kit profile (its "kind" should be "${KIND}")`);
  const text_ = (field: string, required = true): string | undefined => {
    const v = o[field];
    if (v === undefined && !required) return undefined;
    if (typeof v !== "string" || v === "") throw bad(`has no text in "${field}"`);
    return v;
  };
  const profile: Profile = {
    name: name ?? text_("name")!,
    tenant: text_("tenant")!,
    clientId: text_("clientId")!,
    certificate: parseCertificateRef(o.certificate, bad),
    scope: text_("scope", false) ?? SCOPE_DEFAULT,
    authority: text_("authority", false) ?? ENTRA_AUTHORITY_HOST,
    graph: text_("graph", false) ?? GRAPH_BASE_DEFAULT,
  };
  try {
    checkTenant(profile.tenant);
    checkClientId(profile.clientId);
    profile.authority = authorityOrigin(profile.authority, profile.tenant);
    graphApiBase(profile.graph);
  } catch (error) {
    if (error instanceof KitError) throw bad(`has a bad value: ${error.message.replace(/\.$/, "")}`);
    throw error;
  }
  if (o.previous !== undefined) {
    const p = o.previous as Record<string, unknown>;
    if (!p || typeof p !== "object" || typeof p.keyId !== "string" || typeof p.thumbprint !== "string" || typeof p.since !== "string") throw bad(`has a "previous" entry without keyId, thumbprint and since`);
    profile.previous = { keyId: p.keyId, thumbprint: p.thumbprint, since: p.since, certificate: parseCertificateRef(p.certificate, bad) };
  }
  return profile;
}

function parseCertificateRef(value: unknown, bad: (what: string) => KitError): CertificateRef {
  const c = value as Record<string, unknown> | undefined;
  if (!c || typeof c !== "object") throw bad(`has no "certificate" ({"pfx": FILE} or {"pem": FILE})`);
  if (typeof c.pfx === "string" && c.pfx !== "") {
    if (c.passwordEnv !== undefined && (typeof c.passwordEnv !== "string" || !ENV_NAME.test(c.passwordEnv))) throw bad(`has a "passwordEnv" that is not an environment variable's name`);
    return { pfx: c.pfx, ...(typeof c.passwordEnv === "string" ? { passwordEnv: c.passwordEnv } : {}) };
  }
  if (typeof c.pem === "string" && c.pem !== "") return { pem: c.pem };
  throw bad(`has a "certificate" with neither "pfx" nor "pem" naming a file`);
}

export { ENV_NAME };

/** The profile as its file holds it: no secret in it, only file paths and the password variable's name. */
export function profileJson(profile: Profile): string {
  const { name, tenant, clientId, certificate, scope, authority, graph, previous } = profile;
  return JSON.stringify({ kind: KIND, name, tenant, clientId, certificate, scope, authority, graph, ...(previous ? { previous } : {}) }, null, 2) + "\n";
}

export function writeProfile(env: Env, profile: Profile, options: { replace: boolean }): string {
  const path = profilePath(env, profile.name);
  writePrivateFile(path, profileJson(profile), { replace: options.replace, what: `The profile "${profile.name}"`, hint: `Change it with npm run profile -- edit ${profile.name} …, or replace it with --force.` });
  return path;
}

export function removeProfile(env: Env, name: string): void {
  readProfile(env, name); // unknown: a clear sentence, not a silent no-op
  removePath(profilePath(env, name));
  removePath(join(kitHome(env), "cache", name));
}

/**
 * A path as the profile keeps it: absolute, so the profile works from any folder. A relative path is
 * taken from the folder the user typed it in (fromTypedFolder: npm's INIT_CWD), as every command's
 * FILE options are, also when it was typed at a prompt or as a plain argument.
 */
export function absolutePath(path: string): string {
  const typed = fromTypedFolder(path);
  return isAbsolute(typed) ? typed : resolve(typed);
}

/**
 * The authority as an origin (https://host[:port]). The mock's startup text prints it with the
 * tenant (https://127.0.0.1:8443/TENANT/): that form is taken too.
 */
export function authorityOrigin(text: string, tenant: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new KitError("USAGE", `--authority ${text} is not a URL.`, "Use https://login.microsoftonline.com, or the HTTPS mock's URL, e.g. https://127.0.0.1:8443.");
  }
  if (url.protocol !== "https:") throw new KitError("USAGE", `--authority ${text} is not https: Entra, MSAL and the kit's mock all talk HTTPS.`, "Start the mock with npm run mock-aad and use the https:// URL it prints.");
  const path = url.pathname.replace(/\/+$/, "");
  if (path !== "" && path.toLowerCase() !== `/${tenant.toLowerCase()}`)
    throw new KitError("USAGE", `--authority ${text} has a path (${url.pathname}) that is not the tenant.`, "Give the host only, e.g. https://login.microsoftonline.com or https://127.0.0.1:8443.");
  return url.origin;
}

/** Graph's versioned base: https://graph.microsoft.com/v1.0, or the mock's https://127.0.0.1:8443/graph/v1.0. */
export function graphApiBase(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new KitError("USAGE", `--graph ${text} is not a URL.`, "Use https://graph.microsoft.com, or the mock's Graph URL (https://127.0.0.1:8443/graph/v1.0).");
  }
  if (url.protocol !== "https:") throw new KitError("USAGE", `--graph ${text} is not https.`, "Use https://graph.microsoft.com, or the mock's https:// Graph URL.");
  const base = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
  return /\/(v1\.0|beta)$/.test(base) ? base : `${base}/v1.0`;
}

/** Whether the authority is a loopback address (the mock), not a real Entra. */
export function isLoopback(origin: string): boolean {
  const host = new URL(origin).hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
