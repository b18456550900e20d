/**
 * The RSA private key in a PEM file (RFC 7468): "PRIVATE KEY" (PKCS #8) or "RSA PRIVATE KEY"
 * (PKCS #1), and a clear KitError for every other key file someone might hand over.
 */
import { KitError } from "../../errors.ts";
import type { RsaPrivateKey } from "../../crypto/rsa/index.ts";
import { OID } from "../oids.ts";
import { pemDecode } from "../pem.ts";
import { ecKeyError, encryptedKeyError, keyAlgorithmError } from "./errors.ts";
import { rsaPrivateKeyFromPkcs1 } from "./pkcs1.ts";
import { rsaPrivateKeyFromPkcs8 } from "./pkcs8.ts";

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
