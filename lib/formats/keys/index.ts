/**
 * RSA key files in and out: PKCS #8 and PKCS #1 DER/PEM private keys, SubjectPublicKeyInfo public
 * keys and JSON Web Keys, all read into the plain bigint records of lib/crypto/rsa.
 *
 * The DER structures are parsed and built with asn1js against pkijs's schemas; only the INTEGER
 * contents are converted by hand, with OS2IP/I2OSP (RFC 8017 §4), so that the sign byte DER puts in
 * front of a number whose top bit is set is handled in one visible place.
 */
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { base64urlDecode, base64urlEncode } from "../../crypto/base64url.ts";
import { concatBytes, toArrayBuffer } from "../../bytes.ts";
import { KitError } from "../../errors.ts";
import { parseOneDer, sniffDer } from "../der.ts";
import { OID } from "../oids.ts";
import { pemDecode } from "../pem.ts";
import { i2osp, modInverse, modPow, os2ip, type RsaPrivateKey, type RsaPublicKey } from "../../crypto/rsa/index.ts";

/** Other key algorithms someone might try, named in error messages. */
const OTHER_KEY_ALGORITHMS: Record<string, string> = {
  [OID.dsa]: "DSA",
  [OID.x25519]: "X25519",
  [OID.x448]: "X448",
  [OID.ed25519]: "Ed25519",
  [OID.ed448]: "Ed448",
};

/** A public key as a JSON Web Key (RFC 7518 §6.3.1). */
export interface RsaPublicJwk {
  kty: "RSA";
  n: string;
  e: string;
}

