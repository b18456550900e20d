/** lib/json-duplicate-keys.ts, against what JSON.parse itself keeps (the oracle for "the same name"). */
import { describe, expect, it } from "vitest";
import { duplicateJsonKeys } from "../../lib/json-duplicate-keys.ts";

describe("duplicateJsonKeys", () => {
  it("finds a repeated header name, the attack case", () => {
    const text = '{"alg":"none","typ":"JWT","alg":"RS256"}';
    expect(duplicateJsonKeys(text)).toEqual(["alg"]);
    expect((JSON.parse(text) as { alg: string }).alg).toBe("RS256"); // JSON.parse kept the last, silently
  });

  it("compares names as decoded strings: an escaped name is the same name", () => {
    const text = '{"aud":"https://a","\\u0061ud":"https://b"}';
    expect(Object.keys(JSON.parse(text) as object)).toEqual(["aud"]); // JSON.parse agrees: one name
    expect(duplicateJsonKeys(text)).toEqual(["aud"]);
  });

  it("looks inside nested objects, each object on its own", () => {
    expect(duplicateJsonKeys('{"a":{"x":1,"x":2},"b":{"x":3}}')).toEqual(["x"]);
    expect(duplicateJsonKeys('{"a":{"x":1},"b":{"x":2}}')).toEqual([]);
    expect(duplicateJsonKeys('{"a":[{"x":1},{"x":2}],"x":0}')).toEqual([]);
  });

  it("is not fooled by names inside string values, escaped quotes, or values equal to names", () => {
    expect(duplicateJsonKeys('{"a":"\\"a\\":1","b":"a","c":["a","a"]}')).toEqual([]);
    expect(duplicateJsonKeys('{"k\\"":1,"k\\"":2}')).toEqual(['k"']);
  });

  it("says nothing about a text that is not JSON, and nothing about unique names", () => {
    expect(duplicateJsonKeys('{"a":1,"a":')).toEqual([]);
    expect(duplicateJsonKeys('{"alg":"RS256","typ":"JWT","x5t":"abc"}')).toEqual([]);
    expect(duplicateJsonKeys("[1,2,3]")).toEqual([]);
  });

  it("agrees with JSON.parse on every generated object: a name repeats exactly when the parsed key count is smaller", () => {
    // Property check with a fixed-seed generator (no timing, no randomness between runs).
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const names = ["a", "b", "c", "\\u0061", "d\\n"];
    for (let n = 0; n < 500; n++) {
      const count = 1 + (next() % 5);
      const members = Array.from({ length: count }, () => `"${names[next() % names.length]}":${next() % 3 === 0 ? '{"a":1}' : next() % 10}`);
      const text = `{${members.join(",")}}`;
      const parsedCount = Object.keys(JSON.parse(text) as object).length;
      expect(duplicateJsonKeys(text).length > 0, text).toBe(parsedCount < count);
    }
  });
});
