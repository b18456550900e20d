/**
 * EMSA-PKCS1-v1_5, RFC 8017 §9.2: the deterministic encoding behind RSASSA-PKCS1-v1_5 (RS256).
 * EM = 0x00 || 0x01 || PS || 0x00 || T, where T is the DER-encoded DigestInfo of the hash and PS is
 * as many 0xff bytes as fill EM to the modulus length.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-9.2
 */
import { concatBytes, fromHex } from "../../bytes.ts";
import { KitError } from "../../errors.ts";
import type { HashFunction } from "../hash.ts";

/**
 * The DER encodings of DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET
 * STRING } up to the hash value, from RFC 8017 §9.2 Note 1. T = prefix || H.
 *
 * SHA-1:   30 21 (SEQUENCE, 33 bytes) 30 09 (AlgorithmIdentifier) 06 05 2b 0e 03 02 1a (OID
 *          1.3.14.3.2.26, id-sha1) 05 00 (NULL parameters) 04 14 (OCTET STRING, 20 bytes).
 * SHA-256: 30 31 (SEQUENCE, 49 bytes) 30 0d (AlgorithmIdentifier) 06 09 60 86 48 01 65 03 04 02 01
 *          (OID 2.16.840.1.101.3.4.2.1, id-sha256) 05 00 (NULL) 04 20 (OCTET STRING, 32 bytes).
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-9.2
 */
export const DIGEST_INFO_PREFIX: Readonly<Record<HashFunction["name"], Uint8Array>> = Object.freeze({
  "SHA-1": fromHex("3021300906052b0e03021a05000414"),
  "SHA-256": fromHex("3031300d060960864801650304020105000420"),
});

/** The output of EMSA-PKCS1-v1_5-ENCODE with its intermediate values (RFC 8017 §9.2). */
export interface Pkcs1v15Encoding {
  /** H = Hash(M), step 1. */
  H: Uint8Array;
  /** T, the DER-encoded DigestInfo of step 2: the §9.2 Note 1 prefix followed by H. */
  digestInfo: Uint8Array;
  /** PS, the emLen − tLen − 3 bytes of 0xff of step 4 (at least 8). */
  ps: Uint8Array;
  /** EM = 0x00 || 0x01 || PS || 0x00 || T, step 5. */
  em: Uint8Array;
}

function digestInfoPrefix(Hash: HashFunction): Uint8Array {
  const prefix = (DIGEST_INFO_PREFIX as Partial<Record<string, Uint8Array>>)[Hash.name];
  if (!prefix) throw new KitError("UNSUPPORTED_HASH", `No DigestInfo is defined here for the hash "${Hash.name}".`, "Use SHA-256 (RS256) or SHA-1.");
  return prefix;
}

/**
 * EMSA-PKCS1-v1_5-ENCODE: the deterministic padding of RS256.
 * @param M the message to be encoded (for a JWT, the ASCII signing input "header.payload").
 * @param emLen the intended length in octets of the encoded message; k for a signature.
 * @throws KitError EM_TOO_SHORT ("intended encoded message length too short") when emLen < tLen + 11 (step 3).
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-9.2
 */
export function emsaPkcs1v15Encode(M: Uint8Array, emLen: number, Hash: HashFunction): Pkcs1v15Encoding {
  // Step 1: H = Hash(M). ("message too long" concerns inputs of 2^61 bytes and more, unreachable here.)
  const H = Hash.digest(M);
  // Step 2: T is the DER encoding of the DigestInfo value (digestAlgorithm, digest = H); tLen = |T|.
  const T = concatBytes(digestInfoPrefix(Hash), H);
  const tLen = T.length;
  // Step 3: "If emLen < tLen + 11, output 'intended encoded message length too short' and stop."
  if (emLen < tLen + 11) {
    throw new KitError(
      "EM_TOO_SHORT",
      `intended encoded message length too short: emLen = ${emLen} bytes, but ${Hash.name} needs at least tLen + 11 = ${tLen + 11} (RFC 8017 §9.2 step 3).`,
      `Use an RSA key of at least ${(tLen + 11) * 8} bits (Entra ID expects 2048 or more).`,
    );
  }
  // Step 4: PS is emLen - tLen - 3 octets with hexadecimal value 0xff.
  const ps = new Uint8Array(emLen - tLen - 3).fill(0xff);
  // Step 5: EM = 0x00 || 0x01 || PS || 0x00 || T.
  const em = concatBytes(Uint8Array.of(0x00, 0x01), ps, Uint8Array.of(0x00), T);
  return { H, digestInfo: T, ps, em };
}
