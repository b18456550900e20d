/**
 * Reading a PFX / PKCS#12 file (RFC 7292): the "certificate with its private key, under a password"
 * file that Windows, Azure Key Vault and OpenSSL hand you, and that an app can use to sign in to
 * Microsoft Entra ID with a certificate.
 *
 * The layers of a PFX, outside in (RFC 7292 §4), and the function that reads each:
 *
 *   PFX { version 3, authSafe, macData }            openPfx (./open.ts); verifyMac: HMAC over
 *     authSafe: ContentInfo (data)                  authSafe, key from the password via the
 *                                                   PKCS#12 KDF (Appendix B)
 *       AuthenticatedSafe: SEQUENCE OF ContentInfo  readAuthenticatedSafe; openSafeContents: each
 *                                                   one plain "data" or password-"encryptedData"
 *         SafeContents: SEQUENCE OF SafeBag         collectBags: a bag holds a certificate, a key, ...
 *           SafeBag { bagId, bagValue, bagAttributes (friendlyName, localKeyId) }
 *
 * Reading handles the three kinds of file a workshop participant is likely to bring:
 *   - OpenSSL 3 default: PBES2 (PBKDF2-HMAC-SHA256 + AES-256-CBC, RFC 8018) for both certificates
 *     and key, HMAC-SHA256 MAC. pkijs decrypts these itself through WebCrypto.
 *   - `openssl pkcs12 -export -legacy`: certificates under pbeWithSHAAnd40BitRC2-CBC, the key under
 *     pbeWithSHAAnd3-KeyTripleDES-CBC, HMAC-SHA1 MAC.
 *   - Windows Export-PfxCertificate "TripleDES-SHA1": 3DES for both, HMAC-SHA1 MAC.
 * pkijs 4 only knows PBES2, so Pkcs12CryptoEngine (./engine.ts) adds the RFC 7292 Appendix C
 * algorithms (./algorithms.ts).
 *
 * No printing and no I/O here.
 */

import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { equalBytes, toArrayBuffer, utf8Encode } from "../../bytes.ts";
import { KitError } from "../../errors.ts";
import { nodeCertificatePublicKey, nodeHmac, nodePublicKeyOfPrivateKey } from "../../oracle.ts";
import { OID } from "../oids.ts";
import { MAC_DIGESTS, describeEncryption, hashLabel, unsupported } from "./algorithms.ts";
import { Pkcs12CryptoEngine } from "./engine.ts";
import { PKCS12_KDF_ID, passwordToBmpString, pkcs12Kdf } from "./kdf.ts";
import { openPfx } from "./open.ts";
import { Rc2PaddingError } from "./rc2.ts";

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

/**
 * Opens a PFX/PKCS#12 file: checks the MAC, decrypts every bag it can, and returns the private
 * key and certificates.
 * @throws KitError NOT_PFX, PFX_PASSWORD, PFX_NO_KEY, PFX_NO_CERT or PFX_UNSUPPORTED for the
 *   problems a participant can fix.
 * @see https://www.rfc-editor.org/rfc/rfc7292#section-4 and §5.1 (the MAC)
 */
export async function readPfx(pfx: Uint8Array, password: string): Promise<PfxContents> {
  const structure = openPfx(pfx);
  const { authSafeBytes, authenticatedSafe } = readAuthenticatedSafe(structure);
  const { mac, emptyPasswordIsAbsent } = verifyMac(structure, authSafeBytes, password);
  const macChecked = structure.macData !== undefined;
  const reader: SafeReader = { decrypt: decrypterFor(password, emptyPasswordIsAbsent, macChecked), macChecked };
  const found = await collectBags(authenticatedSafe, reader);
  return keyWithItsCertificates(found, mac);
}

interface FoundBag {
  der: Uint8Array;
  encryption: string;
  localKeyId?: Uint8Array;
  friendlyName?: string;
}

/** The keys and certificates found in the bags, in file order. */
interface FoundBags {
  keys: FoundBag[];
  certificates: FoundBag[];
}

/** Decrypts EncryptedContentInfo-shaped data with the password (RFC 5652 §6.1), mapping failures to user-level errors. */
type Decrypt = (encryptedContentInfo: pkijs.EncryptedContentInfo) => Promise<Uint8Array>;

/** What reading the SafeContents needs: the decryption, and whether the MAC already proved the password. */
interface SafeReader {
  decrypt: Decrypt;
  macChecked: boolean;
}

