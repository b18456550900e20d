/**
 * DER as a tree of annotated nodes, for the workshop's "look inside the bytes" displays.
 *
 * Every DER element is tag, length, contents (X.690 §8.1): one or more identifier octets, one or
 * more length octets, then `length` content octets. A constructed element's contents are more
 * elements; a primitive element's contents are a value. Some primitive values hold DER again:
 * a certificate's subjectPublicKey BIT STRING holds an RSAPublicKey, every extnValue OCTET STRING
 * holds the extension's own structure (RFC 5280 §4.1: "contains the DER encoding of an ASN.1
 * value"). Those are decoded too and appear as children with `encapsulated: true`.
 *
 * This file returns data only; a presentation layer in steps/ prints it. Offsets are absolute
 * positions in the input, so `der.subarray(node.offset, node.offset + node.headerLength + node.length)`
 * is the element's encoding, for every node, including those inside BIT/OCTET STRINGs.
 *
 * Labels come from a LabelScheme: a small description of where each field of a structure sits
 * (by position, by tag for OPTIONAL fields, by the OID before it for open types). Schemes are
 * provided for an X.509 Certificate (RFC 5280 §4.1 and the §4.2.1 extensions), SubjectPublicKeyInfo,
 * the PKCS#1 DigestInfo (RFC 8017 §9.2), RSAPublicKey / RSAPrivateKey (RFC 8017 §A.1) and
 * PKCS#8 PrivateKeyInfo (RFC 5208 §5).
 */

import * as asn1js from "asn1js";
import { toHex } from "../../bytes.ts";
import { KitError } from "../../errors.ts";
import { derKindOf, parseDerPrefix, parseOneDer, type DerKind } from "../der.ts";
import { describeOid, OID } from "../oids.ts";

export type TagClass = "universal" | "application" | "context" | "private";

export interface Asn1Node {
  /** Position of the first identifier octet in the input. */
  offset: number;
  /** Identifier octets + length octets. */
  headerLength: number;
  /** Content octets (the L of TLV). */
  length: number;
  /** "SEQUENCE", "INTEGER", "OBJECT IDENTIFIER", "BIT STRING", "[0]", "[3]", "UTCTime"… */
  tag: string;
  tagClass: TagClass;
  tagNumber: number;
  constructed: boolean;
  /** Field name from the spec ("tbsCertificate", "serialNumber", "modulus"…), when a scheme names it. */
  label?: string;
  /** Short human summary of the value ("65537 (0x010001)", "2.5.4.3 (commonName)", ISO time…). */
  value?: string;
  /** For OBJECT IDENTIFIER nodes: the dotted OID. */
  oid?: string;
  /** True for nodes decoded from inside a BIT STRING or OCTET STRING's contents. */
  encapsulated?: boolean;
  children: Asn1Node[];
}

/**
 * How to label a DER structure. Every property is optional; a scheme with none of them labels
 * nothing and lets the tree be shown bare.
 */
export interface LabelScheme {
  /** Name for this node. */
  label?: string;
  /** When used in `fields`: the tag this field has ("[0]", "BOOLEAN"…), used to skip absent OPTIONAL fields. */
  tag?: string;
  /** When used in `fields`: the field may be absent (needs `tag` to be skipped reliably). */
  optional?: boolean;
  /** SEQUENCE { … }: the fields in order. */
  fields?: LabelScheme[];
  /** SEQUENCE OF / SET OF: the scheme for every element. */
  each?: LabelScheme;
  /** CHOICE by tag: the scheme to use for this node, chosen by its own tag. */
  byTag?: Readonly<Record<string, LabelScheme>>;
  /** Open type: refine this scheme by the nearest OBJECT IDENTIFIER before it (e.g. extnID before extnValue). */
  byOid?: Readonly<Record<string, LabelScheme>>;
  /** BIT/OCTET STRING: its contents are DER described by this scheme; `false`: never decode them. */
  encapsulates?: LabelScheme | false;
  /** BIT STRING with named bits (bit 0 first), e.g. KeyUsage. */
  bits?: readonly string[];
  /** INTEGER values with names, e.g. { "2": "v3" }. */
  names?: Readonly<Record<string, string>>;
  /** Private-key material: its value is replaced by "(hidden)" when the caller asks. */
  secret?: boolean;
}

