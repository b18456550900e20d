/**
 * Reading key structures with asn1js against pkijs's schemas (asn1js.compareSchema): the named
 * fields of a match, and the OID of a matched AlgorithmIdentifier (RFC 5280 §4.1.1.2).
 */
import * as asn1js from "asn1js";

/** The named fields of a schema match (asn1js blocks, by the names the schema gave them). */
export type Fields = Record<string, any>;

/** The named fields when `root` matches the schema, else undefined. */
export function matchSchema(root: asn1js.AsnType, schema: asn1js.AsnSchemaType): Fields | undefined {
  const match = asn1js.compareSchema(root, root, schema);
  return match.verified ? (match.result as Fields) : undefined;
}

/** The dotted OID of the AlgorithmIdentifier a match named "algorithm". */
export function algorithmOf(fields: Fields): string {
  return (fields.algorithm as asn1js.ObjectIdentifier).valueBlock.toString();
}