/** RFC 7292 §4.1: the AuthenticatedSafe inside authSafe, as bytes (what the MAC covers) and parsed. */
function readAuthenticatedSafe(structure: pkijs.PFX): { authSafeBytes: Uint8Array; authenticatedSafe: pkijs.AuthenticatedSafe } {
  try {
    const authSafeBytes = octets(structure.authSafe.content);
    return { authSafeBytes, authenticatedSafe: pkijs.AuthenticatedSafe.fromBER(authSafeBytes.slice()) };
  } catch {
    throw new KitError("NOT_PFX", "The PFX is damaged: its AuthenticatedSafe (RFC 7292 §4.1) does not parse.", "Export the PFX again.");
  }
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

/**
 * The Decrypt for this password: Pkcs12CryptoEngine (PBES2 and the Appendix C algorithms), with
 * wrong key material (invalid padding) reported as PFX_PASSWORD and anything else as NOT_PFX.
 */
function decrypterFor(password: string, emptyPasswordIsAbsent: boolean, macChecked: boolean): Decrypt {
  const engine = new Pkcs12CryptoEngine({ emptyPasswordIsAbsent });
  const passwordBytes = toArrayBuffer(utf8Encode(password));
  return async (encryptedContentInfo) => {
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
}

/** RFC 7292 §4.1: every ContentInfo of the AuthenticatedSafe, opened and its bags collected, in order. */
async function collectBags(authenticatedSafe: pkijs.AuthenticatedSafe, reader: SafeReader): Promise<FoundBags> {
  const found: FoundBags = { keys: [], certificates: [] };
  for (const contentInfo of authenticatedSafe.safeContents) {
    const { safeContents, encryption } = await openSafeContents(contentInfo, reader);
    await collectFromSafeContents(safeContents, encryption, reader, found);
  }
  return found;
}

/** One ContentInfo of the AuthenticatedSafe (RFC 7292 §4.1): plain data or password-encrypted data, holding a SafeContents. */
async function openSafeContents(contentInfo: pkijs.ContentInfo, reader: SafeReader): Promise<{ safeContents: pkijs.SafeContents; encryption: string }> {
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
    plain = await reader.decrypt(encryptedData.encryptedContentInfo);
  } else {
    throw unsupported("its privacy protection", contentInfo.contentType);
  }
  try {
    return { safeContents: pkijs.SafeContents.fromBER(plain.slice()), encryption };
  } catch (error) {
    const unknownBag = error instanceof Error && /BAG_ID|CERT_ID/.test(error.message);
    if (unknownBag) {
      throw new KitError("PFX_UNSUPPORTED", `This PFX holds a kind of bag the kit cannot read (${error.message}).`, "Re-export it with OpenSSL 3 or Windows defaults.");
    }
    if (encryption !== "none") throw decryptionFailed(reader.macChecked);
    throw new KitError("NOT_PFX", "The PFX is damaged: a SafeContents part (RFC 7292 §4.2) does not parse.", "Export the PFX again.");
  }
}

/** RFC 7292 §4.2: walks the bags of one SafeContents (and of nested ones), adding keys and X.509 certificates to `found`. */
async function collectFromSafeContents(safeContents: pkijs.SafeContents, containerEncryption: string, reader: SafeReader, found: FoundBags): Promise<void> {
  for (const bag of safeContents.safeBags) {
    const attributes = readAttributes(bag);
    switch (bag.bagId) {
      case OID.keyBag: {
        const keyInfo = bag.bagValue as pkijs.PrivateKeyInfo;
        found.keys.push({ der: new Uint8Array(keyInfo.toSchema().toBER(false)), encryption: containerEncryption, ...attributes });
        break;
      }
      case OID.pkcs8ShroudedKeyBag: {
        // RFC 7292 §4.2.2: an EncryptedPrivateKeyInfo (RFC 5208 §6). It has the same algorithm +
        // ciphertext shape as an EncryptedContentInfo, so the engine can decrypt it as one.
        const shrouded = bag.bagValue as pkijs.PKCS8ShroudedKeyBag;
        const encryption = describeEncryption(shrouded.encryptionAlgorithm);
        const der = await reader.decrypt(
          new pkijs.EncryptedContentInfo({
            contentType: OID.data,
            contentEncryptionAlgorithm: shrouded.encryptionAlgorithm,
            encryptedContent: shrouded.encryptedData,
            disableSplit: true,
          }),
        );
        if (!isPrivateKeyInfo(der)) throw decryptionFailed(reader.macChecked);
        found.keys.push({ der, encryption, ...attributes });
        break;
      }
      case OID.certBag: {
        const certBag = bag.bagValue as pkijs.CertBag;
        if (certBag.certId !== OID.x509Certificate) break; // SDSI or attribute certificates: not for us
        found.certificates.push({ der: octets(certBag.certValue), encryption: containerEncryption, ...attributes });
        break;
      }
      case OID.safeContentsBag:
        await collectFromSafeContents(bag.bagValue as pkijs.SafeContents, containerEncryption, reader, found);
        break;
      default:
        break; // CRLs and secrets: nothing the sign-in needs
    }
  }
}

/**
 * The first key and the certificates, the key's own certificate first (findLeafCertificate).
 * Throws PFX_NO_KEY or PFX_NO_CERT when either is missing.
 */
function keyWithItsCertificates({ keys, certificates }: FoundBags, mac: string): PfxContents {
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

/** Whether pkijs reads these bytes as a PrivateKeyInfo (RFC 5208 §5): how a decrypted key bag shows that the password was right. */
function isPrivateKeyInfo(bytes: Uint8Array): boolean {
  try {
    pkijs.PrivateKeyInfo.fromBER(bytes.slice());
    return true;
  } catch {
    return false;
  }
}

/** The bytes of an OCTET STRING, primitive or constructed; throws for anything else. */
function octets(value: unknown): Uint8Array {
  if (!(value instanceof asn1js.OctetString)) throw new Error("expected an OCTET STRING");
  return new Uint8Array(value.getValue()); // joins the pieces of a constructed (BER) string too
}
