/**
 * Signature forensics: what a signature that does not verify actually is.
 *
 * An RSA signature opened with the public key, m = s^e mod n (RSAVP1, RFC 8017 §5.2.2), gives the
 * encoded message EM the signer padded. Its shape tells what happened:
 *   - 00 01 ff…ff 00 DigestInfo(hash) is EMSA-PKCS1-v1_5 (RFC 8017 §9.2): an RS256-style signature.
 *     If the hash inside is not SHA-256(signing input), the signer signed other bytes; re-serialised
 *     variants of the header and payload show which.
 *   - …bc with a DB of zeros, 0x01 and a salt after unmasking is EMSA-PSS (RFC 8017 §9.1): PS256-style.
 *   - anything else is noise: the signature was made with another private key.
 * Which algorithm the header names decides which of these is right (RFC 7518 §3.3 RS256, §3.5 PS256).
 */
import { concatBytes, fromHex, toHex, utf8Encode } from "../../bytes.ts";
import { DIGEST_INFO_PREFIX, i2osp, mgf1, modulusBits, modulusLength, os2ip, rsavp1, type RsaPublicKey } from "../../crypto/rsa/index.ts";
import { SHA256 } from "../../crypto/sha256.ts";
import { base64urlEncode } from "../../crypto/base64url.ts";
import { equal, sha } from "./thumbprints.ts";

type HashName = "sha1" | "sha256" | "sha384" | "sha512";

/** The DigestInfo prefixes of RFC 8017 §9.2 Note 1 (SHA-1 and SHA-256 from lib/crypto/rsa). */
const DIGEST_INFOS: { hash: HashName; label: string; prefix: Uint8Array; length: number }[] = [
  { hash: "sha256", label: "SHA-256", prefix: DIGEST_INFO_PREFIX["SHA-256"], length: 32 },
  { hash: "sha1", label: "SHA-1", prefix: DIGEST_INFO_PREFIX["SHA-1"], length: 20 },
  // 30 41 30 0d 06 09 60 86 48 01 65 03 04 02 02 05 00 04 30: id-sha384 (2.16.840.1.101.3.4.2.2)
  { hash: "sha384", label: "SHA-384", prefix: fromHex("3041300d060960864801650304020205000430"), length: 48 },
  // 30 51 30 0d 06 09 60 86 48 01 65 03 04 02 03 05 00 04 40: id-sha512 (2.16.840.1.101.3.4.2.3)
  { hash: "sha512", label: "SHA-512", prefix: fromHex("3051300d060960864801650304020305000440"), length: 64 },
];

/** What each JWS algorithm the mock takes means (RFC 7518 §3.1). */
export const JWS_ALGS: Readonly<Record<string, { scheme: "pkcs1" | "pss"; hash: HashName }>> = {
  RS256: { scheme: "pkcs1", hash: "sha256" },
  RS384: { scheme: "pkcs1", hash: "sha384" },
  RS512: { scheme: "pkcs1", hash: "sha512" },
  PS256: { scheme: "pss", hash: "sha256" },
};

/** A variant of what might have been signed, with words for it. */
export interface Candidate {
  label: string;
  message: Uint8Array;
}

export type SignatureVerdict =
  | { kind: "valid" }
  | { kind: "wrong-length"; length: number; expected: number }
  | { kind: "out-of-range" }
  | { kind: "no-structure" }
  | { kind: "pkcs1"; hash: HashName | "bare"; overThisInput: boolean; variant?: string }
  | { kind: "pss"; saltLength: number; overThisInput: boolean; variant?: string };

export interface SignatureForensics {
  verdict: SignatureVerdict;
  /** EM = I2OSP(s^e mod n), hex, shortened, for the evidence. */
  em?: string;
  evidence: [string, string][];
}

