/**
 * RC2, the 64-bit block cipher described in RFC 2268, written out in plain TypeScript.
 *
 * Why a 1990s cipher in a 2020s workshop? `openssl pkcs12 -export -legacy`, and many older
 * Windows and Java exports, encrypt the certificates in a PFX with "pbeWithSHAAnd40BitRC2-CBC"
 * (RFC 7292 Appendix C). Node's OpenSSL 3 only offers RC2 through its "legacy provider", which
 * has to be switched on with a command-line flag, so the kit carries its own ~100 lines instead.
 * RC2-40 is hopelessly weak; it is here to READ old files, never to protect anything new.
 *
 * Words are 16 bits; a block is four words R[0..3], each stored low byte first (RFC 2268 §3).
 * No printing and no I/O.
 */

/**
 * RFC 2268 §2: PITABLE, a permutation of 0..255 "based on the digits of PI", used by the key
 * expansion. Row n holds entries 16n .. 16n+15.
 */
// prettier-ignore
const PITABLE = new Uint8Array([
  0xd9, 0x78, 0xf9, 0xc4, 0x19, 0xdd, 0xb5, 0xed, 0x28, 0xe9, 0xfd, 0x79, 0x4a, 0xa0, 0xd8, 0x9d,
  0xc6, 0x7e, 0x37, 0x83, 0x2b, 0x76, 0x53, 0x8e, 0x62, 0x4c, 0x64, 0x88, 0x44, 0x8b, 0xfb, 0xa2,
  0x17, 0x9a, 0x59, 0xf5, 0x87, 0xb3, 0x4f, 0x13, 0x61, 0x45, 0x6d, 0x8d, 0x09, 0x81, 0x7d, 0x32,
  0xbd, 0x8f, 0x40, 0xeb, 0x86, 0xb7, 0x7b, 0x0b, 0xf0, 0x95, 0x21, 0x22, 0x5c, 0x6b, 0x4e, 0x82,
  0x54, 0xd6, 0x65, 0x93, 0xce, 0x60, 0xb2, 0x1c, 0x73, 0x56, 0xc0, 0x14, 0xa7, 0x8c, 0xf1, 0xdc,
  0x12, 0x75, 0xca, 0x1f, 0x3b, 0xbe, 0xe4, 0xd1, 0x42, 0x3d, 0xd4, 0x30, 0xa3, 0x3c, 0xb6, 0x26,
  0x6f, 0xbf, 0x0e, 0xda, 0x46, 0x69, 0x07, 0x57, 0x27, 0xf2, 0x1d, 0x9b, 0xbc, 0x94, 0x43, 0x03,
  0xf8, 0x11, 0xc7, 0xf6, 0x90, 0xef, 0x3e, 0xe7, 0x06, 0xc3, 0xd5, 0x2f, 0xc8, 0x66, 0x1e, 0xd7,
  0x08, 0xe8, 0xea, 0xde, 0x80, 0x52, 0xee, 0xf7, 0x84, 0xaa, 0x72, 0xac, 0x35, 0x4d, 0x6a, 0x2a,
  0x96, 0x1a, 0xd2, 0x71, 0x5a, 0x15, 0x49, 0x74, 0x4b, 0x9f, 0xd0, 0x5e, 0x04, 0x18, 0xa4, 0xec,
  0xc2, 0xe0, 0x41, 0x6e, 0x0f, 0x51, 0xcb, 0xcc, 0x24, 0x91, 0xaf, 0x50, 0xa1, 0xf4, 0x70, 0x39,
  0x99, 0x7c, 0x3a, 0x85, 0x23, 0xb8, 0xb4, 0x7a, 0xfc, 0x02, 0x36, 0x5b, 0x25, 0x55, 0x97, 0x31,
  0x2d, 0x5d, 0xfa, 0x98, 0xe3, 0x8a, 0x92, 0xae, 0x05, 0xdf, 0x29, 0x10, 0x67, 0x6c, 0xba, 0xc9,
  0xd3, 0x00, 0xe6, 0xcf, 0xe1, 0x9e, 0xa8, 0x2c, 0x63, 0x16, 0x01, 0x3f, 0x58, 0xe2, 0x89, 0xa9,
  0x0d, 0x38, 0x34, 0x1b, 0xab, 0x33, 0xff, 0xb0, 0xbb, 0x48, 0x0c, 0x5f, 0xb9, 0xb1, 0xcd, 0x2e,
  0xc5, 0xf3, 0xdb, 0x47, 0xe5, 0xa5, 0x9c, 0x77, 0x0a, 0xa6, 0x20, 0x68, 0xfe, 0x7f, 0xc1, 0xad,
]);

