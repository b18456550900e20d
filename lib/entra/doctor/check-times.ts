/**
 * Step 7 of the assertion: nbf ≤ now < exp (700024), with the lifetime and jti advice Entra does not
 * enforce shown after it as warnings.
 */
import { add, short, type AssertionState, type FoundCause } from "./check-state.ts";
import { ADVISED_MAX_LIFETIME_SECONDS, CLOCK_SKEW_SECONDS, durationText, localSummary, numericDate, readTime } from "./times.ts";

/** Checks the assertion's times, and reads them for the report (run.times). */
export function checkTimes(s: AssertionState): void {
  const { payload } = s;
  // 7. nbf ≤ now < exp, with clock skew (RFC 7519 §4.1.4, §4.1.5).
  if (!payload) {
    add(s, { id: "time", title: "nbf ≤ now < exp", status: "skip", saw: "(the payload could not be read)", expected: "now between nbf and exp" }, undefined);
  } else {
    timeChecks(s, payload);
  }
}

function timeChecks(s: AssertionState, payload: Record<string, unknown>): void {
  const { input, run } = s;
  const nowS = input.now.getTime() / 1000;
  const nbfRaw = payload.nbf;
  const expRaw = payload.exp;
  const nbf = numericDate(nbfRaw);
  const exp = numericDate(expRaw);
  for (const [claim, raw] of [["nbf", nbfRaw], ["exp", expRaw], ["iat", payload.iat]] as const) if (raw !== undefined) run.times.push(readTime(claim, raw, input.now));
  const nbfT = run.times.find((t) => t.claim === "nbf");
  const expT = run.times.find((t) => t.claim === "exp");
  const timeRows = (): [string, string][] => [
    ["now", `${readTime("iat", nowS, input.now).utc}`],
    ...run.times.filter((t) => t.claim !== "iat").map((t): [string, string] => [t.claim, t.utc ? `${t.utc}  ${t.relative}${t.milliseconds ? `  (as milliseconds: ${t.asMilliseconds})` : ""}` : JSON.stringify(t.raw)]),
    ["local time", localSummary(input.now, run.times.filter((t) => t.claim !== "iat"))],
  ];
  if (nbf === "bad" || exp === "bad") {
    const name = nbf === "bad" ? "nbf" : "exp";
    add(s,
      { id: "time", title: "nbf ≤ now < exp", status: "fail", saw: `${name} is ${JSON.stringify(payload[name])}`, expected: "NumericDate: seconds since 1970 (RFC 7519 §2)" },
      "50027",
      [{ id: "malformed-jwt", detail: `${name} is ${JSON.stringify(payload[name])}, not a number of seconds (RFC 7519 §2 NumericDate).` }],
    );
    return;
  }
  const from = nbf ?? 0;
  const until = exp ?? 0;
  const inRange = nowS >= from - CLOCK_SKEW_SECONDS && nowS < until + CLOCK_SKEW_SECONDS;
  const found: FoundCause[] = [];
  if (nbf !== undefined && nbf > 1e11) found.push({ id: "nbf-milliseconds", detail: `nbf is ${nbf}: as seconds that is ${nbfT!.utc}; as milliseconds it would be ${nbfT!.asMilliseconds}.`, evidence: timeRows() });
  else if (nowS < from - CLOCK_SKEW_SECONDS) found.push({ id: "not-yet-valid", detail: `nbf is ${durationText(from - nowS)} in the future, more than the ${CLOCK_SKEW_SECONDS / 60} minutes of clock skew the mock allows (Entra does not publish its value): the signing machine's clock runs ahead, or nbf was set later on purpose.`, evidence: timeRows() });
  if (exp === undefined) found.push({ id: "exp-missing", detail: "There is no exp; Entra reads it as 1970-01-01, so the assertion is expired.", evidence: timeRows() });
  else if (exp > 1e11) found.push({ id: "exp-milliseconds", detail: `exp is ${exp}: as seconds that is ${expT!.utc}; as milliseconds it would be ${expT!.asMilliseconds}. Entra takes it as seconds, so the assertion never expires.`, evidence: timeRows() });
  else if (nowS >= until + CLOCK_SKEW_SECONDS) found.push({ id: "expired", detail: `exp was ${durationText(nowS - until)} ago (${expT!.utc}), beyond the ${CLOCK_SKEW_SECONDS / 60} minutes of clock skew the mock allows (Entra does not publish its value).`, evidence: timeRows() });
  const soft = inRange && ((nbf !== undefined && nowS < nbf) || nowS >= until);
  if (soft) run.notes.push(`The assertion is only valid thanks to the clock skew Entra tolerates (${CLOCK_SKEW_SECONDS} s here; Entra does not publish its value).`);
  const seen = [nbfT?.utc ? `nbf ${nbfT.relative}` : "no nbf", expT?.utc ? `exp ${expT.relative}` : "no exp"].join(", ");
  add(s,
    { id: "time", title: "nbf ≤ now < exp", status: inRange ? (soft ? "warn" : "pass") : "fail", saw: seen, expected: `now within [nbf − ${CLOCK_SKEW_SECONDS} s, exp + ${CLOCK_SKEW_SECONDS} s), in seconds` },
    "700024",
    found,
  );

  // Advice Entra does not enforce: the lifetime, and jti.
  const start = nbf ?? (typeof numericDate(payload.iat) === "number" ? (numericDate(payload.iat) as number) : undefined);
  if (exp !== undefined && exp <= 1e11 && start !== undefined && start <= 1e11) {
    const lifetime = exp - start;
    const long = lifetime > ADVISED_MAX_LIFETIME_SECONDS;
    add(s,
      { id: "lifetime", title: "lifetime ≤ 10 minutes (advice)", status: long ? "warn" : "pass", saw: `exp − ${nbf !== undefined ? "nbf" : "iat"} = ${lifetime} s (${durationText(lifetime)})`, expected: `at most ${ADVISED_MAX_LIFETIME_SECONDS} s (Microsoft advises 5–10 minutes)` },
      undefined,
      long ? [{ id: "lifetime-too-long", detail: `The assertion lives ${durationText(lifetime)}; Microsoft advises 5–10 minutes (Entra does not enforce it today).`, evidence: [["lifetime", `${lifetime} s`], ["advised", `≤ ${ADVISED_MAX_LIFETIME_SECONDS} s`]] }] : [],
    );
  }
  const jti = payload.jti;
  const jtiOk = typeof jti === "string" && jti !== "";
  // Replay: Entra does not refuse a jti it has seen (msal-node, MSAL.NET and MSAL Python reuse their
  // assertion until it expires: client evidence), so nothing but exp limits a copied assertion.
  const guessable = jtiOk && (jti as string).length < 16;
  add(s,
    { id: "jti", title: "a jti (advice)", status: jtiOk && !guessable ? "pass" : "warn", saw: jtiOk ? `jti ${short(jti as string, 40)}` : "no jti", expected: "a new GUID per assertion" },
    undefined,
    !jtiOk
      ? [{ id: "jti-missing", detail: "The payload has no jti. Microsoft's docs list it as required; the mock (like Entra today, as far as is known) does not refuse it." }]
      : guessable
        ? [{ id: "jti-guessable", detail: `jti is "${jti as string}" (${(jti as string).length} character${(jti as string).length === 1 ? "" : "s"}): a fixed or short value, not a new random one per assertion. Entra does not refuse a jti it has seen (client evidence: Microsoft's libraries reuse theirs until exp), so a copied assertion works until it expires.`, evidence: [["jti", jti as string]], outcome: "accepted: Entra does not check jti for replay" }]
        : [],
  );
}
