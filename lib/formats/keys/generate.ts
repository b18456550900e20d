/**
 * New RSA key pairs, from WebCrypto: the one piece of key handling the kit does not build by hand.
 */
import type { RsaPrivateKey } from "../../crypto/rsa/index.ts";
import { rsaPrivateKeyFromPkcs8 } from "./pkcs8.ts";

/**
 * A new RSA key pair from WebCrypto (RSASSA-PKCS1-v1_5, e = 65537, RFC 8017 §3.1): key generation
 * is not hand-built here, as the design asks; it needs a vetted prime search and a good RNG.
 */
export async function generateRsaPrivateKey(bits: number): Promise<RsaPrivateKey> {
  const pair = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  return rsaPrivateKeyFromPkcs8(new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey)));
}
