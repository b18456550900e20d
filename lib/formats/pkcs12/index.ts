/**
 * PKCS#12 / PFX files (RFC 7292): the "certificate with its private key, under a password" file
 * that Windows, Azure Key Vault and OpenSSL hand you, and that an app can use to sign in to
 * Microsoft Entra ID with a certificate.
 *
 * The layers of a PFX, outside in (RFC 7292 §4):
 *
 *   PFX { version 3, authSafe, macData }            macData = HMAC over authSafe, key from the
 *     authSafe: ContentInfo (data)                  password via the PKCS#12 KDF (Appendix B)
 *       AuthenticatedSafe: SEQUENCE OF ContentInfo  each one plain "data" or password-"encryptedData"
 *         SafeContents: SEQUENCE OF SafeBag         a bag holds a certificate, a key, ...
 *           SafeBag { bagId, bagValue, bagAttributes (friendlyName, localKeyId) }
 *
 * Reading handles the three kinds of file a workshop participant is likely to bring:
 *   - OpenSSL 3 default: PBES2 (PBKDF2-HMAC-SHA256 + AES-256-CBC, RFC 8018) for both certificates
 *     and key, HMAC-SHA256 MAC. pkijs decrypts these itself through WebCrypto.
 *   - `openssl pkcs12 -export -legacy`: certificates under pbeWithSHAAnd40BitRC2-CBC, the key under
 *     pbeWithSHAAnd3-KeyTripleDES-CBC, HMAC-SHA1 MAC.
 *   - Windows Export-PfxCertificate "TripleDES-SHA1": 3DES for both, HMAC-SHA1 MAC.
 * pkijs 4 only knows PBES2, so Pkcs12CryptoEngine below adds the RFC 7292 Appendix C algorithms,
 * using the PKCS#12 KDF from ./pkcs12-kdf.ts, node:crypto's des-ede3-cbc (in OpenSSL 3's default
 * provider) and the pure-TypeScript RC2 from ./rc2.ts (RC2 is only in OpenSSL's legacy provider,
 * which this kit never asks for).
 *
 * Writing produces what OpenSSL 3 writes by default, which Windows 10 1709+, OpenSSL 3 (without
 * -legacy), Node's tls module and Azure accept.
 *
 * No printing and no I/O here.
 */

import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { equalBytes, toArrayBuffer, utf8Encode } from "../../bytes.ts";
import { KitError } from "../../errors.ts";
import {
  nodeCbcDecrypt,
  nodeCbcEncrypt,
  nodeCertificateKeyPairCheck,
  nodeCertificatePublicKey,
  nodeDigest,
  nodeHmac,
  nodePbkdf2,
  nodePublicKeyOfPrivateKey,
  nodeRandomBytes,
  type NodeHashName,
} from "../../oracle.ts";
import { parseDerPrefix, sniffDer } from "../der.ts";
import { OID } from "../oids.ts";
import { PKCS12_KDF_ID, type Pkcs12KdfHash, passwordToBmpString, pkcs12Kdf } from "./kdf.ts";
import { Rc2PaddingError, rc2CbcDecrypt } from "./rc2.ts";

/** PBKDF2's pseudo-random functions (RFC 8018 B.1): OID to WebCrypto/display hash name. */
const PBKDF2_PRFS: Record<string, "SHA-1" | "SHA-256" | "SHA-384" | "SHA-512"> = {
  [OID.hmacWithSHA1]: "SHA-1", // hmacWithSHA1
  [OID.hmacWithSHA256]: "SHA-256", // hmacWithSHA256
  [OID.hmacWithSHA384]: "SHA-384", // hmacWithSHA384
  [OID.hmacWithSHA512]: "SHA-512", // hmacWithSHA512
};

/** PBES2 encryption schemes that WebCrypto (and so pkijs) can run (RFC 8018 B.2.5, AES-CBC-Pad). */
const PBES2_CIPHERS: Record<string, string> = {
  [OID.aes128Cbc]: "AES-128-CBC", // aes128-CBC-PAD
  [OID.aes192Cbc]: "AES-192-CBC", // aes192-CBC-PAD
  [OID.aes256Cbc]: "AES-256-CBC", // aes256-CBC-PAD
};

/** Digests allowed in a PKCS#12 MacData (RFC 7292 §4 / Appendix B.4, plus RFC 9579's SHA-2 use). */
const MAC_DIGESTS: Record<string, { hash: Pkcs12KdfHash; node: NodeHashName; length: number }> = {
  [OID.sha1]: { hash: "SHA-1", node: "sha1", length: 20 }, // id-sha1
  [OID.sha256]: { hash: "SHA-256", node: "sha256", length: 32 }, // id-sha256
  [OID.sha384]: { hash: "SHA-384", node: "sha384", length: 48 }, // id-sha384
  [OID.sha512]: { hash: "SHA-512", node: "sha512", length: 64 }, // id-sha512
};

/**
 * The PKCS#12 password-based encryption algorithms (RFC 7292 Appendix C). All use SHA-1 in the
 * Appendix B KDF: ID 1 for the key, ID 2 for the 8-byte IV.
 */
