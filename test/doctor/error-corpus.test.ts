/**
 * The doctor against errors as people paste them: 152 texts from public issues and Q&A pages, each
 * with its source (test/fixtures/error-corpus/README.md says how they were collected). The oracle is
 * the corpus itself: the codes are those in the pasted text, and the root cause is what the thread
 * says it turned out to be.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagnose } from "../../lib/entra/doctor/index.ts";
import type { CauseId } from "../../lib/entra/doctor/index.ts";

interface CorpusCase {
  id: string;
  source: string;
  client: string;
  text: string;
  codes: number[];
  primaryCode?: number | null;
  statedCause: string | null;
  causeCategory: string | null;
}

const CASES = JSON.parse(readFileSync(new URL("../fixtures/error-corpus/cases.json", import.meta.url), "utf8")) as CorpusCase[];
const NOW = new Date("2026-12-01T12:00:00Z");

/** The doctor's causes that name each root-cause category of the corpus. */
const CATEGORY_CAUSES: Record<string, CauseId[]> = {
  "certificate-not-uploaded": ["cert-not-uploaded"],
  "wrong-certificate-or-key": ["key-mismatch", "x5t-other-certificate", "cert-not-uploaded"],
  "thumbprint-encoding": ["x5t-hex-text", "x5t-standard-base64", "x5t-padded", "sha256-in-x5t", "sha1-in-x5t-s256", "thumbprint-unreadable"],
  "expired-certificate": ["cert-expired"],
  "clock-skew": ["clock-skew", "expired", "not-yet-valid", "cert-not-yet-valid"],
  "wrong-tenant": ["wrong-tenant"],
  "wrong-client-id": ["unknown-client-id"],
  "wrong-cloud-or-authority": ["wrong-cloud", "wrong-tenant"],
  audience: ["aud-other-tenant", "aud-graph-resource", "aud-trailing-slash", "aud-common", "aud-not-token-endpoint", "aud-v1-vs-v2"],
  "signature-algorithm": ["alg-unsupported", "ps256-refused", "ps256-with-pkcs1-signature", "rs256-with-pss-signature"],
  "key-too-small": ["rsa-under-2048"],
  "malformed-assertion": ["malformed-jwt", "segment-standard-base64", "json-bom", "json-not-utf8", "claim-missing", "form-field"],
  "secret-expired": ["secret-expired"],
  "secret-wrong": ["secret-wrong"],
  "app-disabled": ["app-disabled"],
  "public-client-setting": ["public-client"],
  scope: ["scope-without-default", "jwt-as-scope", "form-field", "resource-not-in-tenant"],
  "service-bug": ["ps256-refused", "service-problem", "library-regression"],
};

const withCode = CASES.filter((c) => c.codes.length > 0);
const withoutCode = CASES.filter((c) => c.codes.length === 0);

function explain(text: string) {
  return diagnose({ text, now: NOW });
}

describe("the error corpus", () => {
  it("is the corpus it claims to be (a wrong path would pass vacuously)", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(150);
    for (const c of CASES) expect(c.source, c.id).toMatch(/^https:\/\//);
    expect(withoutCode.length).toBeGreaterThan(10);
  });

  it.each(withCode.map((c) => [c.id, c] as const))("%s: the code that names the failure is recognised", (_id, c) => {
    const d = explain(c.text);
    expect(d.kind, c.source).toBe("entra-error");
    expect(d.error?.code, c.source).toBe(c.primaryCode ?? c.codes[0]);
  });

  it.each(withoutCode.map((c) => [c.id, c] as const))("%s: no code, and the doctor says so instead of reading a JWT", (_id, c) => {
    const d = explain(c.text);
    if (d.kind === "assertion") {
      // Only a text that really holds something JWT-shaped may be read as an assertion.
      expect(c.text, c.source).toMatch(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+/);
    } else {
      expect(d.kind, c.source).toBe("no-error-code");
      expect(d.notes.join(" ")).toMatch(/no AADSTS code/);
    }
  });

  it("names the thread's root cause among its likely causes for at least 90% of the cases that state one", () => {
    const judged = CASES.filter((c) => c.statedCause && c.causeCategory && CATEGORY_CAUSES[c.causeCategory] && c.codes.length > 0);
    const misses = judged.filter((c) => {
      const likely = explain(c.text).error?.likelyCauses ?? [];
      return !likely.some((id) => CATEGORY_CAUSES[c.causeCategory!]!.includes(id as CauseId));
    });
    const share = (judged.length - misses.length) / judged.length;
    console.log(`error corpus: root cause named for ${judged.length - misses.length} of ${judged.length} cases that state one (${(share * 100).toFixed(1)}%); missed: ${misses.map((m) => m.id).join(", ") || "none"}`);
    expect(judged.length).toBeGreaterThanOrEqual(30);
    expect(share).toBeGreaterThanOrEqual(0.9);
  });
});