/** A private key as a JSON Web Key with all of RFC 7518 §6.3.2's members. */
export interface RsaPrivateJwk extends RsaPublicJwk {
  d: string;
  p: string;
  q: string;
  dp: string;
  dq: string;
  qi: string;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

function ecKeyError(where: string): KitError {
  return new KitError(
    "EC_KEY",
    `${where} is an elliptic-curve (EC) key, but the certificate credentials in this kit need an RSA key.`,
    "Create an RSA key and certificate instead, e.g. `openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 365 -subj /CN=workshop`.",
  );
}

function keyAlgorithmError(oid: string, where: string): KitError {
  if (oid === OID.ecPublicKey) return ecKeyError(where);
  const name = OTHER_KEY_ALGORITHMS[oid];
  return new KitError(
    "NOT_RSA_KEY",
    `${where} is ${name ? `a ${name} key` : `a key of algorithm ${oid}`}, not an RSA key (rsaEncryption, ${OID.rsaEncryption}).`,
    "Use the RSA key that belongs to your certificate.",
  );
}

function inconsistent(relation: string): KitError {
  return new KitError(
    "RSA_KEY_INCONSISTENT",
    `The RSA private key's numbers do not fit together: ${relation} (RFC 8017 §3.2).`,
    "The key is damaged or mixes parts of different keys; export it again from its source.",
  );
}

// ---------------------------------------------------------------------------------------------
// Integers: DER INTEGER and Base64urlUInt <-> bigint
// ---------------------------------------------------------------------------------------------

/** The minimum number of octets that hold x (at least 1, so that 0 is one zero octet). */
function minimalLength(x: bigint): number {
  return x === 0n ? 1 : Math.ceil(x.toString(16).length / 2);
}

/**
 * A DER INTEGER's contents as an unsigned bigint. DER integers are two's complement (X.690 §8.3.3),
 * so a positive number whose top bit is set carries one leading 0x00 "sign byte"; a set top bit
 * without it would mean a negative number, which no RSA key component can be.
 */
function derIntegerToBigint(value: asn1js.Integer, field: string, where: string): bigint {
  const contents = value.valueBlock.valueHexView;
  if (contents.length === 0 || (contents[0]! & 0x80) !== 0) {
    throw new KitError("BAD_KEY_FILE", `The ${field} in ${where} is negative or empty, which no RSA key can have.`, "The key file is damaged; export the key again.");
  }
  // Strip the sign byte, then OS2IP (RFC 8017 §4.2) reads the unsigned big-endian magnitude.
  return os2ip(contents[0] === 0 ? contents.subarray(1) : contents);
}

/** An unsigned bigint as a DER INTEGER: I2OSP in the minimal length, plus a 0x00 sign byte when the top bit is set. */
function bigintToDerInteger(x: bigint): asn1js.Integer {
  let contents = i2osp(x, minimalLength(x));
  if ((contents[0]! & 0x80) !== 0) contents = concatBytes(Uint8Array.of(0), contents);
  return new asn1js.Integer({ valueHex: toArrayBuffer(contents) });
}

/**
 * Base64urlUInt (RFC 7518 §2): the base64url of the integer's unsigned big-endian octets, using
 * "the minimum number of octets needed to represent the value" (zero is "AA").
 */
function bigintToBase64urlUInt(x: bigint): string {
  return base64urlEncode(i2osp(x, minimalLength(x)));
}

function base64urlUIntToBigint(jwk: Record<string, unknown>, member: string): bigint | undefined {
  const value = jwk[member];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") {
    throw new KitError("BAD_JWK", `The JWK member "${member}" must be a non-empty base64url string.`, "Export the JWK again; every RSA number is a base64url string (RFC 7518 §6.3).");
  }
  try {
    return os2ip(base64urlDecode(value));
  } catch (error) {
    if (error instanceof KitError) throw new KitError("BAD_JWK", `The JWK member "${member}" is not valid base64url: ${error.message}`, error.hint);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// DER helpers
// ---------------------------------------------------------------------------------------------

type Fields = Record<string, any>;

function matchSchema(root: asn1js.AsnType, schema: asn1js.AsnSchemaType): Fields | undefined {
  const match = asn1js.compareSchema(root, root, schema);
  return match.verified ? (match.result as Fields) : undefined;
}

function algorithmOf(fields: Fields): string {
  return (fields.algorithm as asn1js.ObjectIdentifier).valueBlock.toString();
}

// ---------------------------------------------------------------------------------------------
// Consistency
// ---------------------------------------------------------------------------------------------

/**
 * Checks the relations RFC 8017 §3.1-3.2 requires between a private key's numbers: n = p·q,
 * 3 ≤ e < n odd, e·d ≡ 1 (mod p − 1) and (mod q − 1) (so mod λ(n)), e·dP ≡ 1 (mod p − 1) with
 * 0 < dP < p − 1, the same for dQ, and q·qInv ≡ 1 (mod p) with 0 < qInv < p. It does not test that
 * p and q are prime.
 * @throws KitError RSA_KEY_INCONSISTENT naming the first relation that fails.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-3.2
 */
export function checkRsaPrivateKey(key: RsaPrivateKey): void {
  const { n, e, d, p, q, dp, dq, qi } = key;
  if (n <= 0n || p <= 1n || q <= 1n) throw inconsistent("n, p and q must be positive and p, q greater than 1");
  if (p * q !== n) throw inconsistent("p · q is not n");
  if (e < 3n || e >= n || e % 2n === 0n) throw inconsistent("e must be an odd integer between 3 and n − 1");
  if (d <= 0n || d >= n) throw inconsistent("d must be between 1 and n − 1");
  if ((e * d) % (p - 1n) !== 1n || (e * d) % (q - 1n) !== 1n) throw inconsistent("e · d is not 1 modulo λ(n)");
  if (dp <= 0n || dp >= p - 1n || (e * dp) % (p - 1n) !== 1n) throw inconsistent("e · dP is not 1 modulo p − 1");
  if (dq <= 0n || dq >= q - 1n || (e * dq) % (q - 1n) !== 1n) throw inconsistent("e · dQ is not 1 modulo q − 1");
  if (qi <= 0n || qi >= p || (q * qi) % p !== 1n) throw inconsistent("q · qInv is not 1 modulo p");
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/**
 * Recovers p and q from (n, e, d), following NIST SP 800-56B Rev. 2 Appendix C.2: write e·d − 1 =
 * 2^t · r with r odd; for a base g, the sequence g^r, g^2r, …, g^(2^t·r) = 1 (mod n) usually meets a
 * square root y of 1 other than ±1, and then gcd(y − 1, n) is a factor. Each base works with
 * probability at least 1/2; the bases 2, 3, 4, … are tried in turn so the result is deterministic.
 */
function recoverPrimeFactors(n: bigint, e: bigint, d: bigint): { p: bigint; q: bigint } {
  const k = d * e - 1n;
  if (k <= 0n || k % 2n !== 0n) throw inconsistent("e · d − 1 must be even and positive");
  let r = k;
  let t = 0;
  while (r % 2n === 0n) {
    r /= 2n;
    t++;
  }
  const wrongD = () => inconsistent("d is not the private exponent for n and e, so p and q cannot be recovered");
  // SP 800-56B Appendix C.2 step 3: up to 100 bases.
  for (let g = 2n; g < 102n; g++) {
    let y = modPow(g, r, n);
    if (y === 1n || y === n - 1n) continue; // a trivial root: try the next base
    let trivial = false;
    for (let i = 0; i < t; i++) {
      const x = (y * y) % n;
      if (x === 1n) {
        // y² ≡ 1 with y ≢ ±1: y − 1 shares exactly one prime with n (step 5).
        const p = gcd(y - 1n, n);
        const q = n / p;
        return p > q ? { p, q } : { p: q, q: p };
      }
      if (x === n - 1n) {
        trivial = true;
        break;
      }
      y = x;
    }
    // Without reaching 1, g^(e·d − 1) ≢ 1 (mod n): d cannot be the private exponent.
    if (!trivial) throw wrongD();
  }
  throw wrongD();
}

// ---------------------------------------------------------------------------------------------
// PKCS #1 and PKCS #8 private keys
// ---------------------------------------------------------------------------------------------

/**
 * Reads a PKCS #1 RSAPrivateKey (DER): SEQUENCE { version, modulus, publicExponent,
 * privateExponent, prime1, prime2, exponent1, exponent2, coefficient, otherPrimeInfos OPTIONAL }.
 * This is the body of a PEM file labelled "RSA PRIVATE KEY".
 * @throws KitError NOT_PKCS1, EC_KEY, MULTI_PRIME_KEY, BAD_DER, BAD_KEY_FILE or RSA_KEY_INCONSISTENT.
 * @see https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2
 */
export function rsaPrivateKeyFromPkcs1(der: Uint8Array): RsaPrivateKey {
  const where = "the PKCS #1 RSAPrivateKey";
  const root = parseOneDer(der, "PKCS #1 RSAPrivateKey");
  const fields = matchSchema(
    root,
    pkijs.RSAPrivateKey.schema({
      names: { version: "version", modulus: "n", publicExponent: "e", privateExponent: "d", prime1: "p", prime2: "q", exponent1: "dp", exponent2: "dq", coefficient: "qi", otherPrimeInfosName: "oth" },
    }),
  );
  if (!fields) {
    if (sniffDer(der) === "ec-private-key") throw ecKeyError("This key");
    throw new KitError("NOT_PKCS1", "The DER bytes are not a PKCS #1 RSAPrivateKey.", "If the PEM label was \"PRIVATE KEY\", read it as PKCS #8 (rsaPrivateKeyFromPkcs8) instead.");
  }
  // Appendix A.1.2: version is 0 for two-prime keys and 1 when otherPrimeInfos is present.
  const version = (fields.version as asn1js.Integer).valueBlock.valueDec;
  if (version !== 0 || fields.oth !== undefined) {
    throw new KitError("MULTI_PRIME_KEY", "This is a multi-prime RSA key (more than two primes), which the kit does not support.", "Use an ordinary two-prime RSA key, as every common tool generates.");
  }
  const get = (name: string, label: string) => derIntegerToBigint(fields[name] as asn1js.Integer, label, where);
  const key: RsaPrivateKey = {
    n: get("n", "modulus"),
    e: get("e", "publicExponent"),
    d: get("d", "privateExponent"),
    p: get("p", "prime1"),
    q: get("q", "prime2"),
    dp: get("dp", "exponent1"),
    dq: get("dq", "exponent2"),
    qi: get("qi", "coefficient"),
  };
  checkRsaPrivateKey(key);
  return key;
}

/**
 * Reads a PKCS #8 PrivateKeyInfo (DER) holding an RSA key: SEQUENCE { version, privateKeyAlgorithm
 * (rsaEncryption), privateKey OCTET STRING containing the PKCS #1 RSAPrivateKey }. This is the body
 * of a PEM file labelled "PRIVATE KEY" and what WebCrypto's exportKey("pkcs8") returns.
 * @throws KitError EC_KEY for an EC key (1.2.840.10045.2.1), NOT_RSA_KEY for other algorithms,
 *   ENCRYPTED_KEY for an EncryptedPrivateKeyInfo, NOT_PKCS8 for anything else that is not PKCS #8.
 * @see https://www.rfc-editor.org/rfc/rfc5208#section-5
 */
export function rsaPrivateKeyFromPkcs8(der: Uint8Array): RsaPrivateKey {
  const root = parseOneDer(der, "PKCS #8 private key");
  const fields = matchSchema(
    root,
    pkijs.PrivateKeyInfo.schema({
      names: { version: "version", privateKeyAlgorithm: { names: { algorithmIdentifier: "algorithm" } }, privateKey: "privateKey" },
    }),
  );
  if (!fields) {
    // Not PKCS #8: say which other key file it is, when it is one (judged by its outline, lib/formats/der.ts).
    const kind = sniffDer(der);
    if (kind === "encrypted-pkcs8") throw encryptedKeyError();
    if (kind === "ec-private-key") throw ecKeyError("This key");
    if (kind === "pkcs1") {
      throw new KitError("NOT_PKCS8", "The DER bytes are a PKCS #1 RSAPrivateKey, not a PKCS #8 PrivateKeyInfo.", "Read it with rsaPrivateKeyFromPkcs1 (PEM label \"RSA PRIVATE KEY\").");
    }
    throw new KitError("NOT_PKCS8", "The DER bytes are not a PKCS #8 private key.", "Pass the private key file itself, not the certificate or a PFX.");
  }
  // RFC 5208 §5 version 0; RFC 5958 §2 OneAsymmetricKey (version 1) has the same first three fields.
  const version = (fields.version as asn1js.Integer).valueBlock.valueDec;
  if (version !== 0 && version !== 1) throw new KitError("NOT_PKCS8", `The PKCS #8 version is ${version}; only 0 and 1 exist.`, "The key file is damaged; export the key again.");
  const oid = algorithmOf(fields);
  if (oid !== OID.rsaEncryption && oid !== OID.rsassaPss) throw keyAlgorithmError(oid, "This private key");
  return rsaPrivateKeyFromPkcs1(new Uint8Array((fields.privateKey as asn1js.OctetString).getValue()));
}

function encryptedKeyError(): KitError {
  return new KitError(
    "ENCRYPTED_KEY",
    "This private key is encrypted with a password, and the kit reads only unencrypted keys.",
    "Decrypt it with `openssl pkey -in key.pem -out key-plain.pem` (it asks for the password), or give the kit the .pfx file and its password instead.",
  );
}

/**
 * Reads the RSA private key from PEM text: a "PRIVATE KEY" (PKCS #8) or "RSA PRIVATE KEY" (PKCS #1)
 * block. Other blocks in the text (certificates, for example) are ignored.
 * @throws KitError ENCRYPTED_KEY for "ENCRYPTED PRIVATE KEY" (or a legacy encrypted "RSA PRIVATE KEY"),
 *   EC_KEY for "EC PRIVATE KEY" or a PKCS #8 EC key, NO_PRIVATE_KEY when there is no key block,
 *   MULTIPLE_PRIVATE_KEYS when there are several, UNSUPPORTED_KEY_FORMAT for other key formats.
 * @see https://www.rfc-editor.org/rfc/rfc7468#section-10
 */
export function rsaPrivateKeyFromPem(text: string): RsaPrivateKey {
  const blocks = pemDecode(text);
  if (blocks.length === 0) {
    throw new KitError("NOT_PEM", "The text holds no PEM block (no \"-----BEGIN ...-----\" line).", "Pass the PEM key file (its first line names a PRIVATE KEY); for a .pfx or .p12 file, load it as a PFX (npm run step 1 -- --pfx FILE --password P).");
  }
  const keys = blocks.filter((block) => block.label.endsWith("PRIVATE KEY"));
  if (keys.length === 0) {
    const labels = blocks.map((block) => `"${block.label}"`).join(", ");
    throw new KitError("NO_PRIVATE_KEY", `The PEM text holds ${labels} but no private key.`, "The private key is usually in a separate .key or .pem file, or inside the .pfx file.");
  }
  if (keys.length > 1) {
    throw new KitError("MULTIPLE_PRIVATE_KEYS", `The PEM text holds ${keys.length} private keys, so it is not clear which one to use.`, "Keep only the key that belongs to your certificate in the file.");
  }
  const block = keys[0]!;
  switch (block.label) {
    case "PRIVATE KEY":
      return rsaPrivateKeyFromPkcs8(block.der);
    case "RSA PRIVATE KEY":
      // OpenSSL's legacy encryption (RFC 1421 headers "Proc-Type: 4,ENCRYPTED" and "DEK-Info").
      if (block.headers?.["Proc-Type"]?.includes("ENCRYPTED")) throw encryptedKeyError();
      return rsaPrivateKeyFromPkcs1(block.der);
    case "ENCRYPTED PRIVATE KEY":
      throw encryptedKeyError();
    case "EC PRIVATE KEY":
      throw ecKeyError("This key (\"EC PRIVATE KEY\")");
    case "DSA PRIVATE KEY":
      throw keyAlgorithmError(OID.dsa, "This key (\"DSA PRIVATE KEY\")");
    case "OPENSSH PRIVATE KEY":
      throw new KitError("UNSUPPORTED_KEY_FORMAT", "This is an OpenSSH private key, which the kit does not read.", "Convert it to PKCS #8 with `ssh-keygen -p -m PKCS8 -f <file>` (this rewrites the file).");
    default:
      throw new KitError("UNSUPPORTED_KEY_FORMAT", `The PEM block "${block.label}" is not a key format the kit reads.`, 'Use a "PRIVATE KEY" (PKCS #8) or "RSA PRIVATE KEY" (PKCS #1) file.');
  }
}

/**
 * Encodes a private key as a PKCS #1 RSAPrivateKey (DER), version 0 (two primes).
 * @see https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.2
 */
export function rsaPrivateKeyToPkcs1(key: RsaPrivateKey): Uint8Array {
  const structure = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      bigintToDerInteger(key.n),
      bigintToDerInteger(key.e),
      bigintToDerInteger(key.d),
      bigintToDerInteger(key.p),
      bigintToDerInteger(key.q),
      bigintToDerInteger(key.dp),
      bigintToDerInteger(key.dq),
      bigintToDerInteger(key.qi),
    ],
  });
  return new Uint8Array(structure.toBER());
}

