// Checks that a parsed JSON value can be stored and processed: bounded nesting, no NUL characters, no lone surrogates.
import { MAX_JSON_DEPTH } from "@/lib/limits";

export interface StorableProblem {
  /** where in the value, as "Span.Args.files[3]" ("" for the value itself) */
  path: string;
  reason: string;
}

function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  const k = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key.slice(0, 40));
  return path ? `${path}.${k}` : k;
}

// PostgreSQL text and jsonb cannot hold U+0000; jsonb refuses a lone surrogate escape ("\ud800").
function textProblem(s: string): string | null {
  if (s.includes("\u0000")) return "contains a NUL character (\\u0000), which cannot be stored";
  if (!s.isWellFormed()) return "contains a lone UTF-16 surrogate (not valid Unicode)";
  return null;
}

/**
 * The first problem found, or null. Iterative, so a value nested a million levels deep (which
 * JSON.parse builds happily) is reported instead of overflowing the stack here.
 */
export function storableProblem(value: unknown, rootPath = "", maxDepth = MAX_JSON_DEPTH): StorableProblem | null {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: rootPath, depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === "string") {
      const p = textProblem(v);
      if (p) return { path, reason: p };
      continue;
    }
    if (typeof v !== "object" || v === null) continue;
    if (depth >= maxDepth) return { path, reason: `nests deeper than ${maxDepth} levels of objects and arrays` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: join(path, i), depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(v as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, child] = entries[i]!;
      const kp = textProblem(k);
      if (kp) return { path: join(path, k), reason: `key ${kp}` };
      stack.push({ v: child, path: join(path, k), depth: depth + 1 });
    }
  }
  return null;
}

/** "Span.Args.x: contains a NUL character …", or the reason alone for the root. */
export function describeProblem(p: StorableProblem): string {
  return p.path ? `${p.path}: ${p.reason}` : p.reason;
}
