/**
 * What every lab scenario works with, all of it fixed so that every run prints the same bytes:
 * the workshop's clock (FIXED_NOW), the published demo key and its certificate (the same one
 * `npm run step 1 -- --fixed` makes) and a few more certificates of that key (expired, renewed, not
 * valid yet), two more published throwaway keys (throwaway-keys.ts) with a certificate each, the
 * mock's published signing key, and "random" values derived from labels (fixed.ts's fixedBytes).
 */
import { nodeSignSha256Rsa } from "../../lib/oracle.ts";
import { uuidV4 } from "../../lib/entra/assertion.ts";
import { DEMO_CLIENT_ID, DEMO_SUBJECT, DEMO_TENANT_ID } from "../../lib/entra/demo.ts";
import { rsassaPkcs1v15Sign, type RsaPrivateKey } from "../../lib/crypto/rsa/index.ts";
import { rsaPrivateKeyFromPem, rsaPublicKeyToSpki } from "../../lib/formats/keys/index.ts";
import { SHA256 } from "../../lib/crypto/sha256.ts";
import { buildSelfSignedCertificate, parseCertificate, randomSerialNumber, type CertificateInfo } from "../../lib/formats/x509/index.ts";
import { SIGNING_CERTIFICATE_SUBJECT, type SigningKey } from "../../mock-aad/signing-key.ts";
import { demoKeyPem, demoMockSigningKeyPem, fixedBytes, FIXED_NOW } from "../fixed.ts";
import { NEW_KEY_PEM, OTHER_KEY_PEM, SMALL_KEY_PEM } from "./throwaway-keys.ts";

/** A tenant that does not exist in the mock (made up, like the demo IDs). */
export const OTHER_TENANT_ID = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";
/** Another app's client ID (made up): the one a copied configuration still carries. */
export const OTHER_CLIENT_ID = "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7";

export interface LabCertificate {
  der: Uint8Array;
  info: CertificateInfo;
  /** The private key that belongs to it. */
  key: RsaPrivateKey;
}

export interface LabContext {
  now: Date;
  /** now in whole seconds since the epoch (a NumericDate, RFC 7519 §2). */
  nowSeconds: number;
  tenant: string;
  clientId: string;
  /** The app's certificate: the demo key, valid two years from FIXED_NOW; registered on the app. */
  current: LabCertificate;
  /** Last generation's certificate of the same key: valid 2023-12-01 to 2025-12-01, expired by FIXED_NOW. */
  expired: LabCertificate;
  /** Another certificate with the same subject and another key (throwaway-keys.ts). */
  other: LabCertificate;
  /**
   * The demo key's certificate renewed (same dates, another serial number), registered in the
   * scenarios that use it. Its serial label was picked because its SHA-1 in standard base64 has
   * both a + and a /, so x5t-standard-base64 shows every difference between the two alphabets,
   * not only the padding (the current certificate's has neither).
   */
  renewed: LabCertificate;
  /** The demo key's certificate made on a machine whose clock ran two hours ahead: valid from FIXED_NOW + 2 h. */
  notYetValid: LabCertificate;
  /** A 1024-bit key's certificate (throwaway-keys.ts), too short for Entra. */
  small: LabCertificate;
  /** A rotation's new certificate: a third published key (throwaway-keys.ts), made at FIXED_NOW, registered nowhere yet. */
  fresh: LabCertificate;
  /** The mock Entra's token-signing key, fixed so the access tokens are reproducible. */
  signingKey: SigningKey;
  /** Deterministic bytes for a label (not random, on purpose). */
  bytes(label: string, length: number): Uint8Array;
  /** A deterministic version 4 UUID for a label. */
  uuid(label: string): string;
}

let cached: Promise<LabContext> | undefined;

/** The lab's context; built once per process (it is the same every time). */
export function labContext(): Promise<LabContext> {
  cached ??= buildContext();
  return cached;
}

async function buildContext(): Promise<LabContext> {
  const demoKey = rsaPrivateKeyFromPem(demoKeyPem());
  const otherKey = rsaPrivateKeyFromPem(OTHER_KEY_PEM.trim());
  const now = new Date(FIXED_NOW);
  const twoYearsFrom = (d: Date) => new Date(Date.UTC(d.getUTCFullYear() + 2, d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()));
  // Same inputs as step 1 with --fixed ("serial" label, two years, DEMO_SUBJECT): the same certificate.
  const current = await certificate(demoKey, DEMO_SUBJECT, now, twoYearsFrom(now), "serial");
  const oldStart = new Date(Date.UTC(2023, 11, 1, 8, 0, 0));
  const expired = await certificate(demoKey, DEMO_SUBJECT, oldStart, twoYearsFrom(oldStart), "lab-expired-serial");
  const otherStart = new Date(FIXED_NOW.getTime() - 30 * 86_400_000);
  const other = await certificate(otherKey, DEMO_SUBJECT, otherStart, twoYearsFrom(otherStart), "lab-other-serial");
  const renewed = await certificate(demoKey, DEMO_SUBJECT, now, twoYearsFrom(now), "lab-renewed-serial-5");
  const aheadStart = new Date(now.getTime() + 2 * 3600_000);
  const notYetValid = await certificate(demoKey, DEMO_SUBJECT, aheadStart, twoYearsFrom(aheadStart), "lab-ahead-serial");
  const small = await certificate(rsaPrivateKeyFromPem(SMALL_KEY_PEM.trim()), DEMO_SUBJECT, now, twoYearsFrom(now), "lab-small-serial");
  const fresh = await certificate(rsaPrivateKeyFromPem(NEW_KEY_PEM.trim()), DEMO_SUBJECT, now, twoYearsFrom(now), "lab-fresh-serial");
  return {
    now,
    nowSeconds: Math.floor(now.getTime() / 1000),
    tenant: DEMO_TENANT_ID,
    clientId: DEMO_CLIENT_ID,
    current,
    expired,
    other,
    renewed,
    notYetValid,
    small,
    fresh,
    signingKey: await mockSigningKey(now),
    bytes: (label, length) => fixedBytes(`lab:${label}`, length),
    uuid: (label) => uuidV4(fixedBytes(`lab:${label}`, 16)),
  };
}

/** A self-signed certificate made the way step 1 makes it: lib/formats/x509, signed by lib/crypto/rsa. */
async function certificate(key: RsaPrivateKey, subject: string, notBefore: Date, notAfter: Date, serialLabel: string): Promise<LabCertificate> {
  const built = await buildSelfSignedCertificate({
    subject,
    publicKeySpki: rsaPublicKeyToSpki(key),
    notBefore,
    notAfter,
    serialNumber: randomSerialNumber(() => fixedBytes(serialLabel, 16)),
    sign: (tbs) => rsassaPkcs1v15Sign(key, tbs, SHA256),
  });
  return { der: built.der, info: parseCertificate(built.der), key };
}

/** The mock's published demo signing key with a certificate on the fixed clock (node:crypto signs it: it is the mock's). */
async function mockSigningKey(now: Date): Promise<SigningKey> {
  const pem = demoMockSigningKeyPem();
  const { der } = await buildSelfSignedCertificate({
    subject: SIGNING_CERTIFICATE_SUBJECT,
    publicKeySpki: rsaPublicKeyToSpki(rsaPrivateKeyFromPem(pem)),
    notBefore: now,
    notAfter: new Date(now.getTime() + 730 * 86_400_000),
    serialNumber: randomSerialNumber(() => fixedBytes("mock-signing-serial", 16)),
    sign: nodeSignSha256Rsa(pem),
  });
  return { privateKeyPem: pem, certificateDer: der };
}
