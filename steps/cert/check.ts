/**
 * `npm run cert -- check`: the local certificate's dates and, for a profile, the app's registered
 * certificates read through Graph with the profile's own token; lib/entra/expiry.ts judges. The run
 * returns data; renderCheck prints it.
 */
import { judgeExpiry, type ExpiryReport, type LocalCertificate } from "../../lib/entra/expiry.ts";
import { KitError } from "../../lib/errors.ts";
import { parseCertificate, windowsThumbprint } from "../../lib/formats/x509/index.ts";
import { readCertificate } from "../doctor/cli.ts";
import { loadCredential, refuseDemoAgainstRealEntra } from "../profile/credential.ts";
import type { CertLifeIo } from "../profile/io.ts";
import { passwordFromEnv } from "../password-env.ts";
import { SCOPE_DEFAULT, readProfile, type Profile } from "../profile/profile.ts";
import { EntraRefusal, profileToken } from "../token/acquire.ts";
import type { Ui } from "../ui.ts";
import { getApplication, type GraphApplication } from "./graph.ts";

export interface CheckResult {
  report: ExpiryReport;
  exitCode: 0 | 1 | 2;
  file: string;
  profile?: Profile;
  application?: Pick<GraphApplication, "id" | "displayName">;
  /** Why the registration could not be read (then the exit code is 2: nobody can tell whether Entra accepts it). */
  lookupError?: string;
  /** Entra refused this certificate's token request as not registered (AADSTS700027): the verdict is known without Graph. */
  refusedAsUnregistered?: string;
}

export function localCertificate(der: Uint8Array): LocalCertificate {
  const c = parseCertificate(der);
  return { subject: c.subject, thumbprintSha1: windowsThumbprint(c.thumbprintSha1), der: c.der, notBefore: c.notBefore, notAfter: c.notAfter };
}

export async function checkProfile(name: string, warnDays: number, io: CertLifeIo): Promise<CheckResult> {
  const profile = readProfile(io.env, name);
  const credential = await loadCredential(profile.certificate, io, profile.name);
  refuseDemoAgainstRealEntra(profile, credential.key);
  const local = localCertificate(credential.certificate.der);
  let application: GraphApplication | undefined;
  let lookupError: string | undefined;
  let refusedAsUnregistered: string | undefined;
  try {
    // Graph's own token, whatever scope the profile's scripts use.
    const token = await profileToken(profile, io, { scope: SCOPE_DEFAULT, credential });
    application = await getApplication(profile, token.accessToken, io);
  } catch (error) {
    if (!(error instanceof KitError)) throw error;
    // "The key was not found" with this certificate's thumbprint: Entra has answered the question itself.
    if (error instanceof EntraRefusal && error.catalogId === "700027-not-registered") refusedAsUnregistered = error.message;
    else lookupError = error.message;
  }
  const report = judgeExpiry({ local, ...(application ? { registered: application.keyCredentials } : {}), ...(refusedAsUnregistered ? { refusedAsUnregistered: true } : {}), now: io.now(), warnDays });
  const exitCode = lookupError ? 2 : report.exitCode;
  return {
    report,
    exitCode,
    file: credential.file,
    profile,
    ...(application ? { application: { id: application.id, displayName: application.displayName } } : {}),
    ...(lookupError ? { lookupError } : {}),
    ...(refusedAsUnregistered ? { refusedAsUnregistered } : {}),
  };
}

export async function checkFile(path: string, passwordEnv: string | undefined, warnDays: number, io: CertLifeIo): Promise<CheckResult> {
  const password = passwordEnv !== undefined ? passwordFromEnv(passwordEnv, io.env, path) : undefined;
  const { der } = await readCertificate(path, password, { as: "as FILE", passwordFlags: "--password-env VAR" });
  const report = judgeExpiry({ local: localCertificate(der), now: io.now(), warnDays });
  return { report, exitCode: report.exitCode, file: path };
}

