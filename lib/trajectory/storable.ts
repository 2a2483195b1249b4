// Makes a parsed JSON value storable: bounded nesting, and text PostgreSQL cannot hold (NUL, lone surrogates) replaced.
import { MAX_JSON_DEPTH } from "@/lib/limits";
import { setOwn } from "@/lib/text/own-key";

export interface StorableProblem {
  /** where in the value, as "Span.Args.files[3]" ("" for the value itself) */
  path: string;
  reason: string;
}

export type Storable = { ok: true; value: unknown; replaced: number } | { ok: false; problem: StorableProblem };

/** What a NUL or a lone surrogate is stored as: U+FFFD, the replacement character, as toWellFormed() writes. */
export const REPLACEMENT_CHARACTER = "\uFFFD";

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

interface Frame {
  /** the object or array whose members are being visited */
  container: Record<string, unknown> | unknown[];
  /** an object's own keys (null for an array) */
  keys: string[] | null;
  /** the next member to visit */
  next: number;
  /** where the container sits in its parent (unused for the root) */
  key: string | number;
}

/** The path of a member of the innermost frame: built only for the one problem reported, never per element. */
function pathOf(rootPath: string, frames: readonly Frame[], key: string | number): string {
  let path = rootPath;
  for (let i = 1; i < frames.length; i++) path = jsonPath(path, frames[i]!.key);
  return jsonPath(path, key);
}

const DEPTH_REASON = (maxDepth: number) => `nests deeper than ${maxDepth} levels of objects and arrays`;
const SAME_KEYS_REASON = "two keys are the same once NUL characters or lone surrogates in them are replaced";

/** The object with its keys made storable (rebuilt, so the keys keep their order), or the key two keys became. */
function storableKeys(obj: Record<string, unknown>, keys: string[]): { obj: Record<string, unknown>; fixed: number } | { clash: string } {
  let fixed = 0;
  const rebuilt: Record<string, unknown> = {};
  for (const k of keys) {
    const key = storableText(k);
    if (key !== k) fixed++;
    if (Object.hasOwn(rebuilt, key)) return { clash: key };
    setOwn(rebuilt, key, obj[k]);
  }
  return { obj: rebuilt, fixed };
}

function needsNewKeys(keys: readonly string[]): boolean {
  for (const k of keys) if (storableText(k) !== k) return true;
  return false;
}

/**
 * The value with every NUL and lone surrogate in its strings and keys replaced (in place where it can be), and how
 * many strings and keys changed; or the first problem: nesting deeper than `maxDepth`, or two keys of one object that
 * become the same. Iterative, so a value nested a million levels deep (which JSON.parse builds happily) is reported
 * instead of overflowing the stack here. Linear in the value's size with no allocation per element (a frame per
 * object or array on the way down, a keys array per object): a path is built only for the problem it reports.
 */
export function makeStorable(value: unknown, rootPath = "", maxDepth = MAX_JSON_DEPTH): Storable {
  if (typeof value === "string") {
    const s = storableText(value);
    return { ok: true, value: s, replaced: s === value ? 0 : 1 };
  }
  if (typeof value !== "object" || value === null) return { ok: true, value, replaced: 0 };
  if (maxDepth <= 0) return { ok: false, problem: { path: rootPath, reason: DEPTH_REASON(maxDepth) } };
  let replaced = 0;
  let root: Record<string, unknown> | unknown[] = value as Record<string, unknown> | unknown[];
  if (!Array.isArray(root)) {
    const keys = Object.keys(root);
    if (needsNewKeys(keys)) {
      const r = storableKeys(root, keys);
      if ("clash" in r) return { ok: false, problem: { path: jsonPath(rootPath, r.clash), reason: SAME_KEYS_REASON } };
      root = r.obj;
      replaced += r.fixed;
    }
  }
  const frames: Frame[] = [{ container: root, keys: Array.isArray(root) ? null : Object.keys(root), next: 0, key: "" }];
  while (frames.length) {
    const top = frames[frames.length - 1]!;
    const { container, keys } = top;
    const length = keys ? keys.length : (container as unknown[]).length;
    if (top.next >= length) {
      frames.pop();
      continue;
    }
    const i = top.next++;
    const key = keys ? keys[i]! : i;
    const v = (container as Record<string | number, unknown>)[key];
    if (typeof v === "string") {
      const s = storableText(v);
      if (s !== v) {
        replaced++;
        if (keys) setOwn(container as Record<string, unknown>, key as string, s);
        else (container as unknown[])[i] = s;
      }
      continue;
    }
    if (typeof v !== "object" || v === null) continue;
    if (frames.length >= maxDepth) return { ok: false, problem: { path: pathOf(rootPath, frames, key), reason: DEPTH_REASON(maxDepth) } };
    let child = v as Record<string, unknown> | unknown[];
    let childKeys: string[] | null = null;
    if (!Array.isArray(child)) {
      childKeys = Object.keys(child);
      if (needsNewKeys(childKeys)) {
        const r = storableKeys(child, childKeys);
        if ("clash" in r) {
          frames.push({ container: child, keys: childKeys, next: 0, key });
          return { ok: false, problem: { path: pathOf(rootPath, frames, r.clash), reason: SAME_KEYS_REASON } };
        }
        replaced += r.fixed;
        child = r.obj;
        childKeys = Object.keys(child);
        if (keys) setOwn(container as Record<string, unknown>, key as string, child);
        else (container as unknown[])[i] = child;
      }
    }
    frames.push({ container: child, keys: childKeys, next: 0, key });
  }
  return { ok: true, value: root, replaced };
}

/** "Span.Args.x: nests deeper than …", or the reason alone for the root. */
export function describeProblem(p: StorableProblem): string {
  return p.path ? `${p.path}: ${p.reason}` : p.reason;
}
