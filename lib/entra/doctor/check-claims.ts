/**
 * Steps 3 to 6 of the assertion: iss, sub and aud present (90014) → sub = iss (50048) → iss =
 * client_id (700021) → aud (700023).
 */
import { analyseAudience, expectedAudience } from "./audience.ts";
import { add, type AssertionState } from "./check-state.ts";

/** Checks the claims that say who signs (iss, sub) and for whom (aud). */
export function checkClaims(s: AssertionState): void {
  const { run, payload, clientId, tenant, endpoint } = s;
  // 3. Claims present and of the right type (RFC 7523 §3).
  let iss: string | undefined;
  let sub: string | undefined;
  let aud: string | undefined;
  if (!payload) {
    add(s, { id: "claims", title: "iss, sub, aud present", status: "skip", saw: "(the payload could not be read)", expected: "iss, sub and aud as strings" }, undefined);
  } else {
    const wrongType = ["iss", "sub", "aud"].filter((n) => payload[n] !== undefined && payload[n] !== null && typeof payload[n] !== "string");
    const missing = ["iss", "sub", "aud"].filter((n) => typeof payload[n] !== "string" || payload[n] === "");
    if (Array.isArray(payload.aud) || wrongType.length) {
      const name = Array.isArray(payload.aud) ? "aud" : wrongType[0]!;
      add(s,
        { id: "claims", title: "iss, sub, aud present", status: "fail", saw: `${name} is ${Array.isArray(payload[name]) ? "an array" : `a ${typeof payload[name]}`}`, expected: "iss, sub and aud as strings" },
        "50027",
        [{ id: "malformed-jwt", detail: `${name} is ${Array.isArray(payload[name]) ? "an array" : `a ${typeof payload[name]}`}; Entra wants one string (RFC 7519 allows an array for aud, Entra does not).`, evidence: [[name, JSON.stringify(payload[name])]] }],
      );
    } else if (missing.length) {
      add(s,
        { id: "claims", title: "iss, sub, aud present", status: "fail", saw: `no ${missing.join(", ")}`, expected: "iss, sub and aud" },
        "90014",
        [{ id: "claim-missing", detail: `The payload has no ${missing.join(", ")} (RFC 7523 §3 requires iss, sub and aud).` }],
      );
    } else {
      add(s, { id: "claims", title: "iss, sub, aud present", status: "pass", saw: "iss, sub and aud are strings", expected: "iss, sub and aud" }, undefined);
    }
    if (typeof payload.iss === "string" && payload.iss) iss = payload.iss;
    if (typeof payload.sub === "string" && payload.sub) sub = payload.sub;
    if (typeof payload.aud === "string" && payload.aud) aud = payload.aud;
  }

  // 4. sub = iss (RFC 7523 §3 items 1 and 2: both are the client ID for client authentication).
  if (iss !== undefined && sub !== undefined) {
    const same = iss.toLowerCase() === sub.toLowerCase();
    add(s,
      { id: "sub-iss", title: "sub = iss", status: same ? "pass" : "fail", saw: same ? `iss = sub = ${iss}` : `iss ${iss}, sub ${sub}`, expected: "sub equal to iss (the client ID)" },
      "50048",
      same ? [] : [{ id: "iss-sub-mismatch", detail: `iss is ${iss} but sub is ${sub}.`, evidence: [["iss", iss], ["sub", sub]] }],
    );
  } else {
    add(s, { id: "sub-iss", title: "sub = iss", status: "skip", saw: "(iss or sub missing)", expected: "sub equal to iss" }, undefined);
  }

  // 5. iss = client_id.
  if (iss === undefined) {
    add(s, { id: "iss-client-id", title: "iss = client_id", status: "skip", saw: "(no iss)", expected: "iss equal to the form's client_id" }, undefined);
  } else if (!clientId) {
    run.unverified.push("iss-client-id");
    add(s, { id: "iss-client-id", title: "iss = client_id", status: "skip", saw: `iss ${iss}; no client id given (--client-id)`, expected: "iss equal to the form's client_id" }, undefined);
  } else {
    const same = iss.toLowerCase() === clientId.toLowerCase();
    add(s,
      { id: "iss-client-id", title: "iss = client_id", status: same ? "pass" : "fail", saw: same ? `iss = client_id = ${iss}` : `iss ${iss}, client_id ${clientId}`, expected: `iss = ${clientId}` },
      "700021",
      same ? [] : [{ id: "iss-client-id-mismatch", detail: `iss (and sub) is ${iss}, but the request's client_id is ${clientId}.`, evidence: [["iss", iss], ["client_id", clientId]] }],
    );
  }

  // 6. aud = this tenant's token endpoint (RFC 7523 §3 item 3).
  if (aud === undefined) {
    add(s, { id: "aud", title: "aud = token endpoint", status: "skip", saw: "(no aud)", expected: expectedAudience(tenant, endpoint?.version) }, undefined);
  } else {
    const finding = analyseAudience(aud, { ...(tenant ? { tenant } : {}), ...(endpoint ? { endpoint: { origin: endpoint.origin, version: endpoint.version } } : {}) });
    if (finding.partial) run.unverified.push("aud");
    add(s,
      { id: "aud", title: "aud = token endpoint", status: finding.status, saw: aud + (finding.partial && finding.status === "pass" ? " (tenant not checked)" : ""), expected: finding.expected },
      "700023",
      finding.causes,
    );
  }
}