interface LegacyPbe {
  name: string;
  keyLength: number;
  /** des-ede3-cbc, or RC2 with this many effective key bits (RFC 2268 §2). */
  cipher: { kind: "3des" } | { kind: "rc2"; effectiveBits: number };
}
const LEGACY_PBE: Record<string, LegacyPbe> = {
  [OID.pbeWithSHAAnd3KeyTripleDesCbc]: { name: "pbeWithSHAAnd3-KeyTripleDES-CBC", keyLength: 24, cipher: { kind: "3des" } },
  [OID.pbeWithSHAAnd2KeyTripleDesCbc]: { name: "pbeWithSHAAnd2-KeyTripleDES-CBC", keyLength: 16, cipher: { kind: "3des" } },
  [OID.pbeWithSHAAnd128BitRc2Cbc]: { name: "pbeWithSHAAnd128BitRC2-CBC", keyLength: 16, cipher: { kind: "rc2", effectiveBits: 128 } },
  [OID.pbeWithSHAAnd40BitRc2Cbc]: { name: "pbeWithSHAAnd40BitRC2-CBC", keyLength: 5, cipher: { kind: "rc2", effectiveBits: 40 } },
};

/** Algorithms we recognise but do not implement, so an error can name them. */
const KNOWN_UNSUPPORTED: Record<string, string> = {
  [OID.pbeWithSHAAnd128BitRc4]: "pbeWithSHAAnd128BitRC4", // RFC 7292 Appendix C
  [OID.pbeWithSHAAnd40BitRc4]: "pbeWithSHAAnd40BitRC4", // RFC 7292 Appendix C
  [OID.pbeWithMD5AndDesCbc]: "pbeWithMD5AndDES-CBC", // PBES1, RFC 8018 A.3
  [OID.pbeWithSHA1AndDesCbc]: "pbeWithSHA1AndDES-CBC", // PBES1, RFC 8018 A.3
  [OID.desEde3Cbc]: "DES-EDE3-CBC", // des-EDE3-CBC as a PBES2 scheme (RFC 8018 B.2.2)
  [OID.pbmac1]: "PBMAC1", // id-PBMAC1 (RFC 9579), OpenSSL 3.4+ -pbmac1_pbkdf2
  [OID.signedData]: "public-key integrity mode (signedData)", // RFC 7292 §3.1
  [OID.envelopedData]: "public-key privacy mode (envelopedData)", // RFC 7292 §3.1
};

/** PFX_UNSUPPORTED naming the algorithm and its OID, e.g. "uses pbeWithSHAAnd128BitRC4 (OID ...) for its encryption". */
function unsupported(role: string, oid: string): KitError {
  const name = LEGACY_PBE[oid]?.name ?? KNOWN_UNSUPPORTED[oid];
  const algorithm = name ? `${name} (OID ${oid})` : `an algorithm the kit does not know (OID ${oid})`;
  return new KitError(
    "PFX_UNSUPPORTED",
    `This PFX uses ${algorithm} for ${role}, which the kit cannot read.`,
    "Re-export it with the defaults of OpenSSL 3 (openssl pkcs12 -export, no -legacy) or Windows (Export-PfxCertificate -CryptoAlgorithmOption AES256_SHA256).",
  );
}

// ---------------------------------------------------------------------------------------------
// The crypto engine: pkijs plus the RFC 7292 Appendix C algorithms
// ---------------------------------------------------------------------------------------------

export interface Pkcs12CryptoEngineOptions {
  /**
   * When the password is "", derive legacy keys from NO password (an empty P in RFC 7292 B.2)
   * rather than from the BMPString 00 00. Some writers do the one, some the other; readPfx
   * learns which from the MAC and sets this.
   */
  emptyPasswordIsAbsent?: boolean;
}

/**
 * A pkijs CryptoEngine that can also decrypt the PKCS#12 PBE algorithms of RFC 7292 Appendix C
 * (3DES and RC2 under the SHA-1 PKCS#12 KDF). PBES2 still goes to pkijs, which runs PBKDF2 and
 * AES-CBC through WebCrypto. `parameters.password` is the password's UTF-8 bytes, as pkijs expects.
 */
export class Pkcs12CryptoEngine extends pkijs.CryptoEngine {
  readonly #options: Pkcs12CryptoEngineOptions;

  constructor(options: Pkcs12CryptoEngineOptions = {}) {
    super({ name: "workshop-pkcs12", crypto: globalThis.crypto });
    this.#options = options;
  }

  override async decryptEncryptedContentInfo(parameters: pkijs.CryptoEngineDecryptParams): Promise<ArrayBuffer> {
    const algorithm = parameters.encryptedContentInfo.contentEncryptionAlgorithm;
    const legacy = LEGACY_PBE[algorithm.algorithmId];
    if (legacy) {
      const text = new TextDecoder().decode(parameters.password);
      const password = text === "" && this.#options.emptyPasswordIsAbsent ? new Uint8Array(0) : passwordToBmpString(text);
      const ciphertext = new Uint8Array(parameters.encryptedContentInfo.getEncryptedContent());
      return toArrayBuffer(decryptLegacyPbe(legacy, algorithm.algorithmParams, password, ciphertext));
    }
    if (algorithm.algorithmId === OID.pbes2) {
      describePbes2(algorithm); // throws PFX_UNSUPPORTED for what WebCrypto cannot do
      return super.decryptEncryptedContentInfo(parameters);
    }
    throw unsupported("its encryption", algorithm.algorithmId);
  }
}

