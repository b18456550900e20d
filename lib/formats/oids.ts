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

/**
 * Every OID lib/formats/ uses, by name: code writes `OID.keyUsage`, never "2.5.29.15". Each line
 * gives the name the standards use (and where it is defined, when the code relies on it).
 */
export const OID = {
  // ── RSA (PKCS#1, RFC 8017 Appendix C) ──────────────────────────────────────────────────────
  rsaEncryption: "1.2.840.113549.1.1.1", // rsaEncryption (RFC 8017 A.1, pkcs-1 1): the algorithm of ordinary RSA keys
  sha1WithRSAEncryption: "1.2.840.113549.1.1.5", // sha1WithRSAEncryption
  rsaesOaep: "1.2.840.113549.1.1.7", // RSAES-OAEP
  mgf1: "1.2.840.113549.1.1.8", // mgf1
  rsassaPss: "1.2.840.113549.1.1.10", // id-RSASSA-PSS (RFC 8017 A.2.3, RFC 4055 §3.1): RSA keys restricted to PSS; same key material
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11", // sha256WithRSAEncryption
  sha384WithRSAEncryption: "1.2.840.113549.1.1.12", // sha384WithRSAEncryption
  sha512WithRSAEncryption: "1.2.840.113549.1.1.13", // sha512WithRSAEncryption

  // ── Hash functions ────────────────────────────────────────────────────────────────────────────
  sha1: "1.3.14.3.2.26", // id-sha1
  md5: "1.2.840.113549.2.5", // md5
  sha224: "2.16.840.1.101.3.4.2.4", // sha224
  sha256: "2.16.840.1.101.3.4.2.1", // id-sha256
  sha384: "2.16.840.1.101.3.4.2.2", // sha384
  sha512: "2.16.840.1.101.3.4.2.3", // sha512

  // ── Elliptic curves (RFC 5480, RFC 5758, RFC 8410) ─────────────────────────────────────────
  ecPublicKey: "1.2.840.10045.2.1", // id-ecPublicKey (RFC 5480 §2.1.1): elliptic-curve keys
  prime256v1: "1.2.840.10045.3.1.7", // prime256v1
  secp384r1: "1.3.132.0.34", // secp384r1
  secp521r1: "1.3.132.0.35", // secp521r1
  secp256k1: "1.3.132.0.10", // secp256k1
  ecdsaWithSHA256: "1.2.840.10045.4.3.2", // ecdsa-with-SHA256
  ecdsaWithSHA384: "1.2.840.10045.4.3.3", // ecdsa-with-SHA384
  ecdsaWithSHA512: "1.2.840.10045.4.3.4", // ecdsa-with-SHA512
  ed25519: "1.3.101.112", // Ed25519
  ed448: "1.3.101.113", // Ed448

  // ── Distinguished-name attributes (X.520; RFC 5280 §4.1.2.4 and Appendix A) ─────────────────
  commonName: "2.5.4.3", // commonName
  surname: "2.5.4.4", // surname
  serialNumber: "2.5.4.5", // serialNumber
  countryName: "2.5.4.6", // countryName
  localityName: "2.5.4.7", // localityName
  stateOrProvinceName: "2.5.4.8", // stateOrProvinceName
  streetAddress: "2.5.4.9", // streetAddress
  organizationName: "2.5.4.10", // organizationName
  organizationalUnitName: "2.5.4.11", // organizationalUnitName
  title: "2.5.4.12", // title
  givenName: "2.5.4.42", // givenName
  userId: "0.9.2342.19200300.100.1.1", // userId
  domainComponent: "0.9.2342.19200300.100.1.25", // domainComponent
  emailAddress: "1.2.840.113549.1.9.1", // emailAddress

  // ── Certificate extensions (RFC 5280 §4.2) ──────────────────────────────────────────────────
  subjectKeyIdentifier: "2.5.29.14", // subjectKeyIdentifier
  keyUsage: "2.5.29.15", // keyUsage
  subjectAltName: "2.5.29.17", // subjectAltName
  issuerAltName: "2.5.29.18", // issuerAltName
  basicConstraints: "2.5.29.19", // basicConstraints
  nameConstraints: "2.5.29.30", // nameConstraints
  cRLDistributionPoints: "2.5.29.31", // cRLDistributionPoints
  certificatePolicies: "2.5.29.32", // certificatePolicies
  authorityKeyIdentifier: "2.5.29.35", // authorityKeyIdentifier
  extKeyUsage: "2.5.29.37", // extKeyUsage
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1", // authorityInfoAccess

  // ── Extended key usage purposes (RFC 5280 §4.2.1.12) ────────────────────────────────────────
  serverAuth: "1.3.6.1.5.5.7.3.1", // serverAuth
  clientAuth: "1.3.6.1.5.5.7.3.2", // clientAuth
  codeSigning: "1.3.6.1.5.5.7.3.3", // codeSigning
  emailProtection: "1.3.6.1.5.5.7.3.4", // emailProtection
  timeStamping: "1.3.6.1.5.5.7.3.8", // timeStamping
  ocspSigning: "1.3.6.1.5.5.7.3.9", // OCSPSigning

  // ── Microsoft (wincrypt.h szOID_*) ──────────────────────────────────────────────────────────
  msCSPName: "1.3.6.1.4.1.311.17.1", // msCSPName
  msLocalMachineKeyset: "1.3.6.1.4.1.311.17.2", // msLocalMachineKeyset
  msCertificateTemplateName: "1.3.6.1.4.1.311.20.2", // msCertificateTemplateName
  msCertificateTemplate: "1.3.6.1.4.1.311.21.7", // msCertificateTemplate
  msApplicationPolicies: "1.3.6.1.4.1.311.21.10", // msApplicationPolicies

  // ── CMS / PKCS#7 content types (RFC 5652 §4–§8) ─────────────────────────────────────────────
  data: "1.2.840.113549.1.7.1", // id-data (RFC 5652 §4)
  signedData: "1.2.840.113549.1.7.2", // id-signedData (RFC 5652 §5)
  envelopedData: "1.2.840.113549.1.7.3", // id-envelopedData (RFC 5652 §6)
  encryptedData: "1.2.840.113549.1.7.6", // id-encryptedData (RFC 5652 §8)

  // ── PKCS#9 attributes (RFC 2985) ────────────────────────────────────────────────────────────
  contentType: "1.2.840.113549.1.9.3", // contentType
  messageDigest: "1.2.840.113549.1.9.4", // messageDigest
  extensionRequest: "1.2.840.113549.1.9.14", // extensionRequest
  friendlyName: "1.2.840.113549.1.9.20", // pkcs-9-at-friendlyName, a BMPString (RFC 2985 §5.5.1)
  localKeyId: "1.2.840.113549.1.9.21", // pkcs-9-at-localKeyId, an OCTET STRING (RFC 2985 §5.5.2)
  x509Certificate: "1.2.840.113549.1.9.22.1", // x509Certificate: certBag holding DER X.509 (RFC 7292 §4.2.3)

  // ── PKCS#12 bag types (RFC 7292 §4.2) ───────────────────────────────────────────────────────
  keyBag: "1.2.840.113549.1.12.10.1.1", // keyBag: an unencrypted PKCS#8 key (RFC 7292 §4.2.1)
  pkcs8ShroudedKeyBag: "1.2.840.113549.1.12.10.1.2", // pkcs8ShroudedKeyBag: an encrypted key (RFC 7292 §4.2.2)
  certBag: "1.2.840.113549.1.12.10.1.3", // certBag (RFC 7292 §4.2.3)
  crlBag: "1.2.840.113549.1.12.10.1.4", // crlBag
  secretBag: "1.2.840.113549.1.12.10.1.5", // secretBag
  safeContentsBag: "1.2.840.113549.1.12.10.1.6", // safeContentsBag: nested SafeContents (RFC 7292 §4.2.6)

  // ── PKCS#12 password-based encryption (RFC 7292 Appendix C) ─────────────────────────────────
  pbeWithSHAAnd128BitRc4: "1.2.840.113549.1.12.1.1", // pbeWithSHAAnd128BitRC4
  pbeWithSHAAnd40BitRc4: "1.2.840.113549.1.12.1.2", // pbeWithSHAAnd40BitRC4
  pbeWithSHAAnd3KeyTripleDesCbc: "1.2.840.113549.1.12.1.3", // pbeWithSHAAnd3-KeyTripleDES-CBC
  pbeWithSHAAnd2KeyTripleDesCbc: "1.2.840.113549.1.12.1.4", // pbeWithSHAAnd2-KeyTripleDES-CBC
  pbeWithSHAAnd128BitRc2Cbc: "1.2.840.113549.1.12.1.5", // pbeWithSHAAnd128BitRC2-CBC
  pbeWithSHAAnd40BitRc2Cbc: "1.2.840.113549.1.12.1.6", // pbeWithSHAAnd40BitRC2-CBC

  // ── PKCS#5 v2 (RFC 8018) and the ciphers and PRFs it names ──────────────────────────────────
  pbkdf2: "1.2.840.113549.1.5.12", // id-PBKDF2 (RFC 8018 §5.2 / A.2)
  pbes2: "1.2.840.113549.1.5.13", // id-PBES2 (RFC 8018 §6.2 / A.4)
  hmacWithSHA1: "1.2.840.113549.2.7", // hmacWithSHA1 (RFC 8018 B.1.1), PBKDF2's default PRF
  hmacWithSHA256: "1.2.840.113549.2.9", // hmacWithSHA256 (RFC 8018 B.1.2)
  hmacWithSHA384: "1.2.840.113549.2.10", // hmacWithSHA384
  hmacWithSHA512: "1.2.840.113549.2.11", // hmacWithSHA512
  aes128Cbc: "2.16.840.1.101.3.4.1.2", // aes128-CBC
  aes192Cbc: "2.16.840.1.101.3.4.1.22", // aes192-CBC
  aes256Cbc: "2.16.840.1.101.3.4.1.42", // aes256-CBC-PAD (RFC 8018 B.2.5)
  desEde3Cbc: "1.2.840.113549.3.7", // des-EDE3-CBC (RFC 8018 B.2.2)

  // ── Named in error messages only, so not in the table of OIDs the workshop describes ─────────
  dsa: "1.2.840.10040.4.1", // id-dsa (RFC 3279 §2.3.2)
  x25519: "1.3.101.110", // id-X25519 (RFC 8410 §3)
  x448: "1.3.101.111", // id-X448 (RFC 8410 §3)
  pbeWithMD5AndDesCbc: "1.2.840.113549.1.5.3", // pbeWithMD5AndDES-CBC, PBES1 (RFC 8018 A.3)
  pbeWithSHA1AndDesCbc: "1.2.840.113549.1.5.10", // pbeWithSHA1AndDES-CBC, PBES1 (RFC 8018 A.3)
  pbmac1: "1.2.840.113549.1.5.14", // id-PBMAC1 (RFC 8018 §7.1; for PKCS#12 MACs: RFC 9579)
} as const;

