/**
 * Will this certificate still sign the app in? The local certificate's dates, compared with the
 * app's registered certificates (Graph's application.keyCredentials), at a given instant: the
 * verdict `npm run cert -- check` prints and exits with (0 fine, 1 expiring within the warning
 * window, 2 expired, not yet valid or not registered).
 *
 * Entra refuses a key outside the registered credential's startDateTime..endDateTime (AADSTS700027,
 * "The key used is expired", lib/entra/evidence/entra-errors.md); those default to the certificate's
 * own notBefore..notAfter, but an upload may set a shorter window: the earlier end counts.
 *
 * keyCredential (https://learn.microsoft.com/graph/api/resources/keycredential): customKeyIdentifier
 * "defaults to the thumbprint of the certificate" (Microsoft's own example shows it as the hex text,
 * "52ED9B5038A47B9E2E2190715CC238359D4F8F73", in the "add a certificate" how-to); `key` (base64 DER)
 * comes only with $select on a single application, else null. Both are compared.
 */
import { toHex } from "../bytes.ts";
import { base64urlDecode } from "../crypto/base64url.ts";
import { SHA1 } from "../crypto/sha1.ts";

/** Standard base64 (RFC 4648 §4), as Graph's Edm.Binary values are sent. */
function base64Decode(text: string): Uint8Array {
  return base64urlDecode(text.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));
}

export const DAY_MS = 86_400_000;

/** A registered certificate as Graph lists it. */
export interface RegisteredKey {
  keyId: string;
  displayName?: string;
  /** customKeyIdentifier as Graph sent it. */
  customKeyIdentifier?: string | null;
  /** The certificate's DER in base64, when Graph sent it ($select on a single application). */
  key?: string | null;
  start?: Date;
  end?: Date;
}

export interface LocalCertificate {
  subject: string;
  /** SHA-1 of the DER, upper-case hex (Windows' "Thumbprint"). */
  thumbprintSha1: string;
  der: Uint8Array;
  notBefore: Date;
  notAfter: Date;
}

export type ExpiryStatus = "ok" | "expiring" | "expired" | "not-yet-valid" | "not-registered";

export interface KeyVerdict {
  key: RegisteredKey;
  /** Whether it is the local certificate. */
  local: boolean;
  /** Whole days until its end (negative: ended that many days ago). */
  daysLeft?: number;
  status: "ok" | "expiring" | "expired" | "not-yet-valid";
}

export interface ExpiryReport {
  status: ExpiryStatus;
  exitCode: 0 | 1 | 2;
  now: Date;
  warnDays: number;
  local: LocalCertificate;
  /** When the local certificate stops working: its notAfter, or its registration's end if earlier. */
  until: Date;
  daysLeft: number;
  /** undefined: the registration was not looked up (a file was checked, not a profile). */
  registered?: KeyVerdict[];
  /** The registered key that is the local certificate, if any. */
  localKey?: RegisteredKey;
}

/** The thumbprint a keyCredential names, as upper-case hex: from `key` when present, else customKeyIdentifier. */
export function registeredThumbprint(key: RegisteredKey): string | undefined {
  if (key.key) {
    try {
      return toHex(SHA1.digest(base64Decode(key.key))).toUpperCase();
    } catch {
      /* not base64: fall back to the identifier */
    }
  }
  const id = key.customKeyIdentifier;
  if (!id) return undefined;
  if (/^[0-9a-f]{40}$/i.test(id)) return id.toUpperCase(); // the hex text, as Graph's examples show it
  try {
    const bytes = base64Decode(id);
    if (bytes.length === 20) return toHex(bytes).toUpperCase(); // the 20 raw bytes, base64
  } catch {
    /* some other identifier the uploader chose */
  }
  return undefined;
}

function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

function statusAt(start: Date | undefined, end: Date | undefined, now: Date, warnDays: number): KeyVerdict["status"] {
  if (start && now < start) return "not-yet-valid";
  if (end && now >= end) return "expired";
  if (end && end.getTime() - now.getTime() <= warnDays * DAY_MS) return "expiring";
  return "ok";
}

export interface ExpiryInput {
  local: LocalCertificate;
  /** The app's keyCredentials; leave out when they were not looked up. */
  registered?: RegisteredKey[];
  /**
   * The token endpoint answered AADSTS700027 "the key was not found" with this certificate's thumbprint
   * (the catalog's 700027-not-registered): Entra itself says it is not registered, though its
   * keyCredentials could not be read (Graph needs a token, and this certificate gets none).
   */
  refusedAsUnregistered?: boolean;
  now: Date;
  warnDays: number;
}

export function judgeExpiry(input: ExpiryInput): ExpiryReport {
  const { local, now, warnDays } = input;
  const verdicts = input.registered?.map((key): KeyVerdict => {
    const isLocal = registeredThumbprint(key) === local.thumbprintSha1.toUpperCase();
    return { key, local: isLocal, ...(key.end ? { daysLeft: daysBetween(now, key.end) } : {}), status: statusAt(key.start, key.end, now, warnDays) };
  });
  const localKey = verdicts?.find((v) => v.local)?.key;
  const until = localKey?.end && localKey.end < local.notAfter ? localKey.end : local.notAfter;
  const from = localKey?.start && localKey.start > local.notBefore ? localKey.start : local.notBefore;
  let status: ExpiryStatus = statusAt(from, until, now, warnDays);
  if (status !== "expired" && ((verdicts && !localKey) || input.refusedAsUnregistered)) status = "not-registered";
  const exitCode = status === "ok" ? 0 : status === "expiring" ? 1 : 2;
  return { status, exitCode, now, warnDays, local, until, daysLeft: daysBetween(now, until), ...(verdicts ? { registered: verdicts } : {}), ...(localKey ? { localKey } : {}) };
}


