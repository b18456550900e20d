/** The mock Entra ID's public surface. */
export { createMockAad, DEFAULT_CLOCK_SKEW_SECONDS, JWT_BEARER, type MockAad, type MockAadOptions, type RequestLogEntry } from "./core.ts";
export { aadError, CATALOG, catalogEntriesFor, describeError, renderTemplate, type CatalogEntry } from "./catalog.ts";
export { acceptedAudiences, audienceMatches, ENTRA_ORIGIN } from "./check-assertion.ts";
export { entraErrorBody, entraTimestamp, type EntraErrorBody, type ResponseContext } from "./error-response.ts";
export { MAX_BODY_BYTES } from "./form.ts";
export { MAX_PROOF_LIFETIME_SECONDS, PROOF_AUDIENCE, type KeyAction } from "./graph-keys.ts";
export { BACKDATE_SECONDS, TOKEN_LIFETIME_SECONDS } from "./issue-token.ts";
export { mockAadHandlers, MOCKED_ORIGINS } from "./msw.ts";
export {
  ADT_APP_ID,
  ARM_APP_ID,
  ARM_CLASSIC_RESOURCE,
  ARM_RESOURCE,
  ADT_RESOURCE,
  DEMO_API_APP_ID,
  DEMO_API_RESOURCE,
  DEMO_APP_DISPLAY_NAME,
  DEMO_APP_OBJECT_ID,
  DEMO_SERVICE_PRINCIPAL_ID,
  DEMO_TENANT_DISPLAY_NAME,
  defaultRegistry,
  defaultResources,
  findApplication,
  findResource,
  findTenant,
  GRAPH_APP_ID,
  GRAPH_RESOURCE,
  keyCredential,
  type Application,
  type DefaultRegistryOptions,
  type KeyCredential,
  type KeyCredentialOptions,
  type Registry,
  type Resource,
  type Tenant,
} from "./registry.ts";
export { createSigningKey, SIGNING_CERTIFICATE_SUBJECT, type SigningKey } from "./signing-key.ts";
export { DEMO_CLIENT_ID, DEMO_TENANT_DOMAIN, DEMO_TENANT_ID } from "../lib/entra/demo.ts";
