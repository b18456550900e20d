/**
 * Lab scenarios where the header names the right certificate and the signature is wrong: another
 * key, another padding or salt than the header says, other bytes than the ones sent, no signature
 * at all, or an algorithm Entra does not take for a certificate.
 */
import { base64urlEncode } from "../../lib/crypto/base64url.ts";
import { concatBytes, utf8Encode } from "../../lib/bytes.ts";
import { rsassaPkcs1v15Sign, rsassaPssSign } from "../../lib/crypto/rsa/index.ts";
import { SHA256 } from "../../lib/crypto/sha256.ts";
import { goodRequest, tokenRequest, unsecuredAssertion } from "./build-request.ts";
import type { Scenario } from "./scenario.ts";

const keyMismatch: Scenario = {
  name: "key-mismatch",
  title: "signed by a key that does not belong to the certificate",
  story: [
    "The header names the registered certificate, but the private key loaded is another one: the key file of",
    "an earlier certificate, or a key and a certificate exported separately and paired by hand. Entra finds",
    "the certificate, checks the signature with its public key, and the signature does not verify.",
  ],
  expectedAadsts: 700027,
  focus: ["signature"],
  build: (ctx) => ({ request: goodRequest(ctx, "key-mismatch", { key: ctx.other.key }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "key-mismatch:fixed") }),
  fixText: {
    what: [
      "Sign with the private key that belongs to the certificate: take both from the same PFX or store entry",
      "(openssl x509 -noout -modulus and openssl rsa -noout -modulus print the same line for a matching pair).",
    ],
    label: "PowerShell 7",
    before: "$rsa = [Security.Cryptography.RSA]::Create(); $rsa.ImportFromPem((Get-Content old-key.pem -Raw))",
    after: "$rsa = [Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($cert)",
  },
};

const ps256WithPkcs1Signature: Scenario = {
  name: "ps256-with-pkcs1-signature",
  title: "PS256 in the header, but an RSASSA-PKCS1-v1_5 signature",
  story: [
    "The header was switched to PS256 and x5t#S256, as Microsoft's current page shows, but the signing call",
    "still uses PKCS#1 v1.5 padding (RSASignaturePadding.Pkcs1, or the default of most RSA sign functions).",
    "The signature is valid, for RS256: Entra verifies it as RSASSA-PSS, as the header asks, and it fails.",
  ],
  expectedAadsts: 700027,
  focus: ["alg", "signature"],
  build: (ctx) => ({ request: goodRequest(ctx, "ps256-with-pkcs1-signature", { alg: "PS256", signWith: (key, input) => rsassaPkcs1v15Sign(key, input, SHA256) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "ps256-with-pkcs1-signature:fixed", { alg: "PS256" }) }),
  fixText: {
    what: ["Sign with PSS padding when the header says PS256 (or say RS256, with x5t, for PKCS#1 v1.5)."],
    label: "PowerShell",
    before: "$sig = $rsa.SignData($bytes, [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pkcs1)",
    after: "$sig = $rsa.SignData($bytes, [Security.Cryptography.HashAlgorithmName]::SHA256, [Security.Cryptography.RSASignaturePadding]::Pss)",
  },
};

const rs256WithPssSignature: Scenario = {
  name: "rs256-with-pss-signature",
  title: "RS256 in the header, but an RSASSA-PSS signature",
  story: [
    "The signing code was modernised to PSS padding (RSASignaturePadding.Pss) after a security review,",
    "but the header still says RS256 with x5t. Entra verifies RS256 as PKCS#1 v1.5, as the header asks,",
    "and the PSS signature fails.",
  ],
  expectedAadsts: 700027,
  focus: ["alg", "signature"],
  build: (ctx) => ({
    request: goodRequest(ctx, "rs256-with-pss-signature", { signWith: (key, input) => rsassaPssSign(key, input, SHA256, ctx.bytes("rs256-with-pss-signature:salt", 32)) }),
  }),
  fix: (ctx) => ({ request: goodRequest(ctx, "rs256-with-pss-signature:fixed", { alg: "PS256" }) }),
  fixText: {
    what: ["Say what you sign: PS256 with x5t#S256 for a PSS signature (or keep RS256 and sign with PKCS#1 v1.5)."],
    label: "the JWT header",
    before: '{"alg":"RS256","typ":"JWT","x5t":"…"}   + RSASignaturePadding.Pss',
    after: '{"alg":"PS256","typ":"JWT","x5t#S256":"…"}   + RSASignaturePadding.Pss',
  },
};

/** HMAC-SHA256 (RFC 2104) with the kit's SHA-256: H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ m)). */
function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  const block = new Uint8Array(SHA256.blockLength);
  block.set(key.length > SHA256.blockLength ? SHA256.digest(key) : key);
  const inner = concatBytes(block.map((b) => b ^ 0x36), message);
  return SHA256.digest(concatBytes(block.map((b) => b ^ 0x5c), SHA256.digest(inner)));
}

/** A made-up client secret (it is what HS256 recipes sign with). */
const DEMO_SECRET = "Xq8~workshop.demo-secret_not-real";

