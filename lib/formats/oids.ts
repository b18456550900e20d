/**
 * Object identifiers (OIDs) the workshop shows, with a short name and one line of explanation.
 *
 * An OID is a path in a global tree of names, written as dot-separated integers. In DER it is an
 * OBJECT IDENTIFIER (tag 0x06) whose content packs the arcs base 128 (X.690 §8.19). Every structure
 * the kit takes apart (certificates, PKCS#8 keys, PKCS#12 files, RSA signatures) says "which
 * algorithm / which attribute / which extension" with one of these.
 *
 * Sources: RFC 5280 (X.509 certificates), RFC 8017 (PKCS#1 v2.2), RFC 5912 (ASN.1 modules),
 * RFC 8018 (PKCS#5 v2.1), RFC 7292 (PKCS#12 v1.1), RFC 2985 (PKCS#9), RFC 5652 (CMS),
 * RFC 5480 (EC keys), RFC 8410 (Ed25519), NIST CSOR (hash and AES arcs), Microsoft's
 * szOID_* constants (wincrypt.h) for the Windows-specific ones.
 */

export interface OidInfo {
  /** The short name used in RFCs and by OpenSSL, e.g. "sha256WithRSAEncryption". */
  readonly name: string;
  /** One line saying what it is and where it shows up. */
  readonly description: string;
}

