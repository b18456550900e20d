/**
 * Finds the client assertion in what the user pasted: a bare JWT (possibly wrapped over several
 * lines or quoted), a form body (`client_id=…&client_assertion=…`), an HTTP request dump, a curl
 * command line (-d / --data / --data-raw / --data-urlencode / -F, quoted or not, URL-encoded or
 * not), or a JSON object with a client_assertion member. A pasted Entra error is recognised too.
 *
 * The form is decoded the way a server decodes application/x-www-form-urlencoded (the WHATWG URL
 * standard): %XX escapes, and "+" means a space. A raw "+" inside client_assertion therefore reaches
 * Entra as a space; the doctor notes that and reads it back as "+" to name the real mistake
 * (standard base64 where base64url belongs).
 */
import type { CurlFileRef, Found } from "./types.ts";

/** The doctor reads at most this much text (a client assertion is 1–4 KB). */
export const MAX_INPUT_CHARS = 1024 * 1024;

export type ReadInput =
  | { kind: "entra-error"; text: string; notes: string[] }
  | { kind: "no-error-code"; text: string; notes: string[] }
  | { kind: "assertion"; found: Found; notes: string[] };

const JWT_CHARS = "A-Za-z0-9_\\-+/=";
/** Words that make a text an error report rather than a mangled JWT. */
const ERROR_WORDS = /error|exception|fail|invalid|denied|unauthori[sz]ed|forbidden|refused|timed? ?out|ECONN|ENOTFOUND|certificate|token|status|assertion|does not match|not found|unable|cannot|could not/i;
/** A JWT-looking run: base64-ish parts joined by dots (2 to 5 parts, so a truncated one is found too). */
const JWT_RUN = new RegExp(`[${JWT_CHARS}]{4,}(?:\\.[${JWT_CHARS}]*){1,4}`, "g");
/** The start of a JSON object in base64 ("{" then a quote or a space): eyJ, ewo, e30, or after a BOM. */
const LOOKS_LIKE_JWT = new RegExp(`(?:eyJ|ewo|eyA|77u[/_]e)[${JWT_CHARS}]*\\.[${JWT_CHARS}]+`);

/**
 * `files`: the content of the files a curl command line reads (see readCurl), by the path as
 * written; the caller reads them (nothing here touches files).
 */
export function readInput(text: string, textSource?: "argument" | "stdin" | "file", files?: Record<string, string>): ReadInput {
  const notes: string[] = [];
  let t = text;
  if (t.length > MAX_INPUT_CHARS) {
    notes.push(`The input is ${t.length} characters; only the first ${MAX_INPUT_CHARS} were read.`);
    t = t.slice(0, MAX_INPUT_CHARS);
  }
  if (t.charCodeAt(0) === 0xfeff) t = t.slice(1); // a text file saved with a BOM: not part of the JWT

  if (/^\s*(?:curl(?:\.exe)?)\s/i.test(t) || /(?:^|\n)\s*curl(?:\.exe)?\s/i.test(t)) {
    const curl = readCurl(t, notes, files);
    return { kind: "assertion", found: curl, notes };
  }
  if (/client_assertion\s*=/i.test(t) || /(?:^|[&\s])(?:grant_type|client_id|client_assertion_type)=/.test(t)) {
    return { kind: "assertion", found: readFormText(t, notes), notes };
  }
  if (!LOOKS_LIKE_JWT.test(t) && (/AADSTS\d{3,}/i.test(t) || /"error_codes"\s*:/.test(t))) {
    return { kind: "entra-error", text: t, notes };
  }
  // Prose with no AADSTS code and nothing like a JWT (a bare invalid_client, a network error, a
  // library's own exception): say so rather than read it as a broken JWT.
  if (!LOOKS_LIKE_JWT.test(t) && !/AADSTS\d{3,}/i.test(t) && /\S+\s+\S+\s+\S+/.test(t.trim()) && ERROR_WORDS.test(t)) {
    return { kind: "no-error-code", text: t, notes };
  }
  if (/AADSTS\d{3,}/i.test(t)) notes.push("The text also holds an Entra error (AADSTS…); paste it alone to have it explained.");
  const assertion = extractJwt(t, notes);
  return { kind: "assertion", found: { from: textSource === "file" ? "file" : "jwt", assertion }, notes };
}

// ── A bare JWT ───────────────────────────────────────────────────────────────────────────────────

