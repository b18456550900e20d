/**
 * The signature algorithms the mock vault offers on RSA keys, and the signing and verifying of a
 * digest with node:crypto. Key Vault signs a digest the client computed (the REST `value`), not
 * the message: "The DigestInfo is constructed on the server side for Sign operations that
 * algorithms RS256, RS384 and RS512 generate"
 * (https://learn.microsoft.com/azure/key-vault/keys/about-keys-details#rsa-algorithms).
 *
 * node:crypto's sign() always hashes its input, so the vault applies the RSA private-key operation
 * itself: PKCS#1 v1.5 as privateEncrypt(DigestInfo ‖ H) with type-1 padding (RFC 8017 §9.2), PSS as
 * EMSA-PSS-ENCODE (§9.1.1, hashes and MGF1 by createHash) then raw RSA (RSA_NO_PADDING). The tests
 * check both against crypto.verify over the message, the independent oracle.
 */
import { constants, createHash, createPublicKey, privateEncrypt, publicDecrypt, randomBytes, timingSafeEqual, type KeyObject } from "node:crypto";

export interface SignatureAlgorithm {
  /** Key Vault's JsonWebKeySignatureAlgorithm name (RFC 7518 §3.1). */
  alg: string;
  hash: "sha256" | "sha384" | "sha512";
  /** The digest length the vault requires, in bytes. */
  digestBytes: number;
  padding: "pkcs1" | "pss";
  /** RFC 8017 §9.2 note 1: the DER of DigestInfo up to the hash value. */
  digestInfoPrefix?: Buffer;
}

const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ""), "hex");

/** RS* are RSASSA-PKCS1-v1_5, PS* RSASSA-PSS with MGF1 of the same hash and a salt as long as the hash (RFC 7518 §3.3, §3.5). */
export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = [
  { alg: "RS256", hash: "sha256", digestBytes: 32, padding: "pkcs1", digestInfoPrefix: hex("30 31 30 0d 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20") },
  { alg: "RS384", hash: "sha384", digestBytes: 48, padding: "pkcs1", digestInfoPrefix: hex("30 41 30 0d 06 09 60 86 48 01 65 03 04 02 02 05 00 04 30") },
  { alg: "RS512", hash: "sha512", digestBytes: 64, padding: "pkcs1", digestInfoPrefix: hex("30 51 30 0d 06 09 60 86 48 01 65 03 04 02 03 05 00 04 40") },
  { alg: "PS256", hash: "sha256", digestBytes: 32, padding: "pss" },
  { alg: "PS384", hash: "sha384", digestBytes: 48, padding: "pss" },
  { alg: "PS512", hash: "sha512", digestBytes: 64, padding: "pss" },
];

/** By name, exactly as Key Vault spells it (RS256, not rs256). */
export function signatureAlgorithm(alg: unknown): SignatureAlgorithm | undefined {
  return SIGNATURE_ALGORITHMS.find((a) => a.alg === alg);
}

/** The signature of `digest` (already checked to be digestBytes long); PSS takes `salt` (digestBytes long), default random. */
export function signDigest(algorithm: SignatureAlgorithm, privateKey: KeyObject, digest: Buffer, salt: Buffer = randomBytes(algorithm.digestBytes)): Buffer {
  if (algorithm.padding === "pkcs1") return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([algorithm.digestInfoPrefix!, digest]));
  const emBits = modulusBits(privateKey) - 1;
  return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, leftPad(emsaPssEncode(algorithm, digest, emBits, salt), modulusBytes(privateKey)));
}

/** true when `signature` is the key's signature of `digest`; false for anything else, never a throw. */
export function verifyDigest(algorithm: SignatureAlgorithm, key: KeyObject, digest: Buffer, signature: Buffer): boolean {
  const publicKey = key.type === "private" ? createPublicKey(key) : key;
  if (signature.length !== modulusBytes(publicKey)) return false;
  try {
    if (algorithm.padding === "pkcs1") {
      const expected = Buffer.concat([algorithm.digestInfoPrefix!, digest]);
      const recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
      return recovered.length === expected.length && timingSafeEqual(recovered, expected);
    }
    const em = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature);
    return emsaPssVerify(algorithm, digest, em, modulusBits(publicKey) - 1);
  } catch {
    return false; // s ≥ n, or padding that does not parse
  }
}

/** RFC 8017 §9.1.1 EMSA-PSS-ENCODE, from step 4 on (mHash is the digest the client sent). */
function emsaPssEncode(a: SignatureAlgorithm, mHash: Buffer, emBits: number, salt: Buffer): Buffer {
  const hLen = a.digestBytes;
  const emLen = Math.ceil(emBits / 8);
  const h = createHash(a.hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest(); // steps 5-6: H = Hash(00×8 ‖ mHash ‖ salt)
  const db = Buffer.concat([Buffer.alloc(emLen - salt.length - hLen - 2), Buffer.of(0x01), salt]); // steps 7-8
  const masked = xor(db, mgf1(a.hash, h, emLen - hLen - 1)); // steps 9-10
  masked[0]! &= 0xff >> (8 * emLen - emBits); // step 11
  return Buffer.concat([masked, h, Buffer.of(0xbc)]); // step 12
}

/** RFC 8017 §9.1.2 EMSA-PSS-VERIFY, with sLen = hLen. */
function emsaPssVerify(a: SignatureAlgorithm, mHash: Buffer, em: Buffer, emBits: number): boolean {
  const hLen = a.digestBytes;
  const emLen = Math.ceil(emBits / 8);
  const encoded = em.subarray(em.length - emLen);
  if (em.length > emLen && em.subarray(0, em.length - emLen).some((b) => b !== 0)) return false;
  if (emLen < 2 * hLen + 2 || encoded[emLen - 1] !== 0xbc) return false; // steps 3-4
  const masked = encoded.subarray(0, emLen - hLen - 1);
  const h = encoded.subarray(emLen - hLen - 1, emLen - 1);
  const topBits = 0xff >> (8 * emLen - emBits);
  if ((masked[0]! & ~topBits) !== 0) return false; // step 6
  const db = xor(masked, mgf1(a.hash, h, emLen - hLen - 1)); // steps 7-8
  db[0]! &= topBits; // step 9
  const psLen = emLen - hLen - hLen - 2;
  if (db.subarray(0, psLen).some((b) => b !== 0) || db[psLen] !== 0x01) return false; // step 10
  const salt = db.subarray(db.length - hLen); // step 11
  const h2 = createHash(a.hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest(); // steps 12-13
  return timingSafeEqual(h, h2); // step 14
}

/** RFC 8017 B.2.1 MGF1: Hash(seed ‖ C) for C = 0, 1, … until maskLen bytes. */
function mgf1(hash: SignatureAlgorithm["hash"], seed: Buffer, maskLen: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0, length = 0; length < maskLen; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(seed).update(c).digest();
    blocks.push(block);
    length += block.length;
  }
  return Buffer.concat(blocks).subarray(0, maskLen);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

function leftPad(bytes: Buffer, length: number): Buffer {
  return bytes.length >= length ? bytes : Buffer.concat([Buffer.alloc(length - bytes.length), bytes]);
}

function modulusBits(key: KeyObject): number {
  return key.asymmetricKeyDetails?.modulusLength ?? 2048;
}

function modulusBytes(key: KeyObject): number {
  return Math.ceil(modulusBits(key) / 8);
}