const TABLE: Readonly<Record<string, OidInfo>> = {
  // ── RSA (PKCS#1, RFC 8017 Appendix C) ──────────────────────────────────────────────────────
  "1.2.840.113549.1.1.1": { name: "rsaEncryption", description: "RSA public key (PKCS#1); the key type of an RSA certificate or PKCS#8 key" },
  "1.2.840.113549.1.1.5": { name: "sha1WithRSAEncryption", description: "RSASSA-PKCS1-v1_5 signature with SHA-1 (legacy)" },
  "1.2.840.113549.1.1.7": { name: "RSAES-OAEP", description: "RSA encryption with OAEP padding (RFC 8017 §7.1)" },
  "1.2.840.113549.1.1.8": { name: "mgf1", description: "Mask generation function MGF1 (RFC 8017 §B.2.1), used by PSS and OAEP" },
  "1.2.840.113549.1.1.10": { name: "RSASSA-PSS", description: "RSA signature with PSS padding (RFC 8017 §8.1); JOSE PS256" },
  "1.2.840.113549.1.1.11": { name: "sha256WithRSAEncryption", description: "RSASSA-PKCS1-v1_5 signature with SHA-256 (RFC 8017 §8.2); JOSE RS256" },
  "1.2.840.113549.1.1.12": { name: "sha384WithRSAEncryption", description: "RSASSA-PKCS1-v1_5 signature with SHA-384" },
  "1.2.840.113549.1.1.13": { name: "sha512WithRSAEncryption", description: "RSASSA-PKCS1-v1_5 signature with SHA-512" },

  // ── Hash functions ────────────────────────────────────────────────────────────────────────────
  "1.3.14.3.2.26": { name: "sha1", description: "SHA-1 hash (FIPS 180-4); Windows thumbprints and x5t use it" },
  "1.2.840.113549.2.5": { name: "md5", description: "MD5 hash (RFC 1321), broken; seen only in old files" },
  "2.16.840.1.101.3.4.2.4": { name: "sha224", description: "SHA-224 hash (FIPS 180-4)" },
  "2.16.840.1.101.3.4.2.1": { name: "sha256", description: "SHA-256 hash (FIPS 180-4)" },
  "2.16.840.1.101.3.4.2.2": { name: "sha384", description: "SHA-384 hash (FIPS 180-4)" },
  "2.16.840.1.101.3.4.2.3": { name: "sha512", description: "SHA-512 hash (FIPS 180-4)" },

  // ── Elliptic curves (RFC 5480, RFC 5758, RFC 8410) ─────────────────────────────────────────
  "1.2.840.10045.2.1": { name: "ecPublicKey", description: "Elliptic-curve public key (RFC 5480 §2.1.1); the curve is in the parameters" },
  "1.2.840.10045.3.1.7": { name: "prime256v1", description: "NIST P-256 curve (secp256r1)" },
  "1.3.132.0.34": { name: "secp384r1", description: "NIST P-384 curve" },
  "1.3.132.0.35": { name: "secp521r1", description: "NIST P-521 curve" },
  "1.3.132.0.10": { name: "secp256k1", description: "The secp256k1 curve (SEC 2)" },
  "1.2.840.10045.4.3.2": { name: "ecdsa-with-SHA256", description: "ECDSA signature with SHA-256; JOSE ES256" },
  "1.2.840.10045.4.3.3": { name: "ecdsa-with-SHA384", description: "ECDSA signature with SHA-384; JOSE ES384" },
  "1.2.840.10045.4.3.4": { name: "ecdsa-with-SHA512", description: "ECDSA signature with SHA-512; JOSE ES512" },
  "1.3.101.112": { name: "Ed25519", description: "Edwards-curve signature key Ed25519 (RFC 8410)" },
  "1.3.101.113": { name: "Ed448", description: "Edwards-curve signature key Ed448 (RFC 8410)" },

  // ── Distinguished-name attributes (X.520; RFC 5280 §4.1.2.4 and Appendix A) ─────────────────
  "2.5.4.3": { name: "commonName", description: "CN: common name, e.g. the app name in CN=workshop-app" },
  "2.5.4.4": { name: "surname", description: "SN: surname" },
  "2.5.4.5": { name: "serialNumber", description: "Device or person serial number as a name attribute (not the certificate serial)" },
  "2.5.4.6": { name: "countryName", description: "C: two-letter ISO 3166 country code" },
  "2.5.4.7": { name: "localityName", description: "L: city or locality" },
  "2.5.4.8": { name: "stateOrProvinceName", description: "ST: state or province" },
  "2.5.4.9": { name: "streetAddress", description: "STREET: street address" },
  "2.5.4.10": { name: "organizationName", description: "O: organization" },
  "2.5.4.11": { name: "organizationalUnitName", description: "OU: organizational unit" },
  "2.5.4.12": { name: "title", description: "T: title" },
  "2.5.4.42": { name: "givenName", description: "G: given name" },
  "0.9.2342.19200300.100.1.1": { name: "userId", description: "UID: user identifier (RFC 4519)" },
  "0.9.2342.19200300.100.1.25": { name: "domainComponent", description: "DC: one label of a DNS domain, e.g. DC=contoso,DC=com" },
  "1.2.840.113549.1.9.1": { name: "emailAddress", description: "E: e-mail address in a name (PKCS#9, legacy; RFC 5280 prefers subjectAltName)" },

  // ── Certificate extensions (RFC 5280 §4.2) ──────────────────────────────────────────────────
  "2.5.29.14": { name: "subjectKeyIdentifier", description: "Identifies this certificate's public key (RFC 5280 §4.2.1.2)" },
  "2.5.29.15": { name: "keyUsage", description: "What the key may do: digitalSignature, keyEncipherment… (RFC 5280 §4.2.1.3)" },
  "2.5.29.17": { name: "subjectAltName", description: "Other names of the subject: DNS names, e-mail, URIs, IPs (RFC 5280 §4.2.1.6)" },
  "2.5.29.18": { name: "issuerAltName", description: "Other names of the issuer (RFC 5280 §4.2.1.7)" },
  "2.5.29.19": { name: "basicConstraints", description: "Whether the subject is a CA (RFC 5280 §4.2.1.9)" },
  "2.5.29.30": { name: "nameConstraints", description: "The names a CA may vouch for (RFC 5280 §4.2.1.10)" },
  "2.5.29.31": { name: "cRLDistributionPoints", description: "Where to fetch revocation lists (RFC 5280 §4.2.1.13)" },
  "2.5.29.32": { name: "certificatePolicies", description: "Policies the certificate was issued under (RFC 5280 §4.2.1.4)" },
  "2.5.29.35": { name: "authorityKeyIdentifier", description: "Identifies the issuer's key (RFC 5280 §4.2.1.1)" },
  "2.5.29.37": { name: "extKeyUsage", description: "Purposes: clientAuth, serverAuth, codeSigning… (RFC 5280 §4.2.1.12)" },
  "1.3.6.1.5.5.7.1.1": { name: "authorityInfoAccess", description: "Where to find the issuer's certificate and OCSP (RFC 5280 §4.2.2.1)" },

  // ── Extended key usage purposes (RFC 5280 §4.2.1.12) ────────────────────────────────────────
  "1.3.6.1.5.5.7.3.1": { name: "serverAuth", description: "TLS Web Server Authentication" },
  "1.3.6.1.5.5.7.3.2": { name: "clientAuth", description: "TLS Web Client Authentication" },
  "1.3.6.1.5.5.7.3.3": { name: "codeSigning", description: "Code signing" },
  "1.3.6.1.5.5.7.3.4": { name: "emailProtection", description: "E-mail protection (S/MIME)" },
  "1.3.6.1.5.5.7.3.8": { name: "timeStamping", description: "Trusted time stamping" },
  "1.3.6.1.5.5.7.3.9": { name: "OCSPSigning", description: "Signing OCSP responses" },

  // ── Microsoft (wincrypt.h szOID_*) ──────────────────────────────────────────────────────────
  "1.3.6.1.4.1.311.17.1": { name: "msCSPName", description: "Windows: name of the key storage provider, a PKCS#12 bag attribute written by Windows exports" },
  "1.3.6.1.4.1.311.17.2": { name: "msLocalMachineKeyset", description: "Windows: import the key into the machine key store (PKCS#12 bag attribute)" },
  "1.3.6.1.4.1.311.20.2": { name: "msCertificateTemplateName", description: "Windows: certificate template name extension" },
  "1.3.6.1.4.1.311.21.7": { name: "msCertificateTemplate", description: "Windows: certificate template information extension" },
  "1.3.6.1.4.1.311.21.10": { name: "msApplicationPolicies", description: "Windows: application policies extension (like extKeyUsage)" },

  // ── CMS / PKCS#7 content types (RFC 5652 §4–§8) ─────────────────────────────────────────────
  "1.2.840.113549.1.7.1": { name: "data", description: "CMS content type data: an OCTET STRING of raw bytes (PKCS#12 authSafe holds one)" },
  "1.2.840.113549.1.7.2": { name: "signedData", description: "CMS content type signedData" },
  "1.2.840.113549.1.7.3": { name: "envelopedData", description: "CMS content type envelopedData" },
  "1.2.840.113549.1.7.6": { name: "encryptedData", description: "CMS content type encryptedData: password-encrypted content (holds the certificates in most PFX files)" },

  // ── PKCS#9 attributes (RFC 2985) ────────────────────────────────────────────────────────────
  "1.2.840.113549.1.9.3": { name: "contentType", description: "CMS signed attribute: type of the signed content" },
  "1.2.840.113549.1.9.4": { name: "messageDigest", description: "CMS signed attribute: digest of the signed content" },
  "1.2.840.113549.1.9.14": { name: "extensionRequest", description: "Extensions requested in a PKCS#10 certificate request" },
  "1.2.840.113549.1.9.20": { name: "friendlyName", description: "PKCS#12 bag attribute: a display name (BMPString)" },
  "1.2.840.113549.1.9.21": { name: "localKeyId", description: "PKCS#12 bag attribute: links a key bag to its certificate bag" },
  "1.2.840.113549.1.9.22.1": { name: "x509Certificate", description: "PKCS#12 certificate type: a DER X.509 certificate in an OCTET STRING" },

  // ── PKCS#12 bag types (RFC 7292 §4.2) ───────────────────────────────────────────────────────
  "1.2.840.113549.1.12.10.1.1": { name: "keyBag", description: "PKCS#12 bag: an unencrypted PKCS#8 private key" },
  "1.2.840.113549.1.12.10.1.2": { name: "pkcs8ShroudedKeyBag", description: "PKCS#12 bag: a password-encrypted PKCS#8 private key" },
  "1.2.840.113549.1.12.10.1.3": { name: "certBag", description: "PKCS#12 bag: a certificate" },
  "1.2.840.113549.1.12.10.1.4": { name: "crlBag", description: "PKCS#12 bag: a certificate revocation list" },
  "1.2.840.113549.1.12.10.1.5": { name: "secretBag", description: "PKCS#12 bag: an arbitrary secret" },
  "1.2.840.113549.1.12.10.1.6": { name: "safeContentsBag", description: "PKCS#12 bag: nested SafeContents" },

  // ── PKCS#12 password-based encryption (RFC 7292 Appendix C) ─────────────────────────────────
  "1.2.840.113549.1.12.1.1": { name: "pbeWithSHAAnd128BitRC4", description: "PKCS#12 PBE: SHA-1 key derivation, RC4-128 (legacy)" },
  "1.2.840.113549.1.12.1.2": { name: "pbeWithSHAAnd40BitRC4", description: "PKCS#12 PBE: SHA-1 key derivation, RC4-40 (legacy)" },
  "1.2.840.113549.1.12.1.3": { name: "pbeWithSHAAnd3-KeyTripleDES-CBC", description: "PKCS#12 PBE: SHA-1 key derivation, 3DES-CBC (older Windows key encryption)" },
  "1.2.840.113549.1.12.1.4": { name: "pbeWithSHAAnd2-KeyTripleDES-CBC", description: "PKCS#12 PBE: SHA-1 key derivation, two-key 3DES-CBC (legacy)" },
  "1.2.840.113549.1.12.1.5": { name: "pbeWithSHAAnd128BitRC2-CBC", description: "PKCS#12 PBE: SHA-1 key derivation, RC2-128-CBC (legacy)" },
  "1.2.840.113549.1.12.1.6": { name: "pbeWithSHAAnd40BitRC2-CBC", description: "PKCS#12 PBE: SHA-1 key derivation, RC2-40-CBC (older Windows and OpenSSL 1.x certificate encryption)" },

  // ── PKCS#5 v2 (RFC 8018) and the ciphers and PRFs it names ──────────────────────────────────
  "1.2.840.113549.1.5.12": { name: "PBKDF2", description: "Password-based key derivation function 2 (RFC 8018 §5.2)" },
  "1.2.840.113549.1.5.13": { name: "PBES2", description: "Password-based encryption scheme 2: PBKDF2 + a cipher (RFC 8018 §6.2)" },
  "1.2.840.113549.2.7": { name: "hmacWithSHA1", description: "HMAC-SHA-1 as the PBKDF2 pseudorandom function (its default)" },
  "1.2.840.113549.2.9": { name: "hmacWithSHA256", description: "HMAC-SHA-256 as the PBKDF2 pseudorandom function" },
  "1.2.840.113549.2.10": { name: "hmacWithSHA384", description: "HMAC-SHA-384 as the PBKDF2 pseudorandom function" },
  "1.2.840.113549.2.11": { name: "hmacWithSHA512", description: "HMAC-SHA-512 as the PBKDF2 pseudorandom function" },
  "2.16.840.1.101.3.4.1.2": { name: "aes128-CBC", description: "AES-128 in CBC mode; parameters are the 16-byte IV" },
  "2.16.840.1.101.3.4.1.22": { name: "aes192-CBC", description: "AES-192 in CBC mode; parameters are the 16-byte IV" },
  "2.16.840.1.101.3.4.1.42": { name: "aes256-CBC", description: "AES-256 in CBC mode; parameters are the 16-byte IV" },
  "1.2.840.113549.3.7": { name: "des-ede3-cbc", description: "Triple DES (EDE, three keys) in CBC mode; parameters are the 8-byte IV" },
};

/** Every OID the kit knows, for listings; keys are dotted-decimal strings. */
export const OIDS: Readonly<Record<string, OidInfo>> = TABLE;

/** The short name of an OID ("2.5.4.3" → "commonName"), or undefined if the kit does not know it. */
export function oidName(oid: string): string | undefined {
  return Object.hasOwn(TABLE, oid) ? TABLE[oid]!.name : undefined;
}

/** Short name and description of an OID, or undefined if the kit does not know it. */
export function oidInfo(oid: string): OidInfo | undefined {
  return Object.hasOwn(TABLE, oid) ? TABLE[oid] : undefined;
}

/** "1.2.840.113549.1.1.11 (sha256WithRSAEncryption)", or just the OID when the name is unknown. */
export function describeOid(oid: string): string {
  const name = oidName(oid);
  return name ? `${oid} (${name})` : oid;
}
