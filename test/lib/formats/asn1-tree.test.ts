import { spawnSync } from "node:child_process";
import { thrownKitError } from "../../helpers/kit-error.ts";
import { createHash, createSign, generateKeyPairSync, verify, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import {
  derTree,
  findByLabel,
  guessLabelScheme,
  walkTree,
  type Asn1Node,
} from "../../../lib/formats/asn1-tree/index.ts";
import { concatBytes, fromHex, toHex } from "../../../lib/bytes.ts";
import { describeOid, oidInfo, oidName, OIDS } from "../../../lib/formats/oids.ts";
import { buildSelfSignedCertificate } from "../../../lib/formats/x509/index.ts";

const HAS_OPENSSL = spawnSync("openssl", ["version"], { encoding: "utf8" }).status === 0;

/**
 * Independent check of a node's position: read the identifier and length octets at node.offset
 * ourselves (X.690 §8.1.2, §8.1.3) and compare with what the tree says.
 */
function checkHeader(der: Uint8Array, node: Asn1Node): void {
  let p = node.offset;
  const first = der[p++]!;
  expect(["universal", "application", "context", "private"][first >> 6]).toBe(node.tagClass);
  expect((first & 0x20) !== 0).toBe(node.constructed);
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    let b: number;
    do {
      b = der[p++]!;
      tagNumber = tagNumber * 128 + (b & 0x7f);
    } while (b & 0x80);
  }
  expect(tagNumber).toBe(node.tagNumber);
  let length = der[p++]!;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[p++]!;
  }
  expect(p - node.offset).toBe(node.headerLength);
  expect(length).toBe(node.length);
}

/** Every node re-slices to a complete element, and children tile their parent's contents exactly. */
function checkOffsets(der: Uint8Array, root: Asn1Node): void {
  expect(root.offset + root.headerLength + root.length).toBeLessThanOrEqual(der.length);
  for (const node of walkTree(root)) {
    checkHeader(der, node);
    if (node.children.length === 0) continue;
    let expected = node.offset + node.headerLength + (node.tag === "BIT STRING" ? 1 : 0);
    for (const child of node.children) {
      expect(child.offset).toBe(expected);
      expected = child.offset + child.headerLength + child.length;
    }
    expect(expected).toBe(node.offset + node.headerLength + node.length);
  }
}

function slice(der: Uint8Array, node: Asn1Node): Uint8Array {
  return der.subarray(node.offset, node.offset + node.headerLength + node.length);
}

function contents(der: Uint8Array, node: Asn1Node): Uint8Array {
  return der.subarray(node.offset + node.headerLength, node.offset + node.headerLength + node.length);
}


const SHA256_DIGESTINFO_PREFIX = fromHex("3031300d060960864801650304020105000420");

let certDer: Uint8Array;
let keys: { publicKey: KeyObject; privateKey: KeyObject };
const SERIAL = fromHex("0badc0ffee0123456789abcdef012345");

beforeAll(async () => {
  keys = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const built = await buildSelfSignedCertificate({
    subject: "CN=workshop-app, O=Contoso",
    publicKeySpki: new Uint8Array(keys.publicKey.export({ type: "spki", format: "der" })),
    notBefore: new Date("2025-01-01T00:00:00Z"),
    notAfter: new Date("2027-01-01T00:00:00Z"),
    serialNumber: SERIAL,
    sign: (tbs) => new Uint8Array(createSign("RSA-SHA256").update(tbs).sign(keys.privateKey)),
  });
  certDer = built.der;
});

