/**
 * The KitErrors the RSA key readers share: a key of another algorithm (EC above all, the common
 * mistake), an encrypted key, numbers that do not fit together (RFC 8017 §3.2).
 */
import { KitError } from "../../errors.ts";
import { OID } from "../oids.ts";

/** Other key algorithms someone might try, named in error messages. */
const OTHER_KEY_ALGORITHMS: Record<string, string> = {
  [OID.dsa]: "DSA",
  [OID.x25519]: "X25519",
  [OID.x448]: "X448",
  [OID.ed25519]: "Ed25519",
  [OID.ed448]: "Ed448",
};

/** EC_KEY: the common mistake (an EC key or certificate), with the command that makes an RSA one. `where` starts the sentence. */
export function ecKeyError(where: string): KitError {
  return new KitError(
    "EC_KEY",
    `${where} is an elliptic-curve (EC) key, but the certificate credentials in this kit need an RSA key.`,
    "Create an RSA key and certificate instead, e.g. `openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 365 -subj /CN=workshop`.",
  );
}

/** NOT_RSA_KEY naming the key's algorithm by its OID (EC_KEY for an EC key). `where` starts the sentence. */
export function keyAlgorithmError(oid: string, where: string): KitError {
  if (oid === OID.ecPublicKey) return ecKeyError(where);
  const name = OTHER_KEY_ALGORITHMS[oid];
  return new KitError(
    "NOT_RSA_KEY",
    `${where} is ${name ? `a ${name} key` : `a key of algorithm ${oid}`}, not an RSA key (rsaEncryption, ${OID.rsaEncryption}).`,
    "Use the RSA key that belongs to your certificate.",
  );
}

/** RSA_KEY_INCONSISTENT: which relation of RFC 8017 §3.2 between the private key's numbers fails. */
export function inconsistent(relation: string): KitError {
  return new KitError(
    "RSA_KEY_INCONSISTENT",
    `The RSA private key's numbers do not fit together: ${relation} (RFC 8017 §3.2).`,
    "The key is damaged or mixes parts of different keys; export it again from its source.",
  );
}

/** ENCRYPTED_KEY: a password-protected key (PKCS #8 EncryptedPrivateKeyInfo or legacy PEM encryption). */
export function encryptedKeyError(): KitError {
  return new KitError(
    "ENCRYPTED_KEY",
    "This private key is encrypted with a password, and the kit reads only unencrypted keys.",
    "Decrypt it with `openssl pkey -in key.pem -out key-plain.pem` (it asks for the password), or give the kit the .pfx file and its password instead.",
  );
}
