// Finds where a JSON / JavaScript literal ends and reads JS object literals without eval, for reports JSON.parse rejects.

import { IMPORT_MAX_JSON_VALUES } from "@/lib/limits";
import { setOwn } from "@/lib/text/own-key";

const MAX_DEPTH = 1000;

function isSpace(c: string | undefined): boolean {
  return (
    c === " " ||
    c === "\t" ||
    c === "\n" ||
    c === "\r" ||
    c === "\f" ||
    c === "\v" ||
    c === "\u00a0" ||
    c === "\ufeff" ||
    c === "\u2028" ||
    c === "\u2029"
  );
}

/** Index after a string literal starting at `i` (a quote), or -1 when it never closes. */
function skipString(text: string, i: number): number {
  const q = text[i];
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j];
    if (c === "\\") j++;
    else if (c === q) return j + 1;
    else if (c === "\n" && q !== "`") return -1;
  }
  return -1;
}

/** Index after a comment starting at `i`, or `i` when there is none. */
function skipComment(text: string, i: number): number {
  if (text[i] !== "/") return i;
  if (text[i + 1] === "/") {
    const nl = text.indexOf("\n", i);
    return nl < 0 ? text.length : nl + 1;
  }
  if (text[i + 1] === "*") {
    const end = text.indexOf("*/", i + 2);
    return end < 0 ? text.length : end + 2;
  }
  return i;
}

/**
 * Index just after the JSON/JS value that starts at or after `start` (whitespace skipped), or -1
 * when it does not end. Strings and comments are skipped, so brackets inside them do not count.
 */
export function findValueEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length && isSpace(text[i])) i++;
  const c = text[i];
  if (c === undefined) return -1;
  if (c === '"' || c === "'" || c === "`") return skipString(text, i);
  if (c !== "[" && c !== "{") {
    let j = i;
    while (j < text.length && /[\w.+\-$]/.test(text[j] as string)) j++;
    return j > i ? j : -1;
  }
  let depth = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"' || ch === "'" || ch === "`") {
      const j = skipString(text, i);
      if (j < 0) return -1;
      i = j;
      continue;
    }
    if (ch === "/") {
      const j = skipComment(text, i);
      if (j !== i) {
        i = j;
        continue;
      }
    }
    if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

/** A literal with more than IMPORT_MAX_JSON_VALUES values (413). */
export class TooManyValues extends Error {}

class Reader {
  i = 0;
  private values = 0;
  constructor(private readonly s: string) {}

  fail(msg: string): never {
    throw new SyntaxError(`${msg} at position ${this.i}`);
  }

  ws(): void {
    for (;;) {
      while (this.i < this.s.length && isSpace(this.s[this.i])) this.i++;
      const j = skipComment(this.s, this.i);
      if (j === this.i) return;
      this.i = j;
    }
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail("nesting too deep");
    // Counted as built, as lib/trajectory/raw-json.ts counts JSON: the work of what follows grows with it.
    if (++this.values > IMPORT_MAX_JSON_VALUES)
      throw new TooManyValues(`holds more than ${IMPORT_MAX_JSON_VALUES.toLocaleString("en-US")} values, the limit per file`);
    this.ws();
    const c = this.s[this.i];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"' || c === "'" || c === "`") return this.string();
    const word = /^[+-]?(?:Infinity|NaN|0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|^[A-Za-z_$][\w$]*/.exec(
      this.s.slice(this.i, this.i + 400),
    );
    if (!word) this.fail(c === undefined ? "unexpected end of input" : `unexpected character ${JSON.stringify(c)}`);
    const w = word[0];
    this.i += w.length;
    if (w === "true") return true;
    if (w === "false") return false;
    if (w === "null" || w === "undefined") return null;
    const n = Number(w.replace(/^\+/, ""));
    if (/^[+-]?(Infinity|NaN|0[xX]|\d|\.)/.test(w) && !Number.isNaN(n)) return n;
    if (/NaN$/.test(w)) return null;
    this.i -= w.length;
    return this.fail(`unexpected word ${JSON.stringify(w)}`);
  }

  object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++; // {
    for (;;) {
      this.ws();
      if (this.s[this.i] === "}") {
        this.i++;
        return out;
      }
      let key: string;
      const c = this.s[this.i];
      if (c === '"' || c === "'" || c === "`") key = this.string();
      else {
        const m = /^[\w$]+/.exec(this.s.slice(this.i, this.i + 400));
        if (!m) this.fail("expected a property name");
        key = m[0];
        this.i += key.length;
      }
      this.ws();
      if (this.s[this.i] !== ":") this.fail('expected ":"');
      this.i++;
      // defineProperty: a "__proto__" key must become data, never the object's prototype.
      setOwn(out, key, this.value(depth + 1));
      this.ws();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== "}") this.fail('expected "," or "}"');
    }
  }

  array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.i++; // [
    for (;;) {
      this.ws();
      if (this.s[this.i] === "]") {
        this.i++;
        return out;
      }
      if (this.s[this.i] === ",") this.fail("empty array element");
      out.push(this.value(depth + 1));
      this.ws();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== "]") this.fail('expected "," or "]"');
    }
  }

  string(): string {
    const q = this.s[this.i];
    let out = "";
    this.i++;
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) this.fail("unterminated string");
      if (c === q) {
        this.i++;
        return out;
      }
      if (q === "`" && c === "$" && this.s[this.i + 1] === "{") this.fail("template literal with a substitution");
      if (c === "\n" && q !== "`") this.fail("line break in a string");
      if (c !== "\\") {
        out += c;
        this.i++;
        continue;
      }
      const e = this.s[this.i + 1];
      this.i += 2;
      const hex = (len: number) => {
        const h = this.s.slice(this.i, this.i + len);
        if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== len) this.fail("bad escape");
        this.i += len;
        return parseInt(h, 16);
      };
      if (e === "n") out += "\n";
      else if (e === "r") out += "\r";
      else if (e === "t") out += "\t";
      else if (e === "b") out += "\b";
      else if (e === "f") out += "\f";
      else if (e === "v") out += "\v";
      else if (e === "0" && !/\d/.test(this.s[this.i] ?? "")) out += "\0";
      else if (e === "x") out += String.fromCharCode(hex(2));
      else if (e === "u" && this.s[this.i] === "{") {
        const end = this.s.indexOf("}", this.i);
        const cp = parseInt(this.s.slice(this.i + 1, end), 16);
        if (end < 0 || !(cp <= 0x10ffff)) this.fail("bad escape");
        out += String.fromCodePoint(cp);
        this.i = end + 1;
      } else if (e === "u") out += String.fromCharCode(hex(4));
      else if (e === "\r")
        this.i += this.s[this.i] === "\n" ? 1 : 0; // line continuation
      else if (e === "\n" || e === "\u2028" || e === "\u2029") continue;
      else if (e === undefined) this.fail("unterminated string");
      else out += e;
    }
  }
}

/** Reads one JS literal (objects, arrays, strings, numbers, true/false/null) and nothing else; no code runs. */
export function parseJsLiteral(text: string): unknown {
  const r = new Reader(text);
  const v = r.value(0);
  r.ws();
  if (r.i < text.length) r.fail("unexpected text after the value");
  return v;
}
