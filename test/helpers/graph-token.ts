/**
 * How a Microsoft Graph access token is checked, independently of the mock's code: its header has a
 * nonce, and the signature covers the header with the nonce replaced by its SHA-256 (base64url in
 * the mock; the encoding Graph uses is not published). A plain JWKS verification must FAIL, as it
 * does for real Graph tokens ("only Microsoft Graph can validate such token").
 */
import { createHash, verify, type KeyObject } from "node:crypto";

export function verifiesAsGraph(token: string, key: KeyObject): { plain: boolean; asGraph: boolean; nonce: unknown } {
  const [h, p, s] = token.split(".") as [string, string, string];
  const header = JSON.parse(Buffer.from(h, "base64url").toString()) as Record<string, unknown>;
  const signature = Buffer.from(s, "base64url");
  const plain = verify("sha256", Buffer.from(`${h}.${p}`), key, signature);
  if (typeof header.nonce !== "string") return { plain, asGraph: plain, nonce: header.nonce };
  const hashed = Buffer.from(JSON.stringify({ ...header, nonce: createHash("sha256").update(header.nonce).digest("base64url") })).toString("base64url");
  return { plain, asGraph: verify("sha256", Buffer.from(`${hashed}.${p}`), key, signature), nonce: header.nonce };
}
