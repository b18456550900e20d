/**
 * Label schemes: where each field of a DER structure sits, so that derTree can name the nodes it
 * finds. Data only, one constant per structure, each with its ASN.1 definition and RFC section:
 * an X.509 Certificate (RFC 5280 §4.1 and the §4.2.1 extensions), SubjectPublicKeyInfo, the
 * PKCS#1 DigestInfo (RFC 8017 §9.2), RSAPublicKey / RSAPrivateKey (RFC 8017 §A.1), ECPrivateKey
 * (RFC 5915 §3) and PKCS#8 PrivateKeyInfo (RFC 5208 §5).
 *
 * A scheme says where fields are by position, by tag for OPTIONAL fields, and by the OID before
 * them for open types (extnValue after extnID, parameters after algorithm).
 */

import { OID } from "../oids.ts";

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
