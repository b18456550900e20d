/**
 * Distinguished names (RFC 5280 §4.1.2.4): the subject and issuer of a certificate, read from the
 * text people write ("CN=workshop-app, O=Contoso", as PowerShell -Subject and Windows show it,
 * most specific first), encoded as a DER Name, and written back as text.
 *
 *   Name ::= RDNSequence;  RDNSequence ::= SEQUENCE OF RelativeDistinguishedName
 *   RelativeDistinguishedName ::= SET OF AttributeTypeAndValue
 *   AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY DEFINED BY type }
 *
 * The text form follows RFC 4514 (escaping, #hex for unknown value types) in the order Windows
 * uses. No printing and no I/O here.
 */

import * as asn1js from "asn1js";
import { toHex } from "../../bytes.ts";
import { KitError } from "../../errors.ts";
import { parseDerPrefix } from "../der.ts";
import { OID } from "../oids.ts";

/**
 * Distinguished-name attribute keys the subject string may use, with the ASN.1 string type each
 * is encoded as. RFC 5280 §4.1.2.4: new certificates use UTF8String for DirectoryString values;
 * countryName is PrintableString (X.520), emailAddress and domainComponent are IA5String.
 */
const DN_KEYS: Readonly<Record<string, { oid: string; kind: "utf8" | "printable" | "ia5" }>> = {
  CN: { oid: OID.commonName, kind: "utf8" }, // commonName
  O: { oid: OID.organizationName, kind: "utf8" }, // organizationName
  OU: { oid: OID.organizationalUnitName, kind: "utf8" }, // organizationalUnitName
  C: { oid: OID.countryName, kind: "printable" }, // countryName
  L: { oid: OID.localityName, kind: "utf8" }, // localityName
  ST: { oid: OID.stateOrProvinceName, kind: "utf8" }, // stateOrProvinceName
  S: { oid: OID.stateOrProvinceName, kind: "utf8" }, // stateOrProvinceName (Windows spelling)
  STREET: { oid: OID.streetAddress, kind: "utf8" }, // streetAddress
  T: { oid: OID.title, kind: "utf8" }, // title
  TITLE: { oid: OID.title, kind: "utf8" }, // title
  G: { oid: OID.givenName, kind: "utf8" }, // givenName
  GIVENNAME: { oid: OID.givenName, kind: "utf8" }, // givenName
  SN: { oid: OID.surname, kind: "utf8" }, // surname
  SERIALNUMBER: { oid: OID.serialNumber, kind: "printable" }, // serialNumber (name attribute)
  DC: { oid: OID.domainComponent, kind: "ia5" }, // domainComponent
  UID: { oid: OID.userId, kind: "utf8" }, // userId
  E: { oid: OID.emailAddress, kind: "ia5" }, // emailAddress
  EMAIL: { oid: OID.emailAddress, kind: "ia5" }, // emailAddress
  EMAILADDRESS: { oid: OID.emailAddress, kind: "ia5" }, // emailAddress
};

/** OID → the short key used when writing a name back out (the first spelling above wins). */
const DN_SHORT: Readonly<Record<string, string>> = {
  [OID.commonName]: "CN", // commonName
  [OID.organizationName]: "O", // organizationName
  [OID.organizationalUnitName]: "OU", // organizationalUnitName
  [OID.countryName]: "C", // countryName
  [OID.localityName]: "L", // localityName
  [OID.stateOrProvinceName]: "ST", // stateOrProvinceName
  [OID.streetAddress]: "STREET", // streetAddress
  [OID.title]: "T", // title
  [OID.givenName]: "G", // givenName
  [OID.surname]: "SN", // surname
  [OID.serialNumber]: "SERIALNUMBER", // serialNumber
  [OID.domainComponent]: "DC", // domainComponent
  [OID.userId]: "UID", // userId
  [OID.emailAddress]: "E", // emailAddress
};

export interface DistinguishedNameAttribute {
  /** As written: "CN", "O", … or a dotted OID. */
  key: string;
  oid: string;
  value: string;
}

/**
 * Splits a DN string such as `CN=workshop-app, O="Contoso, Ltd", OU=Dev` into attributes, in the
 * order written. Commas or semicolons separate attributes; a value may be double-quoted or use
 * backslash escapes (`\,`). As PowerShell does, a string without any "=" means "CN=<string>".
 * Keys: CN, O, OU, C, L, ST (or S), STREET, T, G, SN, SERIALNUMBER, DC, UID, E, or a dotted OID.
 * @throws KitError BAD_SUBJECT naming what cannot be read.
 * @see https://www.rfc-editor.org/rfc/rfc4514#section-3
 */
export function parseDistinguishedName(dn: string): DistinguishedNameAttribute[] {
  const text = dn.trim();
  if (text === "") throw badSubject(dn, "The subject is empty.");
  if (!text.includes("=")) return [{ key: "CN", oid: DN_KEYS.CN!.oid, value: text }];

  const out: DistinguishedNameAttribute[] = [];
  let i = 0;
  while (i < text.length) {
    // key
    const eq = text.indexOf("=", i);
    if (eq < 0) throw badSubject(dn, `"${text.slice(i).trim()}" has no "=".`);
    const key = text.slice(i, eq).trim();
    i = eq + 1;
    // value
    while (text[i] === " ") i++;
    let value = "";
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
      if (i >= text.length) throw badSubject(dn, `The quoted value of ${key} has no closing quote.`);
      i++;
      while (text[i] === " ") i++;
      if (i < text.length && text[i] !== "," && text[i] !== ";") throw badSubject(dn, `Unexpected text after the quoted value of ${key}.`);
    } else {
      let pendingSpaces = "";
      while (i < text.length && text[i] !== "," && text[i] !== ";") {
        if (text[i] === "\\" && i + 1 < text.length) {
          value += pendingSpaces + text[i + 1];
          pendingSpaces = "";
          i += 2;
          continue;
        }
        if (text[i] === " ") pendingSpaces += " ";
        else {
          value += pendingSpaces + text[i];
          pendingSpaces = "";
        }
        i++;
      }
    }
    i++; // skip the separator
    while (text[i] === " ") i++;

    const upper = key.toUpperCase();
    const known = Object.hasOwn(DN_KEYS, upper) ? DN_KEYS[upper] : undefined;
    const oid = known?.oid ?? (/^\d+(\.\d+)+$/.test(key) ? key : undefined);
    if (!oid) {
      throw badSubject(dn, `"${key}" is not a name attribute this kit knows.`);
    }
    if (value === "") throw badSubject(dn, `${key} has an empty value.`);
    out.push({ key: known ? upper : key, oid, value });
  }
  return out;
}

