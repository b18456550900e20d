/**
 * The causes the doctor can name: stable ids (the lab names its scenarios after them), a title,
 * the fix, and whether Entra refuses the request for it. The detail and the evidence are filled
 * in where a cause is detected (the check-*.ts files, error-text.ts), from the bytes at hand.
 */
import type { CatalogId } from "../aadsts-catalog.ts";
import type { Cause, CauseSeverity } from "./types.ts";

export interface CauseSpec {
  title: string;
  fix: string;
  /** Default severity; "error" causes carry the AADSTS code of the check that found them. */
  severity: CauseSeverity;
}

const X5T_FIX = "x5t = base64url of the 20 raw bytes of the SHA-1 (node: createHash('sha1').update(der).digest('base64url'); PowerShell: [Convert]::ToBase64String($cert.GetCertHash()).TrimEnd('=').Replace('+','-').Replace('/','_')).";

export const CAUSES = {
  // ── The thumbprint ─────────────────────────────────────────────────────────────────────────────
  "x5t-hex-text": {
    title: "x5t is made from the hex text of the thumbprint, not from its bytes",
    fix: X5T_FIX,
    severity: "error",
  },
  "x5t-standard-base64": {
    title: "The thumbprint header is standard base64 (+ / =): Entra reads it (msal4j and MSAL Go send it so)",
    fix: "Nothing to fix for Entra. RFC 7515's own form is base64url without padding (replace + with -, / with _, drop =), which stricter JOSE libraries want.",
    severity: "info",
  },
  "x5t-padded": {
    title: "The thumbprint header ends with = padding: Entra reads it (MSAL Python sends it so)",
    fix: "Nothing to fix for Entra. RFC 7515 §2's form leaves the = out, which stricter JOSE libraries want.",
    severity: "info",
  },
  "thumbprint-unreadable": {
    title: "The header names a key in a form Entra cannot read",
    fix: "Put the certificate's thumbprint in the header: x5t = base64url of the 20 SHA-1 bytes of the certificate DER (or x5t#S256 with SHA-256), nothing else in the value.",
    severity: "error",
  },
  "sha256-in-x5t": {
    title: "x5t holds a SHA-256 thumbprint (32 bytes); x5t is the SHA-1 (20 bytes)",
    fix: "Put the SHA-256 in x5t#S256 (with alg PS256, as Microsoft's current docs show), or put the SHA-1 in x5t (RFC 7515 §4.1.7, §4.1.8).",
    severity: "error",
  },
  "sha1-in-x5t-s256": {
    title: "x5t#S256 holds a SHA-1 thumbprint (20 bytes); x5t#S256 is the SHA-256 (32 bytes)",
    fix: "Put the SHA-1 in x5t, or compute the SHA-256 of the certificate DER for x5t#S256 (RFC 7515 §4.1.8).",
    severity: "error",
  },
  "x5t-other-certificate": {
    title: "The thumbprint in the header is another certificate's",
    fix: "Sign with the certificate that is uploaded to the app and put its thumbprint in the header, or upload this certificate (cert.cer) to the app registration.",
    severity: "error",
  },
  "no-thumbprint": {
    title: "The header does not say which certificate signed it",
    fix: "Add x5t (base64url of the SHA-1 of the certificate DER) or x5t#S256 (its SHA-256) to the header.",
    severity: "error",
  },
  "x5c-malformed": {
    title: "x5c holds no certificate Entra can read",
    fix: "x5c is an array of standard base64 (not base64url) DER certificates, the signing certificate first (RFC 7515 §4.1.6); or leave it out.",
    severity: "error",
  },
  "kid-only": {
    title: "Only kid names the key",
    fix: "Entra looks kid up among the app's key IDs; send x5t or x5t#S256 instead, which every certificate has.",
    severity: "warning",
  },
  // ── Read from pasted errors only: the assertion's bytes cannot show these ──────────────────────
  "clock-skew": {
    title: "The clock (or time zone) of the machine that signs is off",
    fix: "Sync the clock (w32tm /resync on Windows, timedatectl / chrony elsewhere) and build nbf/exp from UTC seconds, not local time.",
    severity: "error",
  },
  "wrong-cloud": {
    title: "The request goes to another cloud's authority than the one the tenant lives in",
    fix: "Use the authority host of the tenant's cloud: login.microsoftonline.com (global), login.microsoftonline.us (US Gov), login.partner.microsoftonline.cn (China); and the same host in aud.",
    severity: "error",
  },
  "ps256-refused": {
    title: "Entra refused a PS256 assertion it should take (a service-side problem seen in 2024)",
    fix: "Retry later, or sign with RS256 and x5t (MSAL.NET 4.60.1 switched back to RS256 as a workaround).",
    severity: "error",
  },
  "public-client": {
    title: "The app registration is set up as a public client",
    fix: "App registration > Authentication > 'Allow public client flows': No for an app that signs in as itself (or use a separate confidential app).",
    severity: "error",
  },
  "secret-wrong": {
    title: "A client secret was sent, and it is not the secret's value",
    fix: "Send the secret's Value (shown once when it is made), not its Secret ID; or sign in with the certificate instead, as this workshop does.",
    severity: "error",
  },
  "secret-expired": {
    title: "The app's client secret has expired",
    fix: "Make a new secret under Certificates & secrets, or move the app to a certificate.",
    severity: "error",
  },
  "app-disabled": {
    title: "The app or its service principal is disabled",
    fix: "Enterprise applications > the app > Properties > 'Enabled for users to sign-in?' = Yes (an admin may have disabled it on purpose: ask first).",
    severity: "error",
  },
  "resource-not-in-tenant": {
    title: "The resource (API) in the scope does not exist in this tenant",
    fix: "Check the scope's resource: https://graph.microsoft.com/.default, or your API's Application ID URI; a multi-tenant API must be consented in this tenant first.",
    severity: "error",
  },
  "library-regression": {
    title: "A regression in the client library, not a mistake of yours (msal-node 2.8.0 sent no client_assertion; msal4j 1.23.0 built expired ones)",
    fix: "Read the library's release notes and issues for your version; pin the last version that worked until a fix is out.",
    severity: "error",
  },
  "service-problem": {
    title: "A problem on Entra's side, not in the request",
    fix: "Retry after a short wait; if it persists, quote the Correlation ID and Timestamp to Microsoft support.",
    severity: "error",
  },
  // ── The signature ──────────────────────────────────────────────────────────────────────────────
  "key-mismatch": {
    title: "Signed with a key that is not this certificate's",
    fix: "Sign with the private key that belongs to the registered certificate (the key in the same .pfx), or upload the certificate of the key you sign with.",
    severity: "error",
  },
  "ps256-with-pkcs1-signature": {
    title: "The header says PS256, but the signature is PKCS#1 v1.5 (RS256)",
    fix: "Either say alg RS256 (with x5t), or sign with RSASSA-PSS: SHA-256, MGF1-SHA-256, salt length 32 (RFC 7518 §3.5).",
    severity: "error",
  },
  "rs256-with-pss-signature": {
    title: "The header says RS256, but the signature is RSASSA-PSS (PS256)",
    fix: "Either say alg PS256 (with x5t#S256), or sign with RSASSA-PKCS1-v1_5 and SHA-256 (RFC 7518 §3.3).",
    severity: "error",
  },
  "pss-salt-length": {
    title: "The PSS signature uses a salt that is not 32 bytes",
    fix: "PS256 uses a 32-byte salt (RFC 7518 §3.5): node crypto.sign(..., { saltLength: 32 }), WebCrypto { name: 'RSA-PSS', saltLength: 32 }; node's default is the maximum length.",
    severity: "error",
  },
  "wrong-hash-algorithm": {
    title: "The signature uses another hash than alg says",
    fix: "RS256 and PS256 mean SHA-256: sign with SHA-256, or change alg to match the hash.",
    severity: "error",
  },
  "signature-over-other-input": {
    title: "The signature covers other bytes than the header.payload that was sent",
    fix: "Sign exactly ASCII(base64url(header) + '.' + base64url(payload)), the two segments as sent, and do not change or re-serialise them afterwards (RFC 7515 §5.1).",
    severity: "error",
  },
  // ── Times ──────────────────────────────────────────────────────────────────────────────────────
  "exp-milliseconds": {
    title: "exp is in milliseconds, not seconds",
    fix: "NumericDate is seconds since 1970 (RFC 7519 §2): Math.floor(Date.now() / 1000) + 600.",
    severity: "warning",
  },
  "nbf-milliseconds": {
    title: "nbf is in milliseconds, not seconds",
    fix: "NumericDate is seconds since 1970 (RFC 7519 §2): nbf = Math.floor(Date.now() / 1000).",
    severity: "error",
  },
  expired: {
    title: "The assertion has expired",
    fix: "Make a new assertion for each token request (exp = now + 600), and check the signing machine's clock (w32tm /resync, timedatectl).",
    severity: "error",
  },
  "exp-missing": {
    title: "The assertion has no exp",
    fix: "Add exp (RFC 7523 §3: required), seconds since 1970: nbf + 600.",
    severity: "error",
  },
  "not-yet-valid": {
    title: "The assertion is not valid yet (nbf is in the future)",
    fix: "Set nbf to now, and check the signing machine's clock (w32tm /resync, timedatectl).",
    severity: "error",
  },
  "lifetime-too-long": {
    title: "The assertion lives longer than Microsoft advises",
    fix: "Keep exp 5 to 10 minutes after nbf (MSAL uses 600 s): a leaked assertion is a password until it expires.",
    severity: "warning",
  },
  // ── Audience ───────────────────────────────────────────────────────────────────────────────────
  "aud-v1-vs-v2": {
    title: "aud is the other version's token endpoint (v1 vs v2)",
    fix: "Nothing to do: Entra accepts either endpoint URL as aud. Using the URL you post to keeps it tidy.",
    severity: "info",
  },
  "aud-other-tenant": {
    title: "aud names another tenant",
    fix: "Set aud to https://login.microsoftonline.com/<your tenant>/oauth2/v2.0/token, the URL you post to.",
    severity: "error",
  },
  "aud-common": {
    title: "aud uses common / organizations / consumers instead of the tenant",
    fix: "An app signs in to one tenant: aud = https://login.microsoftonline.com/<tenant ID>/oauth2/v2.0/token.",
    severity: "error",
  },
  "aud-trailing-slash": {
    title: "aud ends with a slash",
    fix: "Remove the trailing /: Entra compares aud with the token endpoint URL as text.",
    severity: "error",
  },
  "aud-case": {
    title: "aud differs from the token endpoint URL in upper/lower case",
    fix: "Accepted (Entra compares aud case-insensitively, and MSAL lower-cases it); write it in lower case to be safe.",
    severity: "warning",
  },
  "aud-graph-resource": {
    title: "aud is the Graph resource, not the token endpoint",
    fix: "aud is who receives the assertion: the token endpoint URL. The API you want (Graph) goes in scope=https://graph.microsoft.com/.default.",
    severity: "error",
  },
  "aud-not-token-endpoint": {
    title: "aud is not the tenant's token endpoint URL",
    fix: "Set aud to https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token exactly (the v1 …/oauth2/token works too).",
    severity: "error",
  },
  // ── Issuer, subject, jti ───────────────────────────────────────────────────────────────────────
  "iss-sub-mismatch": {
    title: "iss and sub differ",
    fix: "Both are the Application (client) ID in a client assertion (RFC 7523 §3).",
    severity: "error",
  },
  "iss-client-id-mismatch": {
    title: "iss is not the client_id of the request",
    fix: "Use the same Application (client) ID for client_id, iss and sub (the Overview page of the app registration).",
    severity: "error",
  },
  "claim-missing": {
    title: "A required claim is missing",
    fix: "A client assertion carries aud (the token endpoint), iss and sub (the client ID), exp, nbf and jti (RFC 7523 §3).",
    severity: "error",
  },
  "jti-missing": {
    title: "The assertion has no jti",
    fix: "Add jti, a new GUID for every assertion (Microsoft's docs list it; RFC 7519 §4.1.7).",
    severity: "warning",
  },
  "jti-guessable": {
    title: "The jti is short or fixed, not a new random value",
    fix: "Use a new GUID per assertion (crypto.randomUUID(), [guid]::NewGuid()). Entra does not refuse a jti it has seen, so the assertion is a bearer credential until exp: keep exp short and the assertion secret.",
    severity: "warning",
  },
  // ── JOSE edge cases: different readers read these differently; the mock refuses them (inferred) ──
  "payload-duplicate-name": {
    title: "A claim appears twice in the payload (the last one counts)",
    fix: "Give each claim once. With MSAL.NET, WithClientClaims(…, mergeWithDefaultClaims: true) appends your claims after its own: to change aud, pass mergeWithDefaultClaims: false and all the claims yourself.",
    severity: "warning",
  },
  "json-duplicate-name": {
    title: "A name appears twice in the header JSON",
    fix: "Build the header and payload as objects (each name once) and serialise them; never concatenate JSON text by hand.",
    severity: "error",
  },
  "crit-header": {
    title: "The header has crit: extensions the judge must understand",
    fix: "Remove crit (and the extension parameters it lists): a client assertion for Entra uses none (RFC 7515 §4.1.11).",
    severity: "error",
  },
  "segment-non-canonical": {
    title: "A segment is not the canonical base64url of its bytes (non-zero trailing bits)",
    fix: "Encode the bytes with a standard base64url encoder (RFC 4648 §5) instead of editing the text; do not append or change characters by hand.",
    severity: "error",
  },
  "thumbprints-disagree": {
    title: "x5t and x5t#S256 do not name the same certificate",
    fix: "Send one thumbprint header: x5t#S256 (SHA-256) with PS256, or x5t (SHA-1) with RS256, both of the certificate that signs.",
    severity: "error",
  },
  // ── Encoding ───────────────────────────────────────────────────────────────────────────────────
  "json-bom": {
    title: "The JSON starts with a byte-order mark",
    fix: "Encode the JSON as UTF-8 without BOM: PowerShell [Text.UTF8Encoding]::new($false).GetBytes($json), not [Text.Encoding]::UTF8 with a file round trip.",
    severity: "error",
  },
  "json-not-utf8": {
    title: "The JSON is not UTF-8",
    fix: "Encode header and payload as UTF-8 (RFC 7515 §7.1): PowerShell [Text.Encoding]::UTF8.GetBytes($json), not [Text.Encoding]::Unicode (UTF-16).",
    severity: "error",
  },
  "segment-standard-base64": {
    title: "A JWT segment is standard base64, not base64url",
    fix: "Encode each segment with base64url without padding (RFC 7515 §2): replace + with -, / with _, drop =.",
    severity: "error",
  },
  "malformed-jwt": {
    title: "The client assertion is not a well-formed signed JWT",
    fix: "Send the whole JWS compact serialisation: base64url(header).base64url(payload).base64url(signature) (RFC 7515 §7.1).",
    severity: "error",
  },
  // ── Algorithm ──────────────────────────────────────────────────────────────────────────────────
  "alg-none": {
    title: "alg is none: the assertion is not signed",
    fix: "Sign it with the certificate's RSA key: alg RS256 (with x5t) or PS256 (with x5t#S256).",
    severity: "error",
  },
  "alg-unsupported": {
    title: "alg is not one Entra takes for a certificate",
    fix: "Use RS256 (with x5t) or PS256 (with x5t#S256) and the certificate's RSA key.",
    severity: "error",
  },
  // ── The certificate ────────────────────────────────────────────────────────────────────────────
  "cert-expired": {
    title: "The certificate has expired",
    fix: "Make a new certificate, upload it to the app registration, and sign with its key.",
    severity: "error",
  },
  "expiry-unwatched": {
    title: "The certificate ran out and nothing warned before it did",
    fix: "Upload a new certificate in the portal (an expired key cannot sign the proof Graph's addKey needs), then check the end dates on a schedule, a month ahead, and rotate while the current key is still valid.",
    severity: "error",
  },
  "cert-not-yet-valid": {
    title: "The certificate is not valid yet",
    fix: "Wait until its start date, or check the clock of the machine that made it (a certificate dated in the future).",
    severity: "error",
  },
  "rsa-under-2048": {
    title: "The certificate's RSA key is shorter than 2048 bits",
    fix: "Make a 2048-bit (or larger) key and certificate: openssl req -newkey rsa:2048, or on Windows New-SelfSignedCertificate -KeyLength 2048.",
    severity: "error",
  },
  "ec-key": {
    title: "The certificate has an EC key; Entra's client assertions need RSA",
    fix: "Make an RSA certificate (2048 bits or more) and sign with RS256 or PS256.",
    severity: "error",
  },
  "key-not-rsa": {
    title: "The certificate's key is not a plain RSA key",
    fix: "Make an rsaEncryption certificate (2048 bits or more) and sign with RS256 or PS256.",
    severity: "error",
  },
  // ── The form ───────────────────────────────────────────────────────────────────────────────────
  "jwt-as-scope": {
    title: "The JWT was sent as scope, and there is no client_assertion",
    fix: "Send the JWT as client_assertion (with client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer) and scope=https://graph.microsoft.com/.default.",
    severity: "error",
  },
  "scope-without-default": {
    title: "scope is a permission, not <resource>/.default",
    fix: "An app signing in as itself asks for scope=<resource>/.default, e.g. https://graph.microsoft.com/.default.",
    severity: "error",
  },
  "form-duplicate-field": {
    title: "A form field is sent more than once",
    fix: "Send each field once (RFC 6749 §3.1): look for a library option and a hand-added field that both set it, or a body appended to an old one.",
    severity: "error",
  },
  "two-credentials": {
    title: "The form has a client_secret and a client assertion",
    fix: "Remove client_secret from the form (and from the library's configuration when it adds one): the assertion is the credential.",
    severity: "error",
  },
  "form-field": {
    title: "A form field of the token request is missing or wrong",
    fix: "POST grant_type=client_credentials, client_id, scope=<resource>/.default, client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer and client_assertion, form-encoded.",
    severity: "error",
  },
  // ── Only in pasted errors: what the doctor cannot see in an assertion ──────────────────────────
  "cert-not-uploaded": {
    title: "The certificate is not uploaded to this app registration",
    fix: "Upload cert.cer under Certificates & secrets > Certificates of the app with this client ID (in this tenant), then compare its thumbprint with the one in the error.",
    severity: "error",
  },
  "wrong-tenant": {
    title: "The request goes to another tenant than the app's",
    fix: "Use the Directory (tenant) ID from the app registration's Overview page in the URL and in aud.",
    severity: "error",
  },
  "unknown-client-id": {
    title: "No app with this client ID in the tenant",
    fix: "Use the Application (client) ID from the app registration's Overview page (not the object ID or the secret ID).",
    severity: "error",
  },
  // ── Rotation: certificates over time, and Graph's addKey / removeKey proof (key-proof.ts) ──────
  "old-cert-removed-early": {
    title: "The old certificate was removed from the app before this machine switched to the new one",
    fix: "Switch this machine to the new certificate (its profile or config), or add the old .cer back with addKey (signed by the new key) until every machine has switched; remove the old key only then.",
    severity: "error",
  },
  "proof-wrong-aud": {
    title: "The addKey/removeKey proof's aud is not 00000002-0000-0000-c000-000000000000",
    fix: "Set aud to 00000002-0000-0000-c000-000000000000 (Azure AD Graph's ID, as Microsoft's proof-token page says), not Microsoft Graph's 00000003-… and not the token endpoint.",
    severity: "error",
  },
  "proof-iss-not-object-id": {
    title: "The proof's iss is not the application's object ID",
    fix: "Set iss to the application's Object ID (Graph's id; GET /applications(appId='…') shows it), not the Application (client) ID.",
    severity: "error",
  },
  "proof-times": {
    title: "The proof's nbf/exp are missing, not numbers, out of date, or more than 10 minutes apart",
    fix: "Make nbf the current UTC time in seconds and exp = nbf + 600 (numbers, not date strings), and send the proof within those 10 minutes.",
    severity: "error",
  },
  "proof-padded": {
    title: "The proof's header or payload ends with = padding",
    fix: "base64url without padding (RFC 7515 §2): drop the trailing =, as Microsoft's proof-token page warns when the signature comes from Key Vault.",
    severity: "error",
  },
  "proof-signed-by-expired-key": {
    title: "The proof is signed by a certificate whose registration has ended (or not begun)",
    fix: "Sign the proof with a certificate that is registered and valid now. If none is left, addKey cannot help: add the new certificate with Update application (PATCH keyCredentials) or in the portal.",
    severity: "error",
  },
  "proof-signed-by-new-key": {
    title: "The proof is signed by the certificate it adds, not by one the application already has",
    fix: "Sign the proof with another registered certificate that is valid now (another machine's); with none, or with its key lost (a PFX whose password is gone), upload the new certificate in the portal or by an admin (Update application), then sign with it.",
    severity: "error",
  },
  "proof-unknown-key": {
    title: "The proof is signed by a key the application does not have",
    fix: "Sign the proof with the private key of a certificate already registered on the app (the current one for addKey; the current or the new one for removeKey), not with the new certificate's key before it is added.",
    severity: "error",
  },
} as const satisfies Record<string, CauseSpec>;

export type CauseId = keyof typeof CAUSES;

/** Every cause id the doctor names, in the order of the table above. */
export const CAUSE_IDS = Object.keys(CAUSES) as CauseId[];

/** Builds a Cause from its spec plus what was found. */
export function cause(
  id: CauseId,
  detail: string,
  evidence: [string, string][] = [],
  options: { aadsts?: number; catalogId?: CatalogId; severity?: CauseSeverity; outcome?: string } = {},
): Cause {
  const spec: CauseSpec = CAUSES[id];
  const severity = options.severity ?? spec.severity;
  const out: Cause = { id, title: spec.title, detail, evidence, fix: spec.fix, severity };
  if (severity === "error" && options.aadsts !== undefined) out.aadsts = options.aadsts;
  if (severity === "error" && options.catalogId !== undefined) out.catalogId = options.catalogId;
  if (severity === "warning" && options.outcome !== undefined) out.outcome = options.outcome;
  return out;
}
