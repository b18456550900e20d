/**
 * An access token for a profile: the client assertion built with the kit's own lib/ code (the
 * header and claims of lib/entra/assertion.ts, signed by lib/crypto through createJwt, as steps 3
 * to 6 build it), the form of lib/entra/token-request.ts POSTed as step 7 does, and the answer
 * kept in a 0600 cache until shortly before it expires. A refusal is explained by the doctor
 * (lib/entra/doctor's explainEntraError): the code, what it means, the likely cause, what to run.
 */
import { join } from "node:path";
import { assertionClaims, assertionHeader, tokenEndpoint, uuidV4 } from "../../lib/entra/assertion.ts";
import { createJwt } from "../../lib/crypto/jws.ts";
import { sha256 } from "../../lib/crypto/sha256.ts";
import { toHex, utf8Encode } from "../../lib/bytes.ts";
import { explainEntraError } from "../../lib/entra/doctor/index.ts";
import { certFacts } from "../../lib/entra/doctor/thumbprints.ts";
import { formBody, tokenRequestFields } from "../../lib/entra/token-request.ts";
import { KitError } from "../../lib/errors.ts";
import type { CatalogId } from "../../lib/entra/aadsts-catalog.ts";
import { loadCredential, refuseDemoAgainstRealEntra, type Credential } from "../profile/credential.ts";
import type { CertLifeIo } from "../profile/io.ts";
import { isLoopback, type Profile } from "../profile/profile.ts";
import { kitHome, readIfPresent, writePrivateFile } from "../profile/store.ts";

/**
 * A cached token is used until this long before it expires, so that a script never gets one that
 * dies in its hands. Five minutes is what MSAL does ("client" evidence: msal-common 16.17.0, the one
 * @azure/msal-node 7.2.3 installs here, src/utils/Constants.ts DEFAULT_TOKEN_RENEWAL_OFFSET_SEC = 300,
 * the default tokenRenewalOffsetSeconds of src/config/ClientConfiguration.ts); Entra's app tokens
 * last 60–90 minutes.
 */
export const RENEW_BEFORE_SECONDS = 300;

export interface AccessToken {
  accessToken: string;
  tokenType: string;
  /** When Entra says it expires (now + expires_in). */
  expiresOn: Date;
  scope: string;
  fromCache: boolean;
}

/** The client assertion for this credential: PS256 with x5t#S256, as Microsoft's current docs and msal-node send it. */
export function clientAssertion(profile: Profile, credential: Credential, io: CertLifeIo): string {
  const header = assertionHeader("PS256", credential.certificate.der);
  const claims = assertionClaims({ tenant: profile.tenant, clientId: profile.clientId, now: Math.floor(io.now().getTime() / 1000), jti: uuidV4(io.randomBytes(16)), authorityHost: profile.authority });
  return createJwt(header, { ...claims }, credential.key, io.randomBytes(32)).compact;
}

/** Asks the token endpoint for a token with this credential (no cache): step 7's request. */
export async function redeem(profile: Profile, credential: Credential, scope: string, io: CertLifeIo): Promise<AccessToken> {
  refuseDemoAgainstRealEntra(profile, credential.key);
  const url = tokenEndpoint(profile.tenant, "v2", profile.authority);
  const body = formBody(tokenRequestFields({ clientId: profile.clientId, scope, assertion: clientAssertion(profile, credential, io) }));
  const { status, text } = await send(url, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body }, io, profile);
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new KitError("TOKEN_RESPONSE", `${url} answered ${status} with something that is not JSON (${JSON.stringify(text.slice(0, 80))}).`, `Check the profile's authority (${profile.authority}): it should be Entra's or the mock's.`);
  }
  if (typeof json.access_token === "string") {
    const expiresIn = Number(json.expires_in);
    return {
      accessToken: json.access_token,
      tokenType: String(json.token_type ?? "Bearer"),
      expiresOn: new Date(io.now().getTime() + (Number.isFinite(expiresIn) ? expiresIn : 3600) * 1000),
      scope,
      fromCache: false,
    };
  }
  throw refusal(text, profile, credential, io.now());
}

/** A token request Entra refused with an AADSTS code: the KitError, with the catalog's answer for callers that act on it (cert check). */
export class EntraRefusal extends KitError {
  constructor(
    message: string,
    hint: string,
    readonly aadsts: number,
    readonly catalogId: CatalogId | undefined,
  ) {
    super("TOKEN_REFUSED", message, hint);
  }
}

