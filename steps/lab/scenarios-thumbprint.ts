/**
 * Lab scenarios where the header's thumbprint (x5t) does not name the registered certificate the
 * way Entra reads it: the hex text instead of the bytes, standard base64, another certificate.
 */
import { base64Encode, base64urlEncode } from "../../lib/crypto/base64url.ts";
import { utf8Encode } from "../../lib/bytes.ts";
import { windowsThumbprint } from "../../lib/formats/x509/index.ts";
import { keyCredential } from "../../mock-aad/registry.ts";
import { goodRequest } from "./build-request.ts";
import type { Scenario } from "./scenario.ts";

/** The PowerShell tail that turns base64 into base64url (RFC 4648 §5): + → -, / → _, no padding. */
const TO_BASE64URL = "-replace '\\+','-' -replace '/','_' -replace '='";

const x5tHexText: Scenario = {
  name: "x5t-hex-text",
  title: "x5t made from the hex text of the thumbprint, not its 20 bytes",
  story: [
    "The recipe takes $cert.Thumbprint, the 40 hex characters Windows shows, and base64-encodes that text.",
    "x5t must be base64url of the 20 bytes the hex stands for. Entra decodes 40 bytes and finds no such",
    "certificate; the mock quotes them back as 80 hex digits, a tell-tale of this mistake (inferred).",
  ],
  expectedAadsts: 700027,
  focus: ["x5t"],
  build: (ctx) =>
    ({ request: goodRequest(ctx, "x5t-hex-text", { header: (h) => ({ ...h, x5t: base64urlEncode(utf8Encode(windowsThumbprint(ctx.current.info.thumbprintSha1))) }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "x5t-hex-text:fixed") }),
  fixText: {
    what: ["Encode the thumbprint's bytes ($cert.GetCertHash()), not its text ($cert.Thumbprint)."],
    label: "PowerShell",
    before: `$x5t = [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes($cert.Thumbprint)) ${TO_BASE64URL}`,
    after: `$x5t = [Convert]::ToBase64String($cert.GetCertHash()) ${TO_BASE64URL}`,
  },
};

const x5tStandardBase64: Scenario = {
  name: "x5t-standard-base64",
  title: "x5t in standard base64 (+ / and = padding): Entra reads it (accepted)",
  story: [
    "[Convert]::ToBase64String gives standard base64: + and / in the alphabet and = padding at the end.",
    "RFC 7515 wants base64url (- and _, no padding), but Entra reads both: msal4j sent x5t in standard base64",
    "from 2019 to 2025 and MSAL Go still does. The doctor notes it; stricter JOSE libraries would refuse it.",
  ],
  focus: ["x5t"],
  build: (ctx) => ({
    request: goodRequest(ctx, "x5t-standard-base64", { certificate: ctx.renewed, header: (h) => ({ ...h, x5t: base64Encode(ctx.renewed.info.thumbprintSha1) }) }),
    registered: [keyCredential(ctx.renewed.der)],
    certificate: ctx.renewed.der,
  }),
  fix: (ctx) => ({ request: goodRequest(ctx, "x5t-standard-base64:fixed", { certificate: ctx.renewed }), registered: [keyCredential(ctx.renewed.der)] }),
  fixText: {
    what: ["Nothing is needed for Entra. For RFC 7515's own form (and stricter validators): + becomes -, / becomes _, the = goes."],
    label: "PowerShell",
    before: "$x5t = [Convert]::ToBase64String($cert.GetCertHash())",
    after: `$x5t = [Convert]::ToBase64String($cert.GetCertHash()) ${TO_BASE64URL}`,
  },
};

const x5tPadded: Scenario = {
  name: "x5t-padded",
  title: "x5t in base64url with the = padding kept: Entra reads it (accepted)",
  story: [
    "A base64url helper swaps + for - and / for _ but keeps the trailing =, as Python's base64.urlsafe_b64encode",
    "does. MSAL Python (under the Azure CLI) sends its x5t exactly so, and Entra accepts it. RFC 7515 §2 leaves",
    "the padding out, so the doctor notes it; only stricter JOSE libraries would refuse it.",
  ],
  focus: ["x5t"],
  build: (ctx) => ({ request: goodRequest(ctx, "x5t-padded", { header: (h) => ({ ...h, x5t: `${h.x5t}=` }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "x5t-padded:fixed") }),
  fixText: {
    what: ["Nothing is needed for Entra. For RFC 7515 §2's form (and stricter validators), drop the = padding as well."],
    label: "PowerShell",
    before: "$x5t = [Convert]::ToBase64String($cert.GetCertHash()).Replace('+','-').Replace('/','_')",
    after: "$x5t = [Convert]::ToBase64String($cert.GetCertHash()).Replace('+','-').Replace('/','_').TrimEnd('=')",
  },
};

const sha256InX5t: Scenario = {
  name: "sha256-in-x5t",
  title: "x5t holds the SHA-256 thumbprint; x5t is the SHA-1",
  story: [
    "Told to move from SHA-1 to SHA-256, someone put the certificate's SHA-256 hash in the x5t header.",
    "x5t is by definition the SHA-1 (RFC 7515 §4.1.7); the SHA-256 goes in x5t#S256. Entra reads",
    "x5t as a SHA-1 thumbprint, 32 bytes that match no certificate.",
  ],
  expectedAadsts: 700027,
  focus: ["x5t", "x5t#S256"],
  build: (ctx) => ({ request: goodRequest(ctx, "sha256-in-x5t", { header: (h) => ({ ...h, x5t: base64urlEncode(ctx.current.info.thumbprintSha256) }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "sha256-in-x5t:fixed", { alg: "PS256" }) }),
  fixText: {
    what: ["Put the SHA-256 under its own name, x5t#S256, with alg PS256 as Microsoft's current page shows (or the SHA-1 in x5t)."],
    label: "the JWT header",
    before: '{"alg":"RS256","typ":"JWT","x5t":"<base64url of the SHA-256>"}',
    after: '{"alg":"PS256","typ":"JWT","x5t#S256":"<base64url of the SHA-256>"}   + a PSS signature',
  },
};

const sha1InX5tS256: Scenario = {
  name: "sha1-in-x5t-s256",
  title: "x5t#S256 holds the SHA-1 thumbprint; x5t#S256 is the SHA-256",
  story: [
    "Moving to PS256 as Microsoft's current page shows, someone renamed the header field to x5t#S256 but",
    "kept the value: the SHA-1 thumbprint that used to go in x5t. Entra reads x5t#S256 as a SHA-256 and",
    "finds 20 bytes that match no certificate.",
  ],
  expectedAadsts: 700027,
  focus: ["x5t#S256"],
  build: (ctx) => ({
    request: goodRequest(ctx, "sha1-in-x5t-s256", { alg: "PS256", header: (h) => ({ ...h, "x5t#S256": base64urlEncode(ctx.current.info.thumbprintSha1) }) }),
  }),
  fix: (ctx) => ({ request: goodRequest(ctx, "sha1-in-x5t-s256:fixed", { alg: "PS256" }) }),
  fixText: {
    what: ["x5t#S256 is base64url of the SHA-256 of the certificate's DER bytes; GetCertHash() alone is the SHA-1."],
    label: "PowerShell 7",
    before: `$x5tS256 = [Convert]::ToBase64String($cert.GetCertHash()) ${TO_BASE64URL}`,
    after: `$x5tS256 = [Convert]::ToBase64String($cert.GetCertHash([Security.Cryptography.HashAlgorithmName]::SHA256)) ${TO_BASE64URL}`,
  },
};

const noThumbprint: Scenario = {
  name: "no-thumbprint",
  title: "the header does not say which certificate signed it",
  story: [
    "The JWT library was given the private key but no certificate, so the header is just",
    '{"alg":"RS256","typ":"JWT"}. Entra looks the key up by the thumbprint in the header; without',
    "x5t, x5t#S256 or x5c it has nothing to look up.",
  ],
  expectedAadsts: 5002723,
  focus: ["x5t"],
  build: (ctx) => ({ request: goodRequest(ctx, "no-thumbprint", { header: ({ alg, typ }) => ({ alg, ...(typ ? { typ } : {}) }) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "no-thumbprint:fixed") }),
  fixText: {
    what: ["Add x5t (or x5t#S256 with PS256) to the header: the thumbprint of the certificate whose key signs."],
    label: "Node.js",
    before: "const header = { alg: 'RS256', typ: 'JWT' };",
    after: "const header = { alg: 'RS256', typ: 'JWT', x5t: createHash('sha1').update(certDer).digest('base64url') };",
  },
};

const x5tOtherCertificate: Scenario = {
  name: "x5t-other-certificate",
  title: "the header names another certificate than the one registered",
  story: [
    "The store holds two certificates with the same subject (a renewal, a colleague's test one), and the script",
    "picks the first one by subject. It signs with that certificate and sends its thumbprint, which is not the",
    "one uploaded to the app. Compare the two thumbprints side by side: the doctor is given the registered one.",
  ],
  expectedAadsts: 700027,
  focus: ["x5t"],
  build: (ctx) => ({ request: goodRequest(ctx, "x5t-other-certificate", { certificate: ctx.other }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "x5t-other-certificate:fixed") }),
  fixText: {
    what: ["Pick the certificate by the thumbprint shown under Certificates & secrets, not by its subject."],
    label: "PowerShell (Windows: the Cert:\\ drive)",
    before: "$cert = Get-ChildItem Cert:\\CurrentUser\\My | Where-Object Subject -eq 'CN=entra-workshop-app' | Select-Object -First 1",
    after: '$cert = Get-Item "Cert:\\CurrentUser\\My\\$Thumbprint"   # the thumbprint the portal shows for this app',
  },
};

export const THUMBPRINT_SCENARIOS: Scenario[] = [x5tHexText, x5tStandardBase64, x5tPadded, sha256InX5t, sha1InX5tS256, noThumbprint, x5tOtherCertificate];
