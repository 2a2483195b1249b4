// Payload JSON parsed with its nesting bounded while scanning, and the source text of every Args/Results value kept, so
// spans store what the agent or file wrote (key order, integer-like keys, number text, big integers) and the export
// gives it back verbatim. Parsed values are used everywhere else; only the write path asks for the text (jsonText).
import { MAX_JSON_DEPTH, MAX_JSON_KEYS_PER_OBJECT, MAX_JSON_VALUES } from "@/lib/limits";
import { jsonPath, REPLACEMENT_CHARACTER, type StorableProblem } from "@/lib/trajectory/storable";

/** The members whose values' source text is kept: a span's Args and Results (trajectory.Span, upstream's field names). */
const KEPT = new Set(["Args", "Results"]);

// Source text by the parsed object it became. Weak: it lives as long as the value does, and nothing is copied.
const sourceText = new WeakMap<object, string>();

/**
 * `syntax`: JSON.parse refused the text (the reason is its message). `tooLarge`: a count passed its cap (an HTTP edge
 * answers 413); otherwise the nesting did (400).
 */
export type ParsedJson = { ok: true; value: unknown } | { ok: false; problem: StorableProblem; syntax: boolean; tooLarge?: boolean };

/**
 * What one JSON text may hold, counted in the scan before JSON.parse allocates anything. A value is an array element
 * or an object member (each object and array counts one more); the caps bound the parse's work and memory, and every
 * later walk's (storing, digests, key sorting, rendering), by the value's shape and not only its characters.
 */
export interface JsonBudget {
  /** deepest nesting of objects and arrays (the root at depth 0); default MAX_JSON_DEPTH */
  maxDepth?: number;
  /** values in the whole text; default MAX_JSON_VALUES */
  maxValues?: number;
  /** values inside any one Args or Results (an import file holds many spans); default: maxValues */
  maxFieldValues?: number;
  /** members of any one object; default MAX_JSON_KEYS_PER_OBJECT */
  maxKeys?: number;
  /** said after the count, e.g. "per request" */
  per?: string;
}

interface Frame {
  array: boolean;
  /** current member key (objects) or element index (arrays) */
  key: string | number;
  expectingKey: boolean;
  /** members of an object so far (commas + 1) */
  members: number;
}

const count = (n: number) => n.toLocaleString("en-US");

const QUOTE = 34;
const BACKSLASH = 92;

/** Index of the quote closing the string that opens at `start` (or text.length when it never closes). */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  for (;;) {
    j = text.indexOf('"', j);
    if (j < 0) return text.length;
    let k = j - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    // An even number of backslashes before the quote: they escape each other, not the quote.
    if ((j - 1 - k) % 2 === 0) return j;
    j++;
  }
}

function keyOf(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end);
  if (!raw.includes("\\")) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

/** Where the scan is: the key or index in each open container; `frames` of them (default all). */
function pathOf(stack: Frame[], frames = stack.length): string {
  let p = "";
  for (let i = 0; i < frames; i++) p = jsonPath(p, stack[i]!.key);
  return p;
}

/**
 * Parses JSON text. Before JSON.parse, one linear scan refuses nesting deeper than `maxDepth` (objects and arrays,
 * the root at depth 0) naming where, e.g. "Span.Args[0][0]" (the same path lib/trajectory/storable.ts gives), and more
 * values or keys than the budget allows (JsonBudget; `tooLarge`), and notes where each Args/Results value's text starts
 * and ends; after it, that text is attached to the parsed object (see jsonText). `syntax` is true when JSON.parse
 * refused the text (its message is the reason). A number for `budget` is the depth alone (the counts at their defaults).
 */
