/**
 * Lab scenarios where the claims are right and their bytes are not: a byte-order mark, UTF-16
 * instead of UTF-8, standard base64 instead of base64url, a JWT broken by a line break.
 */
import { base64Encode, base64urlEncode } from "../../lib/crypto/base64url.ts";
import { concatBytes, utf8Encode } from "../../lib/bytes.ts";
import { clientAssertion, goodRequest, tokenRequest } from "./build-request.ts";
import type { Scenario } from "./scenario.ts";

/** The UTF-8 byte-order mark, EF BB BF. */
const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);

const jsonBom: Scenario = {
  name: "json-bom",
  title: "the payload JSON starts with a UTF-8 byte-order mark",
  story: [
    "The claims were written to a file by Windows PowerShell (Out-File -Encoding utf8 adds a byte-order mark)",
    "and the file's bytes were base64url-encoded as they were. The JSON now starts with EF BB BF, invisible",
    "in an editor; Entra reads the payload as malformed.",
  ],
  expectedAadsts: 50027,
  focus: ["payload"],
  build: (ctx) => ({
    request: goodRequest(ctx, "json-bom", { payloadEncoding: (json) => base64urlEncode(concatBytes(BOM, utf8Encode(json))) }),
  }),
  fix: (ctx) => ({ request: goodRequest(ctx, "json-bom:fixed") }),
  fixText: {
    what: ["Encode the JSON text to UTF-8 bytes in memory, without a byte-order mark."],
    label: "PowerShell",
    before: "$claims | ConvertTo-Json | Out-File claims.json -Encoding utf8; $bytes = [IO.File]::ReadAllBytes('claims.json')",
    after: "$bytes = [Text.UTF8Encoding]::new($false).GetBytes(($claims | ConvertTo-Json -Compress))",
  },
};

/** UTF-16 little-endian, what .NET calls Encoding.Unicode (no byte-order mark from GetBytes). */
function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 * i] = unit & 0xff;
    out[2 * i + 1] = unit >> 8;
  }
  return out;
}

const jsonNotUtf8: Scenario = {
  name: "json-not-utf8",
  title: "the payload JSON is UTF-16 ([Text.Encoding]::Unicode), not UTF-8",
  story: [
    "In .NET, Encoding.Unicode means UTF-16: every character takes two bytes, the second one 00 for plain",
    "ASCII. JWTs are UTF-8 (RFC 7515 §7.1), so the payload decodes to JSON with a NUL after every",
    "character, which no JSON parser accepts.",
  ],
  expectedAadsts: 50027,
  focus: ["payload"],
  build: (ctx) => ({ request: goodRequest(ctx, "json-not-utf8", { payloadEncoding: (json) => base64urlEncode(utf16le(json)) }) }),
  fix: (ctx) => ({ request: goodRequest(ctx, "json-not-utf8:fixed") }),
  fixText: {
    what: ["Encode the JSON as UTF-8."],
    label: "PowerShell",
    before: "$bytes = [Text.Encoding]::Unicode.GetBytes($json)",
    after: "$bytes = [Text.Encoding]::UTF8.GetBytes($json)",
  },
};

const segmentStandardBase64: Scenario = {
  name: "segment-standard-base64",
  title: "header and payload encoded with standard base64, not base64url",
  story: [
    "The header and payload were encoded with [Convert]::ToBase64String, like the x5t in so many recipes:",
    "+ and / where the bytes call for them, = padding where the length does. JWT segments are base64url",
    "without padding (RFC 7515 §2), and Entra reads the token as malformed before it looks at a claim.",
  ],
  expectedAadsts: 50027,
  focus: ["client_assertion"],
  build: (ctx) => ({
    request: goodRequest(ctx, "segment-standard-base64", {
      headerEncoding: (json) => base64Encode(utf8Encode(json)),
      payloadEncoding: (json) => base64Encode(utf8Encode(json)),
    }),
  }),
  fix: (ctx) => ({ request: goodRequest(ctx, "segment-standard-base64:fixed") }),
  fixText: {
    what: ["Encode each segment (header, payload, signature) with base64url and no padding."],
    label: "PowerShell",
    before: "$header64 = [Convert]::ToBase64String($headerBytes)",
    after: "$header64 = [Convert]::ToBase64String($headerBytes) -replace '\\+','-' -replace '/','_' -replace '='",
  },
};

const malformedJwt: Scenario = {
  name: "malformed-jwt",
  title: "the JWT has a line break in it (copied from a wrapped terminal)",
  story: [
    "The assertion was copied from a terminal that wrapped it at 76 columns and pasted into a config file",
    "with the line break. The form carries it faithfully, newline and all, and a compact JWT may hold",
    "nothing but base64url characters and two dots.",
  ],
  expectedAadsts: 50027,
  focus: ["client_assertion"],
  build: (ctx) => {
    const jwt = clientAssertion(ctx, { label: "malformed-jwt" });
    return { request: tokenRequest(ctx, { assertion: `${jwt.slice(0, 76)}\r\n${jwt.slice(76)}` }) };
  },
  fix: (ctx) => ({ request: goodRequest(ctx, "malformed-jwt:fixed") }),
  fixText: {
    what: ["Keep the JWT on one line; strip whitespace from what you read (and better, make it fresh each time)."],
    label: "PowerShell",
    before: "$jwt = Get-Content assertion.txt -Raw",
    after: "$jwt = (Get-Content assertion.txt -Raw) -replace '\\s',''",
  },
};

export const ENCODING_SCENARIOS: Scenario[] = [jsonBom, jsonNotUtf8, segmentStandardBase64, malformedJwt];
