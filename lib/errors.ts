/**
 * The one error type lib/ throws for problems a user can fix (bad input, wrong password, wrong key).
 * `code` is stable and one of KIT_ERROR_CODES, so callers and tests switch on it (a misspelt code is
 * a type error); `message` is one sentence that says what is wrong; `hint` says what to do next.
 * The commands (steps/command.ts) print message and hint, never a stack trace.
 */

/** Every code a KitError may carry, by the room that throws it. A new code is added here first. */
export const KIT_ERROR_CODES = [
  // Command lines, and the files and input they name (steps/, the doctor, the mock's CLI)
  "USAGE",
  "NO_INPUT",
  "EMPTY_INPUT",
  "INPUT_TOO_LARGE",
  "BINARY_INPUT",
  "NO_FILE",
  "NOT_A_FILE",
  "FILE_NOT_FOUND",
  "FILE_READ",
  "CURL_FILE",
  "CERT_FILE",
  "CONFIG",
  "OUT_DIR",
  // The workshop's artifacts and the checks the steps make on them
  "ARTIFACT_MISSING",
  "ARTIFACT_READ",
  "ARTIFACT_JSON",
  "ARTIFACT_DAMAGED",
  "HALF_PAIR",
  "KEY_MISMATCH",
  "CROSS_CHECK_FAILED",
  "STALE_SIGNATURE",
  "PEM_NO_CERT",
  "PEM_NO_KEY",
  // Token request and API call (steps 7 and 8, offline or --live)
  "ASSERTION_AUD",
  "NETWORK",
  "TOKEN_RESPONSE",
  "NO_TOKEN",
  "LIVE_TOKEN",
  "LIVE_HOST",
  "LIVE_DEMO_APP",
  // Remote signing in Key Vault (step 5 --signer keyvault)
  "IDENTITY_REFUSED",
  "NO_IDENTITY",
  "VAULT_REFUSED",
  "VAULT_THUMBPRINT",
  // The mock's HTTPS server
  "BAD_HOST",
  "LISTEN_FAILED",
  "PORT_DENIED",
  "PORT_IN_USE",
  // Entra's identifiers and claims (lib/entra/)
  "CLIENT_ID_FORMAT",
  "TENANT_FORMAT",
  "TENANT_MULTI",
  "LIFETIME",
  // Graph's addKey / removeKey (lib/entra/key-proof.ts)
  "APP_OBJECT_ID_FORMAT",
  "KEY_ID_FORMAT",
  // JOSE (lib/crypto/jws.ts)
  "JWT_SEGMENTS",
  "JWT_SEGMENT_ENCODING",
  "JWT_SEGMENT_JSON",
  "JWT_SEGMENT_UTF8",
  "PSS_SALT",
  "UNSUPPORTED_ALG",
  // Strict base64url (lib/crypto/base64url.ts: "BASE64URL_" + its Base64urlProblem, upper-case)
  "BASE64URL_STANDARD_ALPHABET",
  "BASE64URL_PADDING",
  "BASE64URL_WHITESPACE",
  "BASE64URL_INVALID_CHARACTER",
  "BASE64URL_IMPOSSIBLE_LENGTH",
  "BASE64URL_NON_ZERO_TRAILING_BITS",
  // RSA (lib/crypto/rsa/, RFC 8017's error names)
  "BAD_RSA_KEY",
  "EM_TOO_SHORT",
  "INTEGER_TOO_LARGE",
  "MASK_TOO_LONG",
  "MESSAGE_REPRESENTATIVE_OUT_OF_RANGE",
  "MODULUS_TOO_SHORT",
  "NOT_INVERTIBLE",
  "PSS_ENCODING_ERROR",
  "RSA_KEY_INCONSISTENT",
  "SIGNATURE_REPRESENTATIVE_OUT_OF_RANGE",
  "UNSUPPORTED_HASH",
  // PEM and DER (lib/formats/pem.ts, lib/formats/asn1-tree/)
  "PEM_BAD_BASE64",
  "PEM_BAD_LABEL",
  "PEM_LABEL_MISMATCH",
  "PEM_UNTERMINATED",
  "NOT_DER",
  // Keys (lib/formats/keys/)
  "BAD_DER",
  "BAD_JWK",
  "BAD_KEY_FILE",
  "EC_KEY",
  "ENCRYPTED_KEY",
  "MULTIPLE_PRIVATE_KEYS",
  "MULTI_PRIME_KEY",
  "NOT_PEM",
  "NOT_PKCS1",
  "NOT_PKCS8",
  "NOT_PRIVATE_KEY",
  "NOT_RSA_KEY",
  "NOT_RSA_PUBLIC_KEY",
  "NOT_SPKI",
  "NO_PRIVATE_KEY",
  "UNSUPPORTED_KEY_FORMAT",
  // X.509 (lib/formats/x509/)
  "BAD_PUBLIC_KEY",
  "BAD_SERIAL",
  "BAD_SIGNATURE_LENGTH",
  "BAD_SUBJECT",
  "BAD_VALIDITY",
  "NOT_A_NAME",
  "NOT_CERTIFICATE",
  // PKCS#12 (lib/formats/pkcs12/)
  "NOT_PFX",
  "PFX_ITERATIONS",
  "PFX_KEY_MISMATCH",
  "PFX_NO_CERT",
  "PFX_NO_KEY",
  "PFX_PASSWORD",
  "PFX_UNSUPPORTED",
  // Profiles, tokens for scripts, expiry checks and rotation (steps/profile, steps/token, steps/cert)
  "PROFILE_NAME",
  "PROFILE_UNKNOWN",
  "PROFILE_EXISTS",
  "PROFILE_FILE",
  "PROFILE_STORE",
  "TOKEN_REFUSED",
  "GRAPH_REFUSED",
  "DEMO_KEY_LIVE",
  "CONFIRM",
  "ROTATION",
] as const;

export type KitErrorCode = (typeof KIT_ERROR_CODES)[number];

export class KitError extends Error {
  override readonly name = "KitError";
  readonly code: KitErrorCode;
  readonly hint?: string;
  constructor(code: KitErrorCode, message: string, hint?: string);
  /**
   * @deprecated Only for lib/crypto/base64url.ts, which builds its code from the problem's name
   * (`BASE64URL_${problem.toUpperCase()…}`): the codes it makes are listed above and a test checks
   * them. Drop this overload once that call names its code as a literal.
   */
  constructor(code: `BASE64URL_${string}`, message: string, hint?: string);
  constructor(code: string, message: string, hint?: string) {
    super(message);
    this.code = code as KitErrorCode;
    this.hint = hint;
  }
}