export interface ForensicsInput {
  alg: string;
  /** The segments as sent. */
  headerPart: string;
  payloadPart: string;
  signature: Uint8Array;
  key: RsaPublicKey;
  /** The decoded header and payload, to build re-serialised variants. */
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
}

/** Opens the signature with the public key and says what kind of signature it is, and over what. */
export function signatureForensics(input: ForensicsInput): SignatureForensics {
  const k = modulusLength(input.key);
  const modBits = modulusBits(input.key);
  const signingInput = utf8Encode(`${input.headerPart}.${input.payloadPart}`);
  const evidence: [string, string][] = [];
  if (input.signature.length !== k) {
    evidence.push(["signature length", `${input.signature.length} bytes (${input.signature.length * 8} bits)`], ["this key's signatures", `${k} bytes: a ${modBits}-bit modulus (RFC 8017 §8.2.2 step 1)`]);
    return { verdict: { kind: "wrong-length", length: input.signature.length, expected: k }, evidence };
  }
  const s = os2ip(input.signature);
  if (s >= input.key.n) {
    evidence.push(["s", "larger than the modulus n: no signature of this key can be (RFC 8017 §5.2.2 step 1)"]);
    return { verdict: { kind: "out-of-range" }, evidence };
  }
  // RFC 8017 §5.2.2: m = s^e mod n, then EM = I2OSP(m, k).
  const em = i2osp(rsavp1(input.key, s), k);
  const emShown = shortEm(em);
  evidence.push(["EM = s^e mod n", emShown]);
  const spec = JWS_ALGS[input.alg];
  const candidates = () => otherInputs(input, signingInput);

  const pkcs1 = parsePkcs1(em);
  if (pkcs1) {
    const info = DIGEST_INFOS.find((d) => d.hash === pkcs1.hash);
    evidence.push(["padding", `EMSA-PKCS1-v1_5 (00 01 ff…ff 00 DigestInfo): ${pkcs1.hash === "bare" ? `a bare ${pkcs1.digest.length}-byte hash, no DigestInfo` : `DigestInfo ${info!.label}`}`]);
    const hashOf = (m: Uint8Array) => (pkcs1.hash === "bare" ? sha(m, pkcs1.digest.length === 20 ? "sha1" : pkcs1.digest.length === 48 ? "sha384" : pkcs1.digest.length === 64 ? "sha512" : "sha256") : sha(m, pkcs1.hash));
    const overThisInput = equal(pkcs1.digest, hashOf(signingInput));
    evidence.push(["hash in the signature", toHex(pkcs1.digest)]);
    if (!overThisInput) evidence.push(["hash of header.payload", toHex(hashOf(signingInput))]);
    if (spec?.scheme === "pkcs1" && spec.hash === pkcs1.hash && overThisInput) return { verdict: { kind: "valid" }, em: emShown, evidence };
    const verdict: SignatureVerdict = { kind: "pkcs1", hash: pkcs1.hash, overThisInput };
    if (!overThisInput) {
      const hit = candidates().find((c) => equal(pkcs1.digest, hashOf(c.message)));
      if (hit) verdict.variant = hit.label;
    }
    return { verdict, em: emShown, evidence };
  }

  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const pssEm = emLen === k ? em : em[0] === 0 ? em.subarray(1) : undefined;
  const pss = pssEm ? parsePss(pssEm, emBits) : undefined;
  if (pss) {
    const overThisInput = pss.verify(signingInput);
    evidence.push(["padding", `EMSA-PSS with SHA-256 and MGF1-SHA-256 (ends in bc), salt of ${pss.saltLength} bytes`]);
    if (spec?.scheme === "pss" && overThisInput && pss.saltLength === 32) return { verdict: { kind: "valid" }, em: emShown, evidence };
    const verdict: SignatureVerdict = { kind: "pss", saltLength: pss.saltLength, overThisInput };
    if (!overThisInput) {
      const hit = candidates().find((c) => pss.verify(c.message));
      if (hit) verdict.variant = hit.label;
    }
    return { verdict, em: emShown, evidence };
  }
  evidence.push(["padding", "none recognisable: PKCS#1 v1.5 starts 00 01 ff ff…, PSS ends in bc"]);
  return { verdict: { kind: "no-structure" }, em: emShown, evidence };
}

