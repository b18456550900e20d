/**
 * PKCS#12 / PFX files (RFC 7292): the "certificate with its private key, under a password" file
 * that Windows, Azure Key Vault and OpenSSL hand you, and that an app can use to sign in to
 * Microsoft Entra ID with a certificate.
 *
 *   read.ts        readPfx: MAC check, decryption of the safe contents, bag collection (RFC 7292 §4, §5)
 *   open.ts        the outer PFX, and NOT_PFX for the files people mistake for one
 *   write.ts       writePfx: what OpenSSL 3 writes by default (PBES2 + HMAC-SHA256)
 *   algorithms.ts  the PBES2 and PKCS#12 PBE algorithm tables, legacy 3DES/RC2 decryption (Appendix C)
 *   engine.ts      Pkcs12CryptoEngine, the pkijs CryptoEngine that adds those legacy algorithms
 *   kdf.ts         the PKCS#12 key-derivation function (Appendix B)
 *   rc2.ts         RC2 (RFC 2268), for legacy files only
 */

export { Pkcs12CryptoEngine, type Pkcs12CryptoEngineOptions } from "./engine.ts";
export { readPfx, type PfxContents } from "./read.ts";
export { DEFAULT_PFX_ITERATIONS, writePfx, type WritePfxOptions } from "./write.ts";