/**
 * Encodes a private key as a PKCS #8 PrivateKeyInfo (DER) with algorithm rsaEncryption and NULL
 * parameters: the body of a PEM file labelled "PRIVATE KEY", importable by WebCrypto and OpenSSL.
 * @see https://www.rfc-editor.org/rfc/rfc5208#section-5
 */
export function rsaPrivateKeyToPkcs8(key: RsaPrivateKey): Uint8Array {
  const info = new pkijs.PrivateKeyInfo({
    version: 0,
    privateKeyAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() }),
    privateKey: new asn1js.OctetString({ valueHex: toArrayBuffer(rsaPrivateKeyToPkcs1(key)) }),
  });
  return new Uint8Array(info.toSchema().toBER());
}

// ---------------------------------------------------------------------------------------------
// Public keys
// ---------------------------------------------------------------------------------------------

/**
 * Reads a PKCS #1 RSAPublicKey (DER): SEQUENCE { modulus INTEGER, publicExponent INTEGER }.
 * @throws KitError NOT_RSA_PUBLIC_KEY, BAD_DER or BAD_KEY_FILE.
 * @see https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.1
 */
export function rsaPublicKeyFromPkcs1(der: Uint8Array): RsaPublicKey {
  const where = "the RSAPublicKey";
  const root = parseOneDer(der, "PKCS #1 RSAPublicKey");
  const fields = matchSchema(root, pkijs.RSAPublicKey.schema({ names: { modulus: "n", publicExponent: "e" } }));
  if (!fields) throw new KitError("NOT_RSA_PUBLIC_KEY", "The DER bytes are not a PKCS #1 RSAPublicKey.", "Pass an RSA public key, such as the one in your certificate.");
  return { n: derIntegerToBigint(fields.n as asn1js.Integer, "modulus", where), e: derIntegerToBigint(fields.e as asn1js.Integer, "publicExponent", where) };
}