function shortEm(em: Uint8Array): string {
  const hex = toHex(em);
  return hex.length > 72 ? `${hex.slice(0, 40)}…${hex.slice(-24)}` : hex;
}

/** EMSA-PKCS1-v1_5 taken apart (RFC 8017 §9.2 step 5: EM = 0x00 || 0x01 || PS || 0x00 || T, PS ≥ 8 bytes of ff). */
function parsePkcs1(em: Uint8Array): { hash: HashName | "bare"; digest: Uint8Array } | undefined {
  if (em[0] !== 0x00 || em[1] !== 0x01) return undefined;
  let i = 2;
  while (i < em.length && em[i] === 0xff) i++;
  if (i - 2 < 8 || em[i] !== 0x00) return undefined;
  const T = em.subarray(i + 1);
  for (const d of DIGEST_INFOS) {
    if (T.length === d.prefix.length + d.length && equal(T.subarray(0, d.prefix.length), d.prefix)) return { hash: d.hash, digest: T.slice(d.prefix.length) };
  }
  // A hash without its DigestInfo: "raw" RSA signing of a precomputed digest.
  if ([20, 32, 48, 64].includes(T.length)) return { hash: "bare", digest: T.slice() };
  return undefined;
}

/**
 * EMSA-PSS-VERIFY (RFC 8017 §9.1.2) split in two: steps 4–10 need no message and recover the salt
 * (whatever its length); steps 12–14 then check any candidate message against H.
 */
function parsePss(em: Uint8Array, emBits: number): { saltLength: number; verify: (m: Uint8Array) => boolean } | undefined {
  const hLen = 32;
  const emLen = em.length;
  if (emLen < hLen + 2) return undefined;
  // Step 4: the rightmost octet is 0xbc.
  if (em[emLen - 1] !== 0xbc) return undefined;
  // Step 5: maskedDB, then H.
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const H = em.slice(emLen - hLen - 1, emLen - 1);
  // Step 6: the leftmost 8·emLen − emBits bits of maskedDB are zero.
  const topBits = 8 * emLen - emBits;
  if ((maskedDb[0]! & ((0xff << (8 - topBits)) & 0xff)) !== 0) return undefined;
  // Steps 7–9: DB = maskedDB ⊕ MGF1(H), top bits cleared.
  const dbMask = mgf1(H, maskedDb.length, SHA256);
  const DB = maskedDb.map((b, i) => b ^ dbMask[i]!);
  DB[0] = DB[0]! & (0xff >> topBits);
  // Step 10, for any salt length: zeros, then 0x01, then the salt.
  let i = 0;
  while (i < DB.length && DB[i] === 0) i++;
  if (DB[i] !== 0x01) return undefined;
  const salt = DB.slice(i + 1);
  return {
    saltLength: salt.length,
    // Steps 12–14: H = Hash(00 00 00 00 00 00 00 00 || mHash || salt).
    verify: (m) => equal(H, sha(concatBytes(new Uint8Array(8), sha(m, "sha256"), salt), "sha256")),
  };
}

// ── What else might have been signed ─────────────────────────────────────────────────────────────

type Form = { label: string; json: (o: Record<string, unknown>) => string };

