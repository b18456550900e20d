/**
 * The member names a JSON text repeats inside one object. JSON.parse keeps the last of them
 * silently, and other parsers keep the first or refuse; RFC 8259 §4 says only that names SHOULD be
 * unique, and RFC 7515 §4 / RFC 7519 §4 let a JWS or JWT reader either refuse duplicates or take the
 * last. A header {"alg":"none",…,"alg":"RS256"} therefore means different things to different
 * readers; the mock refuses it and the doctor names it (see lib/entra/evidence/entra-errors.md, "JOSE
 * edge cases").
 *
 * Names are compared as the strings they decode to, so "alg" and "\u0061lg" are the same name.
 */

/** The repeated names, in the order their second occurrence appears; [] for a text that is not JSON. */
export function duplicateJsonKeys(text: string): string[] {
  try {
    JSON.parse(text);
  } catch {
    return [];
  }
  // The text is valid JSON from here on, so a small scanner suffices: strings, and the brackets,
  // commas and colons between them. `keys` is undefined for an array.
  const stack: { keys?: Set<string> }[] = [];
  let expectingName = false;
  const repeated: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectingName && top?.keys) {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(name) && !repeated.includes(name)) repeated.push(name);
        top.keys.add(name);
        expectingName = false;
      }
      i = end;
    } else if (ch === "{") {
      stack.push({ keys: new Set() });
      expectingName = true;
    } else if (ch === "[") {
      stack.push({});
      expectingName = false;
    } else if (ch === "}" || ch === "]") {
      stack.pop();
      expectingName = false;
    } else if (ch === ",") {
      expectingName = stack[stack.length - 1]?.keys !== undefined;
    }
  }
  return repeated;
}
