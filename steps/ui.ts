/**
 * Terminal presentation: the only place that decides how things look. Step logic returns data; the
 * render functions turn it into lines with these helpers. Colours carry meaning and are the same
 * everywhere: JWT header red, payload magenta, signature cyan (as jwt.io shows them), checks green,
 * problems red, warnings yellow, secondary text dim.
 */
import { Chalk, supportsColor, type ChalkInstance } from "chalk";

export type Role = "header" | "payload" | "signature" | "dot" | "ok" | "bad" | "warn" | "dim" | "em" | "code" | "plain" | "gold" | "blue" | "green"; // gold, blue, green: highlights that tell parts of a byte string apart (step 5)

export interface HexRange {
  start: number;
  end: number;
  role: Role;
  label?: string;
}

export class Ui {
  readonly chalk: ChalkInstance;
  readonly color: boolean;
  constructor(color: boolean) {
    this.color = color;
    // chalk's own detection picks 16, 256 or 16 million colours for this terminal; hex() adapts.
    this.chalk = new Chalk({ level: color ? Math.max(1, supportsColor ? supportsColor.level : 1) as 1 | 2 | 3 : 0 });
  }

  paint(role: Role, text: string): string {
    const c = this.chalk;
    switch (role) {
      case "header": return c.hex("#fb015b")(text);
      case "payload": return c.hex("#d63aff")(text);
      case "signature": return c.hex("#00b9f1")(text);
      case "dot": return text;
      case "ok": return c.green(text);
      case "bad": return c.red(text);
      case "warn": return c.yellow(text);
      case "dim": return c.dim(text);
      case "em": return c.bold(text);
      case "code": return c.cyan(text);
      case "gold": return c.hex("#e5c07b")(text);
      case "blue": return c.hex("#61afef")(text);
      case "green": return c.hex("#98c379")(text);
      case "plain": return text;
    }
  }

  /** "Step 3 · Header and payload" with a rule under it. */
  title(number: number | string, text: string): string[] {
    const line = `Step ${number} · ${text}`;
    return ["", this.chalk.bold(line), this.chalk.dim("─".repeat(Math.min(line.length + 2, 100)))];
  }

  section(text: string): string[] {
    return ["", this.chalk.bold(text)];
  }

  /** Wrapped-by-hand prose: each entry is one line. */
  prose(...lines: string[]): string[] {
    return lines.map((l) => `  ${l}`);
  }

  /** Aligned "label  value" rows; values may be multi-line. */
  fields(rows: [string, string][], indent = 2): string[] {
    const width = Math.max(0, ...rows.map(([k]) => k.length));
    const pad = " ".repeat(indent);
    const out: string[] = [];
    for (const [k, v] of rows) {
      const [first = "", ...rest] = v.split("\n");
      out.push(`${pad}${this.chalk.dim(k.padEnd(width))}  ${first}`);
      for (const r of rest) out.push(`${pad}${" ".repeat(width)}  ${r}`);
    }
    return out;
  }

  check(ok: boolean, text: string): string {
    return ok ? `  ${this.paint("ok", "✓")} ${text}` : `  ${this.paint("bad", "✗")} ${text}`;
  }

  warn(text: string): string {
    return `  ${this.paint("warn", "!")} ${text}`;
  }

  /** A command the learner could type elsewhere, labelled with where (PowerShell, openssl, bash). */
  command(label: string, lines: string[]): string[] {
    const out = [`  ${this.chalk.dim(label)}`];
    for (const l of lines) out.push(`    ${this.paint("code", l)}`);
    return out;
  }

  /** "wrote  .workshop/cert.cer  (802 bytes)". */
  artifact(path: string, detail: string): string {
    return `  ${this.chalk.dim("wrote")}  ${path}  ${this.chalk.dim(detail)}`;
  }