describe("derTree on a certificate", () => {
  test("every node's offset and lengths match the header bytes, and children tile their parent", () => {
    const tree = derTree(certDer);
    expect(tree.offset).toBe(0);
    expect(tree.headerLength + tree.length).toBe(certDer.length);
    checkOffsets(certDer, tree);
  });

  test("the main RFC 5280 §4.1 fields are labelled, in order", () => {
    const tree = derTree(certDer, "Certificate");
    expect(tree.label).toBe("Certificate");
    expect(tree.children.map((c) => c.label)).toEqual(["tbsCertificate", "signatureAlgorithm", "signatureValue"]);
    expect(tree.children[0]!.children.map((c) => c.label)).toEqual([
      "version",
      "serialNumber",
      "signature",
      "issuer",
      "validity",
      "subject",
      "subjectPublicKeyInfo",
      "extensions",
    ]);
    expect(findByLabel(tree, "validity")!.children.map((c) => c.label)).toEqual(["notBefore", "notAfter"]);
    expect(findByLabel(tree, "subjectPublicKeyInfo")!.children.map((c) => c.label)).toEqual(["algorithm", "subjectPublicKey"]);
    expect(findByLabel(tree, "extensions")!.tag).toBe("[3]");
  });

  test("the tbsCertificate node slices out exactly the signed bytes", () => {
    const tree = derTree(certDer, "Certificate");
    const tbs = slice(certDer, tree.children[0]!);
    const signatureValue = tree.children[2]!;
    const signature = contents(certDer, signatureValue).subarray(1);
    expect(verify("sha256", tbs, keys.publicKey, signature)).toBe(true);
  });

  test("values: serial in hex, version v3, OIDs with names, times in ISO, names as text, modulus size", () => {
    const tree = derTree(certDer, "Certificate");
    const serial = findByLabel(tree, "serialNumber")!;
    expect(serial.value).toBe(`0x${toHex(SERIAL)}`);
    expect(contents(certDer, serial)).toEqual(SERIAL);
    expect(findByLabel(tree, "Version")!.value).toBe("2 (v3)");
    const sigAlg = findByLabel(findByLabel(tree, "signatureAlgorithm")!, "algorithm")!;
    expect(sigAlg.oid).toBe("1.2.840.113549.1.1.11");
    expect(sigAlg.value).toBe("1.2.840.113549.1.1.11 (sha256WithRSAEncryption)");
    expect(findByLabel(findByLabel(tree, "signatureAlgorithm")!, "parameters")!.tag).toBe("NULL");
    expect(findByLabel(tree, "notBefore")!.value).toBe("2025-01-01T00:00:00Z");
    const subject = findByLabel(tree, "subject")!;
    const values = walkTree(subject).filter((n) => n.label === "value").map((n) => n.value);
    expect(values).toEqual(["Contoso", "workshop-app"]); // encoded O first, CN last
    const types = walkTree(subject).filter((n) => n.label === "type").map((n) => n.value);
    expect(types).toEqual(["2.5.4.10 (organizationName)", "2.5.4.3 (commonName)"]);
  });

  test("the subjectPublicKey BIT STRING is opened into RSAPublicKey { modulus, publicExponent }", () => {
    const tree = derTree(certDer, "Certificate");
    const bitString = findByLabel(tree, "subjectPublicKey")!;
    expect(bitString.tag).toBe("BIT STRING");
    const rsa = bitString.children[0]!;
    expect(rsa.label).toBe("RSAPublicKey");
    expect(rsa.encapsulated).toBe(true);
    expect(rsa.offset).toBe(bitString.offset + bitString.headerLength + 1); // after the unused-bits octet
    const [modulus, exponent] = rsa.children;
    expect(modulus!.label).toBe("modulus");
    expect(modulus!.value).toMatch(/^2048-bit modulus/);
    expect(exponent!.label).toBe("publicExponent");
    expect(exponent!.value).toBe("65537 (0x010001)");
    // Oracle: the modulus bytes equal node's JWK "n".
    const n = Buffer.from(keys.publicKey.export({ format: "jwk" }).n!, "base64url");
    expect(toHex(contents(certDer, modulus!)).replace(/^00/, "")).toBe(n.toString("hex"));
    // And the RSAPublicKey slice equals node's PKCS#1 export.
    expect(slice(certDer, rsa)).toEqual(new Uint8Array(keys.publicKey.export({ type: "pkcs1", format: "der" })));
  });

  test("extension values are decoded with their own labels", () => {
    const tree = derTree(certDer, "Certificate");
    const extensions = findByLabel(tree, "Extensions")!.children;
    expect(extensions.map((e) => e.children[0]!.value)).toEqual([
      "2.5.29.15 (keyUsage)",
      "2.5.29.37 (extKeyUsage)",
      "2.5.29.19 (basicConstraints)",
      "2.5.29.14 (subjectKeyIdentifier)",
    ]);
    expect(extensions[0]!.children.map((c) => c.label)).toEqual(["extnID", "critical", "extnValue"]);
    expect(extensions[1]!.children.map((c) => c.label)).toEqual(["extnID", "extnValue"]); // critical DEFAULT FALSE is omitted
    expect(findByLabel(tree, "critical")!.value).toBe("TRUE");
    expect(findByLabel(tree, "KeyUsage")!.value).toBe("digitalSignature");
    expect(findByLabel(tree, "ExtKeyUsageSyntax")!.children.map((c) => c.value)).toEqual([
      "1.3.6.1.5.5.7.3.2 (clientAuth)",
      "1.3.6.1.5.5.7.3.1 (serverAuth)",
    ]);
    const basic = findByLabel(tree, "BasicConstraints")!;
    expect(basic.tag).toBe("SEQUENCE");
    expect(basic.length).toBe(0); // cA FALSE is the DEFAULT, so DER leaves it out
    const ski = findByLabel(tree, "SubjectKeyIdentifier")!;
    expect(ski.tag).toBe("OCTET STRING");
    expect(ski.children).toEqual([]);
    expect(ski.value).toMatch(/^20 bytes: [0-9a-f]{40}$/);
  });

  test("the signatureValue is not mistaken for DER", () => {
    const tree = derTree(certDer, "Certificate");
    const sig = findByLabel(tree, "signatureValue")!;
    expect(sig.children).toEqual([]);
    expect(sig.value).toMatch(/^256 bytes: /);
  });

  test(`an openssl certificate with SAN and authorityKeyIdentifier${HAS_OPENSSL ? "" : " [skipped: openssl CLI not found on PATH]"}`, (ctx) => {
    if (!HAS_OPENSSL) ctx.skip();
    const dir = mkdtempSync(join(tmpdir(), "asn1-tree-fixture-"));
    let der: Uint8Array;
    try {
      const keyFile = join(dir, "key.pem");
      writeFileSync(keyFile, keys.privateKey.export({ type: "pkcs8", format: "pem" }));
      const result = spawnSync("openssl", [
        "req", "-x509", "-key", keyFile, "-sha256", "-days", "1", "-subj", "/CN=fixture.example",
        "-addext", "subjectAltName=DNS:fixture.example,IP:10.0.0.1", "-outform", "DER",
      ]);
      if (result.status !== 0) throw new Error(result.stderr.toString());
      der = new Uint8Array(result.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const tree = derTree(der);
    checkOffsets(der, tree);
    expect(tree.label).toBe("Certificate");
    expect(findByLabel(tree, "dNSName")!.value).toBe("fixture.example");
    expect(findByLabel(tree, "iPAddress")!.value).toBe("4 bytes: 0a000001");
    expect(findByLabel(tree, "AuthorityKeyIdentifier")!.children[0]!.label).toBe("keyIdentifier");
    expect(findByLabel(tree, "cA")!.value).toBe("TRUE");
  });
});

describe("derTree on a DigestInfo (RFC 8017 §9.2)", () => {
  const digest = new Uint8Array(createHash("sha256").update("abc").digest());
  const digestInfo = concatBytes(SHA256_DIGESTINFO_PREFIX, digest);

  test("labels digestAlgorithm { algorithm = sha256, parameters NULL } and digest", () => {
    for (const tree of [derTree(digestInfo, "DigestInfo"), derTree(digestInfo)]) {
      checkOffsets(digestInfo, tree);
      expect(tree.label).toBe("DigestInfo");
      expect(tree.children.map((c) => c.label)).toEqual(["digestAlgorithm", "digest"]);
      const [algorithm, parameters] = tree.children[0]!.children;
      expect(algorithm!.label).toBe("algorithm");
      expect(algorithm!.oid).toBe("2.16.840.1.101.3.4.2.1");
      expect(algorithm!.value).toContain("sha256");
      expect(parameters!.label).toBe("parameters");
      expect(parameters!.tag).toBe("NULL");
      expect(parameters!.length).toBe(0);
      const digestNode = tree.children[1]!;
      expect(digestNode.tag).toBe("OCTET STRING");
      expect(digestNode.offset).toBe(SHA256_DIGESTINFO_PREFIX.length - 2);
      expect(contents(digestInfo, digestNode)).toEqual(digest);
      expect(digestNode.value).toBe(`32 bytes: ${toHex(digest)}`);
    }
  });

  test("a digest that happens to parse as DER stays bytes under the scheme, but is opened without one", () => {
    // 30 1e 04 1c <28 bytes>: 32 bytes that are also a valid DER SEQUENCE.
    const lookalike = concatBytes(fromHex("301e041c"), new Uint8Array(28).fill(0xab));
    const info = concatBytes(SHA256_DIGESTINFO_PREFIX, lookalike);
    expect(findByLabel(derTree(info, "DigestInfo"), "digest")!.children).toEqual([]);
    const bare = derTree(info, {});
    expect(bare.label).toBeUndefined();
    expect(bare.children[1]!.children[0]!.tag).toBe("SEQUENCE");
    expect(derTree(info, {}, { guessEncapsulated: false }).children[1]!.children).toEqual([]);
  });
});

describe("derTree on keys", () => {
  test("SubjectPublicKeyInfo (guessed), RSA and EC", () => {
    const spki = new Uint8Array(keys.publicKey.export({ type: "spki", format: "der" }));
    expect(guessLabelScheme(spki)).toBe("SubjectPublicKeyInfo");
    const tree = derTree(spki);
    checkOffsets(spki, tree);
    expect(findByLabel(tree, "modulus")).toBeDefined();

    const ec = new Uint8Array(generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "der" }));
    const ecTree = derTree(ec, "SubjectPublicKeyInfo");
    checkOffsets(ec, ecTree);
    expect(findByLabel(ecTree, "namedCurve")!.value).toBe("1.2.840.10045.3.1.7 (prime256v1)");
    const point = findByLabel(ecTree, "subjectPublicKey")!;
    expect(point.children).toEqual([]);
    expect(point.value).toMatch(/^65 bytes: 04/);
  });

  test("PrivateKeyInfo and RSAPrivateKey, with secrets hidden on request", () => {
    const pkcs8 = new Uint8Array(keys.privateKey.export({ type: "pkcs8", format: "der" }));
    expect(guessLabelScheme(pkcs8)).toBe("PrivateKeyInfo");
    const shown = derTree(pkcs8);
    checkOffsets(pkcs8, shown);
    expect(findByLabel(shown, "privateKey")!.children[0]!.label).toBe("RSAPrivateKey");
    expect(findByLabel(shown, "privateExponent")!.value).toMatch(/-bit integer/);

    const hidden = derTree(pkcs8, "PrivateKeyInfo", { hideSecrets: true });
    checkOffsets(pkcs8, hidden);
    const labels = findByLabel(hidden, "RSAPrivateKey")!.children.map((c) => c.label);
    expect(labels).toEqual(["version", "modulus", "publicExponent", "privateExponent", "prime1", "prime2", "exponent1", "exponent2", "coefficient"]);
    for (const secret of ["privateExponent", "prime1", "prime2", "exponent1", "exponent2", "coefficient"]) {
      expect(findByLabel(hidden, secret)!.value).toBe("(hidden)");
    }
    expect(findByLabel(hidden, "modulus")!.value).toMatch(/^2048-bit modulus/);
    expect(findByLabel(hidden, "version")!.value).toBe("0");

    const pkcs1 = new Uint8Array(keys.privateKey.export({ type: "pkcs1", format: "der" }));
    expect(guessLabelScheme(pkcs1)).toBe("RSAPrivateKey");
    expect(derTree(pkcs1, "RSAPrivateKey", { hideSecrets: true }).children[3]!.value).toBe("(hidden)");
  });
});

