/**
 * Writing a PFX (RFC 7292) the way OpenSSL 3 does by default, which Windows 10 1709+, OpenSSL 3
 * (without -legacy), Node's tls module and Azure accept:
 *
 *   PFX { version 3, authSafe: data(AuthenticatedSafe), macData: HMAC-SHA256 }
 *     ContentInfo encryptedData (PBES2)  → SafeContents { certBag }
 *     ContentInfo data                   → SafeContents { pkcs8ShroudedKeyBag (PBES2) }
 *
 * PBES2 is PBKDF2-HMAC-SHA256 + AES-256-CBC (RFC 8018 §6.2); PBKDF2, AES, HMAC and the random
 * salts come from node:crypto through lib/oracle.ts, the MAC key from the PKCS#12 KDF of ./kdf.ts.
 *
 * No printing and no I/O here.
 */

import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { toArrayBuffer, utf8Encode } from "../../bytes.ts";
import { KitError } from "../../errors.ts";
import { nodeCbcEncrypt, nodeCertificateKeyPairCheck, nodeDigest, nodeHmac, nodePbkdf2, nodeRandomBytes } from "../../oracle.ts";
import { OID } from "../oids.ts";
import { PKCS12_KDF_ID, passwordToBmpString, pkcs12Kdf } from "./kdf.ts";

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
   * lib/oracle.ts); pass a deterministic function for reproducible output (tests, the workshop's
   * --fixed mode).
   */
  random?: (n: number) => Uint8Array;
}

/** The attributes both bags carry (RFC 7292 §4.2): localKeyId links key and certificate; friendlyName is optional. */
interface BagLabels {
  localKeyId: Uint8Array;
  friendlyName: string | undefined;
}

/** What every password-based step uses: the password, the iteration count, and the source of salts and IVs. */
interface PasswordSettings {
  password: string;
  iterations: number;
  random: (n: number) => Uint8Array;
}

/**
 * Builds a PFX the way OpenSSL 3 does by default: the certificate in a PBES2-encrypted
 * SafeContents, the key in a pkcs8ShroudedKeyBag (PBES2 as well), both tagged with the same
 * localKeyId (the SHA-1 of the certificate), and an HMAC-SHA256 MAC over the lot.
 * @throws KitError PFX_ITERATIONS, PFX_NO_CERT, PFX_NO_KEY or PFX_KEY_MISMATCH for inputs that would make a useless PFX.
 * @see https://www.rfc-editor.org/rfc/rfc7292#section-4
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
  checkCertificateAndKey(certificateDer, privateKeyPkcs8Der);

  // localKeyId = SHA-1 of the certificate, as OpenSSL and Windows compute it; it links key and certificate.
  const labels: BagLabels = { localKeyId: nodeDigest("sha1", certificateDer), friendlyName };
  const pbe: PasswordSettings = { password, iterations, random };

  // The salts and IVs are drawn in this order: certificates, key, MAC (see WritePfxOptions.random).
  const certContentInfo = encryptedCertificateContents(certificateDer, labels, pbe);
  const keyContentInfo = shroudedKeyContents(privateKeyPkcs8Der, labels, pbe);

  // RFC 7292 §4.1: AuthenticatedSafe = SEQUENCE OF ContentInfo; its DER is what the MAC covers.
  const authSafeBytes = new Uint8Array(new pkijs.AuthenticatedSafe({ safeContents: [certContentInfo, keyContentInfo] }).toSchema().toBER(false));

  const pfx = new pkijs.PFX({
    version: 3,
    authSafe: new pkijs.ContentInfo({
      contentType: OID.data, // id-data: password integrity mode
      content: new asn1js.OctetString({ valueHex: toArrayBuffer(authSafeBytes) }),
    }),
    macData: passwordMac(authSafeBytes, pbe),
  });
  return new Uint8Array(pfx.toSchema().toBER(false));
}

/** KitError PFX_NO_CERT, PFX_NO_KEY or PFX_KEY_MISMATCH unless node:crypto reads a DER certificate and the PKCS#8 key that belongs to it. */
function checkCertificateAndKey(certificateDer: Uint8Array, privateKeyPkcs8Der: Uint8Array): void {
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
}

