// The shortest-edit alignment of two lists of step keys, interned as integers (lib/compare/align.ts): a task of the
// worker pool (lib/workers/pool.ts), so the diff of two long runs is not one piece of the main thread's work. Pure: it
// imports only jsdiff, so a worker thread loads it cheaply.
import { diffArrays } from "diff";

/** Two lists of interned step keys and the time the alignment may take (ms). */
export interface AlignKeysInput {
  a: Int32Array;
  b: Int32Array;
  ms: number;
}

/**
 * The aligned pairs of `a` and `b` by a shortest-edit diff (jsdiff diffArrays, Myers' O(ND) algorithm), as
 * indices [i0, j0, i1, j1, …] with a[i] === b[j], ascending in both; null when the diff did not end within `ms`
 * (its cost grows with length × differences: two lists of 5,000 keys in another order take seconds).
 */
export function alignKeys({ a, b, ms }: AlignKeysInput): Int32Array | null {
  const changes = diffArrays(Array.from(a), Array.from(b), { timeout: ms });
  if (!changes) return null;
  const pairs: number[] = [];
  let i = 0;
  let j = 0;
  for (const c of changes) {
    const n = c.count ?? c.value.length;
    if (c.removed) i += n;
    else if (c.added) j += n;
    else for (let k = 0; k < n; k++) pairs.push(i++, j++);
  }
  return Int32Array.from(pairs);
}