/**
 * Reads an RSA public key from a SubjectPublicKeyInfo (DER): SEQUENCE { algorithm (rsaEncryption),
 * subjectPublicKey BIT STRING containing the RSAPublicKey }. Certificates hold one of these, and it is
 * what WebCrypto's exportKey("spki") returns.
 * @throws KitError EC_KEY for an EC key, NOT_RSA_KEY for other algorithms, NOT_SPKI when the bytes
 *   are not a SubjectPublicKeyInfo.
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.7
 */
export function rsaPublicKeyFromSpki(der: Uint8Array): RsaPublicKey {
  const root = parseOneDer(der, "SubjectPublicKeyInfo");
  const fields = matchSchema(
    root,
    pkijs.PublicKeyInfo.schema({ names: { algorithm: { names: { algorithmIdentifier: "algorithm" } }, subjectPublicKey: "subjectPublicKey" } }),
  );
  if (!fields) throw new KitError("NOT_SPKI", "The DER bytes are not a SubjectPublicKeyInfo.", "Pass the public key (PEM label \"PUBLIC KEY\"); to use a certificate, take the SubjectPublicKeyInfo out of it first.");
  const oid = algorithmOf(fields);
  // RFC 3279 §2.3.1: rsaEncryption keys; RFC 4055 §1.2: id-RSASSA-PSS keys carry the same RSAPublicKey.
  if (oid !== OID.rsaEncryption && oid !== OID.rsassaPss) throw keyAlgorithmError(oid, "This public key");
  const bits = fields.subjectPublicKey as asn1js.BitString;
  if (bits.valueBlock.unusedBits !== 0) throw new KitError("BAD_KEY_FILE", "The public key's BIT STRING does not hold whole bytes.", "The key file is damaged; export it again.");
  return rsaPublicKeyFromPkcs1(bits.valueBlock.valueHexView);
}

