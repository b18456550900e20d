/**
 * `npm run cert -- rotate`: the five steps of a zero-downtime rotation, each printed as it happens
 * and explained, each undone when a later one fails and undoing is safe:
 *   1. a new key pair (WebCrypto, as step 1) and a certificate built and signed by the kit's own code;
 *   2. Graph addKey: the new public certificate, with a proof JWT signed by the current key;
 *   3. a token with the new certificate, before anything else changes
 *      (fails: removeKey of the new key, new files deleted, the profile untouched);
 *   4. the profile switched to the new files (the old ones are kept, never deleted);
 *   5. unless --keep-old, Graph removeKey of the old key, with a proof signed by the new one
 *      (fails: the profile keeps a note, and rotate --finish does it later).
 * Facts: https://learn.microsoft.com/graph/api/application-addkey ("Applications that don't have any
 * existing valid certificates … won't be able to use this service action"; no permission needed to
 * roll its own keys), -removekey, and the proof's claims in
 * https://learn.microsoft.com/graph/application-rollkey-prooftoken.
 */
import { join } from "node:path";
import { addKeyBody, removeKeyBody } from "../../lib/entra/key-proof.ts";
import { tokenEndpoint } from "../../lib/entra/protocol.ts";
import { KitError } from "../../lib/errors.ts";
import { pemEncode } from "../../lib/formats/pem.ts";
import { writePfx } from "../../lib/formats/pkcs12/index.ts";
import { generateRsaPrivateKey, rsaPrivateKeyFromPem, rsaPrivateKeyToPkcs8 } from "../../lib/formats/keys/index.ts";
import { parseCertificate, windowsThumbprint } from "../../lib/formats/x509/index.ts";
import { buildCertificate } from "../01-certificate.ts";
import { confirm } from "../profile/prompt.ts";
import { loadCredential, refuseDemoAgainstRealEntra, type Credential } from "../profile/credential.ts";
import type { CertLifeIo } from "../profile/io.ts";
import { graphApiBase, readProfile, SCOPE_DEFAULT, writeProfile, type CertificateRef, type Profile } from "../profile/profile.ts";
import { kitHome, removePath, writePrivateFile } from "../profile/store.ts";
import { EntraRefusal, profileToken, redeem } from "../token/acquire.ts";
import type { Ui } from "../ui.ts";
import { getApplication, graphCall, registeredKey, type GraphApplication } from "./graph.ts";
import { proofFor, type Proof } from "./proof.ts";
import { registeredThumbprint } from "../../lib/entra/expiry.ts";

/** Entra takes a while to honour a new key everywhere (replication); step 3 tries this often, this far apart. */
export const NEW_KEY_TRIES = 6;
export const NEW_KEY_WAIT_MS = 10_000;

export interface RotateOptions {
  profile: string;
  years?: string;
  keepOld: boolean;
  finish: boolean;
  yes: boolean;
  json: boolean;
  /** A key for step 1 instead of a new one (the --fixed demonstration's published key). */
  newKeyPem?: string;
}

export interface RotationStep {
  number: number;
  title: string;
  ok: boolean;
  lines: [string, string][];
  proof?: Proof;
}

export interface RotationResult {
  ok: boolean;
  profile: string;
  steps: RotationStep[];
  undone: string[];
  oldKeyId?: string;
  newKeyId?: string;
  newFiles: string[];
  registeredAfter?: { keyId: string; thumbprint?: string; endDateTime?: Date }[];
  error?: { code: string; message: string; hint?: string };
}

function years(value: string | undefined): number {
  const n = value === undefined ? 2 : Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 50) throw new KitError("USAGE", `--years ${value} is not a whole number from 1 to 50.`, "Microsoft's portal allows certificates of any length; the recipes use 2: --years 2.");
  return n;
}

/** Prints as it goes (unless --json) and records what it did. */
class Narrator {
  readonly steps: RotationStep[] = [];
  constructor(
    private readonly io: CertLifeIo,
    private readonly ui: Ui,
    private readonly quiet: boolean,
  ) {}
  say(lines: string[]): void {
    if (!this.quiet) this.io.out(lines.join("\n") + "\n");
  }
  step(step: RotationStep, why: string[]): void {
    this.steps.push(step);
    const ui = this.ui;
    this.say([
      "",
      `${step.ok ? ui.paint("ok", "✓") : ui.paint("bad", "✗")} ${ui.chalk.bold(`${step.number}/5 ${step.title}`)}`,
      ...why.map((l) => `  ${ui.paint("dim", l)}`),
      ...ui.fields(step.lines, 4),
      ...(step.proof ? proofLines(step.proof, ui) : []),
    ]);
  }
}