export interface DerTreeOptions {
  /** Replace values of fields marked secret (private exponent, primes…) with "(hidden)". Default false. */
  hideSecrets?: boolean;
  /**
   * Where no scheme decides, decode a BIT/OCTET STRING whose contents are exactly one DER
   * SEQUENCE or SET. Default true.
   */
  guessEncapsulated?: boolean;
}

// ── Label schemes ────────────────────────────────────────────────────────────────────────────────

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY DEFINED BY algorithm OPTIONAL } (RFC 5280 §4.1.1.2) */
function algorithmIdentifier(label: string): LabelScheme {
  return {
    label,
    fields: [
      { label: "algorithm" },
      {
        label: "parameters",
        optional: true,
        byOid: {
          // RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0], maskGenAlgorithm [1], saltLength [2], trailerField [3] } (RFC 8017 §A.2.3)
          [OID.rsassaPss]: {
            label: "RSASSA-PSS-params",
            fields: [
              { label: "hashAlgorithm", tag: "[0]", optional: true, fields: [plainAlgorithmIdentifier("HashAlgorithm")] },
              {
                label: "maskGenAlgorithm",
                tag: "[1]",
                optional: true,
                // MaskGenAlgorithm { mgf1, HashAlgorithm } (RFC 8017 §A.2.1)
                fields: [{ label: "MaskGenAlgorithm", fields: [{ label: "algorithm" }, plainAlgorithmIdentifier("parameters")] }],
              },
              { label: "saltLength", tag: "[2]", optional: true },
              { label: "trailerField", tag: "[3]", optional: true },
            ],
          },
          [OID.ecPublicKey]: { label: "namedCurve" },
        },
      },
    ],
  };
}

/** AlgorithmIdentifier without looking into its parameters (used inside other parameters). */
function plainAlgorithmIdentifier(label: string): LabelScheme {
  return { label, fields: [{ label: "algorithm" }, { label: "parameters", optional: true }] };
}

/** Name ::= RDNSequence; RDNSequence ::= SEQUENCE OF RelativeDistinguishedName (RFC 5280 §4.1.2.4) */
function name(label: string): LabelScheme {
  return {
    label,
    each: {
      label: "RelativeDistinguishedName",
      each: { label: "AttributeTypeAndValue", fields: [{ label: "type" }, { label: "value" }] },
    },
  };
}

/** GeneralName ::= CHOICE { otherName [0], rfc822Name [1], dNSName [2], …, iPAddress [7], registeredID [8] } (RFC 5280 §4.2.1.6) */
const GENERAL_NAME: LabelScheme = {
  label: "GeneralName",
  byTag: {
    "[0]": { label: "otherName" },
    "[1]": { label: "rfc822Name" },
    "[2]": { label: "dNSName" },
    "[4]": { label: "directoryName", fields: [name("Name")] },
    "[6]": { label: "uniformResourceIdentifier" },
    "[7]": { label: "iPAddress" },
    "[8]": { label: "registeredID" },
  },
};

/** KeyUsage bit names, bit 0 first (RFC 5280 §4.2.1.3). */
export const KEY_USAGE_BIT_NAMES: readonly string[] = Object.freeze([
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
]);