/** The JWT in a text: trimmed, unquoted, joined when wrapped over lines, or the longest JWT-looking run. */
export function extractJwt(text: string, notes: string[]): string {
  let t = text.trim();
  for (;;) {
    const q = t[0];
    if (t.length >= 2 && (q === '"' || q === "'" || q === "`") && t.endsWith(q)) t = t.slice(1, -1).trim();
    else break;
  }
  t = t.replace(/^(?:bearer|client_assertion\s*[:=])\s*/i, "");
  if (t.startsWith("{")) {
    try {
      const value: unknown = JSON.parse(t);
      if (value && typeof value === "object" && typeof (value as Record<string, unknown>).client_assertion === "string") {
        notes.push("Read the client_assertion member of the JSON object.");
        return (value as Record<string, string>).client_assertion;
      }
    } catch {
      // not JSON: go on
    }
  }
  if (/\s/.test(t)) {
    const joined = t.replace(/\s+/g, "");
    if (joined.includes(".") && new RegExp(`^[${JWT_CHARS}.]+$`).test(joined)) {
      const pieces = t.split(/\s+/).length;
      notes.push(`Joined ${pieces} pieces separated by line breaks or spaces (a wrapped copy); Entra would have refused the spaces (AADSTS50027).`);
      return joined;
    }
    let best = "";
    for (const match of t.matchAll(JWT_RUN)) if (match[0].length > best.length) best = match[0];
    if (best.length >= 16) {
      notes.push("Took the JWT-looking part of the text.");
      return best;
    }
  }
  return t;
}

// ── A form body or an HTTP request ───────────────────────────────────────────────────────────────

export interface ParsedForm {
  fields: Record<string, string>;
  /** Field names whose raw value held a "+" (which form decoding turns into a space). */
  rawPlus: Set<string>;
  /** Field names sent more than once (Entra: AADSTS9000411), in the order they repeat. */
  duplicates?: string[];
}

/**
 * Splits `a=1&b=2` as application/x-www-form-urlencoded (the first value of a repeated name is kept, and the name listed in `duplicates`: the mock refuses the request, AADSTS9000411).
 * Names are trimmed (a pasted body's stray spaces), unless `exact`: the body curl builds is what the
 * server reads, and a name with a line break in it (--data-binary @file) is another name.
 */
export function parseForm(body: string, exact = false): ParsedForm {
  const fields: Record<string, string> = {};
  const rawPlus = new Set<string>();
  const duplicates: string[] = [];
  for (const pair of body.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? "" : pair.slice(eq + 1);
    const decodedName = percentDecode(rawName.replace(/\+/g, " "));
    const name = exact ? decodedName : decodedName.trim();
    if (name in fields) {
      if (!duplicates.includes(name)) duplicates.push(name);
      continue;
    }
    if (rawValue.includes("+")) rawPlus.add(name);
    fields[name] = percentDecode(rawValue.replace(/\+/g, " "));
  }
  return duplicates.length ? { fields, rawPlus, duplicates } : { fields, rawPlus };
}

/** %XX decoding that leaves a malformed escape as it is (as the WHATWG parser does). */
function percentDecode(text: string): string {
  if (!text.includes("%")) return text;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "%" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of encoder.encode(ch)) bytes.push(b);
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