const JSON_FORMS: Form[] = [
  { label: "compact JSON", json: (o) => JSON.stringify(o) },
  { label: "JSON indented with 2 spaces", json: (o) => JSON.stringify(o, null, 2) },
  { label: "JSON indented with 4 spaces", json: (o) => JSON.stringify(o, null, 4) },
  { label: "JSON indented with tabs", json: (o) => JSON.stringify(o, null, "\t") },
  { label: "JSON indented with 2 spaces, CRLF line ends", json: (o) => JSON.stringify(o, null, 2).replace(/\n/g, "\r\n") },
  { label: "JSON indented with 4 spaces, CRLF line ends (PowerShell ConvertTo-Json style)", json: (o) => JSON.stringify(o, null, 4).replace(/\n/g, "\r\n") },
  { label: "compact JSON with sorted keys", json: (o) => JSON.stringify(Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))) },
];

const ENCODINGS: { label: string; encode: (b: Uint8Array) => string }[] = [
  { label: "base64url", encode: (b) => base64urlEncode(b) },
  { label: "padded base64url", encode: (b) => Buffer.from(b).toString("base64url") + "=".repeat((4 - (Buffer.from(b).toString("base64url").length % 4)) % 4) },
  { label: "standard base64", encode: (b) => Buffer.from(b).toString("base64") },
];

/**
 * The inputs a signer commonly signs by mistake, each labelled: the header and payload re-serialised
 * (pretty-printed, CRLF, sorted keys) or re-encoded, the text with a line end, as UTF-16, hashed
 * twice, only one segment, the JSON instead of its base64url, or the header/payload before a field
 * was added or changed.
 */
export function otherInputs(input: ForensicsInput, signingInput: Uint8Array): Candidate[] {
  const out: Candidate[] = [];
  const text = `${input.headerPart}.${input.payloadPart}`;
  const push = (label: string, message: Uint8Array | string) => {
    const bytes = typeof message === "string" ? utf8Encode(message) : message;
    if (!equal(bytes, signingInput)) out.push({ label, message: bytes });
  };
  push("the signing input hashed twice (a pre-hashed digest given to a sign call that hashes again, e.g. Key Vault's sign with the wrong digest)", sha(signingInput, "sha256"));
  push("header.payload followed by a line feed (echo, a file written with a newline)", `${text}\n`);
  push("header.payload followed by CR LF", `${text}\r\n`);
  push("header.payload as UTF-16LE (PowerShell [Text.Encoding]::Unicode.GetBytes)", new Uint8Array(Buffer.from(text, "utf16le")));
  push("only the payload segment", input.payloadPart);
  push("only the header segment", input.headerPart);
  if (input.header && input.payload) {
    const h = input.header;
    const p = input.payload;
    push("the JSON texts joined by a dot, not their base64url", `${JSON.stringify(h)}.${JSON.stringify(p)}`);
    push("the payload JSON alone", JSON.stringify(p));
    for (const hf of JSON_FORMS)
      for (const pf of JSON_FORMS)
        for (const enc of ENCODINGS) {
          push(`the header and payload as ${hf === pf ? hf.label : `${hf.label} (header) and ${pf.label} (payload)`}, encoded as ${enc.label}`, `${enc.encode(utf8Encode(hf.json(h)))}.${enc.encode(utf8Encode(pf.json(p)))}`);
        }
    for (const name of Object.keys(h)) {
      const without = Object.fromEntries(Object.entries(h).filter(([k]) => k !== name));
      push(`the header without "${name}": "${name}" was added or changed after signing`, `${base64urlEncode(utf8Encode(JSON.stringify(without)))}.${input.payloadPart}`);
    }
    for (const alg of ["RS256", "PS256"]) {
      if (h.alg === alg) continue;
      push(`the header with alg "${alg}": alg was changed after signing`, `${base64urlEncode(utf8Encode(JSON.stringify({ ...h, alg })))}.${input.payloadPart}`);
    }
    for (const name of Object.keys(p)) {
      const without = Object.fromEntries(Object.entries(p).filter(([k]) => k !== name));
      push(`the payload without "${name}": "${name}" was added or changed after signing`, `${input.headerPart}.${base64urlEncode(utf8Encode(JSON.stringify(without)))}`);
    }
  }
  return out;
}
