/**
 * A local certificate authority and a TLS server certificate for the mock Entra ID's HTTPS server.
 *
 * MSAL and @azure/identity refuse plain-http authorities, so `npm run mock-aad` must speak TLS, and
 * the clients must trust its certificate. Rather than a lone self-signed server certificate, the kit
 * makes a tiny two-level PKI, the same shape as a real one:
 *
 *   ca.pem       "Entra workshop local CA": self-signed, basicConstraints cA TRUE pathLen 0 (critical),
 *                nameConstraints permitting only localhost, 127.0.0.1 and ::1 (critical), keyUsage
 *                keyCertSign + cRLSign (critical), subjectKeyIdentifier. Valid 2 years.
 *                This is the file clients trust (NODE_EXTRA_CA_CERTS, curl --cacert, a trust store).
 *   server.pem   "localhost", issued by the CA: subjectAltName DNS:localhost, IP:127.0.0.1, IP:::1;
 *                extKeyUsage serverAuth; keyUsage digitalSignature + keyEncipherment (critical);
 *                basicConstraints cA FALSE; subject and authority key identifiers. Valid 365 days,
 *                under the 398 days Apple platforms accept for TLS server certificates.
 *
 * Keeping these files on disk (reusing or renewing them) is local-tls-store.ts.
 *
 * Certificates are encoded with pkijs/asn1js (RFC 5280 §4.1) and the TBSCertificate is signed with
 * node:crypto (sha256WithRSAEncryption): this is plumbing for the mock, not part of the lesson.
 */
import { createPublicKey, generateKeyPair, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { pemEncode } from "../../lib/formats/pem.ts";
import { basicConstraintsExtension, buildIssuedCertificate, keyIdentifierOf, keyUsageExtension } from "../certificate-builder.ts";

// ── OIDs (RFC 5280 §4.2.1) ───────────────────────────────────────────────────────────────────────
const OID_EXT_KEY_USAGE = "2.5.29.37"; // extKeyUsage
const OID_SUBJECT_KEY_IDENTIFIER = "2.5.29.14"; // subjectKeyIdentifier
const OID_AUTHORITY_KEY_IDENTIFIER = "2.5.29.35"; // authorityKeyIdentifier
const OID_SUBJECT_ALT_NAME = "2.5.29.17"; // subjectAltName
const OID_SERVER_AUTH = "1.3.6.1.5.5.7.3.1"; // id-kp-serverAuth

// keyUsage bits, numbered from the most significant bit of the first byte (RFC 5280 §4.2.1.3).
const KU_DIGITAL_SIGNATURE = 0;
const KU_KEY_ENCIPHERMENT = 2;
const KU_KEY_CERT_SIGN = 5;
const KU_CRL_SIGN = 6;

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long the local CA is valid. */
export const CA_LIFETIME_DAYS = 730;
/** How long the server certificate is valid: at most 398 days, Apple's limit for TLS server certificates. */
export const SERVER_LIFETIME_DAYS = 365;
/** The names the server certificate covers (its subjectAltName). */
export const SERVER_DNS_NAMES: readonly string[] = ["localhost"];
export const SERVER_IP_ADDRESSES: readonly string[] = ["127.0.0.1", "::1"];

export const CA_SUBJECT = "CN=Entra workshop local CA, O=entra-cert-auth-workshop (local use only)";
export const SERVER_SUBJECT = "CN=localhost, O=entra-cert-auth-workshop (local use only)";

// ── Building one certificate ─────────────────────────────────────────────────────────────────────

/**
 * nameConstraints (§4.2.1.10), critical: the local CA can vouch only for localhost, 127.0.0.1 and
 * ::1, so that even a stolen ca-key.pem cannot be used to impersonate any other host.
 */
export function localNameConstraintsExtension(): pkijs.Extension {
  const subtree = (name: pkijs.GeneralName) => new pkijs.GeneralSubtree({ base: name });
  const ip = (address: string, mask: number[]) =>
    new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: Uint8Array.from([...ipBytes(address), ...mask]).buffer }) }); // iPAddress: address ‖ mask
  const constraints = new pkijs.NameConstraints({
    permittedSubtrees: [
      subtree(new pkijs.GeneralName({ type: 2, value: "localhost" })), // dNSName
      subtree(ip("127.0.0.1", [255, 255, 255, 255])),
      subtree(ip("::1", new Array(16).fill(255))),
    ],
  });
  return new pkijs.Extension({ extnID: "2.5.29.30", critical: true, extnValue: constraints.toSchema().toBER() }); // 2.5.29.30 nameConstraints
}

function subjectKeyIdentifierExtension(keyId: Uint8Array): pkijs.Extension {
  return new pkijs.Extension({
    extnID: OID_SUBJECT_KEY_IDENTIFIER,
    critical: false,
    extnValue: new asn1js.OctetString({ valueHex: keyId.slice() }).toBER(),
  });
}