  next(command: string, why: string): string[] {
    return ["", `  ${this.chalk.bold("Next:")} ${this.paint("code", command)}  ${this.chalk.dim(why)}`];
  }

  /** Long text (hex, base64url) folded to a width, each piece optionally painted. */
  wrap(text: string, width: number, role: Role = "plain", indent = 2): string[] {
    const out: string[] = [];
    for (let i = 0; i < text.length; i += width) out.push(" ".repeat(indent) + this.paint(role, text.slice(i, i + width)));
    if (text.length === 0) out.push(" ".repeat(indent));
    return out;
  }

  /** A big number in short: 0x0001ffff…3c2a1f (2033 bits). */
  bigint(x: bigint): string {
    const hex = x.toString(16);
    const bits = x === 0n ? 0 : x.toString(2).length;
    const shown = hex.length > 28 ? `${hex.slice(0, 12)}…${hex.slice(-12)}` : hex;
    return `0x${shown} ${this.chalk.dim(`(${bits} bits)`)}`;
  }

  /** Several coloured pieces (header, dot, payload, …) as one text folded to a width. */
  colorWrap(parts: { text: string; role: Role }[], width: number, indent = 2): string[] {
    const roles: Role[] = [];
    let text = "";
    for (const p of parts) {
      text += p.text;
      for (let i = 0; i < p.text.length; i++) roles.push(p.role);
    }
    const out: string[] = [];
    for (let i = 0; i < text.length; i += width) {
      // Paint runs of one role at a time, not each character.
      let line = "";
      const end = Math.min(i + width, text.length);
      for (let j = i; j < end; ) {
        let k = j;
        while (k < end && roles[k] === roles[j]) k++;
        line += this.paint(roles[j]!, text.slice(j, k));
        j = k;
      }
      out.push(" ".repeat(indent) + line);
    }
    return out;
  }

  /**
   * A hex dump, 16 bytes a line: offset, hex, and printable ASCII. Ranges colour the bytes they
   * cover (and the legend below names them), so a structure can be read off the dump.
   */
  hexdump(bytes: Uint8Array, ranges: HexRange[] = [], options: { head?: number; tail?: number; indent?: number } = {}): string[] {
    const indent = " ".repeat(options.indent ?? 2);
    const roleAt = (i: number): Role => ranges.find((r) => i >= r.start && i < r.end)?.role ?? "plain";
    const lines: string[] = [];
    const total = Math.ceil(bytes.length / 16);
    // With head/tail: the first `head` lines, a count of what is skipped, and the last `tail` lines.
    const head = options.head ?? total;
    const tail = options.tail ?? 0;
    const shown = [...Array(total).keys()].filter((i) => head + tail >= total || i < head || i >= total - tail);
    for (const [k, line] of shown.entries()) {
      if (k > 0 && line !== shown[k - 1]! + 1) lines.push(`${indent}${this.chalk.dim(`… ${(line - shown[k - 1]! - 1) * 16} bytes not shown`)}`);
      const start = line * 16;
      const chunk = bytes.subarray(start, start + 16);
      let hex = "";
      let ascii = "";
      for (let j = 0; j < 16; j++) {
        if (j === 8) hex += " ";
        if (j < chunk.length) {
          const b = chunk[j]!;
          const role = roleAt(start + j);
          hex += this.paint(role, b.toString(16).padStart(2, "0")) + " ";
          ascii += this.paint(role, b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".");
        } else hex += "   ";
      }
      lines.push(`${indent}${this.chalk.dim(start.toString(16).padStart(4, "0"))}  ${hex} ${this.chalk.dim("|")}${ascii}${this.chalk.dim("|")}`);
    }
    const legend = ranges.filter((r) => r.label).map((r) => `${this.paint(r.role, "■")} ${r.label} (${r.end - r.start === 1 ? r.start : `${r.start}–${r.end - 1}`})`);
    if (legend.length) lines.push(`${indent}${legend.join("   ")}`);
    return lines;
  }
}