/** What is inside extnValue, per extnID (RFC 5280 §4.2.1). */
const EXTENSION_VALUES: Readonly<Record<string, LabelScheme>> = {
  // keyUsage: KeyUsage ::= BIT STRING { digitalSignature (0), … } (§4.2.1.3)
  [OID.keyUsage]: { label: "KeyUsage", bits: KEY_USAGE_BIT_NAMES },
  // extKeyUsage: ExtKeyUsageSyntax ::= SEQUENCE SIZE (1..MAX) OF KeyPurposeId (§4.2.1.12)
  [OID.extKeyUsage]: { label: "ExtKeyUsageSyntax", each: { label: "KeyPurposeId" } },
  // basicConstraints: SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL } (§4.2.1.9)
  [OID.basicConstraints]: {
    label: "BasicConstraints",
    fields: [
      { label: "cA", tag: "BOOLEAN", optional: true },
      { label: "pathLenConstraint", tag: "INTEGER", optional: true },
    ],
  },
  // subjectKeyIdentifier: SubjectKeyIdentifier ::= KeyIdentifier ::= OCTET STRING (§4.2.1.2)
  [OID.subjectKeyIdentifier]: { label: "SubjectKeyIdentifier", encapsulates: false },
  // authorityKeyIdentifier: SEQUENCE { keyIdentifier [0], authorityCertIssuer [1], authorityCertSerialNumber [2] } (§4.2.1.1)
  [OID.authorityKeyIdentifier]: {
    label: "AuthorityKeyIdentifier",
    fields: [
      { label: "keyIdentifier", tag: "[0]", optional: true },
      { label: "authorityCertIssuer", tag: "[1]", optional: true, each: GENERAL_NAME },
      { label: "authorityCertSerialNumber", tag: "[2]", optional: true },
    ],
  },
  // subjectAltName: GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName (§4.2.1.6)
  [OID.subjectAltName]: { label: "GeneralNames", each: GENERAL_NAME },
};

/** Extension ::= SEQUENCE { extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } (RFC 5280 §4.1) */
const EXTENSION: LabelScheme = {
  label: "Extension",
  fields: [
    { label: "extnID" },
    { label: "critical", tag: "BOOLEAN", optional: true },
    {
      label: "extnValue",
      encapsulates: {},
      byOid: Object.fromEntries(Object.entries(EXTENSION_VALUES).map(([oid, scheme]) => [oid, { encapsulates: scheme }])),
    },
  ],
};

/** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1) */
export const RSA_PUBLIC_KEY_LABELS: LabelScheme = {
  label: "RSAPublicKey",
  fields: [{ label: "modulus" }, { label: "publicExponent" }],
};

/** SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING } (RFC 5280 §4.1) */
export const SUBJECT_PUBLIC_KEY_INFO_LABELS: LabelScheme = subjectPublicKeyInfo("subjectPublicKeyInfo");

function subjectPublicKeyInfo(label: string): LabelScheme {
  return {
    label,
    fields: [
      algorithmIdentifier("algorithm"),
      {
        label: "subjectPublicKey",
        byOid: {
          [OID.rsaEncryption]: { encapsulates: RSA_PUBLIC_KEY_LABELS },
          [OID.rsassaPss]: { encapsulates: RSA_PUBLIC_KEY_LABELS },
          [OID.ecPublicKey]: { encapsulates: false }, // ECPoint: 04 || X || Y, not DER (RFC 5480 §2.2)
          [OID.ed25519]: { encapsulates: false },
          [OID.ed448]: { encapsulates: false },
        },
      },
    ],
  };
}

/** Certificate (RFC 5280 §4.1), TBSCertificate (§4.1.2) and the common extensions (§4.2.1). */
export const CERTIFICATE_LABELS: LabelScheme = {
  label: "Certificate",
  fields: [
    {
      label: "tbsCertificate",
      fields: [
        { label: "version", tag: "[0]", optional: true, fields: [{ label: "Version", names: { "0": "v1", "1": "v2", "2": "v3" } }] },
        { label: "serialNumber" },
        algorithmIdentifier("signature"),
        name("issuer"),
        { label: "validity", fields: [{ label: "notBefore" }, { label: "notAfter" }] },
        name("subject"),
        subjectPublicKeyInfo("subjectPublicKeyInfo"),
        { label: "issuerUniqueID", tag: "[1]", optional: true },
        { label: "subjectUniqueID", tag: "[2]", optional: true },
        { label: "extensions", tag: "[3]", optional: true, fields: [{ label: "Extensions", each: EXTENSION }] },
      ],
    },
    algorithmIdentifier("signatureAlgorithm"),
    { label: "signatureValue", encapsulates: false },
  ],
};

