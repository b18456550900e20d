/** Prints an annotated DER tree (lib/formats/asn1-tree): offset, nesting, field name, type, value. */
import type { Asn1Node } from "../lib/formats/asn1-tree/index.ts";
import type { Ui } from "./ui.ts";

const VALUE_WIDTH = 64;

function shorten(text: string): string {
  return text.length > VALUE_WIDTH ? text.slice(0, VALUE_WIDTH - 1) + "…" : text;
}

/** Width of the field column: the deepest indented label, plus two spaces. */
function labelWidth(node: Asn1Node, depth: number): number {
  return Math.max(2 * depth + (node.label ?? "").length + 2, ...node.children.map((c) => labelWidth(c, depth + 1)));
}

export function asn1Lines(root: Asn1Node, ui: Ui): string[] {
  const width = labelWidth(root, 0);
  const lines: string[] = [ui.paint("dim", `  offset  ${"field".padEnd(width)}type (length) value`)];
  const walk = (node: Asn1Node, depth: number) => {
    const indent = "  ".repeat(depth);
    const name = (indent + (node.label ?? "")).padEnd(width);
    const size = `${node.tag} (${node.length})`;
    const value = node.value ? "  " + shorten(node.value) : "";
    lines.push(`  ${ui.paint("dim", node.offset.toString().padStart(6))}  ${ui.paint("em", name)}${size}${ui.paint("green", value)}`);
    for (const child of node.children) walk(child, depth + 1);
  };
  walk(root, 0);
  return lines;
}
