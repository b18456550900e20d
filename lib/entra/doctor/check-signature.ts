/** Step 13 of the assertion, the last: the signature verifies with the certificate's key (700027). */
import { add, type AssertionState, type FoundCause } from "./check-state.ts";
import { JWS_ALGS, signatureForensics, type SignatureForensics } from "./signature-forensics.ts";
import type { ThumbprintReading } from "./thumbprints.ts";

/** Checks the signature, and when it does not verify, names what was signed, and how, instead. */
export function checkSignature(s: AssertionState): void {
  const { input, run, jws, header, payload, signature, key } = s;
  // 13. The signature (RFC 7515 §5.2 step 8; RFC 7518 §3.3 RS256, §3.5 PS256).
  const cert = input.cert;
  if (!cert) {
    run.unverified.push("signature");
    add(s, { id: "signature", title: "the signature verifies", status: "skip", saw: "no certificate given (--cert FILE)", expected: "a signature by the certificate's key" }, undefined);
    return;
  }
  const alg = typeof header?.alg === "string" ? header.alg : undefined;
  if (!cert.publicKey || !alg || !JWS_ALGS[alg] || !signature || signature.length === 0 || jws.parts.length !== 3) {
    const why = !cert.publicKey ? "(not an RSA certificate)" : !alg || !JWS_ALGS[alg] ? "(no algorithm Entra verifies)" : "(no signature to check)";
    add(s, { id: "signature", title: "the signature verifies", status: "skip", saw: why, expected: "a signature by the certificate's key" }, undefined);
    return;
  }
  const forensics = signatureForensics({ alg, headerPart: jws.parts[0]!, payloadPart: jws.parts[1]!, signature, key: cert.publicKey, ...(header ? { header } : {}), ...(payload ? { payload } : {}) });
  const sigCauses = signatureCauses(alg, forensics, key);
  add(s,
    { id: "signature", title: "the signature verifies", status: forensics.verdict.kind === "valid" ? "pass" : "fail", saw: describeSignature(alg, forensics), expected: `${JWS_ALGS[alg]!.scheme === "pss" ? "RSASSA-PSS, SHA-256, salt 32" : `RSASSA-PKCS1-v1_5 with ${JWS_ALGS[alg]!.hash.toUpperCase()}`} over header.payload, by the certificate's key` },
    "700027-bad-signature",
    sigCauses,
  );
}

/** The causes a signature that does not verify points to. */
function signatureCauses(alg: string, f: SignatureForensics, thumbprint: ThumbprintReading | undefined): FoundCause[] {
  const v = f.verdict;
  const spec = JWS_ALGS[alg]!;
  const evidence = f.evidence;
  switch (v.kind) {
    case "valid":
      return [];
    case "wrong-length":
      return [{ id: "key-mismatch", detail: `The signature is ${v.length} bytes, but this ${v.expected * 8}-bit key makes ${v.expected}-byte signatures: it was made with another (${v.length * 8}-bit) key.`, evidence }];
    case "out-of-range":
    case "no-structure":
      return [{ id: "key-mismatch", detail: `Opened with this certificate's public key, the signature shows no padding at all (s^e mod n is noise): it was made with another private key${thumbprint ? " than the certificate the header names" : ""}.`, evidence }];
    case "pkcs1": {
      if (spec.scheme === "pss") {
        return [{ id: "ps256-with-pkcs1-signature", detail: `alg is PS256, but the signature is RSASSA-PKCS1-v1_5${v.overThisInput ? ", a valid RS256 signature of this very header.payload" : ""}.`, evidence }];
      }
      if (v.hash === "bare") return [{ id: "wrong-hash-algorithm", detail: "The PKCS#1 v1.5 block holds a bare hash without its DigestInfo: the signer used 'raw' RSA on a digest (NONEwithRSA, a Key Vault RSNULL-style call) instead of RS256.", evidence }];
      if (v.hash !== spec.hash)
        return [{ id: "wrong-hash-algorithm", detail: `alg ${alg} means ${spec.hash.toUpperCase()}, but the signature holds a ${v.hash.toUpperCase()} DigestInfo${v.overThisInput ? " of this very header.payload" : ""}.`, evidence }];
      return [{ id: "signature-over-other-input", detail: v.variant ? `The signature is over ${v.variant}, not the header.payload that was sent.` : "The key and padding are right, but the hash inside is not the hash of header.payload as sent: other bytes were signed (none of the usual variants matched).", evidence: v.variant ? [...evidence, ["signed instead", v.variant]] : evidence }];
    }
    case "pss": {
      if (spec.scheme === "pkcs1") return [{ id: "rs256-with-pss-signature", detail: `alg is ${alg}, but the signature is RSASSA-PSS${v.overThisInput ? ", a valid PSS signature of this very header.payload" : ""}.`, evidence }];
      if (v.overThisInput && v.saltLength !== 32) return [{ id: "pss-salt-length", detail: `The PSS signature is over this header.payload but with a ${v.saltLength}-byte salt; PS256 uses 32 (RFC 7518 §3.5), and Entra checks it.`, evidence }];
      return [{ id: "signature-over-other-input", detail: v.variant ? `The signature is over ${v.variant}, not the header.payload that was sent.` : "The key and padding are right, but the PSS hash does not match header.payload as sent: other bytes were signed (none of the usual variants matched).", evidence: v.variant ? [...evidence, ["signed instead", v.variant]] : evidence }];
    }
  }
}

function describeSignature(alg: string, f: SignatureForensics): string {
  const v = f.verdict;
  switch (v.kind) {
    case "valid":
      return `a valid ${alg} signature by the certificate's key`;
    case "wrong-length":
      return `${v.length} bytes; this key signs ${v.expected}`;
    case "out-of-range":
      return "larger than the modulus";
    case "no-structure":
      return "no padding under this key: another key signed it";
    case "pkcs1":
      return `PKCS#1 v1.5 with ${v.hash === "bare" ? "a bare hash" : v.hash.toUpperCase()}${v.overThisInput ? " over header.payload" : " over other bytes"}`;
    case "pss":
      return `PSS, salt ${v.saltLength} bytes${v.overThisInput ? " over header.payload" : " over other bytes"}`;
  }
}
