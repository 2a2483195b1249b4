// Seeded randomness, the span fields with the ways to break each, and hand-written multipart bodies: what the
// generators of malformed requests for POST /api (./fuzz-agent-inputs) and POST /api/import (./fuzz-import-inputs) share.
import { randomUUID } from "node:crypto";
import { MAX_SHORT_FIELD_CHARS, MAX_SPAN_NAME_CHARS } from "../lib/limits";

// ---- seeded randomness

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]!,
    bool: () => next() < 0.5,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => int(256))),
    text: (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + int(95))).join(""),
  };
}
export type Rng = ReturnType<typeof prng>;

/** The case's own generator: case i of seed s is the same input however many cases ran before it. */
export function caseRng(seed: number, i: number): Rng {
  return prng(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35));
}

// ---- shared pieces

export const T0 = "2026-07-01T10:00:00Z";
export const T1 = "2026-07-01T10:00:05Z";

export function validSpan(seq = 1): Record<string, unknown> {
  return {
    Seq: seq,
    Nesting: 1,
    Type: "llm",
    Name: "evaluator",
    Model: "m-1",
    Started: T0,
    Finished: T1,
    Error: "e",
    Args: { Expression: "x", List: [1, "two", { three: 3 }] },
    Results: { Out: "y" },
    Instruction: "i",
    Prompt: "p",
    Reply: "r",
    Thoughts: "t",
    InputTokens: 10,
    OutputTokens: 2,
    OutputThoughtsTokens: 3,
  };
}

export function deepText(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

const RAW = "__fuzz_raw_literal__";
export function insertAt(s: string, at: number, what: string): string {
  return s.slice(0, at) + what + s.slice(at);
}

export const BAD_DATES = [
  "1",
  "March 7, 2020",
  "",
  " ",
  "0000-01-01T00:00:00Z",
  "10000-01-01T00:00:00Z",
  "+010000-01-01T00:00:00Z",
  "-000001-01-01T00:00:00Z",
  "9999-12-31T23:59:59-23:59",
  "2026-02-30T00:00:00Z",
  "2026-04-31T10:00:00Z",
  "2026-05-01T24:00:00Z",
  "2026-05-01T10:00:00+24:00",
  "2026-05-01",
  "2026-05-01T10:00:00",
  "2026-13-01T00:00:00Z",
  "2026-05-01T10:61:00Z",
  "x".repeat(65),
  "NaN",
  "Infinity",
];
const HUGE_INTS = [2 ** 31, 2 ** 31 - 1 + 2 ** 20, 1e20, Number.MAX_SAFE_INTEGER, 1e308, 100_000_001, 4_294_967_296];
const NEGATIVE = [-1, -(2 ** 31), -1e20, -0.5, -Number.MAX_SAFE_INTEGER];
const RAW_NUMBERS = ["1e400", "-1e400", "123456789012345678901234567890", "1.0e10000", "-1.5e10000"];
export const BAD_UTF8 = [
  Buffer.from([0xff]),
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xf4, 0x90, 0x80, 0x80]),
  Buffer.from([0xe2, 0x82]),
];
const SURROGATES = ["\ud800", "\udfff", "\udbff", "a\udc00b"];

type FieldKind = "string" | "required-string" | "int" | "required-int" | "timestamp" | "required-timestamp" | "uuid" | "text" | "json";

export interface Field {
  path: string[];
  kind: FieldKind;
  /** largest length for strings */
  max?: number;
}

export const SPAN_FIELDS: Field[] = [
  { path: ["Seq"], kind: "required-int" },
  { path: ["Nesting"], kind: "required-int" },
  { path: ["Type"], kind: "required-string", max: MAX_SHORT_FIELD_CHARS },
  { path: ["Name"], kind: "required-string", max: MAX_SPAN_NAME_CHARS },
  { path: ["Model"], kind: "string", max: MAX_SPAN_NAME_CHARS },
  { path: ["Started"], kind: "required-timestamp" },
  { path: ["Finished"], kind: "timestamp" },
  { path: ["Error"], kind: "text" },
  { path: ["Instruction"], kind: "text" },
  { path: ["Prompt"], kind: "text" },
  { path: ["Reply"], kind: "text" },
  { path: ["Thoughts"], kind: "text" },
  { path: ["InputTokens"], kind: "int" },
  { path: ["OutputTokens"], kind: "int" },
  { path: ["OutputThoughtsTokens"], kind: "int" },
  { path: ["Args"], kind: "json" },
  { path: ["Results"], kind: "json" },
];

function setPath(obj: Record<string, unknown>, path: string[], v: unknown): void {
  let o = obj;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[path[path.length - 1]!] = v;
}

function deletePath(obj: Record<string, unknown>, path: string[]): void {
  let o = obj;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  delete o[path[path.length - 1]!];
}

/** A value that is the wrong type for the field (never null: importers read null as "absent"). */
function wrongType(rng: Rng, kind: FieldKind): unknown {
  if (kind.endsWith("int")) return rng.pick(["1", true, false, {}, [], [1], 1.5, "NaN", { $numberInt: "1" }]);
  if (kind === "uuid") return rng.pick([5, true, {}, [], ["0"], 1.5]);
  return rng.pick([123, true, false, {}, [], ["a"], 1.5, { s: "x" }]);
}