function proofLines(proof: Proof, ui: Ui): string[] {
  const c = proof.claims;
  const time = (v: unknown) => (typeof v === "number" ? `${v}  (${new Date(v * 1000).toISOString().replace(".000", "")})` : String(v));
  return [
    `    ${ui.paint("dim", "proof (a JWT, like a client assertion, for Graph instead of the token endpoint):")}`,
    `      ${ui.paint("header", JSON.stringify(proof.header))}`,
    ...ui.fields(
      [
        ["aud", `${c.aud}  ${ui.paint("dim", "Azure AD Graph's app ID, as Microsoft's proof page says (not Microsoft Graph's 00000003-…)")}`],
        ["iss", `${c.iss}  ${ui.paint("dim", "the application's object ID (not its client ID)")}`],
        ["nbf", time(c.nbf)],
        ["exp", `${time(c.exp)}  ${ui.paint("dim", "at most 10 minutes after nbf")}`],
      ],
      6,
    ),
    `      ${ui.paint("dim", `${proof.compact.slice(0, 60)}… (${proof.compact.length} characters)`)}`,
  ];
}

/** ISO 8601 without the milliseconds when they are zero, as the rest of the kit prints times. */
function iso(d: Date | undefined): string {
  return d ? d.toISOString().replace(/\.000Z$/, "Z") : "?";
}

function thumbprintOf(credential: Credential): string {
  return windowsThumbprint(credential.certificate.thumbprintSha1);
}

function findKey(app: GraphApplication, thumbprint: string) {
  return app.keyCredentials.find((k) => registeredThumbprint(k) === thumbprint);
}