export interface OidInfo {
  /** The short name used in RFCs and by OpenSSL, e.g. "sha256WithRSAEncryption". */
  readonly name: string;
  /** One line saying what it is and where it shows up. */
  readonly description: string;
}

const TABLE: Readonly<Record<string, OidInfo>> = {
  // ── RSA (PKCS#1, RFC 8017 Appendix C) ──────────────────────────────────────────────────────
  [OID.rsaEncryption]: { name: "rsaEncryption", description: "RSA public key (PKCS#1); the key type of an RSA certificate or PKCS#8 key" },
  [OID.sha1WithRSAEncryption]: { name: "sha1WithRSAEncryption", description: "RSASSA-PKCS1-v1_5 signature with SHA-1 (legacy)" },
  [OID.rsaesOaep]: { name: "RSAES-OAEP", description: "RSA encryption with OAEP padding (RFC 8017 §7.1)" },
  [OID.mgf1]: { name: "mgf1", description: "Mask generation function MGF1 (RFC 8017 §B.2.1), used by PSS and OAEP" },
  [OID.rsassaPss]: { name: "RSASSA-PSS", description: "RSA signature with PSS padding (RFC 8017 §8.1); JOSE PS256" },
  [OID.sha256WithRSAEncryption]: { name: "sha256WithRSAEncryption", description: "RSASSA-PKCS1-v1_5 signature with SHA-256 (RFC 8017 §8.2); JOSE RS256" },
  [OID.sha384WithRSAEncryption]: { name: "sha384WithRSAEncryption", description: "RSASSA-PKCS1-v1_5 signature with SHA-384" },
  [OID.sha512WithRSAEncryption]: { name: "sha512WithRSAEncryption", description: "RSASSA-PKCS1-v1_5 signature with SHA-512" },

  // ── Hash functions ────────────────────────────────────────────────────────────────────────────
  [OID.sha1]: { name: "sha1", description: "SHA-1 hash (FIPS 180-4); Windows thumbprints and x5t use it" },
  [OID.md5]: { name: "md5", description: "MD5 hash (RFC 1321), broken; seen only in old files" },
  [OID.sha224]: { name: "sha224", description: "SHA-224 hash (FIPS 180-4)" },
  [OID.sha256]: { name: "sha256", description: "SHA-256 hash (FIPS 180-4)" },
  [OID.sha384]: { name: "sha384", description: "SHA-384 hash (FIPS 180-4)" },
  [OID.sha512]: { name: "sha512", description: "SHA-512 hash (FIPS 180-4)" },

  // ── Elliptic curves (RFC 5480, RFC 5758, RFC 8410) ─────────────────────────────────────────
  [OID.ecPublicKey]: { name: "ecPublicKey", description: "Elliptic-curve public key (RFC 5480 §2.1.1); the curve is in the parameters" },
  [OID.prime256v1]: { name: "prime256v1", description: "NIST P-256 curve (secp256r1)" },
  [OID.secp384r1]: { name: "secp384r1", description: "NIST P-384 curve" },
  [OID.secp521r1]: { name: "secp521r1", description: "NIST P-521 curve" },
  [OID.secp256k1]: { name: "secp256k1", description: "The secp256k1 curve (SEC 2)" },
  [OID.ecdsaWithSHA256]: { name: "ecdsa-with-SHA256", description: "ECDSA signature with SHA-256; JOSE ES256" },
  [OID.ecdsaWithSHA384]: { name: "ecdsa-with-SHA384", description: "ECDSA signature with SHA-384; JOSE ES384" },
  [OID.ecdsaWithSHA512]: { name: "ecdsa-with-SHA512", description: "ECDSA signature with SHA-512; JOSE ES512" },
  [OID.ed25519]: { name: "Ed25519", description: "Edwards-curve signature key Ed25519 (RFC 8410)" },
  [OID.ed448]: { name: "Ed448", description: "Edwards-curve signature key Ed448 (RFC 8410)" },

  // ── Distinguished-name attributes (X.520; RFC 5280 §4.1.2.4 and Appendix A) ─────────────────
  [OID.commonName]: { name: "commonName", description: "CN: common name, e.g. the app name in CN=workshop-app" },
  [OID.surname]: { name: "surname", description: "SN: surname" },
  [OID.serialNumber]: { name: "serialNumber", description: "Device or person serial number as a name attribute (not the certificate serial)" },
  [OID.countryName]: { name: "countryName", description: "C: two-letter ISO 3166 country code" },
  [OID.localityName]: { name: "localityName", description: "L: city or locality" },
  [OID.stateOrProvinceName]: { name: "stateOrProvinceName", description: "ST: state or province" },
  [OID.streetAddress]: { name: "streetAddress", description: "STREET: street address" },
  [OID.organizationName]: { name: "organizationName", description: "O: organization" },
  [OID.organizationalUnitName]: { name: "organizationalUnitName", description: "OU: organizational unit" },
  [OID.title]: { name: "title", description: "T: title" },
  [OID.givenName]: { name: "givenName", description: "G: given name" },
  [OID.userId]: { name: "userId", description: "UID: user identifier (RFC 4519)" },
  [OID.domainComponent]: { name: "domainComponent", description: "DC: one label of a DNS domain, e.g. DC=contoso,DC=com" },
  [OID.emailAddress]: { name: "emailAddress", description: "E: e-mail address in a name (PKCS#9, legacy; RFC 5280 prefers subjectAltName)" },

  // ── Certificate extensions (RFC 5280 §4.2) ──────────────────────────────────────────────────
  [OID.subjectKeyIdentifier]: { name: "subjectKeyIdentifier", description: "Identifies this certificate's public key (RFC 5280 §4.2.1.2)" },
  [OID.keyUsage]: { name: "keyUsage", description: "What the key may do: digitalSignature, keyEncipherment… (RFC 5280 §4.2.1.3)" },
  [OID.subjectAltName]: { name: "subjectAltName", description: "Other names of the subject: DNS names, e-mail, URIs, IPs (RFC 5280 §4.2.1.6)" },
  [OID.issuerAltName]: { name: "issuerAltName", description: "Other names of the issuer (RFC 5280 §4.2.1.7)" },
  [OID.basicConstraints]: { name: "basicConstraints", description: "Whether the subject is a CA (RFC 5280 §4.2.1.9)" },
  [OID.nameConstraints]: { name: "nameConstraints", description: "The names a CA may vouch for (RFC 5280 §4.2.1.10)" },
  [OID.cRLDistributionPoints]: { name: "cRLDistributionPoints", description: "Where to fetch revocation lists (RFC 5280 §4.2.1.13)" },
  [OID.certificatePolicies]: { name: "certificatePolicies", description: "Policies the certificate was issued under (RFC 5280 §4.2.1.4)" },
  [OID.authorityKeyIdentifier]: { name: "authorityKeyIdentifier", description: "Identifies the issuer's key (RFC 5280 §4.2.1.1)" },
  [OID.extKeyUsage]: { name: "extKeyUsage", description: "Purposes: clientAuth, serverAuth, codeSigning… (RFC 5280 §4.2.1.12)" },
  [OID.authorityInfoAccess]: { name: "authorityInfoAccess", description: "Where to find the issuer's certificate and OCSP (RFC 5280 §4.2.2.1)" },

  // ── Extended key usage purposes (RFC 5280 §4.2.1.12) ────────────────────────────────────────
  [OID.serverAuth]: { name: "serverAuth", description: "TLS Web Server Authentication" },
  [OID.clientAuth]: { name: "clientAuth", description: "TLS Web Client Authentication" },
  [OID.codeSigning]: { name: "codeSigning", description: "Code signing" },
  [OID.emailProtection]: { name: "emailProtection", description: "E-mail protection (S/MIME)" },
  [OID.timeStamping]: { name: "timeStamping", description: "Trusted time stamping" },
  [OID.ocspSigning]: { name: "OCSPSigning", description: "Signing OCSP responses" },

  // ── Microsoft (wincrypt.h szOID_*) ──────────────────────────────────────────────────────────
  [OID.msCSPName]: { name: "msCSPName", description: "Windows: name of the key storage provider, a PKCS#12 bag attribute written by Windows exports" },
  [OID.msLocalMachineKeyset]: { name: "msLocalMachineKeyset", description: "Windows: import the key into the machine key store (PKCS#12 bag attribute)" },
  [OID.msCertificateTemplateName]: { name: "msCertificateTemplateName", description: "Windows: certificate template name extension" },
  [OID.msCertificateTemplate]: { name: "msCertificateTemplate", description: "Windows: certificate template information extension" },
  [OID.msApplicationPolicies]: { name: "msApplicationPolicies", description: "Windows: application policies extension (like extKeyUsage)" },

  // ── CMS / PKCS#7 content types (RFC 5652 §4–§8) ─────────────────────────────────────────────
  [OID.data]: { name: "data", description: "CMS content type data: an OCTET STRING of raw bytes (PKCS#12 authSafe holds one)" },
  [OID.signedData]: { name: "signedData", description: "CMS content type signedData" },
  [OID.envelopedData]: { name: "envelopedData", description: "CMS content type envelopedData" },
  [OID.encryptedData]: { name: "encryptedData", description: "CMS content type encryptedData: password-encrypted content (holds the certificates in most PFX files)" },

  // ── PKCS#9 attributes (RFC 2985) ────────────────────────────────────────────────────────────
  [OID.contentType]: { name: "contentType", description: "CMS signed attribute: type of the signed content" },
  [OID.messageDigest]: { name: "messageDigest", description: "CMS signed attribute: digest of the signed content" },
  [OID.extensionRequest]: { name: "extensionRequest", description: "Extensions requested in a PKCS#10 certificate request" },
  [OID.friendlyName]: { name: "friendlyName", description: "PKCS#12 bag attribute: a display name (BMPString)" },
  [OID.localKeyId]: { name: "localKeyId", description: "PKCS#12 bag attribute: links a key bag to its certificate bag" },
  [OID.x509Certificate]: { name: "x509Certificate", description: "PKCS#12 certificate type: a DER X.509 certificate in an OCTET STRING" },

  // ── PKCS#12 bag types (RFC 7292 §4.2) ───────────────────────────────────────────────────────
  [OID.keyBag]: { name: "keyBag", description: "PKCS#12 bag: an unencrypted PKCS#8 private key" },
  [OID.pkcs8ShroudedKeyBag]: { name: "pkcs8ShroudedKeyBag", description: "PKCS#12 bag: a password-encrypted PKCS#8 private key" },
  [OID.certBag]: { name: "certBag", description: "PKCS#12 bag: a certificate" },
  [OID.crlBag]: { name: "crlBag", description: "PKCS#12 bag: a certificate revocation list" },
  [OID.secretBag]: { name: "secretBag", description: "PKCS#12 bag: an arbitrary secret" },
  [OID.safeContentsBag]: { name: "safeContentsBag", description: "PKCS#12 bag: nested SafeContents" },

  // ── PKCS#12 password-based encryption (RFC 7292 Appendix C) ─────────────────────────────────
  [OID.pbeWithSHAAnd128BitRc4]: { name: "pbeWithSHAAnd128BitRC4", description: "PKCS#12 PBE: SHA-1 key derivation, RC4-128 (legacy)" },
  [OID.pbeWithSHAAnd40BitRc4]: { name: "pbeWithSHAAnd40BitRC4", description: "PKCS#12 PBE: SHA-1 key derivation, RC4-40 (legacy)" },
  [OID.pbeWithSHAAnd3KeyTripleDesCbc]: { name: "pbeWithSHAAnd3-KeyTripleDES-CBC", description: "PKCS#12 PBE: SHA-1 key derivation, 3DES-CBC (older Windows key encryption)" },
  [OID.pbeWithSHAAnd2KeyTripleDesCbc]: { name: "pbeWithSHAAnd2-KeyTripleDES-CBC", description: "PKCS#12 PBE: SHA-1 key derivation, two-key 3DES-CBC (legacy)" },
  [OID.pbeWithSHAAnd128BitRc2Cbc]: { name: "pbeWithSHAAnd128BitRC2-CBC", description: "PKCS#12 PBE: SHA-1 key derivation, RC2-128-CBC (legacy)" },
  [OID.pbeWithSHAAnd40BitRc2Cbc]: { name: "pbeWithSHAAnd40BitRC2-CBC", description: "PKCS#12 PBE: SHA-1 key derivation, RC2-40-CBC (older Windows and OpenSSL 1.x certificate encryption)" },

  // ── PKCS#5 v2 (RFC 8018) and the ciphers and PRFs it names ──────────────────────────────────
  [OID.pbkdf2]: { name: "PBKDF2", description: "Password-based key derivation function 2 (RFC 8018 §5.2)" },
  [OID.pbes2]: { name: "PBES2", description: "Password-based encryption scheme 2: PBKDF2 + a cipher (RFC 8018 §6.2)" },
  [OID.hmacWithSHA1]: { name: "hmacWithSHA1", description: "HMAC-SHA-1 as the PBKDF2 pseudorandom function (its default)" },
  [OID.hmacWithSHA256]: { name: "hmacWithSHA256", description: "HMAC-SHA-256 as the PBKDF2 pseudorandom function" },
  [OID.hmacWithSHA384]: { name: "hmacWithSHA384", description: "HMAC-SHA-384 as the PBKDF2 pseudorandom function" },
  [OID.hmacWithSHA512]: { name: "hmacWithSHA512", description: "HMAC-SHA-512 as the PBKDF2 pseudorandom function" },
  [OID.aes128Cbc]: { name: "aes128-CBC", description: "AES-128 in CBC mode; parameters are the 16-byte IV" },
  [OID.aes192Cbc]: { name: "aes192-CBC", description: "AES-192 in CBC mode; parameters are the 16-byte IV" },
  [OID.aes256Cbc]: { name: "aes256-CBC", description: "AES-256 in CBC mode; parameters are the 16-byte IV" },
  [OID.desEde3Cbc]: { name: "des-ede3-cbc", description: "Triple DES (EDE, three keys) in CBC mode; parameters are the 8-byte IV" },
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
