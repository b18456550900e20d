/**
 * Plain aligned text tables for bench/run.ts. Widths are measured on the text without ANSI colour
 * codes, so styled cells (chalk) line up too.
 */

export interface Column {
  readonly header: string;
  /** Numbers read best right-aligned; labels left-aligned. */
  readonly align: "left" | "right";
}

// ESC [ … m, the SGR sequences chalk emits.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

function visibleLength(text: string): number {
  return text.replace(ANSI, "").length;
}

function pad(text: string, width: number, align: Column["align"]): string {
  const fill = " ".repeat(Math.max(0, width - visibleLength(text)));
  return align === "left" ? text + fill : fill + text;
}

/** Renders a header row, a rule, and the rows, with two spaces between columns. */
export function formatTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, i) =>
    Math.max(visibleLength(column.header), ...rows.map((row) => visibleLength(row[i] ?? ""))),
  );
  const line = (cells: readonly string[]): string =>
    columns.map((column, i) => pad(cells[i] ?? "", widths[i]!, column.align)).join("  ").trimEnd();
  return [
    line(columns.map((column) => column.header)),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...rows.map(line),
  ].join("\n");
}

/** A number for a table cell: whole above 100 (with thousands separators), else three significant digits: 2,022 · 45.6 · 3.19 · 0.262. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return "-";
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3;
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A ratio such as 0.52×. */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : "-";
}
