import { spawnSync } from "node:child_process";
import { rejectedKitError, thrownKitError } from "../../helpers/kit-error.ts";
import { createHash, createSign, generateKeyPairSync, verify, X509Certificate, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { derTree, findByLabel } from "../../../lib/formats/asn1-tree/index.ts";
import { toHex } from "../../../lib/bytes.ts";
import {
  buildSelfSignedCertificate,
  encodeDistinguishedName,
  formatDistinguishedName,
  parseCertificate,
  parseDistinguishedName,
  randomSerialNumber,
  windowsThumbprint,
  type SelfSignedCertificateOptions,
} from "../../../lib/formats/x509/index.ts";

// Oracles: node:crypto's X509Certificate (OpenSSL inside) and the openssl CLI.
const HAS_OPENSSL = spawnSync("openssl", ["version"], { encoding: "utf8" }).status === 0;
const NO_OPENSSL = " [skipped: openssl CLI not found on PATH]";
const opensslTest = test.skipIf(!HAS_OPENSSL);

function openssl(args: string[], input?: Uint8Array): string {
  const result = spawnSync("openssl", args, { input, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}



/** "AB:CD:…" (node and openssl fingerprints) → bytes. */
function colonHex(text: string): string {
  return text.replace(/:/g, "").toLowerCase();
}

let publicKey: KeyObject;
let privateKey: KeyObject;
let spki: Uint8Array;

const SERIAL = Uint8Array.from([0x1f, 0x2e, 0x3d, 0x4c, 0x5b, 0x6a, 0x79, 0x88, 0x97, 0xa6, 0xb5, 0xc4, 0xd3, 0xe2, 0xf1, 0x00]);
const NOT_BEFORE = new Date("2025-03-01T08:00:00Z");
const NOT_AFTER = new Date("2027-03-01T08:00:00Z");

function options(overrides: Partial<SelfSignedCertificateOptions> = {}): SelfSignedCertificateOptions {
  return {
    subject: "CN=workshop-app",
    publicKeySpki: spki,
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    serialNumber: SERIAL,
    sign: (tbs) => new Uint8Array(createSign("RSA-SHA256").update(tbs).sign(privateKey)),
    ...overrides,
  };
}

beforeAll(() => {
  ({ publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 }));
  spki = new Uint8Array(publicKey.export({ type: "spki", format: "der" }));
});

describe("buildSelfSignedCertificate", () => {
  test("node:crypto parses it, the signature verifies, and the fields are what was asked", async () => {
    let signedBytes: Uint8Array | undefined;
    const built = await buildSelfSignedCertificate(
      options({
        sign: (tbs) => {
          signedBytes = tbs;
          return new Uint8Array(createSign("RSA-SHA256").update(tbs).sign(privateKey));
        },
      }),
    );
    const x = new X509Certificate(built.der);
    expect(x.verify(publicKey)).toBe(true);
    expect(x.checkPrivateKey(privateKey)).toBe(true);
    expect(x.subject).toBe("CN=workshop-app");
    expect(x.issuer).toBe("CN=workshop-app");
    expect(x.serialNumber).toBe(toHex(SERIAL).toUpperCase());
    expect(new Date(x.validFrom).toISOString()).toBe(NOT_BEFORE.toISOString());
    expect(new Date(x.validTo).toISOString()).toBe(NOT_AFTER.toISOString());
    expect(x.ca).toBe(false);
    expect(x.keyUsage).toEqual(expect.arrayContaining(["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"])); // node lists EKU here

    // The callback saw exactly the TBSCertificate that ends up in the certificate.
    expect(signedBytes).toEqual(built.tbsDer);
    expect(built.der.subarray(4, 4 + built.tbsDer.length)).toEqual(built.tbsDer);
    expect(built.signature.length).toBe(256);
    expect(built.der.subarray(built.der.length - 256)).toEqual(built.signature);
  });

  test("a multi-attribute subject is written most specific first, encoded in reverse (like Windows)", async () => {
    const built = await buildSelfSignedCertificate(options({ subject: "CN=workshop-app, OU=Dev, O=Contoso, L=Redmond, ST=WA, C=US, E=dev@contoso.example" }));
    const x = new X509Certificate(built.der);
    expect(x.subject.split("\n")).toEqual(["emailAddress=dev@contoso.example", "C=US", "ST=WA", "L=Redmond", "O=Contoso", "OU=Dev", "CN=workshop-app"]);
    expect(parseCertificate(built.der).subject).toBe("CN=workshop-app, OU=Dev, O=Contoso, L=Redmond, ST=WA, C=US, E=dev@contoso.example");
  });

  test("thumbprints equal node's fingerprint and fingerprint256, and windowsThumbprint is upper-case hex", async () => {
    const { der } = await buildSelfSignedCertificate(options());
    const x = new X509Certificate(der);
    const info = parseCertificate(der);
    expect(toHex(info.thumbprintSha1)).toBe(colonHex(x.fingerprint));
    expect(toHex(info.thumbprintSha256)).toBe(colonHex(x.fingerprint256));
    expect(windowsThumbprint(info.thumbprintSha1)).toBe(x.fingerprint.replace(/:/g, ""));
    expect(windowsThumbprint(info.thumbprintSha1)).toMatch(/^[0-9A-F]{40}$/);
  });

  test("the subject key identifier is SHA-1 of the RSAPublicKey inside the BIT STRING (RFC 5280 §4.2.1.2 method 1)", async () => {
    const { der } = await buildSelfSignedCertificate(options());
    const rsaPublicKey = publicKey.export({ type: "pkcs1", format: "der" });
    const expected = createHash("sha1").update(rsaPublicKey).digest("hex");
    expect(toHex(parseCertificate(der).subjectKeyIdentifier!)).toBe(expected);
  });

  test("extensions: keyUsage critical digitalSignature, EKU clientAuth+serverAuth, basicConstraints critical CA:FALSE, SKI", async () => {
    const info = parseCertificate((await buildSelfSignedCertificate(options())).der);
    expect(info.extensions).toEqual([
      { oid: "2.5.29.15", name: "keyUsage", critical: true },
      { oid: "2.5.29.37", name: "extKeyUsage", critical: false },
      { oid: "2.5.29.19", name: "basicConstraints", critical: true },
      { oid: "2.5.29.14", name: "subjectKeyIdentifier", critical: false },
    ]);
    expect(info.keyUsage).toEqual(["digitalSignature"]);
    expect(info.extKeyUsage).toEqual(["clientAuth", "serverAuth"]);
    expect(info.isCA).toBe(false);
    expect(info.selfSigned).toBe(true);
    expect(info.version).toBe(3);
    expect(info.signatureAlgorithm).toBe("sha256WithRSAEncryption");
  });

  test(`openssl x509 -text reads it: Digital Signature, TLS Web Client Authentication, CA:FALSE${HAS_OPENSSL ? "" : NO_OPENSSL}`, async (ctx) => {
    if (!HAS_OPENSSL) ctx.skip();
    const { der } = await buildSelfSignedCertificate(options());
    const text = openssl(["x509", "-inform", "DER", "-noout", "-text"], der);
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\s*\n/);
    expect(text).toContain("TLS Web Client Authentication, TLS Web Server Authentication");
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toContain("X509v3 Subject Key Identifier");
    expect(text).toContain("Signature Algorithm: sha256WithRSAEncryption");
    expect(text).toContain("Public-Key: (2048 bit)");
  });

  test(`keyEncipherment: true gives PowerShell's default key usage${HAS_OPENSSL ? "" : NO_OPENSSL}`, async (ctx) => {
    const { der } = await buildSelfSignedCertificate(options({ keyEncipherment: true }));
    expect(parseCertificate(der).keyUsage).toEqual(["digitalSignature", "keyEncipherment"]);
    if (!HAS_OPENSSL) ctx.skip();
    expect(openssl(["x509", "-inform", "DER", "-noout", "-text"], der)).toContain("Digital Signature, Key Encipherment");
  });

  test(`valid until 2051: notAfter is GeneralizedTime, notBefore stays UTCTime, and both oracles read it${HAS_OPENSSL ? "" : NO_OPENSSL}`, async (ctx) => {
    const notAfter = new Date("2051-06-30T12:34:56Z");
    const { der } = await buildSelfSignedCertificate(options({ notAfter }));
    const tree = derTree(der, "Certificate");
    expect(findByLabel(tree, "notBefore")!.tag).toBe("UTCTime");
    const after = findByLabel(tree, "notAfter")!;
    expect(after.tag).toBe("GeneralizedTime");
    expect(after.length).toBe(15); // "20510630123456Z": no fractional seconds
    expect(new Date(new X509Certificate(der).validTo).toISOString()).toBe(notAfter.toISOString());
    expect(parseCertificate(der).notAfter.toISOString()).toBe(notAfter.toISOString());
    if (!HAS_OPENSSL) ctx.skip();
    expect(openssl(["x509", "-inform", "DER", "-noout", "-enddate"], der).trim()).toBe("notAfter=Jun 30 12:34:56 2051 GMT");
  });

  test("UTCTime up to the end of 2049, GeneralizedTime from 2050; milliseconds are dropped", async () => {
    const { der } = await buildSelfSignedCertificate(
      options({ notBefore: new Date("2049-12-31T23:59:59.750Z"), notAfter: new Date("2050-01-01T00:00:00Z") }),
    );
    const tree = derTree(der, "Certificate");
    expect(findByLabel(tree, "notBefore")!.tag).toBe("UTCTime");
    expect(findByLabel(tree, "notBefore")!.value).toBe("2049-12-31T23:59:59Z");
    expect(findByLabel(tree, "notAfter")!.tag).toBe("GeneralizedTime");
    expect(new X509Certificate(der).validTo).toBe("Jan  1 00:00:00 2050 GMT");
  });

  test("an async callback works, and a serial with the top bit set gets a 00 sign byte", async () => {
    const serial = Uint8Array.from([0x80, 1, 2, 3]);
    const { der } = await buildSelfSignedCertificate(
      options({ serialNumber: serial, sign: async (tbs) => new Uint8Array(createSign("RSA-SHA256").update(tbs).sign(privateKey)) }),
    );
    const x = new X509Certificate(der);
    expect(x.verify(publicKey)).toBe(true);
    expect(x.serialNumber).toBe("80010203");
    expect(parseCertificate(der).serialNumberHex).toBe("80010203");
    const serialNode = findByLabel(derTree(der, "Certificate"), "serialNumber")!;
    expect(serialNode.length).toBe(5);
    expect(der[serialNode.offset + serialNode.headerLength]).toBe(0x00);
  });

  test("user errors: short signature, non-RSA key, reversed dates, bad serial, bad subject", async () => {
    const short = await rejectedKitError(() =>
      buildSelfSignedCertificate(options({ sign: (tbs) => new Uint8Array(createSign("RSA-SHA256").update(tbs).sign(privateKey)).subarray(1) })),
    );
    expect(short.code).toBe("BAD_SIGNATURE_LENGTH");
    expect(short.message).toContain("255 bytes");

    const ec = new Uint8Array(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "der" }));
    expect((await rejectedKitError(() => buildSelfSignedCertificate(options({ publicKeySpki: ec })))).code).toBe("NOT_RSA_KEY");
    expect((await rejectedKitError(() => buildSelfSignedCertificate(options({ publicKeySpki: Uint8Array.of(1, 2, 3) })))).code).toBe("BAD_PUBLIC_KEY");
    expect((await rejectedKitError(() => buildSelfSignedCertificate(options({ notBefore: NOT_AFTER, notAfter: NOT_BEFORE })))).code).toBe("BAD_VALIDITY");
    expect((await rejectedKitError(() => buildSelfSignedCertificate(options({ notAfter: new Date("nope") })))).code).toBe("BAD_VALIDITY");
    expect((await rejectedKitError(() => buildSelfSignedCertificate(options({ serialNumber: new Uint8Array(3) })))).code).toBe("BAD_SERIAL");
    expect((await rejectedKitError(() => buildSelfSignedCertificate(options({ serialNumber: new Uint8Array(21).fill(1) })))).code).toBe("BAD_SERIAL");
    const subject = await rejectedKitError(() => buildSelfSignedCertificate(options({ subject: "XX=foo" })));
    expect(subject.code).toBe("BAD_SUBJECT");
    expect(subject.message).toContain('"XX"');
    expect((await rejectedKitError(() => buildSelfSignedCertificate(options({ subject: "CN=a, C=USA" })))).code).toBe("BAD_SUBJECT");
  });
});