/** DigestInfo ::= SEQUENCE { digestAlgorithm DigestAlgorithmIdentifier, digest OCTET STRING } (RFC 8017 §9.2 step 2) */
export const DIGEST_INFO_LABELS: LabelScheme = {
  label: "DigestInfo",
  fields: [algorithmIdentifier("digestAlgorithm"), { label: "digest", encapsulates: false }],
};

/** RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, privateExponent, prime1, prime2, exponent1, exponent2, coefficient, otherPrimeInfos OPTIONAL } (RFC 8017 §A.1.2) */
export const RSA_PRIVATE_KEY_LABELS: LabelScheme = {
  label: "RSAPrivateKey",
  fields: [
    { label: "version", names: { "0": "two-prime", "1": "multi" } },
    { label: "modulus" },
    { label: "publicExponent" },
    { label: "privateExponent", secret: true },
    { label: "prime1", secret: true },
    { label: "prime2", secret: true },
    { label: "exponent1", secret: true },
    { label: "exponent2", secret: true },
    { label: "coefficient", secret: true },
    { label: "otherPrimeInfos", optional: true, tag: "SEQUENCE", secret: true },
  ],
};

/** ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, parameters [0] OPTIONAL, publicKey [1] OPTIONAL } (RFC 5915 §3) */
export const EC_PRIVATE_KEY_LABELS: LabelScheme = {
  label: "ECPrivateKey",
  fields: [
    { label: "version" },
    { label: "privateKey", secret: true, encapsulates: false },
    { label: "parameters", tag: "[0]", optional: true },
    { label: "publicKey", tag: "[1]", optional: true },
  ],
};

/** PrivateKeyInfo ::= SEQUENCE { version, privateKeyAlgorithm, privateKey OCTET STRING, attributes [0] IMPLICIT OPTIONAL } (RFC 5208 §5; RFC 5958 adds publicKey [1]) */
export const PRIVATE_KEY_INFO_LABELS: LabelScheme = {
  label: "PrivateKeyInfo",
  fields: [
    { label: "version" },
    algorithmIdentifier("privateKeyAlgorithm"),
    {
      label: "privateKey",
      encapsulates: false,
      byOid: {
        [OID.rsaEncryption]: { encapsulates: RSA_PRIVATE_KEY_LABELS },
        [OID.rsassaPss]: { encapsulates: RSA_PRIVATE_KEY_LABELS },
        [OID.ecPublicKey]: { encapsulates: EC_PRIVATE_KEY_LABELS },
        [OID.ed25519]: { secret: true }, // CurvePrivateKey ::= OCTET STRING (RFC 8410 §7)
        [OID.ed448]: { secret: true },
      },
    },
    { label: "attributes", tag: "[0]", optional: true },
    { label: "publicKey", tag: "[1]", optional: true },
  ],
};

/** The schemes by the ASN.1 type name they describe; derTree also accepts these names. */
export const LABEL_SCHEMES = {
  Certificate: CERTIFICATE_LABELS,
  SubjectPublicKeyInfo: SUBJECT_PUBLIC_KEY_INFO_LABELS,
  DigestInfo: DIGEST_INFO_LABELS,
  RSAPublicKey: RSA_PUBLIC_KEY_LABELS,
  RSAPrivateKey: RSA_PRIVATE_KEY_LABELS,
  ECPrivateKey: EC_PRIVATE_KEY_LABELS,
  PrivateKeyInfo: PRIVATE_KEY_INFO_LABELS,
} as const satisfies Record<string, LabelScheme>;

export type LabelSchemeName = keyof typeof LABEL_SCHEMES;

// ── The tree ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Parses one DER element (the whole input) into a tree of nodes with absolute offsets.
 * `labels`: a LabelScheme, or the name of one ("Certificate", "DigestInfo"…). When omitted, the
 * scheme is guessed from the shape of the DER (see guessLabelScheme); pass `{}` for no labels.
 * Throws KitError NOT_DER for bytes that are not one complete DER element.
 */