/** Exposed so a test can check that the table really is a permutation of 0..255. */
export const RC2_PITABLE: Readonly<Uint8Array> = PITABLE;

export const RC2_BLOCK_SIZE = 8;

/** The expanded key: the 64 words K[0..63] of RFC 2268 §2. */
export type Rc2Key = Uint16Array;

/**
 * RFC 2268 §2, key expansion. `key` is T bytes (1..128); `effectiveBits` is T1 (1..1024), the
 * number of key bits the cipher really uses. PKCS#12's pbeWithSHAAnd40BitRC2-CBC uses a 5-byte
 * key with T1 = 40; pbeWithSHAAnd128BitRC2-CBC a 16-byte key with T1 = 128.
 */
export function rc2ExpandKey(key: Uint8Array, effectiveBits: number): Rc2Key {
  const T = key.length;
  if (T < 1 || T > 128) throw new Error(`an RC2 key is 1 to 128 bytes long, not ${T}`);
  if (!Number.isInteger(effectiveBits) || effectiveBits < 1 || effectiveBits > 1024) {
    throw new Error(`RC2's effective key length is 1 to 1024 bits, not ${effectiveBits}`);
  }
  // L is the 128-byte key buffer, starting with the supplied key in L[0..T-1].
  const L = new Uint8Array(128);
  L.set(key);
  // T8 = effective key length in bytes; TM masks off the unused high bits of the top byte.
  const T8 = Math.ceil(effectiveBits / 8);
  const TM = 0xff >> (8 * T8 - effectiveBits); // = 255 MOD 2^(8 + T1 - 8*T8)

  // First loop: stretch the key forward through PITABLE (addition is mod 256).
  for (let i = T; i < 128; i++) L[i] = PITABLE[(L[i - 1]! + L[i - T]!) & 0xff]!;
  // Intermediate step: cut the key down to T1 effective bits.
  L[128 - T8] = PITABLE[L[128 - T8]! & TM]!;
  // Second loop: run back down so every byte depends on the (reduced) effective key.
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[L[i + 1]! ^ L[i + T8]!]!;

  // K[i] = L[2i] + 256 * L[2i+1]: the same buffer viewed as little-endian 16-bit words.
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8);
  return K;
}

/** The rotation amounts s[0..3] of the MIX operation (RFC 2268 §3.1). */
const S = [1, 2, 3, 5] as const;

function readWords(block: Uint8Array): number[] {
  if (block.length !== RC2_BLOCK_SIZE) throw new Error(`an RC2 block is 8 bytes, not ${block.length}`);
  return [0, 1, 2, 3].map((i) => block[2 * i]! | (block[2 * i + 1]! << 8));
}

function writeWords(R: number[]): Uint8Array {
  const out = new Uint8Array(RC2_BLOCK_SIZE);
  for (let i = 0; i < 4; i++) {
    out[2 * i] = R[i]! & 0xff;
    out[2 * i + 1] = (R[i]! >> 8) & 0xff;
  }
  return out;
}

/** RFC 2268 §3: encrypts one 8-byte block. (The kit only decrypts; this exists for the tests.) */
export function rc2EncryptBlock(K: Rc2Key, block: Uint8Array): Uint8Array {
  const R = readWords(block);
  let j = 0;
  // §3.1 "MIX up R[i]": add a key word and a function of the other three words, then rotate left.
  const mixRound = () => {
    for (let i = 0; i < 4; i++) {
      const sum = R[i]! + K[j++]! + (R[(i + 3) % 4]! & R[(i + 2) % 4]!) + (~R[(i + 3) % 4]! & R[(i + 1) % 4]!);
      const word = sum & 0xffff;
      R[i] = ((word << S[i]!) | (word >> (16 - S[i]!))) & 0xffff;
    }
  };
  // §3.3 "MASH R[i]": add the key word selected by the low six bits of the previous word.
  const mashRound = () => {
    for (let i = 0; i < 4; i++) R[i] = (R[i]! + K[R[(i + 3) % 4]! & 63]!) & 0xffff;
  };
  // §3.4: five mixing rounds, a mashing round, six mixing rounds, a mashing round, five mixing rounds.
  for (let r = 0; r < 5; r++) mixRound();
  mashRound();
  for (let r = 0; r < 6; r++) mixRound();
  mashRound();
  for (let r = 0; r < 5; r++) mixRound();
  return writeWords(R);
}