function authorityKeyIdentifierExtension(keyId: Uint8Array): pkijs.Extension {
  return new pkijs.Extension({
    extnID: OID_AUTHORITY_KEY_IDENTIFIER, // §4.2.1.1: keyIdentifier [0] = the issuer's subjectKeyIdentifier
    critical: false,
    extnValue: new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: keyId.slice() }) }).toSchema().toBER(),
  });
}

function subjectAltNameExtension(dnsNames: readonly string[], ipAddresses: readonly string[]): pkijs.Extension {
  const names = [
    ...dnsNames.map((name) => new pkijs.GeneralName({ type: 2, value: name })), // dNSName [2] IA5String
    ...ipAddresses.map((ip) => new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: ipBytes(ip) }) })), // iPAddress [7]
  ];
  return new pkijs.Extension({
    extnID: OID_SUBJECT_ALT_NAME, // §4.2.1.6; not critical because the subject name is not empty
    critical: false,
    extnValue: new pkijs.GeneralNames({ names }).toSchema().toBER(),
  });
}

function serverAuthExtension(): pkijs.Extension {
  return new pkijs.Extension({
    extnID: OID_EXT_KEY_USAGE, // §4.2.1.12
    critical: false,
    extnValue: new pkijs.ExtKeyUsage({ keyPurposes: [OID_SERVER_AUTH] }).toSchema().toBER(),
  });
}

// ── The CA and the server certificate ────────────────────────────────────────────────────────────

export interface KeyAndCertificate {
  der: Uint8Array;
  certificatePem: string;
  privateKey: KeyObject;
  privateKeyPem: string;
}

/** A new self-signed CA certificate and its RSA 2048 key. */
export async function createLocalCa(now: Date = new Date()): Promise<KeyAndCertificate> {
  const { publicKey, privateKey } = await newRsaKeyPair();
  const keyId = keyIdentifierOf(publicKey);
  const der = buildIssuedCertificate({
    subject: CA_SUBJECT,
    publicKey,
    signingKey: privateKey,
    ...validity(now, CA_LIFETIME_DAYS),
    extensions: [
      basicConstraintsExtension(true),
      localNameConstraintsExtension(),
      keyUsageExtension([KU_KEY_CERT_SIGN, KU_CRL_SIGN]),
      subjectKeyIdentifierExtension(keyId),
    ],
  });
  return bundle(der, privateKey);
}

/** A new server certificate for localhost, 127.0.0.1 and ::1, issued by the given CA. */
export async function createServerCertificate(ca: { der: Uint8Array; privateKey: KeyObject }, now: Date = new Date()): Promise<KeyAndCertificate> {
  const { publicKey, privateKey } = await newRsaKeyPair();
  const caCertificate = pkijs.Certificate.fromBER(ca.der.slice());
  const caPublicKey = createPublicKey({ key: Buffer.from(caCertificate.subjectPublicKeyInfo.toSchema().toBER()), format: "der", type: "spki" });
  const der = buildIssuedCertificate({
    subject: SERVER_SUBJECT,
    issuerNameDer: new Uint8Array(caCertificate.subject.toSchema().toBER()),
    publicKey,
    signingKey: ca.privateKey,
    ...validity(now, SERVER_LIFETIME_DAYS),
    extensions: [
      basicConstraintsExtension(false),
      keyUsageExtension([KU_DIGITAL_SIGNATURE, KU_KEY_ENCIPHERMENT]),
      serverAuthExtension(),
      subjectAltNameExtension(SERVER_DNS_NAMES, SERVER_IP_ADDRESSES),
      subjectKeyIdentifierExtension(keyIdentifierOf(publicKey)),
      authorityKeyIdentifierExtension(keyIdentifierOf(caPublicKey)),
    ],
  });
  return bundle(der, privateKey);
}

// ── Small helpers ────────────────────────────────────────────────────────────────────────────────

const generateKeyPairAsync = promisify(generateKeyPair);

async function newRsaKeyPair(): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return generateKeyPairAsync("rsa", { modulusLength: 2048, publicExponent: 0x10001 });
}

function bundle(der: Uint8Array, privateKey: KeyObject): KeyAndCertificate {
  return {
    der,
    certificatePem: pemEncode("CERTIFICATE", der),
    privateKey,
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}

/** notBefore one hour back (tolerates clocks a little behind), notAfter `days` later; whole seconds. */
function validity(now: Date, days: number): { notBefore: Date; notAfter: Date } {
  const start = Math.floor(now.getTime() / 1000) * 1000 - 60 * 60 * 1000;
  return { notBefore: new Date(start), notAfter: new Date(start + days * DAY_MS) };
}

/** The 4 or 16 bytes of an IPv4 or IPv6 address, for an iPAddress GeneralName. */
export function ipBytes(ip: string): Uint8Array {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return Uint8Array.from(ip.split(".").map(Number));
  const [head = "", tail] = ip.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":").map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const words = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  if (words.length !== 8 || words.some((w) => !(w >= 0 && w <= 0xffff))) throw new Error(`not an IP address: ${ip}`);
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}