/**
 * Encodes a public key as a PKCS #1 RSAPublicKey (DER).
 * @see https://www.rfc-editor.org/rfc/rfc8017#appendix-A.1.1
 */
export function rsaPublicKeyToPkcs1(key: RsaPublicKey): Uint8Array {
  return new Uint8Array(new asn1js.Sequence({ value: [bigintToDerInteger(key.n), bigintToDerInteger(key.e)] }).toBER());
}

/**
 * Encodes a public key as a SubjectPublicKeyInfo (DER) with algorithm rsaEncryption and NULL
 * parameters (RFC 3279 §2.3.1), as certificates carry it.
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.7
 */
export function rsaPublicKeyToSpki(key: RsaPublicKey): Uint8Array {
  const info = new pkijs.PublicKeyInfo({
    algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID.rsaEncryption, algorithmParams: new asn1js.Null() }),
    subjectPublicKey: new asn1js.BitString({ valueHex: toArrayBuffer(rsaPublicKeyToPkcs1(key)) }),
  });
  return new Uint8Array(info.toSchema().toBER());
}

/**
 * The public half (n, e) of a private key.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-3.1
 */
export function publicKeyOf(key: RsaPrivateKey): RsaPublicKey {
  return { n: key.n, e: key.e };
}

/**
 * Whether a private key and a public key (from a certificate, say) are the same RSA key pair: equal
 * modulus n and public exponent e.
 * @see https://www.rfc-editor.org/rfc/rfc8017#section-3.1
 */
