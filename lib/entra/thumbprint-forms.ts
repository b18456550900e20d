/**
 * The forms one certificate thumbprint takes, and the way between them: Windows shows the SHA-1
 * (and certutil / the portal the SHA-256) as hex, the JWT header carries the same bytes as x5t
 * (SHA-1) or x5t#S256 (SHA-256) in base64url (RFC 7515 §4.1.7, §4.1.8). Pure: no certificate needed.
 */
import { base64urlEncode } from "../crypto/base64url.ts";
import { fromHex, toHex } from "../bytes.ts";
import { tolerantBase64 } from "./doctor/tolerant-jwt.ts";

export type ThumbprintConversion =
  | { ok: true; from: "hex" | "base64url" | "base64"; algorithm: "SHA-1" | "SHA-256"; header: "x5t" | "x5t#S256"; hex: string; headerValue: string; note?: string }
  | { ok: false; reason: string };

/** The lengths that tell the hash: 20 bytes is a SHA-1, 32 a SHA-256. */
const ALGORITHM_BY_LENGTH = { 20: "SHA-1", 32: "SHA-256" } as const;

/**
 * Reads a thumbprint as people copy it (hex with or without spaces or colons, as certmgr, openssl
 * and $cert.Thumbprint show it; or an x5t / x5t#S256 value, base64url or base64, padded or not) and
 * gives both forms: the upper-case hex and the unpadded base64url the header wants.
 */
export function convertThumbprint(text: string): ThumbprintConversion {
  const value = text.trim().replace(/^\u200e|\u200e$/g, ""); // certmgr's copy adds an invisible left-to-right mark
  const compactHex = value.replace(/[\s:-]/g, "");
  let bytes: Uint8Array | undefined;
  let from: "hex" | "base64url" | "base64";
  if (/^[0-9A-Fa-f]+$/.test(compactHex) && (compactHex.length === 40 || compactHex.length === 64)) {
    bytes = fromHex(compactHex);
    from = "hex";
  } else {
    const unpadded = value.replace(/={1,2}$/, "");
    const isUrl = /^[A-Za-z0-9_-]+$/.test(unpadded);
    const isStd = /^[A-Za-z0-9+/]+$/.test(unpadded);
    if (!isUrl && !isStd) return { ok: false, reason: `"${short(value)}" is neither hex nor base64url: a thumbprint is 40 (SHA-1) or 64 (SHA-256) hex digits, or their 20 or 32 bytes in base64url.` };
    if (unpadded.length % 4 === 1) return { ok: false, reason: `"${short(value)}" has an impossible base64 length (${unpadded.length} characters): it was cut or has an extra character.` };
    bytes = tolerantBase64(unpadded)!;
    from = isUrl ? "base64url" : "base64";
  }
  const algorithm = ALGORITHM_BY_LENGTH[bytes.length as 20 | 32];
  if (!algorithm) {
    const text = new TextDecoder().decode(bytes);
    const hexText = /^[0-9A-Fa-f]{40}$|^[0-9A-Fa-f]{64}$/.test(text);
    return {
      ok: false,
      reason: hexText
        ? `This is base64url of the hex TEXT ${text.toUpperCase()}, not of its ${text.length / 2} bytes: the classic x5t mistake (AADSTS700027). Convert the hex itself.`
        : `It decodes to ${bytes.length} bytes; a SHA-1 thumbprint is 20 and a SHA-256 is 32.`,
    };
  }
  const result: ThumbprintConversion = { ok: true, from, algorithm, header: algorithm === "SHA-1" ? "x5t" : "x5t#S256", hex: toHex(bytes).toUpperCase(), headerValue: base64urlEncode(bytes) };
  if (from === "base64" || (from === "base64url" && value.endsWith("="))) {
    result.note = `${from === "base64" ? "Standard base64" : "Padded base64url"}: Entra reads it (${from === "base64" ? "msal4j and MSAL Go send it so" : "MSAL Python sends it so"}); RFC 7515's form is the unpadded base64url shown.`;
  }
  return result;
}

function short(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}