const ENDPOINT_URL = /https?:\/\/[^\s"'<>`]+?\/oauth2\/(?:v2\.0\/)?token(?:\?[^\s"'<>`]*)?/i;

function readFormText(text: string, notes: string[]): Found {
  const lines = text.split(/\r?\n/);
  // An HTTP request dump: the body is the line with the form; the URL comes from the request line.
  const bodyLine =
    lines.find((l) => /client_assertion\s*=/i.test(l)) ?? lines.find((l) => /(?:^|&)(?:grant_type|client_id|client_assertion_type)=/.test(l.trim())) ?? text;
  const found: Found = { from: "form-body", assertion: "" };
  const url = findUrl(text, lines);
  if (url) found.url = url;
  const body = bodyLine.trim().replace(/^['"]|['"]$/g, "");
  applyForm(found, parseForm(body), notes);
  return found;
}

function findUrl(text: string, lines: string[]): string | undefined {
  const full = ENDPOINT_URL.exec(text)?.[0];
  if (full) return full;
  const requestLine = lines.map((l) => /^\s*POST\s+(\/\S+)/i.exec(l)?.[1]).find(Boolean);
  const host = lines.map((l) => /^\s*host:\s*(\S+)/i.exec(l)?.[1]).find(Boolean);
  return requestLine && host ? `https://${host}${requestLine}` : undefined;
}

/** Puts the form's fields and the assertion into `found`, noting what form decoding did. */
function applyForm(found: Found, form: ParsedForm, notes: string[]): void {
  found.formFields = form.fields;
  if (form.duplicates) found.duplicateFields = form.duplicates;
  const assertion = form.fields.client_assertion;
  if (assertion !== undefined && assertion !== "") {
    if (form.rawPlus.has("client_assertion")) {
      notes.push('client_assertion holds a raw "+", which form decoding turns into a space: Entra receives spaces there. It is read back as "+" here.');
      found.assertion = assertion.replace(/ /g, "+");
    } else {
      found.assertion = assertion;
    }
    return;
  }
  // No client_assertion: is the JWT in another field (the widely copied scope=<JWT> mistake)?
  for (const [name, value] of Object.entries(form.fields)) {
    if (LOOKS_LIKE_JWT.test(value) && value.split(".").length >= 3) {
      found.assertion = form.rawPlus.has(name) ? value.replace(/ /g, "+") : value;
      found.field = name;
      return;
    }
  }
}

// ── A curl command line ──────────────────────────────────────────────────────────────────────────

/** Options of curl that take a value we do not need (so the value is not taken for a URL or data). */
const CURL_VALUE_OPTIONS = new Set([
  "-X", "--request", "-H", "--header", "-u", "--user", "-o", "--output", "-A", "--user-agent", "-e", "--referer",
  "--cacert", "--capath", "--cert", "-E", "--key", "--cert-type", "--key-type", "-m", "--max-time", "--connect-timeout",
  "-w", "--write-out", "-x", "--proxy", "--resolve", "-b", "--cookie", "-c", "--cookie-jar", "--retry", "-T", "--upload-file",
]);
const CURL_DATA_OPTIONS = new Set(["-d", "--data", "--data-raw", "--data-ascii", "--data-binary", "--data-urlencode", "-F", "--form", "--form-string"]);

/**
 * Reads a curl command line: the URL and the body curl would send, piece by piece, as curl builds it
 * (the --data* pieces joined with "&"). Where curl reads a file, the file is listed in
 * `found.fileRefs` and its content, when the caller gave it in `files`, is put where curl puts it.
 * What curl does with files (its manual, cmdline-opts/data.d, data-binary.d, data-raw.d and
 * data-urlencode.d; checked against curl 7.88.1):
 *
 *  - `-d @file` (also --data, --data-ascii): the body piece is the file's content with every carriage
 *    return and newline removed (anywhere in the file, not only at the end). Only an argument that
 *    STARTS with @ reads a file: `-d client_assertion=@file` and `--data client_assertion@file` send
 *    that text as it is (a value "@file", or a field named "client_assertion@file").
 *  - `--data-binary @file`: the file's content exactly as it is, newlines included.
 *  - `--data-raw`: never reads a file; "@" is just a character.
 *  - `--data-urlencode name@file` (and `@file`, without a name): the file's content, URL-encoded,
 *    INCLUDING its newlines (a trailing newline arrives as %0A). An "=" anywhere wins over "@":
 *    `--data-urlencode client_assertion=@file` sends the text "@file" (as %40file), no file is read.
 *  - `-F name=@file` / `-F name=<file`: a multipart/form-data upload, which the doctor does not follow.
 */
function readCurl(text: string, notes: string[], files: Record<string, string> | undefined): Found {
  const words = shellWords(text.slice(text.search(/curl/i)));
  const found: Found = { from: "curl", assertion: "" };
  const pieces: string[] = [];
  const fields: Record<string, string> = {};
  const refs: CurlFileRef[] = [];
  /** Records that curl reads this file; returns its content when the caller gave it. */
  const fromFile = (ref: Omit<CurlFileRef, "read">): string | undefined => {
    const content = ref.path === "-" ? undefined : files?.[ref.path];
    refs.push({ ...ref, read: content !== undefined });
    const what = ref.field ?? "part of the body";
    if (content === undefined) {
      notes.push(`curl reads ${what} from ${ref.path === "-" ? "its standard input" : `the file ${ref.path}`} (${ref.option}); the doctor was not given ${ref.path === "-" ? "it" : "that file"}, so ${ref.field ?? "the fields in it"} ${ref.field ? "is" : "are"} not checked.`);
      return undefined;
    }
    const how = ref.how === "urlencode" ? "URL-encoded with its line breaks" : ref.how === "binary" ? "as it is" : "with its line breaks removed";
    notes.push(`Read ${what} from the file ${ref.path}, as curl sends it (${how}).`);
    if (content.charCodeAt(0) === 0xfeff) notes.push(`The file ${ref.path} starts with a byte-order mark (EF BB BF), and curl sends it too.`);
    if (content.includes("\u0000")) notes.push(`The file ${ref.path} holds NUL bytes (saved as UTF-16?), and curl sends them too.`);
    return content;
  };
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    let option = word;
    let value: string | undefined;
    const long = /^(--[a-z-]+)=(.*)$/s.exec(word);
    if (long) [option, value] = [long[1]!, long[2]!];
    else if (/^-[dF]./s.test(word)) [option, value] = [word.slice(0, 2), word.slice(2)];
    if (CURL_DATA_OPTIONS.has(option)) {
      value ??= words[++i] ?? "";
      const written = `${option} ${value}`;
      if (option === "-F" || option === "--form" || option === "--form-string") {
        // name=content: content is sent as it is; -F name=@file and name=<file read files.
        const eq = value.indexOf("=");
        const name = eq < 0 ? "" : value.slice(0, eq);
        const content = eq < 0 ? value : value.slice(eq + 1);
        if (option !== "--form-string" && /^[@<]/.test(content)) notes.push(`curl reads ${written} from a file, which the doctor cannot see: give the file's content instead.`);
        else if (!(name in fields)) fields[name] = content;
      } else if (option === "--data-urlencode") {
        const eq = value.indexOf("=");
        const at = eq < 0 ? value.indexOf("@") : -1;
        if (at >= 0) {
          const name = value.slice(0, at);
          const content = fromFile({ option: written, ...(name ? { field: name } : {}), path: value.slice(at + 1), how: "urlencode" });
          if (content !== undefined) pieces.push(name ? `${name}=${curlEscape(content)}` : curlEscape(content));
        } else if (eq > 0) {
          pieces.push(`${value.slice(0, eq)}=${curlEscape(value.slice(eq + 1))}`);
        } else {
          pieces.push(curlEscape(eq === 0 ? value.slice(1) : value));
        }
      } else if (value.startsWith("@") && option !== "--data-raw") {
        const binary = option === "--data-binary";
        const content = fromFile({ option: written, path: value.slice(1), how: binary ? "binary" : "strip-newlines" });
        if (content !== undefined) pieces.push(binary ? content : content.replace(/[\r\n]/g, ""));
      } else {
        pieces.push(value);
      }
      continue;
    }
    if (option === "--url") {
      found.url = value ?? words[++i] ?? "";
      continue;
    }
    if (CURL_VALUE_OPTIONS.has(option)) {
      if (value === undefined) i++;
      continue;
    }
    if (/^https?:\/\//i.test(word) && !found.url) found.url = word;
  }
  const form = parseForm(pieces.join("&"), true);
  for (const [name, value] of Object.entries(form.fields)) if (!(name in fields)) fields[name] = value;
  if (refs.length) found.fileRefs = refs;
  applyForm(found, { fields, rawPlus: form.rawPlus, ...(form.duplicates ? { duplicates: form.duplicates } : {}) }, notes);
  return found;
}

/** URL-encodes as curl's --data-urlencode does (curl_easy_escape): every byte but A–Z a–z 0–9 - . _ ~ as %XX. */
export function curlEscape(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/**
 * Splits a command line into words as a POSIX shell would: single quotes literal, double quotes
 * with backslash escapes, backslash escapes outside quotes. Line continuations of bash (\),
 * PowerShell (`) and cmd (^) are joined first.
 */
export function shellWords(text: string): string[] {
  const t = text.replace(/[\\`^]\r?\n/g, " ");
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!;
    if (ch === "'") {
      const end = t.indexOf("'", i + 1);
      word += end < 0 ? t.slice(i + 1) : t.slice(i + 1, end);
      i = end < 0 ? t.length : end;
      inWord = true;
    } else if (ch === '"') {
      let j = i + 1;
      for (; j < t.length && t[j] !== '"'; j++) {
        if (t[j] === "\\" && j + 1 < t.length && /["\\$`]/.test(t[j + 1]!)) j++;
        word += t[j];
      }
      i = j;
      inWord = true;
    } else if (ch === "\\" && i + 1 < t.length) {
      word += t[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The tenant and endpoint version of a token endpoint URL. */
export function endpointOf(url: string): { origin: string; tenant: string; version: "v1" | "v2" } | undefined {
  try {
    const u = new URL(url);
    const m = /^\/([^/]+)\/oauth2\/(v2\.0\/)?token\/?$/i.exec(u.pathname);
    if (!m) return undefined;
    return { origin: u.origin, tenant: decodeURIComponent(m[1]!), version: m[2] ? "v2" : "v1" };
  } catch {
    return undefined;
  }
}