/** The categories of field mutations; each makes the payload invalid on its own. */
export const FIELD_MUTATIONS = [
  "wrong-type",
  "missing",
  "huge-number",
  "negative-number",
  "raw-number",
  "bad-date",
  "colliding-keys",
  "deep-nesting",
  "oversized-field",
] as const;
export type FieldMutation = (typeof FIELD_MUTATIONS)[number];

const deepCache = new Map<number, string>();
/**
 * Text of `depth` nested arrays and objects, written without recursion (JSON.stringify would
 * overflow). The same for every case of one depth: building 100,000 levels per case would slow the run.
 */
function deepLiteral(depth: number): string {
  let text = deepCache.get(depth);
  if (text === undefined) {
    const open: string[] = [];
    const close: string[] = [];
    for (let i = 0; i < depth; i++) {
      open.push(i % 3 === 0 ? '{"k":' : "[");
      close.push(i % 3 === 0 ? "}" : "]");
    }
    text = open.join("") + '"x"' + close.reverse().join("");
    deepCache.set(depth, text);
  }
  return text;
}

/** Big inputs are the same every time they are drawn; made once each. */
const bigCache = new Map<string, Buffer>();
export function big(key: string, make: () => Buffer): Buffer {
  let b = bigCache.get(key);
  if (!b) bigCache.set(key, (b = make()));
  return b;
}

interface Mutation {
  what: string;
  /** JSON text that replaces the RAW marker (numbers JSON.parse turns into Infinity, values too deep to stringify) */
  literal?: string;
}

/** The value as JSON text, with the marker replaced by the literal. */
export function serialize(root: unknown, m: Mutation): string {
  const text = JSON.stringify(root);
  return m.literal === undefined ? text : text.replace(`"${RAW}"`, m.literal);
}

/**
 * Mutates one field of `root` (in place) so that the value is invalid on its own; null when no field
 * fits the mutation.
 */
export function mutateField(rng: Rng, root: Record<string, unknown>, fields: Field[], m: FieldMutation): Mutation | null {
  const fitting = fields.filter((f) => {
    switch (m) {
      case "wrong-type":
        return f.kind !== "json";
      case "missing":
        return f.kind.startsWith("required") || f.kind === "uuid";
      case "huge-number":
      case "negative-number":
      case "raw-number":
        return f.kind.endsWith("int");
      case "bad-date":
        return f.kind.endsWith("timestamp");
      case "colliding-keys":
      case "deep-nesting":
        return f.kind === "json";
      case "oversized-field":
        return f.max !== undefined;
    }
  });
  if (!fitting.length) return null;
  const f = rng.pick(fitting);
  const path = f.path;
  const name = path.join(".");
  const set = (v: unknown) => setPath(root, path, v);
  switch (m) {
    case "wrong-type": {
      const v = wrongType(rng, f.kind);
      set(v);
      return { what: `${name} = ${JSON.stringify(v)}` };
    }
    case "missing":
      deletePath(root, path);
      return { what: `no ${name}` };
    case "huge-number": {
      const v = rng.pick(HUGE_INTS);
      set(v);
      return { what: `${name} = ${v}` };
    }
    case "negative-number": {
      const v = rng.pick(NEGATIVE);
      set(v);
      return { what: `${name} = ${v}` };
    }
    case "raw-number": {
      const lit = rng.pick(RAW_NUMBERS);
      set(RAW);
      return { what: `${name} = ${lit}`, literal: lit };
    }
    case "bad-date": {
      const v = rng.pick(BAD_DATES);
      set(v);
      return { what: `${name} = ${JSON.stringify(v)}` };
    }
    case "colliding-keys": {
      // NUL characters and lone surrogates are stored as U+FFFD (valid input); two keys that become one are not.
      const bad = rng.pick(["\u0000", ...SURROGATES.filter((x) => x.length === 1)]);
      set({ list: ["fine", { [`k${bad}`]: 1, ["k\ufffd"]: 2 }] });
      return { what: `keys k${bad === "\u0000" ? "\\u0000" : "<lone surrogate>"} and k\\ufffd inside ${name}` };
    }
    case "deep-nesting": {
      const depth = rng.pick([101, 150, 1000, 10_000, 100_000]);
      set(RAW);
      return { what: `${name} nested ${depth} deep`, literal: deepLiteral(depth) };
    }
    case "oversized-field": {
      const n = f.max! + 1 + rng.int(100);
      set("z".repeat(n));
      return { what: `${name} of ${n} characters` };
    }
  }
}

// ---- multipart bodies, written by hand so that malformed ones can be too

export interface Part {
  name: string;
  data: Buffer | string;
  filename?: string;
  contentType?: string;
}

export function multipart(
  parts: Part[],
  boundary = `----fuzz${randomUUID().replace(/-/g, "")}`,
): { body: Buffer; contentType: string; boundary: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ""}`;
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: ${disp}\r\n${p.contentType ? `Content-Type: ${p.contentType}\r\n` : ""}\r\n`),
    );
    chunks.push(Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data));
    chunks.push(Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}`, boundary };
}
