// Reads the text Go's fmt.Sprint makes of a generic JSON value (the dashboard's job page prints span Args/Results that
// way) back into JSON, when the text allows it; otherwise the text is kept, marked as the dashboard printed it.
//
// Source: dashboard/app/ai.go `nullJSON` = fmt.Sprint(v.Value), where the value was decoded with json.Number
// (aidb's spanner.UseNumberWithJSONDecoderEncoder), so the value is one of map[string]any, []any, string, bool,
// json.Number or nil. Go prints them as (fmt's %v, map keys sorted byte-wise by internal/fmtsort):
//   map[A:1 B:x]   [a b]   map[]   []   true   <nil>   1e+4 (json.Number text, verbatim)   strings raw, unquoted.
//
// What that text cannot tell apart (so no reading is exact in the strict sense):
//   1. a string from a typed value:   "true", "142", "<nil>", "map[]", "[]" print like true, 142, nil, {}, [];
//   2. a string holding " Key:…" from more entries:   {A: "1 B:2"} prints like {A: 1, B: 2};
//   3. a list element holding a space from two elements:   ["a b", "c"] prints like ["a", "b", "c"];
//   4. a list of one empty string from an empty list:   [""] prints like [];
//   5. a key holding ":" from a value holding it:   {"a:b": "c"} prints like {a: "b:c"}.
// The reading below takes the simpler value in cases 1, 2, 4 and 5: it assumes strings have no whitespace, "[" or "]",
// keys no ":", and that a scalar spelled like true/142/<nil> is that value. Case 3 it refuses outright, because a
// space inside a list element leaves no trace (agents' lists hold sentences, so it happens): a list of two or more
// elements is read only when every element is a map or a list. A space inside a map value does leave a trace (the
// next word is no "key:" entry), so case 2 needs a value with a space before every "Key:" that sorts in place, which
// prose practically never is. Every text that breaks the assumptions visibly (a word without "key:" where an entry
// must start, keys out of Go's order, a line break, a bracket inside a word, an empty list element, a number
// JavaScript cannot hold exactly) has no reading: it is kept as text. Because cases 1, 2, 4 and 5 stay possible, a
// value read here is presented as *read from the dashboard's text* (the run says so), never as what the agent sent.
import { MAX_JSON_DEPTH, MAX_JSON_VALUES } from "@/lib/limits";
import { parseJson } from "@/lib/trajectory/raw-json";
import { describeProblem } from "@/lib/trajectory/storable";
import { keepPrinted } from "@/lib/trajectory/printed";
import { trimEnd, trimStart } from "@/lib/text/trim";
import { setOwn } from "@/lib/text/own-key";

export type GoReading = { ok: true; value: unknown } | { ok: false; reason: string };

class NoReading extends Error {}

/** A value with more than MAX_JSON_VALUES values: refused (413), never kept as text nor read. */
export class TooManyValues extends Error {}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Significant digits and exponent of a decimal text ("-0.0120" → ["12", -2]); zero → ["", 0]. */
function decimal(text: string): [string, number] {
  const m = /^-?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text)!;
  const intPart = m[1] ?? "";
  const frac = m[2] ?? "";
  let digits = intPart + frac;
  let exp = Number(m[3] ?? 0) + intPart.length;
  const lead = digits.length - trimStart(digits, "0").length;
  digits = trimEnd(digits.slice(lead), "0");
  exp -= lead;
  return digits === "" ? ["", 0] : [digits, exp];
}

/** The number the text spells, when a JavaScript number holds exactly that decimal; else null (kept as text). */
function exactNumber(text: string): number | null {
  const n = Number(text);
  if (!Number.isFinite(n)) return null;
  // toExponential() gives the shortest digits that round-trip: the same decimal means nothing was rounded away.
  const [d1, e1] = decimal(text);
  const [d2, e2] = decimal(Math.abs(n).toExponential());
  return d1 === d2 && e1 === e2 ? n : null;
}

const utf8 = new TextEncoder();