export async function rotate(options: RotateOptions, io: CertLifeIo, ui: Ui): Promise<RotationResult> {
  const profile = readProfile(io.env, options.profile);
  if (options.finish) return finish(profile, options, io, ui);
  const validYears = years(options.years);
  if (profile.previous)
    throw new KitError("ROTATION", `The last rotation of "${profile.name}" left the old key ${profile.previous.keyId} registered (--keep-old); finish that one first.`, `When every machine uses the new certificate: npm run cert -- rotate --finish --profile ${profile.name}.`);
  const current = await loadCredential(profile.certificate, io, profile.name);
  refuseDemoAgainstRealEntra(profile, current.key);
  const token = await profileToken(profile, io, { scope: SCOPE_DEFAULT, credential: current });
  const app = await getApplication(profile, token.accessToken, io);
  const oldKey = findKey(app, thumbprintOf(current));
  if (!oldKey)
    throw new KitError("ROTATION", `The profile's certificate (${thumbprintOf(current)}) is not registered on "${app.displayName}", so it cannot sign the proof addKey needs.`, `See npm run cert -- check --profile ${profile.name}; upload the certificate in the portal, or point the profile at the registered one.`);
  if (oldKey.end && oldKey.end <= io.now())
    throw new KitError("ROTATION", `The profile's certificate expired on ${iso(oldKey.end)}: Graph's addKey needs a proof signed by a currently valid key.`, "Make a new certificate (npm run step 1 -- --new), upload its cert.cer in the portal, then npm run profile -- edit … --pfx FILE.");

  const n = new Narrator(io, ui, options.json);
  const result: RotationResult = { ok: false, profile: profile.name, steps: n.steps, undone: [], oldKeyId: oldKey.keyId, newFiles: [] };
  n.say([
    ui.chalk.bold(`Certificate rotation · profile "${profile.name}"`),
    ...ui.fields([
      ["app", `${app.displayName} (client ID ${profile.clientId}, object ID ${app.id})`],
      ["current", `${current.certificate.subject}, SHA-1 ${thumbprintOf(current)}, key ${oldKey.keyId}, until ${iso(current.certificate.notAfter)}`],
      ["authority", `${profile.authority}, Graph ${profile.graph}`],
      ["plan", options.keepOld ? "add a new certificate, test it, switch the profile; the old one stays registered (--keep-old)" : "add a new certificate, test it, switch the profile, remove the old one"],
    ]),
  ]);
  await confirm(io, options.yes, `Change the app registration "${app.displayName}" now? [y/N] `, `npm run cert -- rotate --profile ${profile.name} --yes`);

  let newKeyId: string | undefined;
  let switched = false;
  const folder = join(kitHome(io.env), "certs", profile.name, io.now().toISOString().replace(/[:.]/g, "-"));
  const undo = async (why: KitError): Promise<RotationResult> => {
    if (newKeyId && !switched) {
      try {
        await removeKey(profile, current, app.id, newKeyId, token.accessToken, io);
        result.undone.push(`removed the new key ${newKeyId} from the app again (Graph removeKey, proof signed by the current key)`);
      } catch (error) {
        result.undone.push(`could NOT remove the new key ${newKeyId}: ${(error as Error).message} Remove it in the portal (Certificates & secrets).`);
      }
    }
    if (!switched && result.newFiles.length) {
      removePath(folder);
      result.undone.push(`deleted the new files in ${folder}`);
    }
    result.undone.push(`the profile "${profile.name}" is as it was`);
    result.error = { code: why.code, message: why.message, ...(why.hint ? { hint: why.hint } : {}) };
    n.say(["", `${ui.paint("bad", "✗ Rotation stopped:")} ${why.message}`, ...result.undone.map((u) => `  ${ui.paint("dim", "undone:")} ${u}`), ...(why.hint ? [`  ${ui.paint("dim", "→")} ${why.hint}`] : [])]);
    return result;
  };

  // 1. The new key pair and certificate.
  const key = options.newKeyPem ? rsaPrivateKeyFromPem(options.newKeyPem) : await generateRsaPrivateKey(2048);
  const der = await buildCertificate({ now: io.now, randomBytes: (_label, length) => io.randomBytes(length) }, key, current.certificate.subject, validYears);
  const certificate = parseCertificate(der);
  const fresh: Credential = { certificate, key, file: "", ...(current.password !== undefined ? { password: current.password } : {}) };
  let ref: CertificateRef;
  try {
    ref = await writeNewFiles(profile, fresh, folder, result.newFiles);
  } catch (error) {
    if (error instanceof KitError) return undo(error);
    throw error;
  }
  fresh.file = "pfx" in ref ? ref.pfx : ref.pem;
  n.step(
    { number: 1, title: "New key and certificate", ok: true, lines: [["subject", certificate.subject], ["SHA-1", windowsThumbprint(certificate.thumbprintSha1)], ["valid", `${iso(certificate.notBefore)} → ${iso(certificate.notAfter)}`], ...result.newFiles.map((f): [string, string] => ["wrote", `${f}  (mode 0600)`])] },
    [
      options.newKeyPem ? "The lab's published throwaway key (--fixed: never for a real app) and a self-signed certificate signed by lib/crypto/rsa." : "An RSA 2048 key pair from WebCrypto and a self-signed certificate signed by lib/crypto/rsa, as step 1 makes them.",
      "The old files stay where they are.",
    ],
  );

  // 2. addKey, authorised by a proof signed with the current key.
  const addProof = proofFor(current, app.id, io);
  try {
    const { json } = await graphCall(profile, token.accessToken, "POST", `/applications/${app.id}/addKey`, io, addKeyBody({ certificateDer: der, proof: addProof.compact, displayName: certificate.subject }));
    newKeyId = registeredKey((json ?? {}) as Record<string, unknown>).keyId;
  } catch (error) {
    if (error instanceof KitError) {
      n.step({ number: 2, title: "Graph addKey", ok: false, lines: [["answer", error.message]], proof: addProof }, ["POST /applications/{id}/addKey with the new public certificate."]);
      return undo(error);
    }
    throw error;
  }
  result.newKeyId = newKeyId;
  n.step(
    { number: 2, title: "Graph addKey: the new certificate registered next to the old one", ok: true, lines: [["request", `POST ${graphApiBase(profile.graph)}/applications/${app.id}/addKey`], ["body", `{"keyCredential":{"type":"AsymmetricX509Cert","usage":"Verify","key":"${addKeyBody({ certificateDer: der, proof: "" }).keyCredential.key.slice(0, 24)}…"},"passwordCredential":null,"proof":"…"}`], ["answer", `200, keyId ${newKeyId}`]], proof: addProof },
    ["The app proves it holds a key Entra already trusts by signing a proof with it: no admin and no permission needed.", "Both certificates now work, so nothing that uses the old one breaks."],
  );

  // 3. A token with the new certificate, before anything else changes.
  let tested;
  let tries = 0;
  for (;;) {
    tries++;
    try {
      tested = await redeem(profile, fresh, profile.scope, io);
      break;
    } catch (error) {
      if (!(error instanceof KitError)) throw error;
      // 700027 for a key Graph has just added: Entra has not replicated it yet (try again, bounded).
      const replication = error instanceof EntraRefusal && error.aadsts === 700027;
      if (!replication || tries >= NEW_KEY_TRIES) {
        n.step({ number: 3, title: "A token with the new certificate", ok: false, lines: [["tries", String(tries)], ["answer", error.message]] }, ["Entra must accept the new key before the profile switches to it."]);
        return undo(error);
      }
      await io.sleep(NEW_KEY_WAIT_MS); // Entra replicates a new key within seconds to minutes
    }
  }
  n.step(
    { number: 3, title: "A token with the new certificate", ok: true, lines: [["token endpoint", tokenEndpoint(profile.tenant, "v2", profile.authority)], ["answer", `an access token for ${tested.scope}, valid until ${iso(tested.expiresOn)}${tries > 1 ? ` (after ${tries} tries: Entra was still replicating the new key)` : ""}`]] },
    ["A client assertion signed with the new key (x5t#S256 = its thumbprint), redeemed as npm run token does.", "Only now does anything else change."],
  );

  // 4. The profile switches; the old files are kept.
  const switchedProfile: Profile = { ...profile, certificate: ref, ...(options.keepOld ? { previous: { keyId: oldKey.keyId, thumbprint: thumbprintOf(current), certificate: profile.certificate, since: io.now().toISOString() } } : {}) };
  try {
    writeProfile(io.env, switchedProfile, { replace: true });
    switched = true;
  } catch (error) {
    if (error instanceof KitError) return undo(error);
    throw error;
  }
  removePath(join(kitHome(io.env), "cache", profile.name)); // tokens of the old certificate
  n.step(
    { number: 4, title: "The profile switched to the new certificate", ok: true, lines: [["certificate", "pfx" in ref ? ref.pfx : ref.pem], ["kept", `${current.file} (the old certificate, not deleted)`]] },
    ["npm run token now signs with the new key. Other machines that share this app still use the old one until they switch."],
  );

  // 5. removeKey of the old key, with a proof signed by the new one.
  if (options.keepOld) {
    n.step({ number: 5, title: "The old certificate stays registered (--keep-old)", ok: true, lines: [["old key", `${oldKey.keyId}, until ${iso(oldKey.end)}`], ["later", `npm run cert -- rotate --finish --profile ${profile.name}`]] }, ["Switch the other machines first; then --finish removes the old key."]);
  } else {
    const removeProof = proofFor(fresh, app.id, io);
    try {
      await graphCall(profile, token.accessToken, "POST", `/applications/${app.id}/removeKey`, io, removeKeyBody({ keyId: oldKey.keyId, proof: removeProof.compact }));
    } catch (error) {
      if (!(error instanceof KitError)) throw error;
      writeProfile(io.env, { ...switchedProfile, previous: { keyId: oldKey.keyId, thumbprint: thumbprintOf(current), certificate: profile.certificate, since: io.now().toISOString() } }, { replace: true });
      n.step({ number: 5, title: "Graph removeKey: the old certificate", ok: false, lines: [["answer", error.message]], proof: removeProof }, ["The new certificate works and the profile uses it; only the old key is still registered."]);
      result.error = { code: error.code, message: error.message, hint: `Try again later: npm run cert -- rotate --finish --profile ${profile.name}.` };
      n.say(["", `${ui.paint("warn", "! Rotated, but the old key is still registered:")} npm run cert -- rotate --finish --profile ${profile.name}`]);
      return result;
    }
    n.step(
      { number: 5, title: "Graph removeKey: the old certificate removed", ok: true, lines: [["request", `POST ${graphApiBase(profile.graph)}/applications/${app.id}/removeKey`], ["body", `{"keyId":"${oldKey.keyId}","proof":"…"}`], ["answer", "204 No Content"]], proof: removeProof },
      ["Signed by the new key (any key the app has that is valid now would do): the one this machine keeps.", "From now on an assertion signed with the old key gets AADSTS700027."],
    );
  }
  result.ok = true;
  await finalState(profile, fresh, result, io, n, ui);
  return result;
}

