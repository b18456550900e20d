/**
 * Steps 10 to 12 of the assertion: the registered certificate's dates (700027), key type (5002730) and
 * key size (50032, after 70002).
 */
import { add, type AssertionState } from "./check-state.ts";
import { relativeText } from "./times.ts";

/** Checks the certificate given with --cert; without one, the checks are skipped and left unverified. */
export function checkCertificate(s: AssertionState): void {
  const { input, run, header } = s;
  // 10–12. The registered key's dates, type and size.
  const cert = input.cert;
  if (!cert) {
    for (const [id, title] of [
      ["key-dates", "certificate valid now"],
      ["key-type", "an RSA key"],
      ["key-size", "at least 2048 bits"],
    ] as const) {
      run.unverified.push(id);
      add(s, { id, title, status: "skip", saw: "no certificate given (--cert FILE)", expected: "—" }, undefined);
    }
    return;
  }
  const { notBefore, notAfter } = cert.info;
  const nowMs = input.now.getTime();
  const datesOk = nowMs >= notBefore.getTime() && nowMs <= notAfter.getTime();
  const certDates: [string, string][] = [
    ["certificate valid", `${notBefore.toISOString()} → ${notAfter.toISOString()}`],
    ["now", input.now.toISOString()],
  ];
  add(s,
    { id: "key-dates", title: "certificate valid now", status: datesOk ? "pass" : "fail", saw: `${day(notBefore)} → ${day(notAfter)}`, expected: `includes ${day(input.now)}` },
    "700027-key-expired",
    datesOk
      ? []
      : nowMs > notAfter.getTime()
        ? [{ id: "cert-expired", detail: `The certificate expired ${relativeText((notAfter.getTime() - nowMs) / 1000)} (${notAfter.toISOString()}).`, evidence: certDates }]
        : [{ id: "cert-not-yet-valid", detail: `The certificate becomes valid ${relativeText((notBefore.getTime() - nowMs) / 1000)} (${notBefore.toISOString()}).`, evidence: certDates }],
  );
  const keyType = cert.info.keyType;
  add(s,
    { id: "key-type", title: "an RSA key", status: keyType === "RSA" ? "pass" : "fail", saw: `${keyType} ${cert.info.keyBits} bits`, expected: "RSA (rsaEncryption)" },
    "5002730",
    keyType === "RSA"
      ? []
      : keyType === "EC"
        ? [{ id: "ec-key", detail: `The certificate's key is EC (${cert.info.keyBits} bits): it cannot make the RSA signatures RS256 and PS256 are.`, evidence: [["key", `EC ${cert.info.keyBits} bits`], ["header alg", String(header?.alg ?? "?")]] }]
        : [{ id: "key-not-rsa", detail: `The certificate's key is ${keyType}; Entra verifies plain RSA keys (rsaEncryption).` }],
  );
  if (keyType === "RSA" || keyType === "RSA-PSS") {
    const big = cert.info.keyBits >= 2048;
    add(s,
      { id: "key-size", title: "at least 2048 bits", status: big ? "pass" : "fail", saw: `${cert.info.keyBits} bits`, expected: "2048 bits or more" },
      "50032",
      big ? [] : [{ id: "rsa-under-2048", detail: `The key is ${cert.info.keyBits} bits; Entra wants at least 2048.`, evidence: [["modulus", `${cert.info.keyBits} bits`]] }],
    );
  } else {
    add(s, { id: "key-size", title: "at least 2048 bits", status: "skip", saw: `(not an RSA key)`, expected: "2048 bits or more" }, undefined);
  }
}

function day(date: Date): string {
  return date.toISOString().slice(0, 19).replace("T", " ") + "Z";
}