export function parseJson(text: string, budget: number | JsonBudget = {}): ParsedJson {
  const b = typeof budget === "number" ? { maxDepth: budget } : budget;
  const maxDepth = b.maxDepth ?? MAX_JSON_DEPTH;
  const maxValues = b.maxValues ?? MAX_JSON_VALUES;
  const maxFieldValues = b.maxFieldValues ?? maxValues;
  const maxKeys = b.maxKeys ?? MAX_JSON_KEYS_PER_OBJECT;
  const per = b.per ? ` ${b.per}` : "";
  const stack: Frame[] = [];
  const captures = new Map<string, { path: (string | number)[]; start: number; end: number }>();
  let capture: { path: (string | number)[]; start: number; depth: number; values: number } | null = null;
  let values = 0;
  const tooMany = (): ParsedJson | null => {
    if (values > maxValues)
      return {
        ok: false,
        syntax: false,
        tooLarge: true,
        problem: {
          path: pathOf(stack, stack.length - 1),
          reason: `holds more than ${count(maxValues)} values (array elements and object members), the limit${per}`,
        },
      };
    if (capture && values - capture.values > maxFieldValues)
      return {
        ok: false,
        syntax: false,
        tooLarge: true,
        problem: {
          path: pathOf(stack, stack.length - 1),
          reason: `holds more than ${count(maxFieldValues)} values (array elements and object members), the limit per Args or Results`,
        },
      };
    return null;
  };
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top && !top.array && top.expectingKey) {
        top.key = keyOf(text, i, end);
        top.expectingKey = false;
      }
      i = end;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (stack.length >= maxDepth) {
        return {
          ok: false,
          syntax: false,
          problem: { path: pathOf(stack), reason: `nests deeper than ${maxDepth} levels of objects and arrays` },
        };
      }
      const top = stack[stack.length - 1];
      if (!capture && top && !top.array && KEPT.has(top.key as string)) {
        capture = { path: stack.map((f) => f.key), start: i, depth: stack.length, values };
      }
      stack.push({ array: c === 91, key: c === 91 ? 0 : "", expectingKey: c === 123, members: 1 });
      values++;
      const refused = tooMany();
      if (refused) return refused;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      stack.pop();
      if (capture && capture.depth === stack.length) {
        captures.set(capture.path.join("\u0000"), { path: capture.path, start: capture.start, end: i + 1 });
        capture = null;
      }
    } else if (c === 44 /* , */) {
      const top = stack[stack.length - 1];
      values++;
      if (top?.array) top.key = (top.key as number) + 1;
      else if (top) {
        top.expectingKey = true;
        if (++top.members > maxKeys)
          return {
            ok: false,
            syntax: false,
            tooLarge: true,
            problem: { path: pathOf(stack, stack.length - 1), reason: `has more than ${count(maxKeys)} keys, the limit per object` },
          };
      }
      const refused = tooMany();
      if (refused) return refused;
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, syntax: true, problem: { path: "", reason: (e as Error).message } };
  }
  for (const { path, start, end } of captures.values()) {
    let v: unknown = value;
    for (const k of path) v = v !== null && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined;
    if (v !== null && typeof v === "object") sourceText.set(v, storableJsonText(text.slice(start, end)));
  }
  return { ok: true, value };
}

const ESCAPE = /\\(?:u([0-9a-fA-F]{4})|[^u])/g;

/**
 * JSON text with what PostgreSQL cannot keep replaced as lib/trajectory/storable.ts replaces it in parsed values: the
 * escapes \u0000 and lone surrogates (\ud800 without its pair) become \ufffd. Everything else is left byte for byte.
 */
function storableJsonText(text: string): string {
  if (!text.includes("\\u")) return text;
  const replacement = `\\u${REPLACEMENT_CHARACTER.charCodeAt(0).toString(16)}`;
  const pieces: string[] = [];
  let last = 0;
  let high = -1; // where a high surrogate escape waits for its low half
  const replace = (at: number) => {
    pieces.push(text.slice(last, at), replacement);
    last = at + 6;
  };
  for (const m of text.matchAll(ESCAPE)) {
    const code = m[1] === undefined ? -1 : parseInt(m[1], 16);
    const low = code >= 0xdc00 && code <= 0xdfff;
    if (high >= 0) {
      const paired = low && m.index === high + 6;
      if (!paired) replace(high);
      high = -1;
      if (paired) continue;
    }
    if (code === 0 || low) replace(m.index);
    else if (code >= 0xd800 && code <= 0xdbff) high = m.index;
  }
  if (high >= 0) replace(high);
  if (pieces.length === 0) return text;
  pieces.push(text.slice(last));
  return pieces.join("");
}

/**
 * The JSON text to store for an Args/Results value: its source text when it was parsed by parseJson (made storable),
 * else JSON.stringify of the value; null for undefined and null (the engine omits a nil map).
 */
export function jsonText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "object") {
    const raw = sourceText.get(value);
    if (raw !== undefined) return raw;
  }
  return JSON.stringify(value);
}
