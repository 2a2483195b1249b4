// Lays out payload JSON for reading: multi-line, long and terminal strings leave the JSON as text blocks, and long text
// folds. The JSON is an ordered tree (lib/text/json.ts): keys stay in the agent's order, numbers keep their digits.
import { childPath, type JsonNode } from "@/lib/text/json";
import { visibleName } from "@/lib/text/visible";
import { hasTerminalCodes } from "@/lib/text/terminal";

/** A string value taken out of the JSON to be shown as a text block under its line. */
export interface JsonBlock {
  /** "Results.PatchDiff", "Args.Files[2]" (lib/text/json.ts childPath: the paths the span API cuts and serves by) */
  path: string;
  key: string;
  value: string;
  /** where the placeholder sits in its line, to put the block's label there */
  from: number;
  to: number;
}

export interface JsonLayout {
  /** the JSON text with a short placeholder string where each block was */
  text: string;
  /** blocks by line index */
  blocks: Map<number, JsonBlock>;
}

/** Strings longer than this, or with a line break, become blocks. */
export const INLINE_STRING_LIMIT = 160;
export const PLACEHOLDER = '"…"';

/** True for a string shown as a text block rather than inline JSON: multi-line, long, or holding terminal codes. */
export function isBlockString(v: string): boolean {
  return v.length > INLINE_STRING_LIMIT || v.includes("\n") || hasTerminalCodes(v);
}

/**
 * The tree as indented JSON lines for reading. Keys and short strings are written with hidden characters spelled out
 * (visibleName: a key holding U+202E cannot reverse the line); the copy buttons use the tree itself, not this text.
 */
export function layoutJson(value: JsonNode, root = ""): JsonLayout {
  const lines: string[] = [];
  const blocks = new Map<number, JsonBlock>();

  // Writes `prefix` + value starting on the current new line; `suffix` is the trailing comma.
  function write(v: JsonNode, indent: string, prefix: string, suffix: string, path: string, key: string): void {
    switch (v.kind) {
      case "string": {
        if (isBlockString(v.value)) {
          const from = indent.length + prefix.length;
          blocks.set(lines.length, { path, key, value: v.value, from, to: from + PLACEHOLDER.length });
          lines.push(indent + prefix + PLACEHOLDER + suffix);
        } else {
          lines.push(indent + prefix + JSON.stringify(visibleName(v.value)) + suffix);
        }
        return;
      }
      case "array":
        if (v.items.length === 0) return void lines.push(`${indent}${prefix}[]${suffix}`);
        lines.push(`${indent}${prefix}[`);
        v.items.forEach((item, i) => write(item, indent + "  ", "", i < v.items.length - 1 ? "," : "", childPath(path, i), `${key}[${i}]`));
        lines.push(`${indent}]${suffix}`);
        return;
      case "object":
        if (v.entries.length === 0) return void lines.push(`${indent}${prefix}{}${suffix}`);
        lines.push(`${indent}${prefix}{`);
        v.entries.forEach(([k, item], i) =>
          write(item, indent + "  ", `${JSON.stringify(visibleName(k))}: `, i < v.entries.length - 1 ? "," : "", childPath(path, k), k),
        );
        lines.push(`${indent}}${suffix}`);
        return;
      case "number":
        return void lines.push(indent + prefix + v.raw + suffix);
      case "boolean":
        return void lines.push(indent + prefix + String(v.value) + suffix);
      default:
        return void lines.push(indent + prefix + "null" + suffix);
    }
  }

  write(value, "", "", "", root, root);
  return { text: lines.join("\n"), blocks };
}

export interface Folded {
  /** the part shown while folded */
  head: string;
  /** lines hidden (0 when the text is not folded by lines) */
  hiddenLines: number;
  /** characters hidden */
  hiddenChars: number;
}

/** The first `maxLines` lines (and at most `maxChars` characters) of a text, and how much is left. */
export function foldText(text: string, maxLines = 30, maxChars = 6000): Folded {
  let cut = -1;
  let pos = 0;
  for (let line = 0; line < maxLines; line++) {
    const nl = text.indexOf("\n", pos);
    if (nl < 0) {
      pos = -1;
      break;
    }
    pos = nl + 1;
  }
  if (pos > 0 && pos < text.length) cut = pos - 1;
  if (cut < 0 || cut > maxChars) cut = text.length > maxChars ? maxChars : -1;
  if (cut < 0) return { head: text, hiddenLines: 0, hiddenChars: 0 };
  const rest = text.slice(cut);
  return { head: text.slice(0, cut), hiddenLines: countLines(rest) - (rest.startsWith("\n") ? 1 : 0), hiddenChars: rest.length };
}

export function countLines(text: string): number {
  if (!text) return 0;
  let n = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** "show 2,345 more lines" or, for one long line, "show 12,345 more characters". */
export function moreLabel(f: Folded): string {
  if (f.hiddenLines > 1) return `show ${f.hiddenLines.toLocaleString("en-US")} more lines`;
  return `show ${f.hiddenChars.toLocaleString("en-US")} more characters`;
}