export function derTree(der: Uint8Array, labels?: LabelScheme | LabelSchemeName, options: DerTreeOptions = {}): Asn1Node {
  const expected = (typeof labels === "string" ? labels : labels?.label) ?? "input";
  const root = parseOneDer(der, expected, { code: "NOT_DER" });
  let scheme: LabelScheme | undefined;
  if (typeof labels === "string") {
    if (!Object.hasOwn(LABEL_SCHEMES, labels)) throw new Error(`unknown label scheme "${labels}"`);
    scheme = LABEL_SCHEMES[labels];
  } else {
    scheme = labels ?? guessScheme(root);
  }
  const context: BuildContext = { der, hideSecrets: options.hideSecrets ?? false, guess: options.guessEncapsulated ?? true };
  return buildNode(context, root, 0, scheme, [], false);
}

/**
 * Which of LABEL_SCHEMES fits this DER, judged by its outline only (types and counts of the top
 * fields, by sniffDer of lib/formats/der.ts), or undefined; undefined too for bytes that are not
 * exactly one DER element. Certificate: SEQUENCE { SEQUENCE, SEQUENCE { OID, … }, BIT STRING } (not a
 * PKCS#10 request); DigestInfo: SEQUENCE { SEQUENCE { hash OID, … }, OCTET STRING }; SubjectPublicKeyInfo:
 * SEQUENCE { SEQUENCE { OID, … }, BIT STRING }; PrivateKeyInfo: SEQUENCE { INTEGER 0 or 1, SEQUENCE { OID, … }, OCTET STRING, … };
 * RSAPrivateKey: SEQUENCE of 9 or more INTEGERs, version 0 or 1; RSAPublicKey: SEQUENCE { INTEGER, INTEGER }.
 */
export function guessLabelScheme(der: Uint8Array): LabelSchemeName | undefined {
  const first = parseDerPrefix(der);
  if (!first || first.end !== der.length) return undefined;
  return SCHEME_BY_KIND[derKindOf(first.block)];
}

/** The scheme for each kind of DER that sniffing tells apart (lib/formats/der.ts); the others get no labels. */
const SCHEME_BY_KIND: Readonly<Record<DerKind, LabelSchemeName | undefined>> = {
  certificate: "Certificate",
  spki: "SubjectPublicKeyInfo",
  "digest-info": "DigestInfo",
  pkcs8: "PrivateKeyInfo",
  pkcs1: "RSAPrivateKey",
  "rsa-public-key": "RSAPublicKey",
  // Not guessed: a PKCS#10 request (its outline is a certificate's, its fields are not), a PFX, an
  // encrypted key, and an EC key (pass "ECPrivateKey" to label one).
  csr: undefined,
  pfx: undefined,
  "encrypted-pkcs8": undefined,
  "ec-private-key": undefined,
  unknown: undefined,
};

function guessScheme(block: asn1js.AsnType): LabelScheme | undefined {
  const name = SCHEME_BY_KIND[derKindOf(block)];
  return name ? LABEL_SCHEMES[name] : undefined;
}

/** Every node in the tree, depth-first, parents before children. */
export function walkTree(root: Asn1Node): Asn1Node[] {
  const out: Asn1Node[] = [];
  const visit = (node: Asn1Node): void => {
    out.push(node);
    node.children.forEach(visit);
  };
  visit(root);
  return out;
}

/** The first node (depth-first) with this label, or undefined. */
export function findByLabel(root: Asn1Node, label: string): Asn1Node | undefined {
  return walkTree(root).find((node) => node.label === label);
}

// ── Internals ────────────────────────────────────────────────────────────────────────────────────

interface BuildContext {
  der: Uint8Array;
  hideSecrets: boolean;
  guess: boolean;
}

const TAG_CLASSES: readonly TagClass[] = ["universal", "application", "context", "private"];

