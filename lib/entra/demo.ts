/**
 * Published demo identifiers: the workshop's defaults and the mock Entra's demo registry use them.
 * They are made up; no real tenant or application has them. Replace them with your own to go live.
 */
export const DEMO_TENANT_ID = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
export const DEMO_TENANT_DOMAIN = "workshop-demo.onmicrosoft.com";
export const DEMO_CLIENT_ID = "8a7b6c5d-4e3f-4a2b-9c1d-0e1f2a3b4c5d";
export const DEMO_SUBJECT = "CN=entra-workshop-app";
