/**
 * DER in one place: reading exactly one element, reading the first element of longer input, and
 * telling what kind of file a DER element is from its outline.
 *
 * Every DER element is tag, length, contents (X.690 §8.1). asn1js reads them (it reads BER, of
 * which DER is the strict subset, X.690 §10-11); the readers that insist on DER-only rules, such as
 * derTree refusing indefinite lengths, check those themselves. Embedded DER inside BIT and OCTET
 * STRINGs is never decoded here (`parseEmbedded: false`): callers that want it say so.
 *
 * sniffDer looks at the outline only (the types and count of the top fields, plus a version
 * number or an OID where two structures would otherwise look alike), so that a reader handed the
 * wrong file can say which file it was: a certificate, a PFX, a key. It never decides validity:
 * the reader's own parse does.
 *
 * No printing and no I/O here.
 */
import * as asn1js from "asn1js";
import { KitError } from "../errors.ts";
import { OID } from "./oids.ts";

/** The stable codes parseOneDer throws: BAD_DER for the key readers, NOT_DER for derTree's family of errors. */
export type DerErrorCode = "BAD_DER" | "NOT_DER";

export interface ParseOneDerOptions {
  /** The KitError code to throw; default "BAD_DER". */
  code?: DerErrorCode;
}

/**
 * Parses bytes that must be exactly one DER element (X.690 §8.1: identifier, length, contents) and
 * returns it as an asn1js block. `what` names what the bytes were meant to be ("PKCS #8 private key",
 * "certificate"), and the error message says it.
 * @throws KitError BAD_DER (or `options.code`) when the bytes do not parse (empty, cut short, not
 *   BER at all) or when bytes follow the end of the first element.
 * @see https://www.itu.int/rec/T-REC-X.690 (X.690 §8.1 and §10)
 */
export function parseOneDer(bytes: Uint8Array, what: string, options: ParseOneDerOptions = {}): asn1js.AsnType {
  const code = options.code ?? "BAD_DER";
  const parsed = asn1js.fromBER(bytes, { parseEmbedded: false }); // asn1js reads from its own copy
  if (parsed.offset === -1) {
    throw new KitError(
      code,
      `The ${what} is not valid DER (${parsed.result.error || "unreadable"}).`,
      "Check that you passed the binary DER bytes of the right file, not PEM or base64 text: DER starts with a tag byte (30 for a SEQUENCE) and a length.",
    );
  }
  if (parsed.offset !== bytes.length) {
    throw new KitError(
      code,
      `The ${what} has ${bytes.length - parsed.offset} bytes after the end of its DER encoding (which ends at byte ${parsed.offset}).`,
      "Pass exactly one DER element: the file is damaged or holds more than one object (a file with several certificates should be split first).",
    );
  }
  return parsed.result;
}

/**
 * The first DER element of `bytes` and the offset just past it, ignoring whatever follows; undefined
 * when no element parses at the start. For values taken out of structures that were already checked,
 * and for readers that accept trailing bytes (readPfx, as pkijs's PFX.fromBER does).
 * @see https://www.itu.int/rec/T-REC-X.690 (X.690 §8.1)
 */
export function parseDerPrefix(bytes: Uint8Array): { block: asn1js.AsnType; end: number } | undefined {
  const parsed = asn1js.fromBER(bytes, { parseEmbedded: false });
  return parsed.offset === -1 ? undefined : { block: parsed.result, end: parsed.offset };
}

// ── Telling files apart ──────────────────────────────────────────────────────────────────────────

/**
 * What a DER structure is, by its outline:
 *   "certificate"      X.509 Certificate (RFC 5280 §4.1)
 *   "csr"              PKCS#10 CertificationRequest (RFC 2986 §4)
 *   "pfx"              PKCS#12 PFX (RFC 7292 §4)
 *   "pkcs8"            PrivateKeyInfo / OneAsymmetricKey (RFC 5208 §5, RFC 5958 §2)
 *   "encrypted-pkcs8"  EncryptedPrivateKeyInfo (RFC 5958 §3)
 *   "pkcs1"            PKCS#1 RSAPrivateKey (RFC 8017 Appendix A.1.2)
 *   "rsa-public-key"   PKCS#1 RSAPublicKey (RFC 8017 Appendix A.1.1)
 *   "ec-private-key"   SEC 1 ECPrivateKey (RFC 5915 §3)
 *   "spki"             SubjectPublicKeyInfo (RFC 5280 §4.1)
 *   "digest-info"      DigestInfo, the hash inside an RSA signature (RFC 8017 §9.2)
 *   "unknown"          none of these, or not DER at all
 */
export type DerKind =
  | "certificate"
  | "csr"
  | "pfx"
  | "pkcs8"
  | "encrypted-pkcs8"
  | "pkcs1"
  | "rsa-public-key"
  | "ec-private-key"
  | "spki"
  | "digest-info"
  | "unknown";

