/**
 * Entra's checks, in Entra's order: the order the mock uses (mock-aad/core.ts for the form,
 * mock-aad/check-assertion.ts for the assertion), so that the first failing check is the code both
 * the mock and, as far as public sources tell, the real service answer:
 *
 *   form:      grant_type (900144, 70003) → tenant in the URL (9001023) → client_id (900144)
 *              → scope (90014) → client_assertion (7000216) → client_assertion_type (900144, 90011)
 *   assertion: shape (50027) → alg (5002738) → claims present (90014) → sub = iss (50048)
 *              → iss = client_id (700021) → aud (700023) → nbf/exp (700024) → which key (5002723)
 *              → key registered (700027) → key dates (700027) → RSA (5002730) → 2048 bits (700027)
 *              → signature (700027)
 *   form:      scope is <resource>/.default (1002012, 70011)
 *
 * Unlike Entra, the doctor does not stop at the first failure: it reads on tolerantly and runs
 * every check it can, so that every cause is named. Advice Entra does not enforce (lifetime, jti)
 * shows as warnings between the checks.
 */
import { checkCertificate } from "./check-certificate.ts";
import { checkClaims } from "./check-claims.ts";
import { checkForm } from "./check-form.ts";
import { checkKey } from "./check-key.ts";
import { checkScope } from "./check-scope.ts";
import { checkShape } from "./check-shape.ts";
import { checkSignature } from "./check-signature.ts";
import { readAssertion, startRun, type CheckRun, type CheckRunInput, type CheckState } from "./check-state.ts";
import { checkTimes } from "./check-times.ts";

export type { CheckRun, CheckRunInput } from "./check-state.ts";

/** Runs every check; returns them in order with the causes (ranked) and what was decoded. */
export function runChecks(input: CheckRunInput): CheckRun {
  const s = startRun(input);

  // ── The form, before the assertion (mock-aad/core.ts) ──────────────────────────────────────────
  checkForm(s);

  // ── The assertion (mock-aad/check-assertion.ts) ────────────────────────────────────────────────
  if (s.input.found.assertion !== "" || !s.form) {
    const a = readAssertion(s);
    checkShape(a); // 1–2. shape, alg
    checkClaims(a); // 3–6. iss, sub, aud present; sub = iss; iss = client_id; aud
    checkTimes(a); // 7. nbf ≤ now < exp (then the lifetime and jti advice)
    checkKey(a); // 8–9. which key; registered
    checkCertificate(a); // 10–12. the certificate's dates, key type and size
    checkSignature(a); // 13. the signature
  }

  // ── The scope, after the assertion ─────────────────────────────────────────────────────────────
  checkScope(s);

  rankCauses(s);
  return s.run;
}

function rankCauses(s: CheckState): void {
  // Ranking: errors in check order (the first is what Entra answers), then warnings, then information.
  const severityRank = { error: 0, warning: 1, info: 2 } as const;
  s.ranked.sort((a, b) => severityRank[a.cause.severity] - severityRank[b.cause.severity] || a.order - b.order);
  const seen = new Set<string>();
  for (const { cause: c } of s.ranked) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    s.run.causes.push(c);
  }
}
