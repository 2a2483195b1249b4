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

/** A list or object budgetJsonText read cut: its path from the root (keys and indexes) and how many it held. */
export interface JsonCut {
  path: (string | number)[];
  total: number;
}

export interface JsonBudget {
  /** items of a list (members of an object) read; the rest are counted */
  items: number;
  /** values read in all, depth first; past it no more items are read (their lists and objects count them) */
  values: number;
  /** keys of the root object read wherever they stand, past both budgets (a workflow's fields) */
  keep?: readonly string[];
}

/**
 * The JSON text cut to what a page can show: each list's first `items` items, each object's first `items` members
 * (and the root's `keep` keys wherever they stand), at most `values` values in all, every string and number as
 * written; `cuts` lists each list or object read short with the count it had. One pass over the text that builds
 * nothing per skipped element, so Results of a million strings cost a scan, not a parse (the caller parses the cut
 * text: lib/text/budget.ts parseBudgeted). Throws JsonTextError for text that is not JSON.
 */
export function budgetJsonText(text: string, budget: JsonBudget): { text: string; cuts: JsonCut[] } {
  const out: string[] = [];
  const cuts: JsonCut[] = [];
  const keep = new Set(budget.keep ?? []);
  const path: (string | number)[] = [];
  let left = budget.values;
  const read = (i: number, depth: number): number => {
    const c = text.charCodeAt(i);
    left--;
    if (c !== 123 && c !== 91) {
      const end = valueEnd(text, i);
      out.push(text.slice(i, end));
      return end;
    }
    const array = c === 91;
    const close = array ? 93 : 125;
    out.push(array ? "[" : "{");
    let j = skipSpace(text, i + 1);
    let count = 0;
    let kept = 0;
    if (text.charCodeAt(j) !== close) {
      for (;;) {
        let key: string | null = null;
        let keyToken = "";
        if (!array) {
          const keyEnd = stringEnd(text, j);
          keyToken = text.slice(j, keyEnd);
          j = skipSpace(text, keyEnd);
          if (text.charCodeAt(j) !== 58) throw new JsonTextError(`not JSON (no ":" at character ${j})`);
          j = skipSpace(text, j + 1);
        }
        let take = kept < budget.items && left > 0;
        if (!array && (take || (depth === 0 && keep.size))) {
          key = decodeString(keyToken);
          take ||= keep.has(key);
        }
        if (take) {
          out.push(kept ? "," : "", keyToken, keyToken ? ":" : "");
          path.push(array ? count : key!);
          j = read(j, depth + 1);
          path.pop();
          kept++;
        } else j = valueEnd(text, j);
        count++;
        j = skipSpace(text, j);
        if (text.charCodeAt(j) !== 44) break;
        j = skipSpace(text, j + 1);
      }
    }
    if (text.charCodeAt(j) !== close) throw new JsonTextError(`not JSON (no "${String.fromCharCode(close)}" at character ${j})`);
    out.push(array ? "]" : "}");
    if (kept < count) cuts.push({ path: [...path], total: count });
    return j + 1;
  };
  const start = skipSpace(text, 0);
  if (start >= text.length) throw new JsonTextError("not JSON (empty)");
  read(start, 0);
  return { text: out.join(""), cuts };
}

/**
 * budgetJsonText of each UTF-8 JSON text (a null stays null): one worker task for a run's Args and Results
 * (lib/runs/stored-json.ts), whose bytes are moved to the thread and decoded there.
 */
export function budgetJsonBytes(input: {
  bytes: (Uint8Array | null)[];
  budgets: JsonBudget[];
}): ({ text: string; cuts: JsonCut[] } | null)[] {
  const decoder = new TextDecoder();
  return input.bytes.map((b, i) => (b == null ? null : budgetJsonText(decoder.decode(b), input.budgets[i]!)));
}