async function writeNewFiles(profile: Profile, fresh: Credential, folder: string, written: string[]): Promise<CertificateRef> {
  const pkcs8 = rsaPrivateKeyToPkcs8(fresh.key);
  const der = fresh.certificate.der;
  const write = (name: string, data: Uint8Array | string) => {
    const path = join(folder, name);
    writePrivateFile(path, data, { what: path });
    written.push(path);
    return path;
  };
  write("cert.cer", der);
  if ("pem" in profile.certificate) return { pem: write("cert-and-key.pem", pemEncode("CERTIFICATE", der) + pemEncode("PRIVATE KEY", pkcs8)) };
  // The same password as the old PFX (taken from the same variable), so the profile's scripts need no change.
  const pfx = await writePfx({ certificateDer: der, privateKeyPkcs8Der: pkcs8, password: fresh.password ?? "", friendlyName: fresh.certificate.subject });
  return { pfx: write("cert.pfx", pfx), ...(profile.certificate.passwordEnv ? { passwordEnv: profile.certificate.passwordEnv } : {}) };
}

async function removeKey(profile: Profile, signer: Credential, objectId: string, keyId: string, token: string, io: CertLifeIo): Promise<Proof> {
  const proof = proofFor(signer, objectId, io);
  await graphCall(profile, token, "POST", `/applications/${objectId}/removeKey`, io, removeKeyBody({ keyId, proof: proof.compact }));
  return proof;
}

