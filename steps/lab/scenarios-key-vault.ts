/**
 * Seed 001's recipe, in its own flow: an Azure Function gets a token for Key Vault from its managed
 * identity (the legacy MSI_ENDPOINT + Secret the recipe uses), reads the certificate's x5t from the
 * vault, hashes header.payload and has the vault's key sign the digest (the mock Key Vault, which
 * signs with node:crypto; the kit never touches the private key). The recipe has two bugs:
 *
 *   1. the JWT goes in the form as scope, with no client_assertion; the recipe's body
 *      ("client_id=$clientid&scope=$JWT") has no grant_type either, so Entra stops there first
 *      (AADSTS900144); with grant_type alone added it would answer AADSTS7000216, no credential.
 *      With both bugs in, this is the answer the recipe gets first.
 *   2. the header and payload are standard base64 ([Convert]::ToBase64String), not base64url:
 *      once the form is right, Entra reads the assertion as malformed (AADSTS50027).
 *
 * One scenario per bug, in the order a user meets them. The doctor names both bugs in the first
 * request, so the first scenario's fix corrects both (its text says so) and ends in a 200; the second
 * starts where a user who fixed only the form stands, and stands on its own. Each fixed attempt
 * differs from its first only in what its fix names: the same claims (jti included: Entra does not
 * refuse a jti it has seen, see mock-aad/check-assertion.ts), the same JSON bytes, re-encoded.
 * The digest goes to the vault in standard base64, as the recipe sends it; the vault reads that
 * (see mock-aad/key-vault/handler.ts). The Function's calls to the managed identity and the vault are
 * returned with the attempt, for the lab to show a line each.
 */
import { base64Encode, base64urlEncode } from "../../lib/crypto/base64url.ts";
import { assembleJws, encodeSegment, jwsSigningInput } from "../../lib/crypto/jws.ts";
import { sha256 } from "../../lib/crypto/sha256.ts";
import { utf8Encode } from "../../lib/bytes.ts";
import { assertionClaims, assertionHeader, uuidV4 } from "../../lib/entra/assertion.ts";
import { CLIENT_ASSERTION_TYPE } from "../../lib/entra/protocol.ts";
import { KitError } from "../../lib/errors.ts";
import { createMockAad } from "../../mock-aad/core.ts";
import { DEFAULT_VAULT_CERTIFICATE, DEMO_IDENTITY_HEADER, vaultKey } from "../../mock-aad/key-vault/store.ts";
import { MSW_IDENTITY_ENDPOINT } from "../../mock-aad/managed-identity.ts";
import { defaultRegistry } from "../../mock-aad/registry.ts";
import { demoKeyPem } from "../fixed.ts";
import { signInKeyVault, type HttpExchange } from "../key-vault-signer.ts";
import { GRAPH_DEFAULT_SCOPE, tokenRequest } from "./build-request.ts";
import type { LabContext } from "./context.ts";
import type { Attempt, Scenario, ServiceCall } from "./scenario.ts";

const VAULT_URL = "https://workshop-vault.vault.azure.net";
/** The recipe's MSI_ENDPOINT: App Service's token service (the mock's address for it), asked with the Secret header. */
const MSI_ENDPOINT = MSW_IDENTITY_ENDPOINT;

/** An exchange with the managed identity or the vault, as the lab shows it: the header that matters, the bearer token shortened. */
function serviceCall(e: HttpExchange): ServiceCall {
  const [name, value] = e.requestHeaders[0] ?? ["", ""];
  return { method: e.method, url: e.url, header: [name, name === "Authorization" ? `${value.slice(0, 19)}… (${value.length - 7} chars)` : value], status: e.status };
}

interface VaultSigned {
  jwt: string;
  calls: ServiceCall[];
}

/**
 * The recipe's JWT: header and payload as the recipe encodes them, the signature from the (mock)
 * vault. `scenario` names the jti, so a scenario's two attempts carry the same claims; `attempt`
 * names the mock's request ids.
 */
async function vaultSignedAssertion(ctx: LabContext, scenario: string, attempt: "first" | "fixed", segments: "base64" | "base64url"): Promise<VaultSigned> {
  const label = `${scenario}:${attempt}`;
  let counter = 0;
  const vault = createMockAad({ registry: defaultRegistry(), clock: () => new Date(ctx.now), ids: () => uuidV4(ctx.bytes(`${label}:vault-id-${counter++}`, 16)), signingKey: ctx.signingKey });
  vault.registry.vaults![0]!.keys.push(vaultKey({ name: DEFAULT_VAULT_CERTIFICATE, privateKey: demoKeyPem(), certificate: ctx.current.der }));
  const header = assertionHeader("RS256", ctx.current.der);
  const claims = assertionClaims({ tenant: ctx.tenant, clientId: ctx.clientId, now: ctx.nowSeconds, jti: ctx.uuid(`${scenario}:jti`) });
  const encode = (json: string) => (segments === "base64" ? base64Encode(utf8Encode(json)) : base64urlEncode(utf8Encode(json)));
  const headerB64 = encode(encodeSegment(header).json);
  const payloadB64 = encode(encodeSegment(claims).json);
  const digest = sha256(jwsSigningInput(headerB64, payloadB64));
  const remote = await signInKeyVault({
    vaultUrl: VAULT_URL,
    certificateName: DEFAULT_VAULT_CERTIFICATE,
    alg: "RS256",
    digest,
    token: { kind: "msi-legacy", endpoint: MSI_ENDPOINT, secret: DEMO_IDENTITY_HEADER },
    // The recipe: value = [Convert]::ToBase64String($hash), standard base64; the fix sends base64url.
    encodeDigest: (bytes) => (segments === "base64" ? base64Encode(bytes) : base64urlEncode(bytes)),
    fetch: (url, init) => vault.handle(new Request(url, init)),
  });
  if (remote.certificate.x5t !== header.x5t) throw new KitError("VAULT_THUMBPRINT", `The lab's vault serves x5t ${remote.certificate.x5t}, not the app's ${String(header.x5t)}.`, "This is a bug in the lab: please report it.");
  return { jwt: assembleJws(headerB64, payloadB64, remote.signature), calls: remote.exchanges.map(serviceCall) };
}