const UNIVERSAL_TAGS: Readonly<Record<number, string>> = {
  0: "EOC",
  1: "BOOLEAN",
  2: "INTEGER",
  3: "BIT STRING",
  4: "OCTET STRING",
  5: "NULL",
  6: "OBJECT IDENTIFIER",
  7: "ObjectDescriptor",
  8: "EXTERNAL",
  9: "REAL",
  10: "ENUMERATED",
  12: "UTF8String",
  13: "RELATIVE-OID",
  16: "SEQUENCE",
  17: "SET",
  18: "NumericString",
  19: "PrintableString",
  20: "T61String",
  21: "VideotexString",
  22: "IA5String",
  23: "UTCTime",
  24: "GeneralizedTime",
  25: "GraphicString",
  26: "VisibleString",
  27: "GeneralString",
  28: "UniversalString",
  30: "BMPString",
};

function tagName(tagClass: TagClass, tagNumber: number): string {
  switch (tagClass) {
    case "universal":
      return UNIVERSAL_TAGS[tagNumber] ?? `[UNIVERSAL ${tagNumber}]`;
    case "context":
      return `[${tagNumber}]`;
    case "application":
      return `[APPLICATION ${tagNumber}]`;
    case "private":
      return `[PRIVATE ${tagNumber}]`;
  }
}

/** Merges the refinements that depend on the node itself (its tag) or on the OID before it. */
function resolveScheme(scheme: LabelScheme | undefined, tag: string, previous: readonly Asn1Node[]): LabelScheme | undefined {
  if (!scheme) return undefined;
  let resolved: LabelScheme = scheme;
  if (resolved.byTag) {
    const { byTag, ...rest } = resolved;
    const choice = byTag[tag];
    resolved = choice ? { ...rest, ...choice, label: choice.label ?? rest.label } : rest;
  }
  if (resolved.byOid) {
    const { byOid, ...rest } = resolved;
    const oid = nearestOid(previous);
    const refinement = oid !== undefined ? byOid[oid] : undefined;
    resolved = refinement ? { ...rest, ...refinement, label: refinement.label ?? rest.label } : rest;
  }
  return resolved;
}

/** The OID nearest before this node among its earlier siblings (searched depth-first, nearest sibling first). */
function nearestOid(previous: readonly Asn1Node[]): string | undefined {
  for (let i = previous.length - 1; i >= 0; i--) {
    const found = walkTree(previous[i]!).find((node) => node.oid !== undefined);
    if (found) return found.oid;
  }
  return undefined;
}

function buildNode(
  context: BuildContext,
  block: asn1js.AsnType,
  offset: number,
  rawScheme: LabelScheme | undefined,
  previousSiblings: readonly Asn1Node[],
  encapsulated: boolean,
): Asn1Node {
  const { idBlock, lenBlock } = block as asn1js.BaseBlock;
  if (lenBlock.isIndefiniteForm) {
    throw new KitError("NOT_DER", `The element at byte ${offset} uses BER indefinite length, which DER forbids (X.690 §10.1).`, "Re-encode the data as DER.");
  }
  const tagClass = TAG_CLASSES[idBlock.tagClass - 1] ?? "universal";
  const tag = tagName(tagClass, idBlock.tagNumber);
  const headerLength = idBlock.blockLength + lenBlock.blockLength;
  const length = lenBlock.length;
  const contentStart = offset + headerLength;
  const content = context.der.subarray(contentStart, contentStart + length);
  const scheme = resolveScheme(rawScheme, tag, previousSiblings);

  const node: Asn1Node = { offset, headerLength, length, tag, tagClass, tagNumber: idBlock.tagNumber, constructed: idBlock.isConstructed, children: [] };
  if (scheme?.label) node.label = scheme.label;
  if (encapsulated) node.encapsulated = true;

  if (idBlock.isConstructed) {
    // Children sit one after another inside the contents.
    const inner = (block as asn1js.Constructed).valueBlock.value ?? [];
    let childOffset = contentStart;
    let fieldIndex = 0;
    for (const childBlock of inner) {
      const childId = (childBlock as asn1js.BaseBlock).idBlock;
      const childTag = tagName(TAG_CLASSES[childId.tagClass - 1] ?? "universal", childId.tagNumber);
      let childScheme: LabelScheme | undefined;
      if (scheme?.fields) {
        // Skip OPTIONAL fields whose tag does not match: they are absent.
        while (fieldIndex < scheme.fields.length && scheme.fields[fieldIndex]!.optional && scheme.fields[fieldIndex]!.tag && scheme.fields[fieldIndex]!.tag !== childTag) {
          fieldIndex++;
        }
        childScheme = scheme.fields[fieldIndex];
        fieldIndex++;
      } else if (scheme?.each) {
        childScheme = scheme.each;
      }
      const child = buildNode(context, childBlock, childOffset, childScheme, node.children, encapsulated);
      node.children.push(child);
      childOffset += child.headerLength + child.length;
    }
    if (childOffset !== contentStart + length) {
      throw new KitError(
        "NOT_DER",
        `The ${tag} at byte ${offset} says it holds ${length} content bytes, but the elements inside it take ${childOffset - contentStart}.`,
        "The length octets do not match the contents: the data is damaged or not DER.",
      );
    }
    return node;
  }

  // Primitive: a value, and maybe DER inside it.
  const hidden = context.hideSecrets && scheme?.secret === true;
  if (tag === "OBJECT IDENTIFIER") node.oid = decodeOid(content);
  const inner = hidden ? undefined : encapsulatedChildren(context, tag, content, contentStart, scheme);
  if (inner) {
    node.children.push(inner);
    node.value = tag === "BIT STRING" ? `${length - 1} bytes holding DER` : `${length} bytes holding DER`;
  } else {
    node.value = hidden ? "(hidden)" : summarize(tag, content, scheme);
  }
  return node;
}