/** RFC 7292 Appendix C: pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }. */
function readPbeParams(params: unknown): { salt: Uint8Array; iterations: number } {
  if (params instanceof asn1js.Sequence) {
    const [salt, iterations] = params.valueBlock.value;
    if (salt instanceof asn1js.OctetString && iterations instanceof asn1js.Integer && iterations.valueBlock.valueDec >= 1) {
      return { salt: new Uint8Array(salt.getValue()), iterations: iterations.valueBlock.valueDec };
    }
  }
  throw new KitError("NOT_PFX", "The PFX is damaged: its encryption parameters (salt and iteration count) do not parse.", "Export the PFX again.");
}

/** Decrypts with one of the Appendix C algorithms; `password` is already formatted (B.1). */
function decryptLegacyPbe(pbe: LegacyPbe, params: unknown, password: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const { salt, iterations } = readPbeParams(params);
  // RFC 7292 B.2 with SHA-1: ID 1 gives the key, ID 2 the IV (B.3).
  const key = pkcs12Kdf({ password, salt, id: PKCS12_KDF_ID.KEY, iterations, length: pbe.keyLength });
  const iv = pkcs12Kdf({ password, salt, id: PKCS12_KDF_ID.IV, iterations, length: 8 });
  if (pbe.cipher.kind === "rc2") return rc2CbcDecrypt(key, pbe.cipher.effectiveBits, iv, ciphertext);
  // Two-key triple DES is three-key triple DES with K3 = K1.
  const key3 = pbe.keyLength === 16 ? new Uint8Array([...key, ...key.subarray(0, 8)]) : key;
  return nodeCbcDecrypt("des-ede3-cbc", key3, iv, ciphertext); // removes the PKCS#7 padding too
}

/** "PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)" from a PBES2 AlgorithmIdentifier (RFC 8018 A.4). */
function describePbes2(algorithm: pkijs.AlgorithmIdentifier): string {
  let pbes2: pkijs.PBES2Params;
  let pbkdf2: pkijs.PBKDF2Params;
  try {
    pbes2 = new pkijs.PBES2Params({ schema: algorithm.algorithmParams });
  } catch {
    throw new KitError("NOT_PFX", "The PFX is damaged: its PBES2 parameters do not parse.", "Export the PFX again.");
  }
  if (pbes2.keyDerivationFunc.algorithmId !== OID.pbkdf2) throw unsupported("its key derivation", pbes2.keyDerivationFunc.algorithmId);
  try {
    pbkdf2 = new pkijs.PBKDF2Params({ schema: pbes2.keyDerivationFunc.algorithmParams });
  } catch {
    throw new KitError("NOT_PFX", "The PFX is damaged: its PBKDF2 parameters do not parse.", "Export the PFX again.");
  }
  // RFC 8018 A.2: the PRF defaults to hmacWithSHA1 when absent.
  const prfOid = pbkdf2.prf?.algorithmId ?? OID.hmacWithSHA1;
  const prf = PBKDF2_PRFS[prfOid];
  if (!prf) throw unsupported("its PBKDF2 pseudo-random function", prfOid);
  const cipher = PBES2_CIPHERS[pbes2.encryptionScheme.algorithmId];
  if (!cipher) throw unsupported("its PBES2 cipher", pbes2.encryptionScheme.algorithmId);
  return `PBES2 (PBKDF2-HMAC-${hashLabel(prf)}, ${cipher})`;
}

/** "SHA-256" as people write it in algorithm names: "SHA256" (HMAC-SHA256, PBKDF2-HMAC-SHA256). */
function hashLabel(hash: string): string {
  return hash.replace("-", "");
}