/**
 * The certificate: a certBag (RFC 7292 §4.2.3) in a SafeContents that is then PBES2-encrypted
 * into an EncryptedData (RFC 5652 §8) - "PKCS7 Encrypted data" in openssl's words.
 */
function encryptedCertificateContents(certificateDer: Uint8Array, labels: BagLabels, pbe: PasswordSettings): pkijs.ContentInfo {
  const certBag = new pkijs.SafeBag({
    bagId: OID.certBag, // certBag
    bagValue: new pkijs.CertBag({
      certId: OID.x509Certificate, // x509Certificate
      certValue: new asn1js.OctetString({ valueHex: toArrayBuffer(certificateDer) }),
    }),
    bagAttributes: bagAttributes(labels),
  });
  const certSafeContents = new Uint8Array(new pkijs.SafeContents({ safeBags: [certBag] }).toSchema().toBER(false));
  const encryptedCerts = pbes2Encrypt(certSafeContents, pbe);
  return new pkijs.ContentInfo({
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
}

/** The key: a pkcs8ShroudedKeyBag (RFC 7292 §4.2.2) in a plain-data SafeContents; the bag itself is encrypted. */
function shroudedKeyContents(privateKeyPkcs8Der: Uint8Array, labels: BagLabels, pbe: PasswordSettings): pkijs.ContentInfo {
  const encryptedKey = pbes2Encrypt(privateKeyPkcs8Der, pbe);
  const keyBag = new pkijs.SafeBag({
    bagId: OID.pkcs8ShroudedKeyBag, // pkcs8ShroudedKeyBag
    bagValue: new pkijs.PKCS8ShroudedKeyBag({
      encryptionAlgorithm: encryptedKey.algorithm,
      encryptedData: new asn1js.OctetString({ valueHex: toArrayBuffer(encryptedKey.ciphertext) }),
    }),
    bagAttributes: bagAttributes(labels),
  });
  const keySafeContents = new pkijs.SafeContents({ safeBags: [keyBag] }).toSchema().toBER(false);
  return new pkijs.ContentInfo({
    contentType: OID.data, // id-data
    content: new asn1js.OctetString({ valueHex: keySafeContents }),
  });
}

/** RFC 7292 §5.1 / B.4: MAC key = KDF(password as BMPString, macSalt, ID 3) with SHA-256; then HMAC-SHA256 over the AuthenticatedSafe. */
function passwordMac(authSafeBytes: Uint8Array, { password, iterations, random }: PasswordSettings): pkijs.MacData {
  const macSalt = random(SALT_LENGTH);
  const macKey = pkcs12Kdf({ password: passwordToBmpString(password), salt: macSalt, id: PKCS12_KDF_ID.MAC, iterations, length: 32, hash: "SHA-256" });
  const mac = nodeHmac("sha256", macKey, authSafeBytes);
  return new pkijs.MacData({
    mac: new pkijs.DigestInfo({
      digestAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.sha256, algorithmParams: new asn1js.Null() }), // id-sha256
      digest: new asn1js.OctetString({ valueHex: toArrayBuffer(mac) }),
    }),
    macSalt: new asn1js.OctetString({ valueHex: toArrayBuffer(macSalt) }),
    iterations,
  });
}

/** RFC 8018 §6.2 PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC: returns the AlgorithmIdentifier and ciphertext. */
function pbes2Encrypt(plaintext: Uint8Array, { password, iterations, random }: PasswordSettings): { algorithm: pkijs.AlgorithmIdentifier; ciphertext: Uint8Array } {
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
function bagAttributes({ localKeyId, friendlyName }: BagLabels): pkijs.Attribute[] {
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