const algUnsupported: Scenario = {
  name: "alg-unsupported",
  title: "HS256: the assertion signed with the client secret",
  story: [
    "Half-way from a client secret to a certificate, the code signs the JWT with HS256 and the secret, the",
    "way many JWT tutorials do. A certificate credential is proven with the private key: RS256 or PS256.",
    "Entra refuses the algorithm before it looks at anything else.",
  ],
  expectedAadsts: 5002738,
  focus: ["alg", "signature"],
  build: (ctx) => ({
    request: goodRequest(ctx, "alg-unsupported", {
      header: ({ x5t }) => ({ alg: "HS256", typ: "JWT", ...(x5t ? { x5t } : {}) }),
      signWith: (_key, input) => hmacSha256(utf8Encode(DEMO_SECRET), input),
    }),
  }),
  fix: (ctx) => ({ request: goodRequest(ctx, "alg-unsupported:fixed") }),
  fixText: {
    what: ["Sign with the certificate's private key: RS256 (with x5t) or PS256 (with x5t#S256); the secret plays no part."],
    label: "Node.js (jsonwebtoken)",
    before: "jwt.sign(claims, clientSecret, { algorithm: 'HS256', header: { x5t } })",
    after: "jwt.sign(claims, privateKeyPem, { algorithm: 'RS256', header: { x5t } })",
  },
};

/** The longest salt a 2048-bit key allows (emLen − hLen − 2 = 256 − 32 − 2): node's default for PSS signing. */
const MAX_SALT_2048 = 222;

const pssSaltLength: Scenario = {
  name: "pss-salt-length",
  title: "PS256 signed with node's default PSS salt (222 bytes), not 32",
  story: [
    "crypto.sign('sha256', input, { key, padding: RSA_PKCS1_PSS_PADDING }) looks complete, but without",
    "saltLength node uses the longest salt the key allows (222 bytes for 2048 bits). PS256 means a salt as long",
    "as the hash, 32 bytes (RFC 7518 §3.5), and a verifier that expects 32 rejects the signature.",
  ],
  expectedAadsts: 700027,
  focus: ["signature"],
  build: (ctx) => ({
    request: goodRequest(ctx, "pss-salt-length", {
      alg: "PS256",
      signWith: (key, input) => rsassaPssSign(key, input, SHA256, ctx.bytes("pss-salt-length:long-salt", MAX_SALT_2048)),
    }),
  }),
  fix: (ctx) => ({ request: goodRequest(ctx, "pss-salt-length:fixed", { alg: "PS256" }) }),
  fixText: {
    what: ["Give the salt length: 32 bytes, the length of SHA-256."],
    label: "Node.js",
    before: "crypto.sign('sha256', input, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING })",
    after: "crypto.sign('sha256', input, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })",
  },
};

/** The same objects, serialised again with two-space indentation: what a logger or a JSON file holds. */
function prettySegment(value: object): string {
  return base64urlEncode(utf8Encode(JSON.stringify(value, null, 2)));
}

const signatureOverOtherInput: Scenario = {
  name: "signature-over-other-input",
  title: "the signature covers other bytes than the header and payload sent",
  story: [
    "The code signs base64url of the JSON as it wrote it to a file (pretty-printed), then builds the token from",
    "a second, compact serialisation of the same objects. Same claims, other bytes: the signature covers",
    "exactly header.payload as sent (RFC 7515 §5.1), so the right key and the right padding still fail.",
  ],
  expectedAadsts: 700027,
  focus: ["signature"],
  build: (ctx) => ({ request: goodRequest(ctx, "signature-over-other-input", { signedSegments: (h, c) => [prettySegment(h), prettySegment(c)] }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "signature-over-other-input:fixed") }),
  fixText: {
    what: ["Serialise once: sign the very header.payload text you send, and send the very text you signed."],
    label: "Node.js",
    before: "const signature = sign(`${b64url(JSON.stringify(header, null, 2))}.${b64url(JSON.stringify(claims, null, 2))}`)",
    after: "const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`; const jwt = `${input}.${sign(input)}`",
  },
};

const algNone: Scenario = {
  name: "alg-none",
  title: "an unsigned JWT: alg none and an empty signature",
  story: [
    "A JWT library called without a key, or with an algorithm read from an empty setting, makes an unsecured JWT",
    '(RFC 7519 §6): {"alg":"none"} and nothing after the last dot. Entra takes only signed assertions and',
    "reads the empty signature as a malformed token.",
  ],
  expectedAadsts: 50027,
  focus: ["alg", "signature"],
  build: (ctx) => ({ request: tokenRequest(ctx, { assertion: unsecuredAssertion(ctx, "alg-none") }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "alg-none:fixed") }),
  fixText: {
    what: ["Sign the assertion with the certificate's private key: RS256 with x5t (or PS256 with x5t#S256)."],
    label: "the JWT header",
    before: '{"alg":"none","typ":"JWT"}   + an empty signature',
    after: '{"alg":"RS256","typ":"JWT","x5t":"<base64url of the SHA-1 thumbprint>"}   + RSASSA-PKCS1-v1_5 over header.payload',
  },
};

export const SIGNATURE_SCENARIOS: Scenario[] = [keyMismatch, ps256WithPkcs1Signature, rs256WithPssSignature, pssSaltLength, signatureOverOtherInput, algNone, algUnsupported];
