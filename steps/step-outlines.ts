/**
 * What the runner needs to know about each step without loading it: number, id, title, summary,
 * options and the artifacts it writes, and how to load it. `--help`, `--list` and option checking
 * use these alone; a step's module (and what it imports: pkijs and its WebCrypto shim, about 120
 * modules, the mock, msw) is loaded only when the step runs (measured: bench/README.md).
 * Each step module spreads its outline into its Step, so the two cannot differ.
 */
import { DEMO_CLIENT_ID, DEMO_SUBJECT, DEMO_TENANT_ID } from "../lib/entra/demo.ts";
import { DEFAULT_VAULT_CERTIFICATE } from "../mock-aad/key-vault/store.ts";
import type { Step } from "./step.ts";

/** The files step 1 writes. */
export const CERT_FILES = ["cert.cer", "cert.pem", "private-key.pem", "cert.pfx"] as const;
/** The PFX password step 1 uses unless --password says otherwise. */
export const DEFAULT_PASSWORD = "workshop";
/** The Azure Digital Twins host step 8 calls unless --adt-host says otherwise (the mock serves any). */
export const DEFAULT_ADT_HOST = "workshop-demo.api.weu.digitaltwins.azure.net";

/** Step 5's options: who signs (the kit, or Key Vault's sign operation: 05-signature-key-vault.ts). */
export const KEY_VAULT_OPTIONS = {
  signer: { type: "string", value: "WHERE", description: "who signs: local (the kit's RSA, with private-key.pem) or keyvault (Key Vault's sign operation)", choices: ["local", "keyvault"], default: "local" },
  vault: { type: "string", value: "URL", description: "with --signer keyvault: a real vault, e.g. https://my-vault.vault.azure.net (token from KEYVAULT_ACCESS_TOKEN,\nIDENTITY_ENDPOINT + IDENTITY_HEADER, or MSI_ENDPOINT + MSI_SECRET); default: the offline mock vault" },
  "vault-certificate": { type: "string", value: "NAME", description: `with --signer keyvault: the certificate's name in the vault (default ${DEFAULT_VAULT_CERTIFICATE})` },
} as const;

/** A step's description (Step's own fields), and its module loaded on first use. */
export type StepOutline = Pick<Step, "number" | "id" | "title" | "summary" | "options" | "produces"> & { load(): Promise<Step> };

export const STEP_OUTLINES: readonly StepOutline[] = [
  {
    number: 1,
    id: "certificate",
    title: "Certificate",
    summary: "an RSA key pair and a self-signed X.509 certificate (cert.cer, cert.pem, private-key.pem, cert.pfx)",
    options: {
      subject: { type: "string", value: "DN", description: "the certificate's subject", default: DEMO_SUBJECT },
      years: { type: "string", value: "N", description: "validity in years", default: "2" },
      "key-size": { type: "string", value: "BITS", description: "RSA modulus size", choices: ["2048", "3072", "4096"], default: "2048" },
      password: { type: "string", value: "P", description: `the PFX password (to write cert.pfx, or to read --pfx)`, default: DEFAULT_PASSWORD },
      pfx: { type: "string", value: "FILE", description: "bring your own certificate and key from a .pfx/.p12 file (with --password)" },
      pem: { type: "string", value: "FILE", description: "bring your own certificate (and key) from a PEM file" },
      key: { type: "string", value: "FILE", description: "with --pem: the private key, when it is in another file" },
      new: { type: "boolean", description: "make a new key and certificate even if .workshop/ has one (the old files are moved to previous/)" },
    },
    produces: CERT_FILES,
    load: async () => (await import("./01-certificate.ts")).certificateStep as Step,
  },
  {
    number: 2,
    id: "thumbprint",
    title: "Thumbprint",
    summary: "SHA-1 and SHA-256 of the certificate, as Windows shows them and as x5t / x5t#S256",
    options: {},
    produces: ["thumbprints.json"],
    load: async () => (await import("./02-thumbprint.ts")).thumbprintStep as Step,
  },
  {
    number: 3,
    id: "header-payload",
    title: "Header and payload",
    summary: "the JWT header and claims, JSON → UTF-8 → base64url, and the signing input",
    options: {
      alg: { type: "string", value: "ALG", description: "RS256 (with x5t) or PS256 (with x5t#S256)", choices: ["RS256", "PS256"], default: "RS256" },
      tenant: { type: "string", value: "ID", description: "your Directory (tenant) ID or domain", default: `${DEMO_TENANT_ID} (the mock's demo tenant)` },
      "client-id": { type: "string", value: "ID", description: "your Application (client) ID", default: `${DEMO_CLIENT_ID} (the mock's demo app)` },
      lifetime: { type: "string", value: "SECONDS", description: "exp − nbf", default: "600" },
      audience: { type: "string", value: "V", description: "which token endpoint aud names", choices: ["v2", "v1"], default: "v2" },
      x5c: { type: "boolean", description: "also put the certificate in the header (x5c): only subject name + issuer apps with a CA-issued certificate need it" },
    },
    produces: ["header.json", "payload.json", "signing-input.txt"],
    load: async () => (await import("./03-header-payload.ts")).headerPayloadStep as Step,
  },
  {
    number: 4,
    id: "sha256",
    title: "SHA-256",
    summary: "the hash of the signing input, padding and blocks shown (--verbose: the 64 rounds)",
    options: {},
    produces: ["signing-input.sha256"],
    load: async () => (await import("./04-sha256.ts")).hashStep as Step,
  },
  {
    number: 5,
    id: "signature",
    title: "Signature",
    summary: "RSA signature of the signing input, RS256 (PKCS#1 v1.5) or PS256 (PSS), every value shown; --signer keyvault: made in Key Vault",
    options: KEY_VAULT_OPTIONS,
    produces: ["signature.bin"],
    load: async () => (await import("./05-signature.ts")).signatureStep as Step,
  },
  {
    number: 6,
    id: "assembly",
    title: "Assembly",
    summary: "header.payload.signature, decoded and verified independently (client-assertion.jwt)",
    options: {},
    produces: ["client-assertion.jwt"],
    load: async () => (await import("./06-assembly.ts")).assemblyStep as Step,
  },
  {
    number: 7,
    id: "token-request",
    title: "Token request",
    summary: "POST the assertion to the token endpoint and decode the access token (offline mock, or --live)",
    options: {
      api: { type: "string", value: "NAME", description: "which API to ask a token for", choices: ["graph", "adt"], default: "graph" },
      scope: { type: "string", value: "SCOPE", description: "ask for this scope instead, e.g. api://my-api/.default" },
      live: { type: "boolean", description: "send it to the real Entra ID (use your own tenant, client ID and uploaded certificate in step 3)" },
    },
    produces: ["token-response.json", "access-token.jwt"],
    load: async () => (await import("./07-token-request.ts")).tokenRequestStep as Step,
  },
  {
    number: 8,
    id: "call-api",
    title: "Call the API",
    summary: "use the access token: Microsoft Graph, or Azure Digital Twins with --api adt",
    options: {
      api: { type: "string", value: "NAME", description: "which API to call", choices: ["graph", "adt"], default: "graph" },
      "adt-host": { type: "string", value: "HOST", description: "your Digital Twins instance host (with --api adt)", default: DEFAULT_ADT_HOST },
      live: { type: "boolean", description: "call the real API (after step 7 -- --live)" },
    },
    produces: ["api-response.json"],
    load: async () => (await import("./08-call-api.ts")).callApiStep as Step,
  },
];