/** Go's fmtsort order of string keys: byte-wise on UTF-8, which differs from JavaScript's UTF-16 order. */
function goCompare(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

class Reader {
  private i = 0;
  constructor(private readonly s: string) {}

  private values = 0;

  read(): unknown {
    const v = this.value(0, "top");
    if (this.i !== this.s.length) this.fail(`text after the value at character ${this.i + 1}`);
    return v;
  }

  private fail(reason: string): never {
    throw new NoReading(reason);
  }

  private value(depth: number, where: "top" | "list" | "map"): unknown {
    if (depth > MAX_JSON_DEPTH) this.fail(`nests deeper than ${MAX_JSON_DEPTH} levels`);
    // Counted as built: the text is at most a span's, but its values are bounded as any JSON's (lib/limits.ts).
    if (++this.values > MAX_JSON_VALUES)
      throw new TooManyValues(`holds more than ${MAX_JSON_VALUES.toLocaleString("en-US")} values, the limit per Args or Results`);
    if (this.s.startsWith("map[", this.i)) return this.map(depth);
    if (this.s[this.i] === "[") return this.list(depth);
    return this.scalar(where);
  }

  private map(depth: number): Record<string, unknown> {
    this.i += 4;
    const out: Record<string, unknown> = {};
    let prev: string | null = null;
    if (this.s[this.i] === "]") {
      this.i++;
      return out;
    }
    for (;;) {
      const start = this.i;
      while (this.i < this.s.length && !":[] \t\n\r".includes(this.s[this.i]!)) this.i++;
      if (this.s[this.i] !== ":" || this.i === start) {
        this.fail(`a map entry at character ${start + 1} is not "key:value" (a string holding a space, a bracket or a line break)`);
      }
      const key = this.s.slice(start, this.i);
      if (prev !== null && goCompare(prev, key) >= 0)
        this.fail(`map keys "${prev}" and "${key}" are not in Go's sorted order (a key or value holds a space or a colon)`);
      prev = key;
      this.i++;
      setOwn(out, key, this.value(depth + 1, "map"));
      const c = this.s[this.i];
      if (c === "]") {
        this.i++;
        return out;
      }
      if (c !== " ") this.fail(`map not closed at character ${this.i + 1}`);
      this.i++;
    }
  }

  private list(depth: number): unknown[] {
    this.i += 1;
    const out: unknown[] = [];
    if (this.s[this.i] === "]") {
      this.i++;
      return out;
    }
    // Kept as it goes (not out.some() per element, which is quadratic: a list of 100,000 maps took 20 s).
    let plain = false;
    for (;;) {
      const at = this.i;
      const v = this.value(depth + 1, "list");
      out.push(v);
      plain ||= typeof v !== "object" || v === null;
      // Two plain elements "a b" print like one element "a b": only lists of maps and lists split surely.
      if (out.length > 1 && plain) {
        this.fail(`a list of several elements with a plain value at character ${at + 1} (an element holding a space prints like two)`);
      }
      const c = this.s[this.i];
      if (c === "]") {
        this.i++;
        return out;
      }
      if (c !== " ") this.fail(`list not closed at character ${this.i + 1}`);
      this.i++;
    }
  }

  private scalar(where: "top" | "list" | "map"): unknown {
    const start = this.i;
    // At top level a word runs to the end; inside a list or map a space or "]" ends it.
    while (this.i < this.s.length && (where === "top" || (this.s[this.i] !== " " && this.s[this.i] !== "]"))) this.i++;
    const word = this.s.slice(start, this.i);
    if (/[\s[\]]/.test(word)) this.fail(`a string with whitespace or a bracket at character ${start + 1}`);
    if (word === "") {
      // Only a map value can be empty without doubling a separator: map[A: B:x] is A "".
      if (where !== "map") this.fail(`an empty ${where === "list" ? "list element" : "text"} at character ${start + 1}`);
      return "";
    }
    if (word === "<nil>") return null;
    if (word === "true") return true;
    if (word === "false") return false;
    if (JSON_NUMBER.test(word)) {
      const n = exactNumber(word);
      if (n === null) this.fail(`the number ${word.slice(0, 40)} has more digits than a JavaScript number holds`);
      return n;
    }
    return word;
  }
}

/**
 * The JSON value a Go-printed text reads as under the assumptions in this file's header, or why it has none.
 * `text` is one printed value (a span's Args, a job Args item); "" is not a value (Go printed a nil map as "").
 */
export function readGoPrinted(text: string): GoReading {
  if (text === "") return { ok: false, reason: "empty text" };
  try {
    return { ok: true, value: new Reader(text).read() };
  } catch (e) {
    if (e instanceof NoReading) return { ok: false, reason: e.message };
    throw e;
  }
}

/** A JSON number as Go's encoding/json (and so json.Number after a round trip) writes it. */
function goJsonNumber(n: number): string {
  if (Object.is(n, -0)) return "-0";
  return String(n);
}

/**
 * fmt.Sprint of a JSON value decoded with json.Number (what the dashboard prints): maps with sorted keys, strings
 * raw, numbers as their JSON text. Used to check that two copies of one value (a flow span's printed Results and
 * the job's JSON Results) are the same.
 */
export function goSprint(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") return goJsonNumber(v);
  if (Array.isArray(v)) return `[${v.map(goSprint).join(" ")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort(goCompare);
    return `map[${keys.map((k) => `${k}:${goSprint(o[k])}`).join(" ")}]`;
  }
  return String(v);
}

/**
 * A span's Args or Results as a page or report gave it (a string): JSON text (the standalone report's indented
 * JSON) is parsed; Go-printed text is read; text with no reading is kept in a PrintedValue. `printed` says the
 * value came from Go's printing. "" and "null" are no value. Throws TooManyValues past MAX_JSON_VALUES.
 */
export function readDisplayValue(text: string): { value: unknown; printed: boolean } {
  if (text.trim() === "") return { value: undefined, printed: false };
  const parsed = parseJson(text, { maxDepth: Infinity });
  if (parsed.ok) return { value: parsed.value === null ? undefined : parsed.value, printed: false };
  if (parsed.tooLarge) throw new TooManyValues(describeProblem(parsed.problem));
  // else not JSON: Go's printing
  const reading = readGoPrinted(text);
  return { value: reading.ok ? reading.value : keepPrinted(text), printed: true };
}
