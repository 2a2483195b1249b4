// Makes a parsed JSON value storable: bounded nesting, and text PostgreSQL cannot hold (NUL, lone surrogates) replaced.
import { MAX_JSON_DEPTH } from "@/lib/limits";

export interface StorableProblem {
  /** where in the value, as "Span.Args.files[3]" ("" for the value itself) */
  path: string;
  reason: string;
}

export type Storable = { ok: true; value: unknown; replaced: number } | { ok: false; problem: StorableProblem };

/** What a NUL or a lone surrogate is stored as: U+FFFD, the replacement character, as toWellFormed() writes. */
export const REPLACEMENT_CHARACTER = "\uFFFD";

/** Sets an own property, even one named "__proto__" (JSON.parse makes those; plain assignment would not). */
function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Where a value sits: `Span.Args.files[3]`; keys that are not plain names are quoted (first 40 characters). */
export function jsonPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  const k = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key.slice(0, 40));
  return path ? `${path}.${k}` : k;
}

// PostgreSQL text and jsonb cannot hold U+0000, and jsonb refuses a lone surrogate escape ("\ud800"). Agents send
// both (a tool reading a binary file); refusing the span would lose it, so the text is kept with U+FFFD in their place.
function storableText(s: string): string {
  if (!s.includes("\u0000") && s.isWellFormed()) return s;
  return s.toWellFormed().replaceAll("\u0000", REPLACEMENT_CHARACTER);
}

/**
 * The value with every NUL and lone surrogate in its strings and keys replaced (in place where it can be), and how
 * many strings and keys changed; or the first problem: nesting deeper than `maxDepth`, or two keys of one object that
 * become the same. Iterative, so a value nested a million levels deep (which JSON.parse builds happily) is reported
 * instead of overflowing the stack here.
 */
export function makeStorable(value: unknown, rootPath = "", maxDepth = MAX_JSON_DEPTH): Storable {
  let root = value;
  let replaced = 0;
  const stack: { v: unknown; path: string; depth: number; set: (v: unknown) => void }[] = [
    { v: value, path: rootPath, depth: 0, set: (v) => (root = v) },
  ];
  while (stack.length) {
    const { v, path, depth, set } = stack.pop()!;
    if (typeof v === "string") {
      const s = storableText(v);
      if (s !== v) {
        replaced++;
        set(s);
      }
      continue;
    }
    if (typeof v !== "object" || v === null) continue;
    if (depth >= maxDepth) return { ok: false, problem: { path, reason: `nests deeper than ${maxDepth} levels of objects and arrays` } };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: jsonPath(path, i), depth: depth + 1, set: (x) => (v[i] = x) });
      continue;
    }
    let obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.some((k) => storableText(k) !== k)) {
      // Rebuilt, so the keys keep their order.
      const rebuilt: Record<string, unknown> = {};
      for (const k of keys) {
        const key = storableText(k);
        if (key !== k) replaced++;
        if (Object.hasOwn(rebuilt, key))
          return {
            ok: false,
            problem: {
              path: jsonPath(path, key),
              reason: "two keys are the same once NUL characters or lone surrogates in them are replaced",
            },
          };
        setOwn(rebuilt, key, obj[k]);
      }
      set(rebuilt);
      obj = rebuilt;
    }
    const target = obj;
    const own = Object.keys(target);
    for (let i = own.length - 1; i >= 0; i--) {
      const k = own[i]!;
      stack.push({ v: target[k], path: jsonPath(path, k), depth: depth + 1, set: (x) => setOwn(target, k, x) });
    }
  }
  return { ok: true, value: root, replaced };
}

/** "Span.Args.x: nests deeper than …", or the reason alone for the root. */
export function describeProblem(p: StorableProblem): string {
  return p.path ? `${p.path}: ${p.reason}` : p.reason;
}