describe("derTree errors and odd input", () => {
  test("not DER, trailing bytes, indefinite length → NOT_DER", () => {
    expect(thrownKitError(() => derTree(Uint8Array.of(0x30, 0x05, 0x02))).code).toBe("NOT_DER");
    expect(thrownKitError(() => derTree(Uint8Array.of(0x05, 0x00, 0x00))).message).toContain("1 bytes after");
    expect(thrownKitError(() => derTree(Uint8Array.of(0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00))).code).toBe("NOT_DER");
    // A SEQUENCE whose length (3) is shorter than the element inside it (5 bytes).
    const short = thrownKitError(() => derTree(fromHex("300302030a0b0c")));
    expect(short.code).toBe("NOT_DER");
  });

  test("strings, booleans, negative and long-form lengths, high tag numbers", () => {
    const der = fromHex(
      "3081" + "24" + // SEQUENCE, long-form length 36
        "0101ff" + // BOOLEAN TRUE
        "0201fb" + // INTEGER -5
        "0c03c3a974" + // UTF8String "ét"
        "1e0400410042" + // BMPString "AB"
        "9f1f0161" + // [31] primitive "a" (high tag number form)
        "170d3439313233313233353935395a", // UTCTime 491231235959Z
    );
    const tree = derTree(der, {});
    checkOffsets(der, tree);
    expect(tree.headerLength).toBe(3);
    expect(tree.children.map((c) => [c.tag, c.value])).toEqual([
      ["BOOLEAN", "TRUE"],
      ["INTEGER", "-5"],
      ["UTF8String", "ét"],
      ["BMPString", "AB"],
      ["[31]", "a"],
      ["UTCTime", "2049-12-31T23:59:59Z"],
    ]);
  });
});

