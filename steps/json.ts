/** --json output: bytes become lower-case hex, bigints become 0x-prefixed hex, Dates ISO strings. */
import { toHex } from "../lib/bytes.ts";

export function toJsonValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === "bigint") return "0x" + value.toString(16);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined && typeof v !== "function") out[k] = toJsonValue(v);
    return out;
  }
  return value;
}