describe("randomSerialNumber", () => {
  test("16 bytes, positive without a sign byte, never a leading zero byte", () => {
    expect(randomSerialNumber(() => new Uint8Array(16).fill(0xff))).toEqual(Uint8Array.of(0x7f, ...new Array(15).fill(0xff)));
    expect(randomSerialNumber(() => new Uint8Array(16))[0]).toBe(0x01);
    for (let i = 0; i < 50; i++) {
      const serial = randomSerialNumber();
      expect(serial.length).toBe(16);
      expect(serial[0]! & 0x80).toBe(0);
      expect(serial[0]).not.toBe(0);
    }
  });

  test("node reads the serial back unchanged", async () => {
    const serial = randomSerialNumber();
    const { der } = await buildSelfSignedCertificate(options({ serialNumber: serial }));
    expect(new X509Certificate(der).serialNumber).toBe(toHex(serial).toUpperCase());
  });
});

describe("distinguished names", () => {
  test("parse: commas or semicolons, quotes, escapes, a bare value means CN", () => {
    expect(parseDistinguishedName("workshop-app")).toEqual([{ key: "CN", oid: "2.5.4.3", value: "workshop-app" }]);
    expect(parseDistinguishedName('CN=app; O="Contoso, Ltd"; OU=a\\,b').map((a) => a.value)).toEqual(["app", "Contoso, Ltd", "a,b"]);
    expect(parseDistinguishedName("cn = app , s=WA , 2.5.4.97=x").map((a) => [a.key, a.oid])).toEqual([
      ["CN", "2.5.4.3"],
      ["S", "2.5.4.8"],
      ["2.5.4.97", "2.5.4.97"],
    ]);
    expect(thrownKitError(() => parseDistinguishedName("CN=")).code).toBe("BAD_SUBJECT");
    expect(thrownKitError(() => parseDistinguishedName('CN="open')).code).toBe("BAD_SUBJECT");
    expect(thrownKitError(() => parseDistinguishedName("  ")).code).toBe("BAD_SUBJECT");
  });

  test("encode then format round-trips, escaping what needs it", () => {
    const dn = "CN=a\\,b, O=Contoso, C=US";
    expect(formatDistinguishedName(encodeDistinguishedName(dn))).toBe(dn);
  });
});