/** A date as the check prints them all: UTC to the second (2026-01-15T09:00:00Z). */
function day(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function left(days: number): string {
  return days >= 0 ? `${days} day${days === 1 ? "" : "s"} left` : `ended ${-days} day${days === -1 ? "" : "s"} ago`;
}

export function renderCheck(r: CheckResult, ui: Ui): string[] {
  const { report } = r;
  const l = report.local;
  const lines = [
    ui.chalk.bold(`Certificate check${r.profile ? ` · profile "${r.profile.name}"` : ` · ${r.file}`}`),
    ...ui.fields([
      ["certificate", `${l.subject}, SHA-1 thumbprint ${l.thumbprintSha1}`],
      ["file", r.file],
      ["valid", `${day(l.notBefore)} → ${day(l.notAfter)}`],
      ["checked at", `${day(report.now)}, warning window ${report.warnDays} days`],
    ]),
  ];
  if (report.registered) {
    lines.push(...ui.section(`Registered on "${r.application?.displayName}" (Graph: application ${r.application?.id}, keyCredentials)`));
    if (!report.registered.length) lines.push(ui.paint("dim", "  none: no certificate is registered on the app"));
    for (const v of report.registered) {
      const mark = v.status === "ok" ? ui.paint("ok", "✓") : v.status === "expiring" ? ui.paint("warn", "!") : ui.paint("bad", "✗");
      const until = v.key.end ? `until ${day(v.key.end)} (${left(v.daysLeft!)})` : "no end date";
      lines.push(`  ${mark} ${v.key.keyId}  ${until}${v.local ? ui.paint("em", "  ← this certificate") : ""}`, `      ${ui.paint("dim", `${v.key.displayName ?? ""}${v.key.customKeyIdentifier ? `, thumbprint ${v.key.customKeyIdentifier}` : ""}`)}`);
    }
  } else if (r.refusedAsUnregistered) {
    lines.push("", ui.warn(`Entra refused a token for this certificate as not registered on the app (AADSTS700027, "The key was not found"), so Graph was not asked for the app's certificates.`));
  } else if (r.lookupError) {
    lines.push("", ui.warn(`The app's registered certificates could not be read: ${r.lookupError}`));
  } else {
    lines.push(ui.paint("dim", "  (a file: its registration was not looked up; --profile NAME reads it through Graph)"));
  }
  lines.push("", ...verdict(r, ui));
  return lines;
}

function verdict(r: CheckResult, ui: Ui): string[] {
  const { report } = r;
  const name = r.profile?.name ?? "NAME";
  const rotate = `npm run cert -- rotate --profile ${name}`;
  const manual = `make a new certificate (npm run step 1 -- --new), upload its cert.cer (portal: Certificates & secrets), then npm run profile -- edit ${name} --pfx .workshop/cert.pfx`;
  if (r.lookupError && report.status !== "expired" && report.status !== "not-yet-valid")
    return [`${ui.paint("bad", "✗ Unknown (exit 2):")} the certificate has ${left(report.daysLeft)}, but whether Entra accepts it could not be read.`, `  ${ui.paint("dim", "Fix what the line above says, then run this again.")}`];
  switch (report.status) {
    case "ok":
      return [
        `${ui.paint("ok", "✓ Fine (exit 0):")} ${left(report.daysLeft)}, until ${day(report.until)}.`,
        `  ${ui.paint("dim", `From cron or CI: npm run -s cert -- check --profile ${name} --warn-days ${report.warnDays} (exit 1 when ${report.warnDays} days are left, 2 when it is too late).`)}`,
      ];
    case "expiring":
      return [`${ui.paint("warn", `! Expiring (exit 1):`)} ${left(report.daysLeft)}, until ${day(report.until)}.`, ...ui.next(rotate, "a new certificate, while the current one can still authorise the change")];
    case "expired":
      return [
        `${ui.paint("bad", "✗ Expired (exit 2):")} since ${day(report.until)}; Entra answers AADSTS700027 ("The key used is expired").`,
        `  ${ui.paint("dim", "Graph's addKey needs a proof signed by a currently valid key, so an expired one cannot rotate itself:")}`,
        `  ${ui.paint("dim", manual + ".")}`,
      ];
    case "not-yet-valid":
      return [`${ui.paint("bad", "✗ Not valid yet (exit 2):")} from ${day(report.local.notBefore)}; check this machine's clock, or wait.`];
    case "not-registered":
      return [
        `${ui.paint("bad", "✗ Not registered (exit 2):")} the app has no certificate with thumbprint ${report.local.thumbprintSha1}; Entra answers AADSTS700027.`,
        `  ${ui.paint("dim", `Upload this certificate's .cer (portal: Certificates & secrets), or, if the app was rotated elsewhere, switch the profile to the current certificate: npm run profile -- edit ${name} --pfx FILE.`)}`,
      ];
  }
}

export function checkJson(r: CheckResult): unknown {
  const { report } = r;
  return {
    status: r.lookupError && report.status !== "expired" && report.status !== "not-yet-valid" ? "unknown" : report.status,
    exitCode: r.exitCode,
    profile: r.profile?.name ?? null,
    file: r.file,
    certificate: { subject: report.local.subject, thumbprintSha1: report.local.thumbprintSha1, notBefore: report.local.notBefore, notAfter: report.local.notAfter },
    until: report.until,
    daysLeft: report.daysLeft,
    warnDays: report.warnDays,
    application: r.application ?? null,
    registered: report.registered?.map((v) => ({ keyId: v.key.keyId, displayName: v.key.displayName ?? null, customKeyIdentifier: v.key.customKeyIdentifier ?? null, startDateTime: v.key.start ?? null, endDateTime: v.key.end ?? null, daysLeft: v.daysLeft ?? null, status: v.status, local: v.local })) ?? null,
    lookupError: r.lookupError ?? null,
    tokenRefusal: r.refusedAsUnregistered ?? null,
  };
}
