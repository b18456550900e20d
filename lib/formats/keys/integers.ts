/**
 * RSA key numbers as DER INTEGERs (X.690 §8.3) and as JWK Base64urlUInt (RFC 7518 §2), to and from
 * bigint. Only the INTEGER contents are converted by hand, with OS2IP/I2OSP (RFC 8017 §4), so that
 * the sign byte DER puts in front of a number whose top bit is set is handled in one visible place.
 */
import * as asn1js from "asn1js";
import { base64urlDecode, base64urlEncode } from "../../crypto/base64url.ts";
import { i2osp, os2ip } from "../../crypto/rsa/index.ts";
import { concatBytes, toArrayBuffer } from "../../bytes.ts";
import { KitError } from "../../errors.ts";

/** The minimum number of octets that hold x (at least 1, so that 0 is one zero octet). */
function minimalLength(x: bigint): number {
  return x === 0n ? 1 : Math.ceil(x.toString(16).length / 2);
}

/**
 * A DER INTEGER's contents as an unsigned bigint. DER integers are two's complement (X.690 §8.3.3),
 * so a positive number whose top bit is set carries one leading 0x00 "sign byte"; a set top bit
 * without it would mean a negative number, which no RSA key component can be.
 */
export function derIntegerToBigint(value: asn1js.Integer, field: string, where: string): bigint {
  const contents = value.valueBlock.valueHexView;
  if (contents.length === 0 || (contents[0]! & 0x80) !== 0) {
    throw new KitError("BAD_KEY_FILE", `The ${field} in ${where} is negative or empty, which no RSA key can have.`, "The key file is damaged; export the key again.");
  }
  // Strip the sign byte, then OS2IP (RFC 8017 §4.2) reads the unsigned big-endian magnitude.
  return os2ip(contents[0] === 0 ? contents.subarray(1) : contents);
}

/** An unsigned bigint as a DER INTEGER: I2OSP in the minimal length, plus a 0x00 sign byte when the top bit is set. */
export function bigintToDerInteger(x: bigint): asn1js.Integer {
  let contents = i2osp(x, minimalLength(x));
  if ((contents[0]! & 0x80) !== 0) contents = concatBytes(Uint8Array.of(0), contents);
  return new asn1js.Integer({ valueHex: toArrayBuffer(contents) });
}

/**
 * Base64urlUInt (RFC 7518 §2): the base64url of the integer's unsigned big-endian octets, using
 * "the minimum number of octets needed to represent the value" (zero is "AA").
 */
export function bigintToBase64urlUInt(x: bigint): string {
  return base64urlEncode(i2osp(x, minimalLength(x)));
}

/** The JWK member as a bigint (undefined when absent), or KitError BAD_JWK when it is no non-empty base64url string. */
export function base64urlUIntToBigint(jwk: Record<string, unknown>, member: string): bigint | undefined {
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