describe("oids", () => {
  test("names and descriptions for the OIDs the kit shows", () => {
    expect(oidName("2.5.4.3")).toBe("commonName");
    expect(oidName("1.2.840.113549.1.1.11")).toBe("sha256WithRSAEncryption");
    expect(oidName("1.2.840.113549.1.1.10")).toBe("RSASSA-PSS");
    expect(oidName("1.2.840.113549.1.12.10.1.2")).toBe("pkcs8ShroudedKeyBag");
    expect(oidName("1.2.840.113549.1.12.1.6")).toBe("pbeWithSHAAnd40BitRC2-CBC");
    expect(oidName("2.16.840.1.101.3.4.1.42")).toBe("aes256-CBC");
    expect(oidName("1.2.840.113549.1.9.21")).toBe("localKeyId");
    expect(oidName("1.2.3.4")).toBeUndefined();
    expect(oidName("toString")).toBeUndefined();
    expect(oidInfo("1.3.6.1.5.5.7.3.2")!.description).toContain("Client");
    expect(describeOid("1.2.3.4")).toBe("1.2.3.4");
    for (const [oid, info] of Object.entries(OIDS)) {
      expect(oid).toMatch(/^[0-2](\.\d+)+$/);
      expect(info.name.length).toBeGreaterThan(0);
      expect(info.description.length).toBeGreaterThan(0);
    }
  });
});