/** The human name of a bag's or container's encryption algorithm. */
function describeEncryption(algorithm: pkijs.AlgorithmIdentifier): string {
  if (algorithm.algorithmId === OID.pbes2) return describePbes2(algorithm);
  const legacy = LEGACY_PBE[algorithm.algorithmId];
  if (legacy) return legacy.name;
  throw unsupported("its encryption", algorithm.algorithmId);
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

export interface PfxContents {
  /** DER certificates; the one that belongs to the private key comes first. */
  certificates: Uint8Array[];
  /** The private key as unencrypted PKCS#8 DER (RFC 5208 PrivateKeyInfo). */
  privateKeyPkcs8: Uint8Array;
  /** How the key was protected, e.g. "PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)" or "none". */
  keyEncryption: string;
  /** How the first certificate was protected, e.g. "pbeWithSHAAnd40BitRC2-CBC" or "none". */
  certEncryption: string;
  /** The integrity check, e.g. "HMAC-SHA256, 2048 iterations", or "none". */
  mac: string;
  /** The friendlyName attribute of the key (or else of its certificate), when there is one. */
  friendlyName?: string;
}

interface FoundBag {
  der: Uint8Array;
  encryption: string;
  localKeyId?: Uint8Array;
  friendlyName?: string;
}

const PEM_LABEL = /^\uFEFF?\s*-----BEGIN ([A-Z0-9 ]+)-----/;

/** Cheap checks that catch the usual wrong files before any ASN.1 parsing. */
function rejectObviousNonPfx(bytes: Uint8Array): void {
  if (bytes.length === 0) {
    throw new KitError("NOT_PFX", "The file is empty, so it cannot be a PFX.", "Check the path, and export the certificate again with its private key.");
  }
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
  const pem = PEM_LABEL.exec(head);
  if (pem) {
    const label = pem[1]!;
    const [what, missing] = /CERTIFICATE/.test(label)
      ? ["a PEM certificate", ", and it holds no private key"]
      : /PRIVATE KEY/.test(label)
        ? ["a PEM private key", ", and it holds no certificate"]
        : ["PEM text", ""];
    throw new KitError(
      "NOT_PFX",
      `This is ${what} (text starting with -----BEGIN ${label}-----), not a PFX/PKCS#12 file${missing}.`,
      "Give the .pfx/.p12 file instead, or build one from the PEM certificate and key: openssl pkcs12 -export -in cert.pem -inkey key.pem -out cert.pfx",
    );
  }
  if (/^\s*MII[A-Za-z0-9+/]{20}/.test(head) && !/[^A-Za-z0-9+/=\s]/.test(head)) {
    throw new KitError(
      "NOT_PFX",
      "This looks like a base64-encoded PFX (as Azure Key Vault or an API returns it), not the binary file itself.",
      "Decode it first, e.g. base64 -d cert.txt > cert.pfx, or Buffer.from(text, 'base64') in code.",
    );
  }
  if (bytes[0] !== 0x30) {
    throw new KitError(
      "NOT_PFX",
      "This file is not a PFX/PKCS#12: a PFX is binary DER starting with byte 0x30 (an ASN.1 SEQUENCE).",
      "Check that you picked the .pfx/.p12 file and that it was not altered in transit (e.g. opened and saved as text).",
    );
  }
}

/** Parses the outer PFX, telling a certificate or a bare key apart from a damaged file. */
function parsePfxStructure(bytes: Uint8Array): pkijs.PFX {
  // Bytes after the PFX are ignored, as OpenSSL and pkijs ignore them.
  const asn1 = parseDerPrefix(bytes);
  if (!asn1) {
    throw new KitError(
      "NOT_PFX",
      "This file is not a complete PFX/PKCS#12: its DER encoding is cut short or damaged.",
      "The file is probably truncated (an interrupted download or copy); get or export it again.",
    );
  }
  try {
    return new pkijs.PFX({ schema: asn1.block });
  } catch {
    // Not a PFX. Say what it is if it is something the participant may have mixed up with one.
    // (pkijs annotates the parsed tree as it matches a schema, so the guess gets a fresh parse.)
    const kind = sniffDer(bytes);
    if (kind === "certificate") {
      throw new KitError(
        "NOT_PFX",
        "This is an X.509 certificate (a DER .cer/.crt file), not a PFX: it holds no private key.",
        "Use the .pfx/.p12 export that includes the private key (Windows: 'Yes, export the private key'), or build one: openssl pkcs12 -export -in cert.pem -inkey key.pem -out cert.pfx",
      );
    }
    if (kind === "pkcs8") {
      throw new KitError(
        "NOT_PFX",
        "This is a bare PKCS#8 private key (DER), not a PFX: it holds no certificate.",
        "Combine it with its certificate: openssl pkcs12 -export -in cert.pem -inkey key.der -out cert.pfx",
      );
    }
    throw new KitError(
      "NOT_PFX",
      "This file is DER-encoded but is not a PFX/PKCS#12 structure (RFC 7292 §4).",
      "Check that you picked the .pfx/.p12 file, not another certificate or key file.",
    );
  }
}

/** Whether pkijs reads these bytes as a PrivateKeyInfo (RFC 5208 §5): how a decrypted key bag shows that the password was right. */
function isPrivateKeyInfo(bytes: Uint8Array): boolean {
  try {
    pkijs.PrivateKeyInfo.fromBER(bytes.slice());
    return true;
  } catch {
    return false;
  }
}

function octets(value: unknown): Uint8Array {
  if (!(value instanceof asn1js.OctetString)) throw new Error("expected an OCTET STRING");
  return new Uint8Array(value.getValue()); // joins the pieces of a constructed (BER) string too
}

/**
 * RFC 7292 §5.1 steps 3-4 (and Appendix B.4): checks the MAC over the AuthenticatedSafe bytes.
 * Returns the description for PfxContents.mac and whether the password counted as "absent".
 */
function verifyMac(pfx: pkijs.PFX, authSafeBytes: Uint8Array, password: string): { mac: string; emptyPasswordIsAbsent: boolean } {
  const macData = pfx.macData;
  if (!macData) return { mac: "none", emptyPasswordIsAbsent: false };
  const digestOid = macData.mac.digestAlgorithm.algorithmId;
  const digest = MAC_DIGESTS[digestOid];
  if (!digest) throw unsupported("its MAC", digestOid);
  const salt = new Uint8Array(macData.macSalt.getValue());
  const iterations = macData.iterations ?? 1; // DEFAULT 1 (RFC 7292 §4)
  const expected = new Uint8Array(macData.mac.digest.getValue());

  // The empty password is written either as the BMPString 00 00 (OpenSSL 3) or as no bytes at
  // all (older tools); OpenSSL's own reader tries both, and so do we.
  const candidates = password === "" ? [passwordToBmpString(""), new Uint8Array(0)] : [passwordToBmpString(password)];
  for (const [index, candidate] of candidates.entries()) {
    // B.4: the MAC key is as long as the hash output, derived with ID 3 and the MAC's own hash.
    const key = pkcs12Kdf({ password: candidate, salt, id: PKCS12_KDF_ID.MAC, iterations, length: digest.length, hash: digest.hash });
    const actual = nodeHmac(digest.node, key, authSafeBytes);
    if (equalBytes(actual, expected)) {
      const count = `${iterations} iteration${iterations === 1 ? "" : "s"}`;
      return { mac: `HMAC-${hashLabel(digest.hash)}, ${count}`, emptyPasswordIsAbsent: index === 1 };
    }
  }
  throw new KitError(
    "PFX_PASSWORD",
    "The PFX password is wrong (the MAC does not verify).",
    "Check the password you set when exporting (it is case-sensitive; an empty password is \"\"). If the file might be damaged, export it again.",
  );
}

function readAttributes(bag: pkijs.SafeBag): { localKeyId?: Uint8Array; friendlyName?: string } {
  const out: { localKeyId?: Uint8Array; friendlyName?: string } = {};
  for (const attribute of bag.bagAttributes ?? []) {
    const value: unknown = attribute.values[0];
    if (attribute.type === OID.localKeyId && value instanceof asn1js.OctetString) out.localKeyId = octets(value);
    if (attribute.type === OID.friendlyName && value instanceof asn1js.BmpString) out.friendlyName = value.valueBlock.value;
  }
  return out;
}

/** Why decryption failed, in terms a participant can act on. */
function decryptionFailed(macChecked: boolean): KitError {
  return macChecked
    ? new KitError(
        "PFX_PASSWORD",
        "The password verifies the PFX's MAC but does not decrypt its contents.",
        "The file was probably exported with a separate encryption password (openssl -twopass); export it again with a single password.",
      )
    : new KitError(
        "PFX_PASSWORD",
        "The PFX password is wrong (the contents do not decrypt, and the file has no MAC to check it earlier).",
        "Check the password you set when exporting; it is case-sensitive.",
      );
}

/**
 * Opens a PFX/PKCS#12 file: checks the MAC, decrypts every bag it can, and returns the private
 * key and certificates. Throws KitError NOT_PFX, PFX_PASSWORD, PFX_NO_KEY, PFX_NO_CERT or
 * PFX_UNSUPPORTED for the problems a participant can fix.
 */
export async function readPfx(pfx: Uint8Array, password: string): Promise<PfxContents> {
  rejectObviousNonPfx(pfx);
  const structure = parsePfxStructure(pfx);
  if (structure.version !== 3) {
    throw new KitError("PFX_UNSUPPORTED", `This PFX has version ${structure.version}; RFC 7292 files are version 3.`, "Export it again with a current tool.");
  }
  // RFC 7292 §4: authSafe is id-data in password integrity mode (the only mode used in practice).
  const authSafeType = structure.authSafe.contentType;
  if (authSafeType !== OID.data) throw unsupported("its integrity protection", authSafeType);

  let authSafeBytes: Uint8Array;
  let authenticatedSafe: pkijs.AuthenticatedSafe;
  try {
    authSafeBytes = octets(structure.authSafe.content);
    authenticatedSafe = pkijs.AuthenticatedSafe.fromBER(authSafeBytes.slice());
  } catch {
    throw new KitError("NOT_PFX", "The PFX is damaged: its AuthenticatedSafe (RFC 7292 §4.1) does not parse.", "Export the PFX again.");
  }

  const { mac, emptyPasswordIsAbsent } = verifyMac(structure, authSafeBytes, password);
  const macChecked = structure.macData !== undefined;
  const engine = new Pkcs12CryptoEngine({ emptyPasswordIsAbsent });
  const passwordBytes = toArrayBuffer(utf8Encode(password));

  const keys: FoundBag[] = [];
  const certificates: FoundBag[] = [];

  /** Decrypts an EncryptedContentInfo-shaped blob, mapping failures to user-level errors. */
  const decrypt = async (encryptedContentInfo: pkijs.EncryptedContentInfo): Promise<Uint8Array> => {
    try {
      return new Uint8Array(await engine.decryptEncryptedContentInfo({ password: passwordBytes, encryptedContentInfo }));
    } catch (error) {
      if (error instanceof KitError) throw error;
      // Wrong key material shows up as invalid padding: node's "bad decrypt", WebCrypto's
      // OperationError, or our Rc2PaddingError.
      if (error instanceof Rc2PaddingError || (error instanceof Error && /bad decrypt|operation failed|OperationError/i.test(`${error.name} ${error.message}`))) {
        throw decryptionFailed(macChecked);
      }
      throw new KitError("NOT_PFX", "The PFX is damaged: an encrypted part of it cannot be decrypted.", "Export the PFX again.");
    }
  };

  /** RFC 7292 §4.2: walks the bags of one SafeContents. */
  const walk = async (safeContents: pkijs.SafeContents, containerEncryption: string): Promise<void> => {
    for (const bag of safeContents.safeBags) {
      const attributes = readAttributes(bag);
      switch (bag.bagId) {
        case OID.keyBag: {
          const keyInfo = bag.bagValue as pkijs.PrivateKeyInfo;
          keys.push({ der: new Uint8Array(keyInfo.toSchema().toBER(false)), encryption: containerEncryption, ...attributes });
          break;
        }
        case OID.pkcs8ShroudedKeyBag: {
          // RFC 7292 §4.2.2: an EncryptedPrivateKeyInfo (RFC 5208 §6). It has the same algorithm +
          // ciphertext shape as an EncryptedContentInfo, so the engine can decrypt it as one.
          const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
          const encryption = describeEncryption(shrouded.encryptionAlgorithm);
          const der = await decrypt(
            new pkijs.EncryptedContentInfo({
              contentType: OID.data,
              contentEncryptionAlgorithm: shrouded.encryptionAlgorithm,
              encryptedContent: shrouded.encryptedData,
              disableSplit: true,
            }),
          );
          if (!isPrivateKeyInfo(der)) throw decryptionFailed(macChecked);
          keys.push({ der, encryption, ...attributes });
          break;
        }
        case OID.certBag: {
          const certBag = bag.bagValue as pkijs.CertBag;
          if (certBag.certId !== OID.x509Certificate) break; // SDSI or attribute certificates: not for us
          certificates.push({ der: octets(certBag.certValue), encryption: containerEncryption, ...attributes });
          break;
        }
        case OID.safeContentsBag:
          await walk(bag.bagValue as pkijs.SafeContents, containerEncryption);
          break;
        default:
          break; // CRLs and secrets: nothing the sign-in needs
      }
    }
  };

  // RFC 7292 §4.1: each ContentInfo of the AuthenticatedSafe is plain data or password-encrypted data.
  for (const contentInfo of authenticatedSafe.safeContents) {
    let plain: Uint8Array;
    let encryption: string;
    if (contentInfo.contentType === OID.data) {
      plain = octets(contentInfo.content);
      encryption = "none";
    } else if (contentInfo.contentType === OID.encryptedData) {
      let encryptedData: pkijs.EncryptedData;
      try {
        encryptedData = new pkijs.EncryptedData({ schema: contentInfo.content });
      } catch {
        throw new KitError("NOT_PFX", "The PFX is damaged: an EncryptedData part (RFC 5652 §8) does not parse.", "Export the PFX again.");
      }
      encryption = describeEncryption(encryptedData.encryptedContentInfo.contentEncryptionAlgorithm);
      plain = await decrypt(encryptedData.encryptedContentInfo);
    } else {
      throw unsupported("its privacy protection", contentInfo.contentType);
    }
    let safeContents: pkijs.SafeContents;
    try {
      safeContents = pkijs.SafeContents.fromBER(plain.slice());
    } catch (error) {
      const unknownBag = error instanceof Error && /BAG_ID|CERT_ID/.test(error.message);
      if (unknownBag) {
        throw new KitError("PFX_UNSUPPORTED", `This PFX holds a kind of bag the kit cannot read (${error.message}).`, "Re-export it with OpenSSL 3 or Windows defaults.");
      }
      if (encryption !== "none") throw decryptionFailed(macChecked);
      throw new KitError("NOT_PFX", "The PFX is damaged: a SafeContents part (RFC 7292 §4.2) does not parse.", "Export the PFX again.");
    }
    await walk(safeContents, encryption);
  }

  const key = keys[0];
  if (!key) {
    throw new KitError(
      "PFX_NO_KEY",
      "This PFX holds no private key, only certificates.",
      "Export it again including the private key (Windows: 'Yes, export the private key'; OpenSSL: pass -inkey key.pem to openssl pkcs12 -export).",
    );
  }
  if (certificates.length === 0) {
    throw new KitError(
      "PFX_NO_CERT",
      "This PFX holds a private key but no certificate.",
      "Export it again with the certificate: openssl pkcs12 -export -in cert.pem -inkey key.pem -out cert.pfx",
    );
  }

  const leafIndex = findLeafCertificate(key, certificates);
  const ordered = [certificates[leafIndex]!, ...certificates.filter((_, i) => i !== leafIndex)];
  const friendlyName = key.friendlyName ?? ordered[0]!.friendlyName;
  return {
    certificates: ordered.map((c) => c.der),
    privateKeyPkcs8: key.der,
    keyEncryption: key.encryption,
    certEncryption: ordered[0]!.encryption,
    mac,
    ...(friendlyName !== undefined ? { friendlyName } : {}),
  };
}

/**
 * Which certificate belongs to the key: the one with the same localKeyId attribute (how Windows
 * and OpenSSL link them), else the one with the same public key. Throws PFX_NO_CERT when the
 * public keys can be compared and none matches.
 */
function findLeafCertificate(key: FoundBag, certificates: FoundBag[]): number {
  const byId = key.localKeyId ? certificates.findIndex((c) => c.localKeyId !== undefined && equalBytes(c.localKeyId, key.localKeyId!)) : -1;
  if (byId >= 0) return byId;
  let keySpki: Uint8Array;
  try {
    keySpki = nodePublicKeyOfPrivateKey(key.der);
  } catch {
    return 0; // a key type node:crypto cannot load: keep the file's order
  }
  const byKey = certificates.findIndex((c) => {
    try {
      return equalBytes(nodeCertificatePublicKey(c.der), keySpki);
    } catch {
      return false;
    }
  });
  if (byKey >= 0) return byKey;
  throw new KitError(
    "PFX_NO_CERT",
    `None of the ${certificates.length} certificate(s) in this PFX belongs to its private key.`,
    "Export the PFX again from the certificate that has the private key (in the Windows certificate store it shows a key icon).",
  );
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

/** OpenSSL 3's default iteration count for PBKDF2 and the MAC (PKCS12_DEFAULT_ITER = 2048). */
export const DEFAULT_PFX_ITERATIONS = 2048;
/** Salt length used for PBKDF2 and the MAC: 16 bytes (RFC 8018 §4.1 asks for at least 8; OpenSSL writes 8). */
const SALT_LENGTH = 16;

export interface WritePfxOptions {
  certificateDer: Uint8Array;
  privateKeyPkcs8Der: Uint8Array;
  password: string;
  friendlyName?: string;
  /** PBKDF2 and MAC iteration count; default 2048, like OpenSSL 3. */
  iterations?: number;
  /**
   * Source of the salts and IVs, called in this order: certificate salt (16), certificate IV (16),
   * key salt (16), key IV (16), MAC salt (16). Defaults to node:crypto randomBytes (through
   * lib/oracle.ts); pass a
   * deterministic function for reproducible output (tests, the workshop's --fixed mode).
   */
  random?: (n: number) => Uint8Array;
}

/** RFC 8018 §6.2 PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC: returns the AlgorithmIdentifier and ciphertext. */
function pbes2Encrypt(
  plaintext: Uint8Array,
  password: string,
  iterations: number,
  random: (n: number) => Uint8Array,
): { algorithm: pkijs.AlgorithmIdentifier; ciphertext: Uint8Array } {
  const salt = random(SALT_LENGTH);
  const iv = random(16);
  // §6.2.1 step 2: DK = PBKDF2(P, S, c, dkLen); the password is used as its UTF-8 bytes, as OpenSSL does.
  const key = nodePbkdf2("sha256", utf8Encode(password), salt, iterations, 32);
  // Steps 3-4: AES-256-CBC with PKCS#7 padding (node's default), under DK and the IV.
  const ciphertext = nodeCbcEncrypt("aes-256-cbc", key, iv, plaintext);

  const pbkdf2Params = new pkijs.PBKDF2Params({
    salt: new asn1js.OctetString({ valueHex: toArrayBuffer(salt) }),
    iterationCount: iterations,
    prf: new pkijs.AlgorithmIdentifier({ algorithmId: OID.hmacWithSHA256, algorithmParams: new asn1js.Null() }), // hmacWithSHA256
  });
  const pbes2Params = new pkijs.PBES2Params({
    keyDerivationFunc: new pkijs.AlgorithmIdentifier({ algorithmId: OID.pbkdf2, algorithmParams: pbkdf2Params.toSchema() }), // id-PBKDF2
    encryptionScheme: new pkijs.AlgorithmIdentifier({
      algorithmId: OID.aes256Cbc, // aes256-CBC-PAD
      algorithmParams: new asn1js.OctetString({ valueHex: toArrayBuffer(iv) }),
    }),
  });
  return {
    algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.pbes2, algorithmParams: pbes2Params.toSchema() }), // id-PBES2
    ciphertext,
  };
}

