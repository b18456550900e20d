/**
 * Lab scenarios where the request is right and the app registration is not: Entra does not know
 * the certificate, or knows it only until a date that has passed. The fix happens in the portal.
 */
import { keyCredential } from "../../mock-aad/registry.ts";
import { goodRequest } from "./build-request.ts";
import type { Scenario } from "./scenario.ts";

const certNotUploaded: Scenario = {
  name: "cert-not-uploaded",
  title: "the certificate was never uploaded to this app registration",
  story: [
    "The code and the certificate are right, but the certificate's public part (.cer) was never uploaded",
    "to this app, or went to another app registration (the dev one, a twin with the same name). Entra finds",
    "no key with that thumbprint. The request cannot show this: the doctor reads Entra's answer.",
  ],
  expectedAadsts: 700027,
  doctorInput: "answer",
  focus: ["registered"],
  build: (ctx) => ({ request: goodRequest(ctx, "cert-not-uploaded"), registered: [] }),
  fix: (ctx) => ({ request: goodRequest(ctx, "cert-not-uploaded:fixed"), registered: [keyCredential(ctx.current.der)] }),
  fixText: {
    what: [
      "Upload the certificate's public part (cert.cer or cert.pem, never the .pfx) to this app: App registrations → the app",
      "(check its Application (client) ID) → Certificates & secrets → Certificates → Upload certificate. Or with the Azure CLI:",
    ],
    label: "Azure CLI",
    after: 'az ad app credential reset --id $APP_ID --cert "@cert.pem" --append',
  },
};

const certExpired: Scenario = {
  name: "cert-expired",
  title: "the registered certificate has expired",
  story: [
    "The certificate was made and uploaded two years ago, and nothing changed since: the day after its end",
    "date every token request fails. Entra keeps the certificate's end date with the key and refuses the",
    "key after it, whatever the assertion says. Nobody noticed: npm run cert -- check, from cron, would have",
    "exited 1 thirty days before, while the certificate could still authorise its own rotation.",
  ],
  expectedAadsts: 700027,
  focus: ["registered", "x5t"],
  build: (ctx) => ({
    request: goodRequest(ctx, "cert-expired", { certificate: ctx.expired }),
    registered: [keyCredential(ctx.expired.der)],
    certificate: ctx.expired.der,
  }),
  // The new certificate goes up next to the old one, so nothing breaks while apps switch over.
  fix: (ctx) => ({
    request: goodRequest(ctx, "cert-expired:fixed"),
    registered: [keyCredential(ctx.expired.der), keyCredential(ctx.current.der)],
  }),
  fixText: {
    what: [
      "Make a new certificate, upload its .cer next to the old one (Certificates & secrets), and sign with it:",
      "the header then carries the new thumbprint. Delete the old one once nothing uses it. Then watch the date:",
      "npm run -s cert -- check --profile NAME daily exits 1 thirty days ahead; npm run cert -- rotate does the rest.",
    ],
    label: "PowerShell (Windows: New-SelfSignedCertificate)",
    after: "New-SelfSignedCertificate -Subject 'CN=entra-workshop-app' -CertStoreLocation Cert:\\CurrentUser\\My -KeySpec Signature -NotAfter (Get-Date).AddYears(2)",
  },
};

const certNotYetValid: Scenario = {
  name: "cert-not-yet-valid",
  title: "the registered certificate is not valid yet (made on a clock running ahead)",
  story: [
    "The certificate was made on a machine whose clock ran two hours ahead, uploaded at once and used at once.",
    "Its start date is two hours in the future, and Entra keeps that date with the key: until then it",
    "refuses the key, with the same words it uses for an expired one.",
  ],
  expectedAadsts: 700027,
  focus: ["registered", "x5t"],
  build: (ctx) => ({
    request: goodRequest(ctx, "cert-not-yet-valid", { certificate: ctx.notYetValid }),
    registered: [keyCredential(ctx.notYetValid.der)],
    certificate: ctx.notYetValid.der,
  }),
  // Fixed here with a certificate made on a correct clock; waiting two hours would do too.
  fix: (ctx) => ({ request: goodRequest(ctx, "cert-not-yet-valid:fixed"), registered: [keyCredential(ctx.notYetValid.der), keyCredential(ctx.current.der)] }),
  fixText: {
    what: [
      "Set the clock right (w32tm /resync, timedatectl) and make the certificate again with a start date a little",
      "in the past, upload it and sign with it; or wait until the first one's start date.",
    ],
    label: "PowerShell (Windows: New-SelfSignedCertificate, w32tm)",
    after: "w32tm /resync; New-SelfSignedCertificate -Subject 'CN=entra-workshop-app' -CertStoreLocation Cert:\\CurrentUser\\My -KeySpec Signature -NotBefore (Get-Date).AddMinutes(-10)",
  },
};

const rsaUnder2048: Scenario = {
  name: "rsa-under-2048",
  title: "the certificate's RSA key is 1024 bits; Entra wants 2048 or more",
  story: [
    "An old script (or an old openssl default) made the key pair with 1024 bits. The portal took the",
    "certificate, the header names it and the signature is right, but Entra refuses keys under 2048 bits",
    "(AADSTS50032, after the general AADSTS70002, as pasted in ADAL Python issue #136).",
  ],
  expectedAadsts: 50032,
  focus: ["registered"],
  build: (ctx) => ({
    request: goodRequest(ctx, "rsa-under-2048", { certificate: ctx.small }),
    registered: [keyCredential(ctx.small.der)],
    certificate: ctx.small.der,
  }),
  fix: (ctx) => ({ request: goodRequest(ctx, "rsa-under-2048:fixed"), registered: [keyCredential(ctx.small.der), keyCredential(ctx.current.der)] }),
  fixText: {
    what: ["Make a new key of 2048 bits or more, with its certificate, and upload that certificate."],
    label: "openssl",
    before: "openssl req -x509 -newkey rsa:1024 -keyout key.pem -out cert.pem -days 730 -nodes -subj /CN=entra-workshop-app",
    after: "openssl req -x509 -newkey rsa:2048 -keyout key.pem -out cert.pem -days 730 -nodes -subj /CN=entra-workshop-app",
  },
};

export const REGISTRATION_SCENARIOS: Scenario[] = [certNotUploaded, certExpired, certNotYetValid, rsaUnder2048];