/** Decodes the DER inside a BIT STRING or OCTET STRING, when the scheme says so or it plainly is DER. */
function encapsulatedChildren(context: BuildContext, tag: string, content: Uint8Array, contentStart: number, scheme: LabelScheme | undefined): Asn1Node | undefined {
  if (tag !== "BIT STRING" && tag !== "OCTET STRING") return undefined;
  if (scheme?.encapsulates === false) return undefined;
  if (scheme?.bits) return undefined;
  const schemeSaysDer = scheme?.encapsulates !== undefined;
  if (!schemeSaysDer && !context.guess) return undefined;

  let skip = 0;
  if (tag === "BIT STRING") {
    if (content[0] !== 0) return undefined; // DER inside a BIT STRING always has 0 unused bits
    skip = 1;
  }
  const innerBytes = content.subarray(skip);
  if (innerBytes.length < 2) return undefined;
  const parsed = parseDerPrefix(innerBytes);
  if (!parsed || parsed.end !== innerBytes.length || parsed.block.error) return undefined;
  const id = (parsed.block as asn1js.BaseBlock).idBlock;
  if (!schemeSaysDer && !(id.tagClass === 1 && id.isConstructed && (id.tagNumber === 16 || id.tagNumber === 17))) return undefined;
  try {
    const innerScheme = scheme?.encapsulates === undefined ? undefined : scheme.encapsulates;
    return buildNode(context, parsed.block, contentStart + skip, innerScheme || undefined, [], true);
  } catch (error) {
    if (error instanceof KitError) return undefined; // e.g. BER inside: show the bytes instead
    throw error;
  }
}

function summarize(tag: string, content: Uint8Array, scheme: LabelScheme | undefined): string | undefined {
  switch (tag) {
    case "BOOLEAN":
      return content[0] ? "TRUE" : "FALSE";
    case "INTEGER":
    case "ENUMERATED":
      return summarizeInteger(content, scheme);
    case "NULL":
      return undefined;
    case "OBJECT IDENTIFIER":
      return describeOid(decodeOid(content));
    case "BIT STRING":
      return summarizeBitString(content, scheme);
    case "OCTET STRING":
      return summarizeBytes(content);
    case "UTCTime":
    case "GeneralizedTime":
      return summarizeTime(tag, latin1(content));
    case "UTF8String":
      return new TextDecoder().decode(content);
    case "BMPString":
      return decodeUtf16be(content);
    case "UniversalString":
      return decodeUtf32be(content);
    case "PrintableString":
    case "IA5String":
    case "VisibleString":
    case "NumericString":
    case "T61String":
    case "GraphicString":
    case "GeneralString":
      return latin1(content);
  }
  // Implicitly tagged primitives ([2] dNSName, [0] keyIdentifier…): text when it reads as text.
  if (content.length > 0 && content.every((b) => b >= 0x20 && b < 0x7f)) return latin1(content);
  return summarizeBytes(content);
}