/**
 * DER Name (RFC 5280 §4.1.2.4) for a DN string. The string is written most specific first
 * ("CN=app, O=Contoso"), as Windows and RFC 4514 write names, so the RDNSequence is encoded in the
 * reverse order (O first, CN last). Each attribute is its own single-valued RDN.
 * @throws KitError BAD_SUBJECT for text parseDistinguishedName refuses, or a value its string type cannot hold.
 * @see https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.4
 */
export function encodeDistinguishedName(dn: string): Uint8Array {
  const attributes = parseDistinguishedName(dn);
  const rdns = attributes.reverse().map((attribute) => {
    const kind = Object.values(DN_KEYS).find((k) => k.oid === attribute.oid)?.kind ?? "utf8";
    let value: asn1js.Utf8String | asn1js.PrintableString | asn1js.IA5String;
    if (kind === "printable") {
      if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(attribute.value)) {
        throw badSubject(dn, `${attribute.key}=${attribute.value} has characters a PrintableString cannot hold.`);
      }
      if (attribute.oid === OID.countryName && !/^[A-Za-z]{2}$/.test(attribute.value)) {
        throw badSubject(dn, `C=${attribute.value} is not a two-letter country code.`);
      }
      value = new asn1js.PrintableString({ value: attribute.value });
    } else if (kind === "ia5") {
      if (!/^[\x00-\x7f]*$/.test(attribute.value)) throw badSubject(dn, `${attribute.key}=${attribute.value} must be ASCII.`);
      value = new asn1js.IA5String({ value: attribute.value });
    } else {
      value = new asn1js.Utf8String({ value: attribute.value });
    }
    // RelativeDistinguishedName ::= SET OF AttributeTypeAndValue; AttributeTypeAndValue ::= SEQUENCE { type, value }
    return new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: attribute.oid }), value] })] });
  });
  return new Uint8Array(new asn1js.Sequence({ value: rdns }).toBER());
}

/**
 * Writes a DER Name as text, most specific first ("CN=app, O=Contoso"), the order Windows shows
 * (the reverse of the encoding). Multi-valued RDNs are joined with "+"; unknown attribute types
 * appear as their OID; ",", "+", '"', "\", "<", ">", ";" and "=" in values are backslash-escaped.
 * @throws KitError NOT_A_NAME when the bytes are not a DER SEQUENCE.
 * @see https://www.rfc-editor.org/rfc/rfc4514#section-2
 */
export function formatDistinguishedName(nameDer: Uint8Array): string {
  const name = parseDerPrefix(nameDer)?.block;
  if (!(name instanceof asn1js.Sequence)) {
    throw new KitError("NOT_A_NAME", "These bytes are not a DER Name (RDNSequence).", "A Name is a SEQUENCE of SETs of {OID, value} (RFC 5280 §4.1.2.4).");
  }
  const rdnTexts: string[] = [];
  for (const rdn of name.valueBlock.value) {
    const parts: string[] = [];
    for (const atv of (rdn as asn1js.Set).valueBlock.value ?? []) {
      const [type, value] = (atv as asn1js.Sequence).valueBlock.value;
      const oid = (type as asn1js.ObjectIdentifier).getValue();
      const key = DN_SHORT[oid] ?? oid;
      parts.push(`${key}=${escapeDnValue(attributeValueText(value!))}`);
    }
    rdnTexts.push(parts.join("+"));
  }
  return rdnTexts.reverse().join(", ");
}

/** An attribute value as text: the string itself, or #hex of its DER for types that are not strings (RFC 4514 §2.4). */
function attributeValueText(block: asn1js.AsnType): string {
  const valueBlock = (block as { valueBlock?: { value?: unknown; valueHexView?: Uint8Array } }).valueBlock;
  if (valueBlock && typeof valueBlock.value === "string") return valueBlock.value;
  // Not a string type we know: show the DER as #hex, as RFC 4514 §2.4 does.
  return `#${toHex(new Uint8Array(block.toBER()))}`;
}

/** Backslash-escapes what RFC 4514 §2.4 requires: the special characters, a leading space or "#", a trailing space. */
function escapeDnValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith(" ") || out.startsWith("#")) out = `\\${out}`;
  if (out.endsWith(" ")) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** KitError BAD_SUBJECT: what in the subject text cannot be read, with an example of text that can. */
function badSubject(dn: string, message: string): KitError {
  return new KitError(
    "BAD_SUBJECT",
    `Cannot read the subject "${dn}": ${message}`,
    'Write it like PowerShell -Subject: "CN=workshop-app" or "CN=workshop-app, O=Contoso, C=US" (keys CN, O, OU, C, L, ST, E…).',
  );
}