/** The bag attributes, in DER order (a SET OF is sorted by its elements' encodings, X.690 §11.6). */
function bagAttributes(localKeyId: Uint8Array, friendlyName: string | undefined): pkijs.Attribute[] {
  const attributes = [new pkijs.Attribute({ type: OID.localKeyId, values: [new asn1js.OctetString({ valueHex: toArrayBuffer(localKeyId) })] })];
  if (friendlyName !== undefined) {
    attributes.push(new pkijs.Attribute({ type: OID.friendlyName, values: [new asn1js.BmpString({ value: friendlyName })] }));
  }
  const encoded = attributes.map((a) => ({ a, der: new Uint8Array(a.toSchema().toBER(false)) }));
  encoded.sort((x, y) => compareBytes(x.der, y.der));
  return encoded.map((e) => e.a);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * Builds a PFX the way OpenSSL 3 does by default: the certificate in a PBES2-encrypted
 * SafeContents, the key in a pkcs8ShroudedKeyBag (PBES2 as well), both tagged with the same
 * localKeyId (the SHA-1 of the certificate), and an HMAC-SHA256 MAC over the lot.
 */
export async function writePfx(options: WritePfxOptions): Promise<Uint8Array> {
  const { certificateDer, privateKeyPkcs8Der, password, friendlyName } = options;
  const iterations = options.iterations ?? DEFAULT_PFX_ITERATIONS;
  const random = (n: number): Uint8Array => {
    const bytes = (options.random ?? nodeRandomBytes)(n);
    if (bytes.length !== n) throw new Error(`the random source returned ${bytes.length} bytes instead of ${n}`);
    return bytes;
  };
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new KitError("PFX_ITERATIONS", `The iteration count must be a positive whole number, not ${iterations}.`, "Leave it out to use OpenSSL's default of 2048.");
  }

  // Check the inputs early: an unusable PFX would only fail later, far from the cause.
  const pairCheck = nodeCertificateKeyPairCheck(certificateDer, privateKeyPkcs8Der);
  if (pairCheck === "not-der-certificate") {
    throw new KitError(
      "PFX_NO_CERT",
      "The certificate given to writePfx is not a DER X.509 certificate.",
      "Pass the binary DER bytes; for PEM text use new crypto.X509Certificate(pem).raw.",
    );
  }
  if (pairCheck === "not-pkcs8-key") {
    throw new KitError(
      "PFX_NO_KEY",
      "The private key given to writePfx is not an unencrypted PKCS#8 DER key.",
      "Convert it with crypto.createPrivateKey(pem).export({ type: 'pkcs8', format: 'der' }) or openssl pkcs8 -topk8 -nocrypt -outform DER.",
    );
  }
  if (pairCheck === "key-mismatch") {
    throw new KitError(
      "PFX_KEY_MISMATCH",
      "The private key does not belong to the certificate (their public keys differ).",
      "Pair the certificate with the key it was created from.",
    );
  }

  // localKeyId = SHA-1 of the certificate, as OpenSSL and Windows compute it; it links key and certificate.
  const localKeyId = nodeDigest("sha1", certificateDer);

  // The certificate: a certBag (RFC 7292 §4.2.3) in a SafeContents that is then PBES2-encrypted
  // into an EncryptedData (RFC 5652 §8) - "PKCS7 Encrypted data" in openssl's words.
  const certBag = new pkijs.SafeBag({
    bagId: OID.certBag, // certBag
    bagValue: new pkijs.CertBag({
      certId: OID.x509Certificate, // x509Certificate
      certValue: new asn1js.OctetString({ valueHex: toArrayBuffer(certificateDer) }),
    }),
    bagAttributes: bagAttributes(localKeyId, friendlyName),
  });
  const certSafeContents = new Uint8Array(new pkijs.SafeContents({ safeBags: [certBag] }).toSchema().toBER(false));
  const encryptedCerts = pbes2Encrypt(certSafeContents, password, iterations, random);
  const certContentInfo = new pkijs.ContentInfo({
    contentType: OID.encryptedData, // id-encryptedData
    content: new pkijs.EncryptedData({
      version: 0,
      encryptedContentInfo: new pkijs.EncryptedContentInfo({
        contentType: OID.data, // id-data
        contentEncryptionAlgorithm: encryptedCerts.algorithm,
        encryptedContent: new asn1js.OctetString({ valueHex: toArrayBuffer(encryptedCerts.ciphertext) }),
        disableSplit: true, // one primitive OCTET STRING (DER), not 1 KB BER pieces
      }),
    }).toSchema(),
  });

  // The key: a pkcs8ShroudedKeyBag (RFC 7292 §4.2.2) in a plain-data SafeContents; the bag itself is encrypted.
  const encryptedKey = pbes2Encrypt(privateKeyPkcs8Der, password, iterations, random);
  const keyBag = new pkijs.SafeBag({
    bagId: OID.pkcs8ShroudedKeyBag, // pkcs8ShroudedKeyBag
    bagValue: new pkijs.PKCS8ShroudedKeyBag({
      encryptionAlgorithm: encryptedKey.algorithm,
      encryptedData: new asn1js.OctetString({ valueHex: toArrayBuffer(encryptedKey.ciphertext) }),
    }),
    bagAttributes: bagAttributes(localKeyId, friendlyName),
  });
  const keySafeContents = new pkijs.SafeContents({ safeBags: [keyBag] }).toSchema().toBER(false);
  const keyContentInfo = new pkijs.ContentInfo({
    contentType: OID.data, // id-data
    content: new asn1js.OctetString({ valueHex: keySafeContents }),
  });

  // RFC 7292 §4.1: AuthenticatedSafe = SEQUENCE OF ContentInfo; its DER is what the MAC covers.
  const authSafeBytes = new Uint8Array(new pkijs.AuthenticatedSafe({ safeContents: [certContentInfo, keyContentInfo] }).toSchema().toBER(false));

  // RFC 7292 §5.1 / B.4: MAC key = KDF(password as BMPString, macSalt, ID 3) with SHA-256; then HMAC-SHA256.
  const macSalt = random(SALT_LENGTH);
  const macKey = pkcs12Kdf({ password: passwordToBmpString(password), salt: macSalt, id: PKCS12_KDF_ID.MAC, iterations, length: 32, hash: "SHA-256" });
  const mac = nodeHmac("sha256", macKey, authSafeBytes);

  const pfx = new pkijs.PFX({
    version: 3,
    authSafe: new pkijs.ContentInfo({
      contentType: OID.data, // id-data: password integrity mode
      content: new asn1js.OctetString({ valueHex: toArrayBuffer(authSafeBytes) }),
    }),
    macData: new pkijs.MacData({
      mac: new pkijs.DigestInfo({
        digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }), // id-sha256
        digest: new asn1js.OctetString({ valueHex: toArrayBuffer(mac) }),
      }),
      macSalt: new asn1js.OctetString({ valueHex: toArrayBuffer(macSalt) }),
      iterations,
    }),
  });
  return new Uint8Array(pfx.toSchema().toBER(false));
}
