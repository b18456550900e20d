/**
 * The pkijs CryptoEngine for PKCS#12: pkijs 4 decrypts only PBES2 (through WebCrypto), so this
 * engine adds the RFC 7292 Appendix C algorithms that `openssl pkcs12 -legacy` and Windows
 * "TripleDES-SHA1" exports use (see ./algorithms.ts). It plugs into pkijs's own PFX API as well as
 * into readPfx.
 *
 * No printing and no I/O here.
 */

import * as pkijs from "pkijs";
import { toArrayBuffer } from "../../bytes.ts";
import { OID } from "../oids.ts";
import { LEGACY_PBE, decryptLegacyPbe, describePbes2, unsupported } from "./algorithms.ts";
import { passwordToBmpString } from "./kdf.ts";

export interface Pkcs12CryptoEngineOptions {
  /**
   * When the password is "", derive legacy keys from NO password (an empty P in RFC 7292 B.2)
   * rather than from the BMPString 00 00. Some writers do the one, some the other; readPfx
   * learns which from the MAC and sets this.
   */
  emptyPasswordIsAbsent?: boolean;
}

/**
 * A pkijs CryptoEngine that can also decrypt the PKCS#12 PBE algorithms of RFC 7292 Appendix C
 * (3DES and RC2 under the SHA-1 PKCS#12 KDF). PBES2 still goes to pkijs, which runs PBKDF2 and
 * AES-CBC through WebCrypto. `parameters.password` is the password's UTF-8 bytes, as pkijs expects.
 */
export class Pkcs12CryptoEngine extends pkijs.CryptoEngine {
  readonly #options: Pkcs12CryptoEngineOptions;

  constructor(options: Pkcs12CryptoEngineOptions = {}) {
    super({ name: "workshop-pkcs12", crypto: globalThis.crypto });
    this.#options = options;
  }

  override async decryptEncryptedContentInfo(parameters: pkijs.CryptoEngineDecryptParams): Promise<ArrayBuffer> {
    const algorithm = parameters.encryptedContentInfo.contentEncryptionAlgorithm;
    const legacy = LEGACY_PBE[algorithm.algorithmId];
    if (legacy) {
      const text = new TextDecoder().decode(parameters.password);
      const password = text === "" && this.#options.emptyPasswordIsAbsent ? new Uint8Array(0) : passwordToBmpString(text);
      const ciphertext = new Uint8Array(parameters.encryptedContentInfo.getEncryptedContent());
      return toArrayBuffer(decryptLegacyPbe(legacy, algorithm.algorithmParams, password, ciphertext));
    }
    if (algorithm.algorithmId === OID.pbes2) {
      describePbes2(algorithm); // throws PFX_UNSUPPORTED for what WebCrypto cannot do
      return super.decryptEncryptedContentInfo(parameters);
    }
    throw unsupported("its encryption", algorithm.algorithmId);
  }
}
