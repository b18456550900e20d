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
 * Labels come from a LabelScheme (./labels.ts): a small description of where each field of a
 * structure sits (by position, by tag for OPTIONAL fields, by the OID before it for open types).
 */

import * as asn1js from "asn1js";
import { KitError } from "../../errors.ts";
import { derKindOf, parseDerPrefix, parseOneDer, type DerKind } from "../der.ts";
import { LABEL_SCHEMES, type LabelScheme, type LabelSchemeName } from "./labels.ts";
import { decodeOid, summarize } from "./values.ts";

/** The class bits of an identifier octet (X.690 §8.1.2.2), by name. */
export type TagClass = "universal" | "application" | "context" | "private";

/** One DER element of the input, with where it sits, what it is, and its children (X.690 §8.1). */
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

export interface DerTreeOptions {
  /** Replace values of fields marked secret (private exponent, primes…) with "(hidden)". Default false. */
  hideSecrets?: boolean;
  /**
   * Where no scheme decides, decode a BIT/OCTET STRING whose contents are exactly one DER
   * SEQUENCE or SET. Default true.
   */
  guessEncapsulated?: boolean;
}

/**
 * Parses one DER element (the whole input) into a tree of nodes with absolute offsets.
 * `labels`: a LabelScheme, or the name of one ("Certificate", "DigestInfo"…). When omitted, the
 * scheme is guessed from the shape of the DER (see guessLabelScheme); pass `{}` for no labels.
 * @throws KitError NOT_DER for bytes that are not one complete DER element, for BER indefinite
 *   lengths, and for lengths that do not match the elements inside.
 * @see https://www.itu.int/rec/T-REC-X.690 (X.690 §8.1, §10.1)
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
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1, RFC 8017 §9.2 and Appendix A.1, RFC 5208 §5
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

/** guessLabelScheme's scheme for an element already parsed. */
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

// ── Building the nodes ───────────────────────────────────────────────────────────────────────────

/** What every buildNode call shares: the whole input (offsets are absolute) and the options. */
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

/** "SEQUENCE", "[0]", "[APPLICATION 1]"…: a tag as ASN.1 notation writes it. */
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

/** The node for one parsed element at `offset`, with its children and, for primitives, its value (X.690 §8.1). */
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
