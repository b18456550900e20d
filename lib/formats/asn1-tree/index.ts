/**
 * DER as a tree of annotated nodes, for the workshop's "look inside the bytes" displays.
 *
 *   tree.ts    derTree, walkTree, findByLabel, guessLabelScheme: the tree and its builder (X.690 §8.1)
 *   labels.ts  the label schemes: Certificate, SubjectPublicKeyInfo, DigestInfo, RSA and EC keys, PKCS#8
 *   values.ts  one-line summaries of primitive values
 */

export {
  CERTIFICATE_LABELS,
  DIGEST_INFO_LABELS,
  EC_PRIVATE_KEY_LABELS,
  KEY_USAGE_BIT_NAMES,
  LABEL_SCHEMES,
  PRIVATE_KEY_INFO_LABELS,
  RSA_PRIVATE_KEY_LABELS,
  RSA_PUBLIC_KEY_LABELS,
  SUBJECT_PUBLIC_KEY_INFO_LABELS,
  type LabelScheme,
  type LabelSchemeName,
} from "./labels.ts";
export { derTree, findByLabel, guessLabelScheme, walkTree, type Asn1Node, type DerTreeOptions, type TagClass } from "./tree.ts";