/** RFC 2268 §4: decrypts one 8-byte block (every step of §3 undone, in reverse order). */
export function rc2DecryptBlock(K: Rc2Key, block: Uint8Array): Uint8Array {
  const R = readWords(block);
  let j = 63;
  // §4.1 "R-MIX up R[i]": rotate right, then subtract what MIX added; words in order 3, 2, 1, 0.
  const rMixRound = () => {
    for (let i = 3; i >= 0; i--) {
      const word = R[i]!;
      const rotated = ((word >> S[i]!) | (word << (16 - S[i]!))) & 0xffff;
      R[i] = (rotated - K[j--]! - (R[(i + 3) % 4]! & R[(i + 2) % 4]!) - (~R[(i + 3) % 4]! & R[(i + 1) % 4]!)) & 0xffff;
    }
  };
  // §4.2 "R-MASH R[i]": subtract the key word MASH added; words in order 3, 2, 1, 0.
  const rMashRound = () => {
    for (let i = 3; i >= 0; i--) R[i] = (R[i]! - K[R[(i + 3) % 4]! & 63]!) & 0xffff;
  };
  // §4.3: five r-mixing rounds, an r-mashing round, six r-mixing, an r-mashing, five r-mixing.
  for (let r = 0; r < 5; r++) rMixRound();
  rMashRound();
  for (let r = 0; r < 6; r++) rMixRound();
  rMashRound();
  for (let r = 0; r < 5; r++) rMixRound();
  return writeWords(R);
}

/** Thrown when the last block does not end in valid PKCS#7 padding: almost always a wrong key. */
export class Rc2PaddingError extends Error {
  override readonly name = "Rc2PaddingError";
}

/**
 * RC2 in CBC mode, decrypting, then removing the PKCS#7 padding (RFC 8018 §6.1.1 step 4 / RFC 5652
 * §6.3: 1 to 8 bytes, each equal to the padding length). Throws Rc2PaddingError if it is not valid.
 */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  if (iv.length !== RC2_BLOCK_SIZE) throw new Error(`an RC2-CBC IV is 8 bytes, not ${iv.length}`);
  if (ciphertext.length === 0 || ciphertext.length % RC2_BLOCK_SIZE !== 0) {
    throw new Rc2PaddingError(`RC2-CBC ciphertext must be a non-zero multiple of 8 bytes, not ${ciphertext.length}`);
  }
  const K = rc2ExpandKey(key, effectiveBits);
  const plain = new Uint8Array(ciphertext.length);
  let previous = iv;
  for (let off = 0; off < ciphertext.length; off += RC2_BLOCK_SIZE) {
    const block = ciphertext.subarray(off, off + RC2_BLOCK_SIZE);
    const decrypted = rc2DecryptBlock(K, block);
    // CBC: plaintext block = D(ciphertext block) XOR previous ciphertext block (the IV for the first).
    for (let i = 0; i < RC2_BLOCK_SIZE; i++) plain[off + i] = decrypted[i]! ^ previous[i]!;
    previous = block;
  }
  const pad = plain[plain.length - 1]!;
  let ok = pad >= 1 && pad <= RC2_BLOCK_SIZE;
  for (let i = 1; ok && i <= pad; i++) ok = plain[plain.length - i] === pad;
  if (!ok) throw new Rc2PaddingError("RC2-CBC padding is invalid after decryption (wrong key or damaged data)");
  return plain.slice(0, plain.length - pad);
}

/** RC2-CBC encryption with PKCS#7 padding: the inverse of rc2CbcDecrypt, for tests only. */
export function rc2CbcEncrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  if (iv.length !== RC2_BLOCK_SIZE) throw new Error(`an RC2-CBC IV is 8 bytes, not ${iv.length}`);
  const K = rc2ExpandKey(key, effectiveBits);
  const pad = RC2_BLOCK_SIZE - (plaintext.length % RC2_BLOCK_SIZE);
  const padded = new Uint8Array(plaintext.length + pad).fill(pad);
  padded.set(plaintext);
  const out = new Uint8Array(padded.length);
  let previous: Uint8Array = iv;
  for (let off = 0; off < padded.length; off += RC2_BLOCK_SIZE) {
    const x = new Uint8Array(RC2_BLOCK_SIZE);
    for (let i = 0; i < RC2_BLOCK_SIZE; i++) x[i] = padded[off + i]! ^ previous[i]!;
    previous = rc2EncryptBlock(K, x);
    out.set(previous, off);
  }
  return out;
}
