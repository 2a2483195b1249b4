// Reading stored payload JSON text without parsing it: cut long strings, find the value at a path, indent a value.
// Each is one linear pass over the text that builds nothing per element (no tree, no JS values), so reading one span
// of a few million elements costs milliseconds of the event loop, not seconds (lib/text/json.ts builds a tree: right
// for values a person reads whole, wrong for a payload read only in part). The text is JSON as stored (PostgreSQL
// checked it); anything else is a JsonTextError.
import { childPath, JsonTextError, type Cut } from "@/lib/text/json";

const QUOTE = 34;
const BACKSLASH = 92;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string token that opens at `start` (its closing quote included). */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  for (;;) {
    j = text.indexOf('"', j);
    if (j < 0) throw new JsonTextError(`not JSON (unterminated string at character ${start})`);
    let k = j - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    // An even number of backslashes before the quote: they escape each other, not the quote.
    if ((j - 1 - k) % 2 === 0) return j + 1;
    j++;
  }
}

/** The string a token (quotes included) stands for; only tokens with an escape are decoded by JSON.parse. */
function decodeString(token: string): string {
  return token.includes("\\") ? (JSON.parse(token) as string) : token.slice(1, -1);
}

/** Index just past the value (object, array, string, number, literal) that starts at `i` (no leading space). */
function valueEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return stringEnd(text, i);
  if (c !== 123 && c !== 91) {
    let j = i;
    while (j < text.length) {
      const d = text.charCodeAt(j);
      if (d === 44 || d === 93 || d === 125 || isSpace(d)) break;
      j++;
    }
    if (j === i) throw new JsonTextError(`not JSON (no value at character ${i})`);
    return j;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const d = text.charCodeAt(j);
    if (d === QUOTE) j = stringEnd(text, j) - 1;
    else if (d === 123 || d === 91) depth++;
    else if (d === 125 || d === 93) {
      if (--depth === 0) return j + 1;
    }
  }
  throw new JsonTextError(`not JSON (unclosed ${text[i]} at character ${i})`);
}

interface Frame {
  array: boolean;
  index: number;
  /** where the current member's key token starts and ends (objects) */
  keyStart: number;
  keyEnd: number;
  expectingKey: boolean;
}

function pathOf(root: string, text: string, stack: readonly Frame[]): string {
  let path = root;
  for (const f of stack) path = childPath(path, f.array ? f.index : decodeString(text.slice(f.keyStart, f.keyEnd)));
  return path;
}

/**
 * The JSON text with every string value longer than `limit` (UTF-16 units) cut to `limit`, each cut listed in `cuts`
 * with its path from `root` (lib/text/json.ts childPath); everything else is left as written, byte for byte. Paths
 * are built only for the strings cut. Throws JsonTextError for text that is not JSON.
 */
export function cutLongStringsInText(text: string, root: string, limit: number, cuts: Cut[]): string {
  const stack: Frame[] = [];
  const pieces: string[] = [];
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top && !top.array && top.expectingKey) {
        top.keyStart = i;
        top.keyEnd = end;
        top.expectingKey = false;
      } else if (end - i - 2 > limit) {
        // The token is longer than the limit; its value (escapes decoded) may still fit.
        const value = decodeString(text.slice(i, end));
        if (value.length > limit) {
          cuts.push({ path: pathOf(root, text, stack), length: value.length });
          pieces.push(text.slice(copied, i), JSON.stringify(value.slice(0, limit)));
          copied = end;
        }
      }
      i = end - 1;
    } else if (c === 123 || c === 91) {
      stack.push({ array: c === 91, index: 0, keyStart: 0, keyEnd: 0, expectingKey: c === 123 });
    } else if (c === 125 || c === 93) {
      stack.pop();
    } else if (c === 44) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
      else if (top) top.expectingKey = true;
    }
  }
  if (!pieces.length) return text;
  pieces.push(text.slice(copied));
  return pieces.join("");
}

/**
 * Where the value at `steps` below the root of `text` starts and ends (an object's first member of that key, as
 * lib/text/json.ts nodeAt), skipping every other value unparsed; undefined when there is none. Throws JsonTextError
 * for text that is not JSON.
 */
export function valueRangeAt(text: string, steps: readonly (string | number)[]): { start: number; end: number } | undefined {
  let i = skipSpace(text, 0);
  for (const step of steps) {
    const open = text.charCodeAt(i);
    if (typeof step === "number") {
      if (open !== 91) return undefined;
      i = skipSpace(text, i + 1);
      if (text.charCodeAt(i) === 93) return undefined;
      for (let k = 0; k < step; k++) {
        i = skipSpace(text, valueEnd(text, i));
        if (text.charCodeAt(i) !== 44) return undefined; // "]": fewer elements
        i = skipSpace(text, i + 1);
      }
    } else {
      if (open !== 123) return undefined;
      i = skipSpace(text, i + 1);
      if (text.charCodeAt(i) === 125) return undefined;
      for (;;) {
        const keyEnd = stringEnd(text, i);
        const key = decodeString(text.slice(i, keyEnd));
        i = skipSpace(text, keyEnd);
        if (text.charCodeAt(i) !== 58) throw new JsonTextError(`not JSON (no ":" at character ${i})`);
        i = skipSpace(text, i + 1);
        if (key === step) break;
        i = skipSpace(text, valueEnd(text, i));
        if (text.charCodeAt(i) !== 44) return undefined; // "}": no such key
        i = skipSpace(text, i + 1);
      }
    }
  }
  return { start: i, end: valueEnd(text, i) };
}

/**
 * The JSON value in text[start, end) indented by `indent` spaces a level, keys in their order and numbers as written:
 * the same text lib/text/json.ts stringifyJson(parseJsonText(…), indent) gives, in one pass that builds no tree.
 */
export function indentJsonText(text: string, start: number, end: number, indent = 2): string {
  const out: string[] = [];
  let pad = "";
  const step = " ".repeat(indent);
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    if (c === QUOTE) {
      const e = stringEnd(text, i);
      const token = text.slice(i, e);
      out.push(token.includes("\\") ? JSON.stringify(JSON.parse(token)) : token);
      i = e - 1;
    } else if (c === 123 || c === 91) {
      const close = c === 123 ? 125 : 93;
      const next = skipSpace(text, i + 1);
      if (text.charCodeAt(next) === close) {
        out.push(c === 123 ? "{}" : "[]");
        i = next;
        continue;
      }
      pad += step;
      out.push(c === 123 ? "{\n" : "[\n", pad);
    } else if (c === 125 || c === 93) {
      pad = pad.slice(indent);
      out.push("\n", pad, c === 125 ? "}" : "]");
    } else if (c === 44) {
      out.push(",\n", pad);
    } else if (c === 58) {
      out.push(": ");
    } else {
      const e = valueEnd(text, i);
      out.push(text.slice(i, e));
      i = e - 1;
    }
  }
  return out.join("");
}

/**
 * About how many lines a payload takes laid out for reading or diffing: one per JSON value (array element, object
 * member, container) plus one per escaped line break in its strings. One pass, no parse: what a comparison budgets by
 * before it parses anything. Text that is not JSON counts its lines.
 */
export function layoutLineCount(text: string): number {
  let lines = 1;
  for (let i = text.indexOf("\\n"); i >= 0; i = text.indexOf("\\n", i + 2)) lines++;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end: number;
      try {
        end = stringEnd(text, i);
      } catch {
        break;
      }
      i = end - 1;
    } else if (c === 44 || c === 123 || c === 91 || c === 10) lines++;
  }
  return lines;
}