function summarizeInteger(content: Uint8Array, scheme: LabelScheme | undefined): string {
  if (content.length === 0) return "(empty)";
  const negative = (content[0]! & 0x80) !== 0;
  let magnitude = 0n;
  for (const b of content) magnitude = (magnitude << 8n) | BigInt(b);
  const value = negative ? magnitude - (1n << BigInt(content.length * 8)) : magnitude;
  const named = scheme?.names?.[value.toString()];
  if (content.length <= 6) {
    const decimal = value.toString();
    const withName = named ? `${decimal} (${named})` : decimal;
    return value > 9n || value < -9n ? `${withName} (0x${toHex(content)})` : withName;
  }
  let start = 0;
  while (start < content.length - 1 && content[start] === 0) start++;
  const trimmed = content.subarray(start);
  if (trimmed.length <= 20) return `${negative ? "negative " : ""}0x${toHex(trimmed)}`;
  const bits = (trimmed.length - 1) * 8 + (32 - Math.clz32(trimmed[0]!));
  const what = scheme?.label === "modulus" ? "modulus" : "integer";
  return `${bits}-bit ${what} (${toHex(trimmed.subarray(0, 4))}…${toHex(trimmed.subarray(trimmed.length - 4))})`;
}

function summarizeBitString(content: Uint8Array, scheme: LabelScheme | undefined): string {
  const unused = content[0] ?? 0;
  const bytes = content.subarray(1);
  const bitCount = bytes.length * 8 - (bytes.length ? unused : 0);
  if (scheme?.bits) {
    const set: string[] = [];
    for (let i = 0; i < bitCount; i++) {
      if (bytes[i >> 3]! & (0x80 >> (i & 7))) set.push(scheme.bits[i] ?? `bit ${i}`);
    }
    return set.length ? set.join(", ") : "(no bits set)";
  }
  if (bitCount % 8 !== 0) {
    let bits = "";
    for (let i = 0; i < bitCount; i++) bits += bytes[i >> 3]! & (0x80 >> (i & 7)) ? "1" : "0";
    return bitCount <= 32 ? `${bitCount} bits: ${bits}` : `${bitCount} bits`;
  }
  return summarizeBytes(bytes);
}

function summarizeBytes(bytes: Uint8Array): string {
  if (bytes.length === 0) return "0 bytes";
  if (bytes.length <= 32) return `${bytes.length} bytes: ${toHex(bytes)}`;
  return `${bytes.length} bytes: ${toHex(bytes.subarray(0, 8))}…${toHex(bytes.subarray(bytes.length - 4))}`;
}

/** UTCTime "YYMMDDHHMMSSZ" (RFC 5280 §4.1.2.5.1) or GeneralizedTime "YYYYMMDDHHMMSS[.f]Z" (§4.1.2.5.2) → ISO 8601. */
function summarizeTime(tag: string, text: string): string {
  const m = tag === "UTCTime" ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/.exec(text);
  if (!m) return text;
  let year = m[1]!;
  if (tag === "UTCTime") year = (Number(year) >= 50 ? "19" : "20") + year; // YY ≥ 50 → 19YY, else 20YY
  return `${year}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ""}Z`;
}

/** OBJECT IDENTIFIER contents → dotted form (X.690 §8.19): base-128 arcs, the first packing 40·X + Y. */
function decodeOid(content: Uint8Array): string {
  const arcs: bigint[] = [];
  let value = 0n;
  for (const b of content) {
    value = (value << 7n) | BigInt(b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(value);
      value = 0n;
    }
  }
  if (arcs.length === 0) return "";
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join(".");
}

function latin1(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

function decodeUtf16be(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
  return out;
}

function decodeUtf32be(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const cp = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
    out += cp <= 0x10ffff ? String.fromCodePoint(cp) : "\ufffd";
  }
  return out;
}