/** Entra's error answer as the doctor explains it: one sentence, then the cause and what to run. */
export function refusal(text: string, profile: Profile, credential: Credential | undefined, now: Date): KitError {
  const explained = explainEntraError(text, { now, clientId: profile.clientId, tenant: profile.tenant, ...(credential ? { cert: certFacts(credential.certificate.der, credential.file) } : {}) });
  if (!explained) return new KitError("TOKEN_REFUSED", `The token endpoint refused the request without an AADSTS code: ${text.slice(0, 160)}.`, `npm run doctor -- '${text.slice(0, 200)}'`);
  const e = explained.error;
  const first = explained.causes[0];
  const cause = first ? ` Most likely: ${first.title.replace(/\.$/, "").replace(/^./, (c) => c.toLowerCase())} (${first.detail.replace(/\.$/, "")}).` : "";
  return new EntraRefusal(`Entra answered AADSTS${e.code}: ${e.meaning.replace(/\.$/, "")}.${cause}`, `${first?.fix ?? e.fix} Then npm run cert -- check --profile ${profile.name}; for every detail: ${doctorCommand(profile, credential)}.`, e.code, e.catalogId);
}

/** The doctor with the certificate that signed: a PEM file as it is, a PFX with the variable that opens it (the doctor's --password-env, as the profile's). */
export function doctorCommand(profile: Profile, credential: Credential | undefined): string {
  const command = "npm run doctor -- '<the error text>'";
  if (!credential) return command;
  const ref = profile.certificate;
  if (credential.password === undefined || credential.password === "") return `${command} --cert ${credential.file}`; // PEM, or a PFX without a password
  if ("pfx" in ref && ref.passwordEnv) return `${command} --cert ${credential.file} --password-env ${ref.passwordEnv}`;
  return `${command} --cert ${credential.file} --password-env VAR (VAR: a variable holding the PFX password)`;
}

/** fetch with the kit's one sentence for a host that cannot be reached. */
export async function send(url: string, init: RequestInit, io: CertLifeIo, profile: Profile): Promise<{ status: number; text: string }> {
  let response: Response;
  try {
    response = await io.fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|certificate/i.test(String(reason));
    throw new KitError(
      "NETWORK",
      `Could not reach ${new URL(url).host} (${reason}).`,
      tls && isLoopback(profile.authority)
        ? "Node does not trust the mock's local CA yet: set NODE_EXTRA_CA_CERTS to the ca.pem that npm run mock-aad prints, then run this again."
        : `Check that the profile's authority and Graph URL are right (npm run profile -- show ${profile.name}), that the mock is running if they are 127.0.0.1, and your network or proxy.`,
    );
  }
  return { status: response.status, text: await response.text() };
}

// ── The cache ────────────────────────────────────────────────────────────────────────────────────

/** One cache file per profile, authority, app, certificate file and scope: a rotation or an edit starts afresh. */
function cachePath(profile: Profile, scope: string, io: CertLifeIo): string {
  const certificate = "pfx" in profile.certificate ? profile.certificate.pfx : profile.certificate.pem;
  const key = toHex(sha256(utf8Encode(JSON.stringify([profile.authority, profile.tenant.toLowerCase(), profile.clientId.toLowerCase(), certificate, scope])))).slice(0, 32);
  return join(kitHome(io.env), "cache", profile.name, `${key}.json`);
}

function fromCache(path: string, io: CertLifeIo): AccessToken | undefined {
  const bytes = readIfPresent(path);
  if (!bytes) return undefined;
  try {
    const o = JSON.parse(new TextDecoder().decode(bytes)) as { accessToken?: unknown; expiresOn?: unknown; tokenType?: unknown; scope?: unknown };
    const expiresOn = new Date(String(o.expiresOn));
    if (typeof o.accessToken !== "string" || Number.isNaN(expiresOn.getTime())) return undefined; // damaged: ask again
    if (expiresOn.getTime() - RENEW_BEFORE_SECONDS * 1000 <= io.now().getTime()) return undefined;
    return { accessToken: o.accessToken, tokenType: String(o.tokenType ?? "Bearer"), expiresOn, scope: String(o.scope), fromCache: true };
  } catch {
    return undefined;
  }
}

export interface TokenOptions {
  scope?: string;
  /** Ask Entra even when the cache has a token (the new one is cached). */
  noCache?: boolean;
  /** The credential, when the caller has it already (otherwise it is read only if the cache has no token). */
  credential?: Credential;
}

/** A token for the profile: from the cache while it lasts, else a fresh one (cached, 0600). */
export async function profileToken(profile: Profile, io: CertLifeIo, options: TokenOptions = {}): Promise<AccessToken> {
  const scope = options.scope ?? profile.scope;
  const path = cachePath(profile, scope, io);
  if (!options.noCache) {
    const cached = fromCache(path, io);
    if (cached) return cached;
  }
  const credential = options.credential ?? (await loadCredential(profile.certificate, io, profile.name));
  const token = await redeem(profile, credential, scope, io);
  writePrivateFile(path, JSON.stringify({ accessToken: token.accessToken, tokenType: token.tokenType, expiresOn: token.expiresOn.toISOString(), scope }, null, 2) + "\n", { replace: true });
  return token;
}
