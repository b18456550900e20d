/**
 * Opening the outer layer of a PFX (RFC 7292 §4), and telling a PFX from the files people mistake
 * for one: PEM text, base64 of a PFX, a certificate, a bare key, an empty or cut-short file. Each
 * gets a NOT_PFX message that says what the file is and what to do instead.
 *
 *   PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }
 *
 * No printing and no I/O here.
 */

import * as pkijs from "pkijs";
import { KitError } from "../../errors.ts";
import { parseDerPrefix, sniffDer } from "../der.ts";
import { OID } from "../oids.ts";
import { unsupported } from "./algorithms.ts";

/**
 * The outer PFX structure of a file that should be one: version 3, in password integrity mode.
 * @throws KitError NOT_PFX naming what the file is instead, or PFX_UNSUPPORTED for another version
 *   or the public-key integrity mode.
 * @see https://www.rfc-editor.org/rfc/rfc7292#section-4
 */
export function openPfx(bytes: Uint8Array): pkijs.PFX {
  rejectObviousNonPfx(bytes);
  const structure = parsePfxStructure(bytes);
  if (structure.version !== 3) {
    throw new KitError("PFX_UNSUPPORTED", `This PFX has version ${structure.version}; RFC 7292 files are version 3.`, "Export it again with a current tool.");
  }
  // RFC 7292 §4: authSafe is id-data in password integrity mode (the only mode used in practice).
  const authSafeType = structure.authSafe.contentType;
  if (authSafeType !== OID.data) throw unsupported("its integrity protection", authSafeType);
  return structure;
}

const PEM_LABEL = /^\uFEFF?\s*-----BEGIN ([A-Z0-9 ]+)-----/;

/** Cheap checks that catch the usual wrong files before any ASN.1 parsing. */
function rejectObviousNonPfx(bytes: Uint8Array): void {
  if (bytes.length === 0) {
    throw new KitError("NOT_PFX", "The file is empty, so it cannot be a PFX.", "Check the path, and export the certificate again with its private key.");
  }
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
  const pem = PEM_LABEL.exec(head);
  if (pem) {
    const label = pem[1]!;
    const [what, missing] = /CERTIFICATE/.test(label)
      ? ["a PEM certificate", ", and it holds no private key"]
      : /PRIVATE KEY/.test(label)
        ? ["a PEM private key", ", and it holds no certificate"]
        : ["PEM text", ""];
    throw new KitError(
      "NOT_PFX",
      `This is ${what} (text starting with -----BEGIN ${label}-----), not a PFX/PKCS#12 file${missing}.`,
      "Give the .pfx/.p12 file instead, or build one from the PEM certificate and key: openssl pkcs12 -export -in cert.pem -inkey key.pem -out cert.pfx",
    );
  }
  if (/^\s*MII[A-Za-z0-9+/]{20}/.test(head) && !/[^A-Za-z0-9+/=\s]/.test(head)) {
    throw new KitError(
      "NOT_PFX",
      "This looks like a base64-encoded PFX (as Azure Key Vault or an API returns it), not the binary file itself.",
      "Decode it first, e.g. base64 -d cert.txt > cert.pfx, or Buffer.from(text, 'base64') in code.",
    );
  }
  if (bytes[0] !== 0x30) {
    throw new KitError(
      "NOT_PFX",
      "This file is not a PFX/PKCS#12: a PFX is binary DER starting with byte 0x30 (an ASN.1 SEQUENCE).",
      "Check that you picked the .pfx/.p12 file and that it was not altered in transit (e.g. opened and saved as text).",
    );
  }
}

/** Parses the outer PFX, telling a certificate or a bare key apart from a damaged file. */
function parsePfxStructure(bytes: Uint8Array): pkijs.PFX {
  // Bytes after the PFX are ignored, as pkijs's own PFX.fromBER ignores them.
  const asn1 = parseDerPrefix(bytes);
  if (!asn1) {
    throw new KitError(
      "NOT_PFX",
      "This file is not a complete PFX/PKCS#12: its DER encoding is cut short or damaged.",
      "The file is probably truncated (an interrupted download or copy); get or export it again.",
    );
  }
  try {
    return new pkijs.PFX({ schema: asn1.block });
  } catch {
    // Not a PFX. Say what it is if it is something the participant may have mixed up with one.
    // (pkijs annotates the parsed tree as it matches a schema, so the guess gets a fresh parse.)
    const kind = sniffDer(bytes);
    if (kind === "certificate") {
      throw new KitError(
        "NOT_PFX",
        "This is an X.509 certificate (a DER .cer/.crt file), not a PFX: it holds no private key.",
        "Use the .pfx/.p12 export that includes the private key (Windows: 'Yes, export the private key'), or build one: openssl pkcs12 -export -in cert.pem -inkey key.pem -out cert.pfx",
      );
    }
    if (kind === "pkcs8") {
      throw new KitError(
        "NOT_PFX",
        "This is a bare PKCS#8 private key (DER), not a PFX: it holds no certificate.",
        "Combine it with its certificate: openssl pkcs12 -export -in cert.pem -inkey key.der -out cert.pfx",
      );
    }
    throw new KitError(
      "NOT_PFX",
      "This file is DER-encoded but is not a PFX/PKCS#12 structure (RFC 7292 §4).",
      "Check that you picked the .pfx/.p12 file, not another certificate or key file.",
    );
  }
}