export function keysMatch(privateKey: RsaPrivateKey, publicKey: RsaPublicKey): boolean {
  return privateKey.n === publicKey.n && privateKey.e === publicKey.e;
}

// ---------------------------------------------------------------------------------------------
// JSON Web Keys (RFC 7518 §6.3)
// ---------------------------------------------------------------------------------------------

function jwkMembers(jwk: object, wantPrivate: boolean): Record<string, unknown> {
  if (jwk === null || typeof jwk !== "object" || Array.isArray(jwk)) {
    throw new KitError("BAD_JWK", "The JWK is not a JSON object.", "Pass the parsed JSON object of the key.");
  }
  const members = jwk as Record<string, unknown>;
  const kty = members.kty;
  if (kty === "EC") throw ecKeyError("This JWK");
  if (kty !== "RSA") {
    throw new KitError("NOT_RSA_KEY", `The JWK has kty ${JSON.stringify(kty)}, not "RSA".`, "Use the RSA key that belongs to your certificate.");
  }
  if (members.oth !== undefined) {
    throw new KitError("MULTI_PRIME_KEY", "This JWK is a multi-prime RSA key (it has \"oth\"), which the kit does not support.", "Use an ordinary two-prime RSA key.");
  }
  if (wantPrivate && members.d === undefined) {
    throw new KitError("NOT_PRIVATE_KEY", "The JWK has no \"d\" member, so it is a public key, not a private key.", "Export the private key (the JWK with d, p, q, dp, dq and qi).");
  }
  return members;
}