/** A token request that follows the Function's calls to the managed identity and the vault. */
function afterCalls(signed: VaultSigned, request: Attempt["request"]): Attempt {
  return { request, calls: signed.calls };
}

const POWERSHELL_FORM_BEFORE = '$token = Invoke-RestMethod "https://login.microsoftonline.com/$tenantid/oauth2/v2.0/token" -ContentType "application/x-www-form-urlencoded" -Body "client_id=$clientid&scope=$JWT" -Method POST';

const jwtAsScope: Scenario = {
  name: "keyvault-jwt-as-scope",
  causeId: "jwt-as-scope",
  title: "seed 001 (Key Vault signs): the JWT sent as scope, with no client_assertion",
  story: [
    "An Azure Function signs the client assertion in Key Vault through its managed identity, so the private",
    "key never leaves the vault: that part works, and the vault's signature is right. Then the recipe posts",
    "\"client_id=$clientid&scope=$JWT\": the JWT as scope, no client_assertion, and no grant_type either, so",
    "Entra stops at grant_type (with it, the answer would be 7000216: no credential). This is the first",
    "answer the recipe gets. Its second bug, standard base64, waits behind this one; the doctor sees both,",
    "so the fix below corrects both (the next scenario shows what the form fix alone gets).",
  ],
  expectedAadsts: 900144,
  focus: ["scope", "client_assertion", "grant_type"],
  build: async (ctx) => {
    const signed = await vaultSignedAssertion(ctx, "keyvault-jwt-as-scope", "first", "base64");
    return afterCalls(signed, tokenRequest(ctx, { fields: [["client_id", ctx.clientId], ["scope", signed.jwt]] }));
  },
  fix: async (ctx) => {
    const signed = await vaultSignedAssertion(ctx, "keyvault-jwt-as-scope", "fixed", "base64url");
    return afterCalls(
      signed,
      tokenRequest(ctx, {
        fields: [
          ["client_id", ctx.clientId],
          ["scope", GRAPH_DEFAULT_SCOPE],
          ["grant_type", "client_credentials"],
          ["client_assertion_type", CLIENT_ASSERTION_TYPE],
          ["client_assertion", signed.jwt],
        ],
      }),
    );
  },
  fixText: {
    what: [
      "Both bugs the doctor named. 1: send the vault-signed JWT as client_assertion, with",
      "client_assertion_type and grant_type, and the resource's /.default as scope (the line below).",
      "2: encode the header and payload in base64url before hashing (ConvertTo-Base64Url, the next",
      "scenario's fix). With 1 alone, Entra answers AADSTS50027: the next scenario starts there.",
    ],
    label: "PowerShell",
    before: POWERSHELL_FORM_BEFORE,
    after: `$token = Invoke-RestMethod "https://login.microsoftonline.com/$tenantid/oauth2/v2.0/token" -Method POST -Body @{ client_id = $clientid; scope = '${GRAPH_DEFAULT_SCOPE}'; grant_type = 'client_credentials'; client_assertion_type = '${CLIENT_ASSERTION_TYPE}'; client_assertion = $JWT }`,
  },
};

const standardBase64: Scenario = {
  name: "keyvault-segment-standard-base64",
  causeId: "segment-standard-base64",
  title: "seed 001 (Key Vault signs): header and payload in standard base64, the form fixed",
  story: [
    "The form is right now, and Key Vault still signs the digest. But the recipe encodes the header and",
    "payload with [Convert]::ToBase64String: + and / and = padding where base64url (RFC 7515 §2) has - _ and",
    "nothing. The vault signed exactly those bytes, so the signature matches them; Entra reads the JWT as",
    "malformed before it looks at the signature.",
  ],
  expectedAadsts: 50027,
  focus: ["client_assertion"],
  build: async (ctx) => {
    const signed = await vaultSignedAssertion(ctx, "keyvault-segment-standard-base64", "first", "base64");
    return afterCalls(signed, tokenRequest(ctx, { assertion: signed.jwt }));
  },
  fix: async (ctx) => {
    const signed = await vaultSignedAssertion(ctx, "keyvault-segment-standard-base64", "fixed", "base64url");
    return afterCalls(signed, tokenRequest(ctx, { assertion: signed.jwt }));
  },
  fixText: {
    what: ["Encode the header and payload with base64url, no padding, before hashing and signing; the vault's", "signature (value) is base64url already. Send the digest to the vault in base64url too."],
    label: "PowerShell",
    before: "function ConvertTo-Base64($String) {[System.Convert]::ToBase64String(([System.Text.Encoding]::UTF8.GetBytes($String)))}",
    after: "function ConvertTo-Base64Url($String) {[Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($String)).TrimEnd('=').Replace('+','-').Replace('/','_')}",
  },
};

export const KEY_VAULT_SCENARIOS: Scenario[] = [jwtAsScope, standardBase64];