/**
 * Which DER structure `bytes` start with, judged by its outline (see DerKind). Bytes after the first
 * element are ignored (parseOneDer is what refuses them); input that does not parse is "unknown".
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1 and the other sections named at DerKind
 */
export function sniffDer(bytes: Uint8Array): DerKind {
  const first = parseDerPrefix(bytes);
  return first ? derKindOf(first.block) : "unknown";
}

/** The hash algorithms a DigestInfo names (RFC 8017 §9.2 note 1, plus SHA-224). */
const HASH_ALGORITHMS: ReadonlySet<string> = new Set([OID.md5, OID.sha1, OID.sha256, OID.sha384, OID.sha512, OID.sha224]);

/** sniffDer for an element already parsed (by parseOneDer or parseDerPrefix); the rules and their RFC sections are inline. */
export function derKindOf(block: asn1js.AsnType): DerKind {
  if (!(block instanceof asn1js.Sequence)) return "unknown";
  const fields = block.valueBlock.value;
  const [a, b, c] = fields;
  const version = smallInteger(a);

  // PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL } (RFC 7292 §4)
  if (version === 3 && b instanceof asn1js.Sequence) return "pfx";
  // PrivateKeyInfo ::= SEQUENCE { version 0 (1 in RFC 5958), privateKeyAlgorithm AlgorithmIdentifier, privateKey OCTET STRING, … } (RFC 5208 §5)
  if ((version === 0 || version === 1) && algorithmOf(b) !== undefined && c instanceof asn1js.OctetString) return "pkcs8";
  // RSAPrivateKey ::= SEQUENCE { version 0 (1: multi-prime), modulus, publicExponent, privateExponent, prime1, prime2,
  //   exponent1, exponent2, coefficient, otherPrimeInfos OPTIONAL } (RFC 8017 §A.1.2)
  if ((version === 0 || version === 1) && fields.length >= 9 && fields.slice(0, 9).every((x) => x instanceof asn1js.Integer)) return "pkcs1";
  // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, parameters [0] OPTIONAL, publicKey [1] OPTIONAL } (RFC 5915 §3)
  if (version === 1 && b instanceof asn1js.OctetString && fields.length <= 4 && fields.slice(2).every(isContextTag0or1)) return "ec-private-key";
  // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1)
  if (fields.length === 2 && a instanceof asn1js.Integer && b instanceof asn1js.Integer) return "rsa-public-key";

  const algorithm = algorithmOf(a);
  if (fields.length === 2 && algorithm !== undefined) {
    // DigestInfo ::= SEQUENCE { digestAlgorithm, digest OCTET STRING } (RFC 8017 §9.2) names a hash;
    // EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData OCTET STRING } (RFC 5958 §3)
    // has the same outline and names a cipher.
    if (b instanceof asn1js.OctetString) return HASH_ALGORITHMS.has(algorithm) ? "digest-info" : "encrypted-pkcs8";
    // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING } (RFC 5280 §4.1)
    if (b instanceof asn1js.BitString) return "spki";
  }
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING } (RFC 5280 §4.1), and
  // CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature BIT STRING } (RFC 2986 §4).
  if (fields.length === 3 && a instanceof asn1js.Sequence && algorithmOf(b) !== undefined && c instanceof asn1js.BitString) {
    return isCertificationRequestInfo(a) ? "csr" : "certificate";
  }
  return "unknown";
}

/**
 * CertificationRequestInfo ::= SEQUENCE { version INTEGER 0, subject Name, subjectPKInfo
 * SubjectPublicKeyInfo, attributes [0] } (RFC 2986 §4.1). A TBSCertificate starts with [0] version
 * or, in v1, INTEGER serialNumber, AlgorithmIdentifier, Name: its third field is no SPKI.
 */
function isCertificationRequestInfo(info: asn1js.Sequence): boolean {
  const [version, subject, spki] = info.valueBlock.value;
  return smallInteger(version) === 0 && subject instanceof asn1js.Sequence && spki instanceof asn1js.Sequence && spki.valueBlock.value[1] instanceof asn1js.BitString;
}

/** The value of an INTEGER of at most two content bytes (a version number), else undefined. */
function smallInteger(block: asn1js.AsnType | undefined): number | undefined {
  return block instanceof asn1js.Integer && block.valueBlock.valueHexView.length <= 2 ? block.valueBlock.valueDec : undefined;
}

/** The OID of an AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL } (RFC 5280 §4.1.1.2), else undefined. */
function algorithmOf(block: asn1js.AsnType | undefined): string | undefined {
  if (!(block instanceof asn1js.Sequence)) return undefined;
  const first = block.valueBlock.value[0];
  return first instanceof asn1js.ObjectIdentifier ? first.getValue() : undefined;
}

function isContextTag0or1(block: asn1js.AsnType): boolean {
  const id = (block as asn1js.BaseBlock).idBlock;
  return id.tagClass === 3 && (id.tagNumber === 0 || id.tagNumber === 1);
}