/**
 * Reads an RSA private key from a JWK (RFC 7518 §6.3.2). Only n, e and d are required: missing
 * dp, dq and qi are derived (dP = d mod (p − 1), dQ = d mod (q − 1), qInv = q⁻¹ mod p), and missing
 * p and q are recovered from n, e and d (NIST SP 800-56B Rev. 2 Appendix C.2).
 * @throws KitError EC_KEY for kty "EC", NOT_RSA_KEY, NOT_PRIVATE_KEY (no "d"), BAD_JWK, MULTI_PRIME_KEY
 *   or RSA_KEY_INCONSISTENT.
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-6.3.2
 */
export function rsaPrivateKeyFromJwk(jwk: object): RsaPrivateKey {
  const members = jwkMembers(jwk, true);
  const value = (name: string) => base64urlUIntToBigint(members, name);
  const n = value("n");
  const e = value("e");
  const d = value("d")!;
  if (n === undefined || e === undefined) throw new KitError("BAD_JWK", "The JWK lacks the modulus \"n\" or the exponent \"e\".", "Export the key again with all its members.");
  if (n <= 1n) throw inconsistent("the modulus n must be greater than 1");
  let p = value("p");
  let q = value("q");
  if (p === undefined && q === undefined) ({ p, q } = recoverPrimeFactors(n, e, d));
  else if (p === undefined) p = q! > 1n ? n / q! : 0n;
  else if (q === undefined) q = p > 1n ? n / p : 0n;
  if (p! <= 1n || q! <= 1n || p! * q! !== n) throw inconsistent("p · q is not n");
  const P = p!;
  const Q = q!;
  const key: RsaPrivateKey = {
    n,
    e,
    d,
    p: P,
    q: Q,
    dp: value("dp") ?? d % (P - 1n),
    dq: value("dq") ?? d % (Q - 1n),
    qi: value("qi") ?? modInverse(Q, P),
  };
  checkRsaPrivateKey(key);
  return key;
}

/**
 * Reads an RSA public key from a JWK (RFC 7518 §6.3.1); private members, if any, are ignored.
 * @throws KitError EC_KEY for kty "EC", NOT_RSA_KEY or BAD_JWK.
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-6.3.1
 */
export function rsaPublicKeyFromJwk(jwk: object): RsaPublicKey {
  const members = jwkMembers(jwk, false);
  const n = base64urlUIntToBigint(members, "n");
  const e = base64urlUIntToBigint(members, "e");
  if (n === undefined || e === undefined) throw new KitError("BAD_JWK", "The JWK lacks the modulus \"n\" or the exponent \"e\".", "Export the key again with all its members.");
  return { n, e };
}

/**
 * A public key as a JWK: { kty: "RSA", n, e } with Base64urlUInt values (RFC 7518 §6.3.1).
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-6.3.1
 */
export function rsaPublicKeyToJwk(key: RsaPublicKey): RsaPublicJwk {
  return { kty: "RSA", n: bigintToBase64urlUInt(key.n), e: bigintToBase64urlUInt(key.e) };
}

/**
 * A private key as a JWK with all the members of RFC 7518 §6.3.2 (d, p, q, dp, dq, qi).
 * @see https://www.rfc-editor.org/rfc/rfc7518#section-6.3.2
 */
export function rsaPrivateKeyToJwk(key: RsaPrivateKey): RsaPrivateJwk {
  return {
    ...rsaPublicKeyToJwk(key),
    d: bigintToBase64urlUInt(key.d),
    p: bigintToBase64urlUInt(key.p),
    q: bigintToBase64urlUInt(key.q),
    dp: bigintToBase64urlUInt(key.dp),
    dq: bigintToBase64urlUInt(key.dq),
    qi: bigintToBase64urlUInt(key.qi),
  };
}

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