describe("parseCertificate", () => {
  let dir = "";
  beforeAll(() => {
    if (!HAS_OPENSSL) return;
    dir = mkdtempSync(join(tmpdir(), "x509-fixture-"));
    const req = (key: string, out: string, newkey: string[]) =>
      openssl([
        "req", "-x509", ...newkey, "-sha256", "-days", "30", "-nodes",
        "-subj", "/C=NL/O=Fixture Org/CN=fixture.example",
        "-addext", "subjectAltName=DNS:fixture.example",
        "-keyout", join(dir, key), "-out", join(dir, out),
      ]);
    req("rsa-key.pem", "rsa-cert.pem", ["-newkey", "rsa:3072"]);
    req("ec-key.pem", "ec-cert.pem", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"]);
    openssl(["x509", "-in", join(dir, "rsa-cert.pem"), "-outform", "DER", "-out", join(dir, "rsa-cert.der")]);
    openssl(["pkcs12", "-export", "-in", join(dir, "rsa-cert.pem"), "-inkey", join(dir, "rsa-key.pem"), "-passout", "pass:fixture", "-out", join(dir, "bundle.pfx")]);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
  const readText = (name: string) => readFileSync(join(dir, name), "utf8");

  opensslTest(`an openssl req -x509 RSA certificate, from PEM and DER${HAS_OPENSSL ? "" : NO_OPENSSL}`, () => {
    const pem = readText("rsa-cert.pem");
    const der = read("rsa-cert.der");
    const fromPem = parseCertificate(pem);
    const fromDer = parseCertificate(der);
    expect(fromPem.der).toEqual(der);
    expect(fromDer.subject).toBe("CN=fixture.example, O=Fixture Org, C=NL");
    expect(fromDer.issuer).toBe(fromDer.subject);
    expect(fromDer.keyType).toBe("RSA");
    expect(fromDer.keyBits).toBe(3072);
    expect(fromDer.selfSigned).toBe(true);
    expect(fromDer.isCA).toBe(true); // openssl req -x509 makes a CA certificate by default
    expect(fromDer.extensions.map((e) => e.name)).toEqual(
      expect.arrayContaining(["subjectKeyIdentifier", "authorityKeyIdentifier", "basicConstraints", "subjectAltName"]),
    );
    expect(fromDer.serialNumberHex).toBe(openssl(["x509", "-in", join(dir, "rsa-cert.pem"), "-noout", "-serial"]).trim().replace("serial=", "").toLowerCase());
    const fp1 = openssl(["x509", "-in", join(dir, "rsa-cert.pem"), "-noout", "-fingerprint", "-sha1"]).split("=")[1]!.trim();
    const fp256 = openssl(["x509", "-in", join(dir, "rsa-cert.pem"), "-noout", "-fingerprint", "-sha256"]).split("=")[1]!.trim();
    expect(toHex(fromDer.thumbprintSha1)).toBe(colonHex(fp1));
    expect(toHex(fromDer.thumbprintSha256)).toBe(colonHex(fp256));
    const x = new X509Certificate(der);
    expect(fromDer.notBefore.toISOString()).toBe(new Date(x.validFrom).toISOString());
    expect(fromDer.publicKeySpki).toEqual(new Uint8Array(x.publicKey.export({ type: "spki", format: "der" })));
    // The TBS and signature slices verify with node, so they are the signed bytes.
    expect(verify("sha256", fromDer.tbsDer, x.publicKey, fromDer.signature)).toBe(true);
  });

  opensslTest(`PEM with CRLF line ends and text around it, PEM as bytes, bare base64${HAS_OPENSSL ? "" : NO_OPENSSL}`, () => {
    const der = read("rsa-cert.der");
    const pem = readText("rsa-cert.pem");
    const crlf = `Subject: fixture\r\nIssuer: fixture\r\n${pem.replace(/\n/g, "\r\n")}\r\ntrailing notes\r\n`;
    expect(parseCertificate(crlf).der).toEqual(der);
    expect(parseCertificate(new TextEncoder().encode(crlf)).der).toEqual(der);
    expect(parseCertificate(Buffer.from(der).toString("base64")).der).toEqual(der);
    // A Buffer (readFileSync) comes back as a plain Uint8Array copy.
    const fromBuffer = parseCertificate(readFileSync(join(dir, "rsa-cert.der"))).der;
    expect(Object.getPrototypeOf(fromBuffer)).toBe(Uint8Array.prototype);
  });

  opensslTest(`an EC certificate reports keyType EC and the curve size${HAS_OPENSSL ? "" : NO_OPENSSL}`, () => {
    const info = parseCertificate(readText("ec-cert.pem"));
    expect(info.keyType).toBe("EC");
    expect(info.keyBits).toBe(384);
    expect(info.signatureAlgorithm).toBe("ecdsa-with-SHA256");
  });

  opensslTest(`a private key PEM is NOT_CERTIFICATE and the message names the label${HAS_OPENSSL ? "" : NO_OPENSSL}`, () => {
    const error = thrownKitError(() => parseCertificate(readText("rsa-key.pem")));
    expect(error.code).toBe("NOT_CERTIFICATE");
    expect(error.message).toContain('"PRIVATE KEY"');
    expect(error.hint).toContain("BEGIN CERTIFICATE");
  });

  opensslTest(`a PFX is NOT_CERTIFICATE and is called a PKCS#12 / PFX file${HAS_OPENSSL ? "" : NO_OPENSSL}`, () => {
    const error = thrownKitError(() => parseCertificate(read("bundle.pfx")));
    expect(error.code).toBe("NOT_CERTIFICATE");
    expect(error.message).toContain("PKCS#12 / PFX");
    expect(error.hint).toContain("pkcs12");
  });

  test("other things that are not certificates: random bytes, keys in DER, a public key PEM, plain text, empty", () => {
    const random = Uint8Array.from({ length: 300 }, (_, i) => (i * 151 + 7) & 0xff);
    for (const input of [random, Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05), new Uint8Array(0), "hello, world", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"]) {
      expect(thrownKitError(() => parseCertificate(input)).code).toBe("NOT_CERTIFICATE");
    }
    const pkcs8 = new Uint8Array(privateKey.export({ type: "pkcs8", format: "der" }));
    expect(thrownKitError(() => parseCertificate(pkcs8)).message).toContain("PKCS#8 private key");
    const pkcs1 = new Uint8Array(privateKey.export({ type: "pkcs1", format: "der" }));
    expect(thrownKitError(() => parseCertificate(pkcs1)).message).toContain("PKCS#1 RSA private key");
    expect(thrownKitError(() => parseCertificate(spki)).message).toContain("public key");
    const publicPem = publicKey.export({ type: "spki", format: "pem" }) as string;
    expect(thrownKitError(() => parseCertificate(publicPem)).message).toContain('"PUBLIC KEY"');
  });

  test("hash functions can be injected (the workshop passes its own SHA-1 and SHA-256)", async () => {
    const { der } = await buildSelfSignedCertificate(options());
    const seen: number[] = [];
    const info = parseCertificate(der, {
      sha1: (b) => (seen.push(b.length), new Uint8Array(createHash("sha1").update(b).digest())),
      sha256: () => new Uint8Array(32).fill(7),
    });
    expect(seen).toEqual([der.length]);
    expect(info.thumbprintSha256).toEqual(new Uint8Array(32).fill(7));
    expect(toHex(info.thumbprintSha1)).toBe(colonHex(new X509Certificate(der).fingerprint));
  });
});