/** What the app has registered now, read again through Graph with the new certificate's token. */
async function finalState(profile: Profile, credential: Credential, result: RotationResult, io: CertLifeIo, n: Narrator, ui: Ui): Promise<void> {
  const latest = readProfile(io.env, profile.name);
  const token = await profileToken(latest, io, { scope: SCOPE_DEFAULT, credential, noCache: true });
  const app = await getApplication(latest, token.accessToken, io);
  result.registeredAfter = app.keyCredentials.map((k) => ({ keyId: k.keyId, ...(registeredThumbprint(k) ? { thumbprint: registeredThumbprint(k)! } : {}), ...(k.end ? { endDateTime: k.end } : {}) }));
  n.say([
    "",
    `${ui.paint("ok", "✓ Rotated.")} The app's certificates now (Graph keyCredentials):`,
    ...ui.fields(result.registeredAfter.map((k): [string, string] => [k.keyId, `${k.thumbprint ?? "?"}  until ${iso(k.endDateTime)}${k.keyId === result.newKeyId ? "  ← new" : k.keyId === result.oldKeyId ? "  ← old" : ""}`]), 4),
    ...ui.next(`npm run cert -- check --profile ${profile.name}`, "the dates, from now on"),
  ]);
}

async function finish(profile: Profile, options: RotateOptions, io: CertLifeIo, ui: Ui): Promise<RotationResult> {
  const previous = profile.previous;
  if (!previous) throw new KitError("ROTATION", `The profile "${profile.name}" has no old key waiting to be removed.`, `npm run cert -- check --profile ${profile.name} lists what is registered.`);
  const current = await loadCredential(profile.certificate, io, profile.name);
  refuseDemoAgainstRealEntra(profile, current.key);
  const token = await profileToken(profile, io, { scope: SCOPE_DEFAULT, credential: current });
  const app = await getApplication(profile, token.accessToken, io);
  const n = new Narrator(io, ui, options.json);
  const result: RotationResult = { ok: false, profile: profile.name, steps: n.steps, undone: [], oldKeyId: previous.keyId, newFiles: [] };
  n.say([ui.chalk.bold(`Finishing the rotation · profile "${profile.name}"`), ...ui.fields([["old key", `${previous.keyId} (${previous.thumbprint}), left registered on ${previous.since}`]])]);
  await confirm(io, options.yes, `Remove the old key ${previous.keyId} from "${app.displayName}" now? Machines still using it will get AADSTS700027. [y/N] `, `npm run cert -- rotate --finish --profile ${profile.name} --yes`);
  if (app.keyCredentials.some((k) => k.keyId === previous.keyId)) {
    const proof = await removeKey(profile, current, app.id, previous.keyId, token.accessToken, io);
    n.step({ number: 5, title: "Graph removeKey: the old certificate removed", ok: true, lines: [["answer", "204 No Content"]], proof }, ["Signed by the current (new) key."]);
  } else {
    n.step({ number: 5, title: "The old certificate was already gone", ok: true, lines: [["key", previous.keyId]] }, ["Someone removed it already (the portal?): only the profile's note is cleared."]);
  }
  const { previous: _done, ...rest } = profile;
  writeProfile(io.env, rest, { replace: true });
  result.ok = true;
  await finalState(profile, current, result, io, n, ui);
  return result;
}

export function rotationJson(r: RotationResult): unknown {
  return {
    ok: r.ok,
    profile: r.profile,
    oldKeyId: r.oldKeyId ?? null,
    newKeyId: r.newKeyId ?? null,
    steps: r.steps.map((s) => ({ number: s.number, title: s.title, ok: s.ok, details: Object.fromEntries(s.lines), ...(s.proof ? { proof: { header: s.proof.header, claims: s.proof.claims } } : {}) })),
    newFiles: r.newFiles,
    undone: r.undone,
    registeredAfter: r.registeredAfter ?? null,
    error: r.error ?? null,
  };
}
