/**
 * KitError's codes are a closed list (KIT_ERROR_CODES): every code thrown anywhere in the kit is on
 * it, and every code on it is thrown somewhere, so the list is the kit's error vocabulary and
 * nothing more. The type system checks the first half at each `new KitError(…)`; this test also
 * reads the sources, so a code that reaches the constructor some other way is caught too.
 */
import { thrownKitError } from "../helpers/kit-error.ts";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { base64urlDecode } from "../../lib/crypto/base64url.ts";
import { KIT_ERROR_CODES, KitError, type KitErrorCode } from "../../lib/errors.ts";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === "node_modules" ? [] : tsFiles(join(dir, e.name))) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** `new KitError("CODE", …)` with the code as a literal, also when the arguments start on the next line. */
const THROWN = /new KitError\(\s*"([^"]*)"/g;
const sources = ["lib", "steps", "mock-aad", "bench"].flatMap((dir) => tsFiles(join(ROOT, dir)));
const thrown = new Map<string, string[]>();
/** A module that throws a code chosen by its caller names the choices as a type (lib/formats/der.ts: DerErrorCode). */
const CHOSEN = /export type \w+ErrorCode = ((?:\s*\|?\s*"[A-Z0-9_]+")+);/g;
for (const file of sources) {
  const source = readFileSync(file, "utf8");
  for (const m of source.matchAll(THROWN)) thrown.set(m[1]!, [...(thrown.get(m[1]!) ?? []), relative(ROOT, file)]);
  for (const m of source.matchAll(CHOSEN)) for (const code of m[1]!.matchAll(/"([A-Z0-9_]+)"/g)) thrown.set(code[1]!, [...(thrown.get(code[1]!) ?? []), relative(ROOT, file)]);
}

/** One input per way base64urlDecode refuses, for the codes lib/crypto/base64url.ts builds from the problem's name. */
const BASE64URL_REFUSALS = ["ab+d", "Zg==", "Zm 9v", "Zm9v.", "abcde", "Zh"];
const derived = BASE64URL_REFUSALS.map((text) => thrownKitError(() => base64urlDecode(text)).code);

describe("KIT_ERROR_CODES", () => {
  it("the source scan sees the kit's throws (a wrong path would pass vacuously)", () => {
    expect(thrown.get("USAGE")?.length).toBeGreaterThan(5);
    expect(thrown.get("PFX_PASSWORD")).toEqual(expect.arrayContaining([join("lib", "formats", "pkcs12", "read.ts")]));
  });

  it("has each code once, in SCREAMING_SNAKE_CASE", () => {
    expect(new Set(KIT_ERROR_CODES).size).toBe(KIT_ERROR_CODES.length);
    for (const code of KIT_ERROR_CODES) expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });

  it("lists every code the kit throws", () => {
    const unlisted = [...thrown.keys()].filter((code) => !(KIT_ERROR_CODES as readonly string[]).includes(code));
    expect(unlisted.map((code) => `${code} (${thrown.get(code)!.join(", ")})`)).toEqual([]);
  });

  it("lists the codes base64url builds from its problem names, one per problem", () => {
    expect(new Set(derived).size).toBe(BASE64URL_REFUSALS.length);
    for (const code of derived) expect(KIT_ERROR_CODES).toContain(code);
  });

  it("lists no code that nothing throws", () => {
    const used = new Set([...thrown.keys(), ...derived]);
    expect(KIT_ERROR_CODES.filter((code) => !used.has(code))).toEqual([]);
  });
});

describe("KitError", () => {
  it("keeps code, message and hint, and is an Error named KitError", () => {
    const code: KitErrorCode = "NO_FILE";
    const error = new KitError(code, "There is no file a.jwt.", "Check the path.");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("KitError");
    expect([error.code, error.message, error.hint]).toEqual(["NO_FILE", "There is no file a.jwt.", "Check the path."]);
    expect(new KitError("USAGE", "One sentence.").hint).toBeUndefined();
  });

  it("refuses a code that is not on the list (a type error)", () => {
    // @ts-expect-error: "NOT_A_CODE" is not a KitErrorCode
    expect(new KitError("NOT_A_CODE", "x").code).toBe("NOT_A_CODE");
  });
});
