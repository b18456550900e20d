/**
 * nbf, exp and iat: NumericDate values (RFC 7519 §2: seconds since 1970-01-01T00:00:00Z UTC, leap
 * seconds ignored), read as Entra reads them (numbers, or numeric strings as MSAL.NET sends) and
 * shown in UTC and in the local time zone, with the distance from now.
 */
import { ASSUMED_CLOCK_SKEW_SECONDS } from "../protocol.ts";
import type { TimeReading } from "./types.ts";

/**
 * The clock skew the doctor allows around nbf and exp: 300 s, as the mock does (its
 * DEFAULT_CLOCK_SKEW_SECONDS; Entra does not publish its tolerance, 5 minutes is
 * Microsoft.IdentityModel's default). A test keeps the two equal.
 */
export const CLOCK_SKEW_SECONDS = ASSUMED_CLOCK_SKEW_SECONDS;

/** "keep it short - 5-10 minutes after nbf at most" (Microsoft's certificate-credentials page). */
export const ADVISED_MAX_LIFETIME_SECONDS = 600;

/** A NumericDate above this is taken for milliseconds: 10^11 s is the year 5138, 10^11 ms is 1973. */
export const MILLISECONDS_THRESHOLD = 1e11;

/** A claim as Entra reads it: a number, a numeric string, absent, or "bad" (any other type). */
export function numericDate(value: unknown): number | undefined | "bad" {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return Number.isFinite(value) ? value : "bad";
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return "bad";
}

/** "2025-06-01 12:00:00 UTC"; years beyond 9999 are written out ("+055873-…"). */
export function utcText(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return "beyond any date (out of range)";
  return d.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
}

/** "2025-06-01 14:00:00 UTC+02:00 (Europe/Paris)", in the zone of the machine running the doctor. */
export function localText(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return "beyond any date (out of range)";
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const zone = safeZoneName();
  const year = d.getFullYear();
  const yearText = year >= 0 && year <= 9999 ? p(year, 4) : String(year);
  return `${yearText}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} UTC${sign}${p(Math.floor(Math.abs(offset) / 60))}:${p(Math.abs(offset) % 60)}${zone ? ` (${zone})` : ""}`;
}

/**
 * The local zone and clock times in one line: "Europe/Paris, UTC+02:00: now 14:00:00, nbf 12:50:00,
 * exp 13:00:00" (the date is added when it differs from now's).
 */
export function localSummary(now: Date, times: { claim: string; seconds?: number }[]): string {
  const p = (n: number) => String(n).padStart(2, "0");
  const offset = -now.getTimezoneOffset();
  const zone = `${safeZoneName() ?? "local"}, UTC${offset >= 0 ? "+" : "-"}${p(Math.floor(Math.abs(offset) / 60))}:${p(Math.abs(offset) % 60)}`;
  const day = (d: Date) => `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  const clock = (d: Date) => (Number.isNaN(d.getTime()) ? "(out of range)" : `${day(d) === day(now) ? "" : `${day(d)} `}${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`);
  const parts = [`now ${day(now)} ${clock(now)}`, ...times.filter((t) => t.seconds !== undefined).map((t) => `${t.claim} ${clock(new Date(t.seconds! * 1000))}`)];
  return `${zone}: ${parts.join(", ")}`;
}

function safeZoneName(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** A duration in words: "9 min 58 s", "2 h 3 min", "3 days 4 h", "52 000 years". */
export function durationText(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ""}`;
  if (s < 86400) return `${Math.floor(s / 3600)} h${Math.floor((s % 3600) / 60) ? ` ${Math.floor((s % 3600) / 60)} min` : ""}`;
  if (s < 86400 * 365 * 2) return `${Math.floor(s / 86400)} days${Math.floor((s % 86400) / 3600) ? ` ${Math.floor((s % 86400) / 3600)} h` : ""}`;
  return `${Math.round(s / (86400 * 365.25)).toLocaleString("en-US")} years`;
}

/** "in 9 min 58 s", "2 h 3 min ago", "now". */
export function relativeText(fromNow: number): string {
  if (Math.abs(fromNow) < 1) return "now";
  return fromNow > 0 ? `in ${durationText(fromNow)}` : `${durationText(fromNow)} ago`;
}

/** One claim, read and shown. */
export function readTime(claim: TimeReading["claim"], raw: unknown, now: Date): TimeReading {
  const seconds = numericDate(raw);
  const reading: TimeReading = { claim, raw, milliseconds: false };
  if (seconds === undefined || seconds === "bad") return reading;
  reading.seconds = seconds;
  reading.milliseconds = seconds > MILLISECONDS_THRESHOLD;
  reading.utc = utcText(seconds * 1000);
  reading.local = localText(seconds * 1000);
  if (reading.milliseconds) reading.asMilliseconds = utcText(seconds);
  reading.fromNow = seconds - now.getTime() / 1000;
  reading.relative = relativeText(reading.fromNow);
  return reading;
}
