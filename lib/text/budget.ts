// What a page shows of a stored value: the first items of a list, the first characters of a text, the first
// characters of a JSON value, and how much was left out, so a page's size follows its display budget
// (lib/limits.ts, DISPLAY_*) and never what an agent stored. A run whose results held 1.9M short strings once made
// one GET of its page render 551 MB of HTML over 384 s; with these, it renders the first items and "N more".
// Client-safe (no server imports): the same cuts serve server-rendered cards and client views.
import { budgetJsonText, type JsonBudget, type JsonCut } from "@/lib/text/json-scan";

/** Lists and objects read cut (lib/text/json-scan.ts budgetJsonText): how many items or members were stored. */
const storedCounts = new WeakMap<object, number>();

/**
 * Marks `value` (an array or object read from a budgeted JSON text) as holding only its first items or members of
 * `total` stored: headItems and jsonHead then count the rest as "N more", so a value cut when read is never shown as
 * if it were whole.
 */
export function markCut(value: object, total: number): void {
  storedCounts.set(value, total);
}

/** How many items a list (or members an object) had as stored: its own length unless it was read cut (markCut). */
export function storedCount(value: object): number {
  return storedCounts.get(value) ?? (Array.isArray(value) ? value.length : Object.keys(value).length);
}

/** True when `value` or any list or object within it was read cut (markCut): equal cut values may differ as stored. */
export function holdsCut(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if (storedCounts.has(value)) return true;
  return Object.values(value).some(holdsCut);
}

/** Items of a list (members of an object) left out when it was read cut (markCut); 0 for anything read whole. */
export function unreadCount(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const total = storedCounts.get(value);
  return total === undefined ? 0 : total - (Array.isArray(value) ? value.length : Object.keys(value).length);
}

/** The first `max` items of `list` and how many were left out (of what was stored, when it was read cut). */
export function headItems<T>(list: readonly T[], max: number): { items: T[]; more: number } {
  const total = storedCounts.get(list) ?? list.length;
  const items = list.length <= max ? [...list] : list.slice(0, max);
  return { items, more: total - items.length };
}

/**
 * The first `max` UTF-16 units of `text` (never splitting a surrogate pair) and how many units were left out.
 */
export function headText(text: string, max: number): { text: string; more: number } {
  if (text.length <= max) return { text, more: 0 };
  let end = max;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return { text: text.slice(0, end), more: text.length - end };
}

/** The texts of one value cut to share `max` characters: the first ones whole, then the rest cut or empty. */
export function headTexts(texts: readonly string[], max: number): { text: string; more: number }[] {
  let left = max;
  return texts.map((t) => {
    const h = headText(t, Math.max(left, 0));
    left -= h.text.length;
    return h;
  });
}

/**
 * `value` as indented JSON (JSON.stringify(value, null, 2)'s form), written only up to about `max` characters: the
 * walk stops there, so a value of millions of elements costs what is shown, not what is stored. `cut` says the text
 * ends early (it then ends with "…") or holds a list or object read cut (markCut), which ends with a line
 * "… N more items" (or "keys"). Values come from JSON.parse, so there are no cycles; depth is bounded at input
 * (MAX_JSON_DEPTH).
 */
export function jsonHead(value: unknown, max: number): { text: string; cut: boolean } {
  const out: string[] = [];
  let length = 0;
  let cut = false;
  const put = (s: string): boolean => {
    if (cut) return false;
    if (length + s.length > max) {
      out.push(s.slice(0, Math.max(0, max - length)), "…");
      cut = true;
      return false;
    }
    out.push(s);
    length += s.length;
    return true;
  };
  let partial = false;
  /** The line that stands for the items or members of `v` not read (markCut), or "". */
  const rest = (v: object, kept: number, unit: string, first: boolean, inner: string): string => {
    const total = storedCounts.get(v);
    if (total === undefined || total <= kept) return "";
    partial = true;
    return `${first ? "" : ","}\n${inner}… ${(total - kept).toLocaleString("en-US")} more ${unit}`;
  };
  const walk = (v: unknown, indent: string): boolean => {
    if (v === null || typeof v !== "object") return put(JSON.stringify(v) ?? "null");
    const inner = indent + "  ";
    if (Array.isArray(v)) {
      const more = rest(v, v.length, "items", v.length === 0, inner);
      if (v.length === 0 && !more) return put("[]");
      if (!put("[")) return false;
      for (let i = 0; i < v.length; i++) {
        if (!put(`${i ? "," : ""}\n${inner}`) || !walk(v[i], inner)) return false;
      }
      return put(`${more}\n${indent}]`);
    }
    let first = true;
    let kept = 0;
    if (!put("{")) return false;
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      if (!put(`${first ? "" : ","}\n${inner}${JSON.stringify(k)}: `) || !walk((v as Record<string, unknown>)[k], inner)) return false;
      first = false;
      kept++;
    }
    const more = rest(v, kept, "keys", first, inner);
    return put(first && !more ? "}" : `${more}\n${indent}}`);
  };
  walk(value, "");
  return { text: out.join(""), cut: cut || partial };
}

/**
 * The value of a JSON text read cut by budgetJsonText (lib/text/json-scan.ts): parsed, each list or object read short
 * marked with the count it had (markCut). `cuts` comes from budgetJsonText over the same text (it may have run on a
 * worker thread); the text is small by its budget.
 */
export function parseBudgeted({ text, cuts }: { text: string; cuts: readonly JsonCut[] }): unknown {
  const value = JSON.parse(text) as unknown;
  for (const cut of cuts) {
    let at: unknown = value;
    for (const step of cut.path) at = at !== null && typeof at === "object" ? (at as Record<string | number, unknown>)[step] : undefined;
    if (at !== null && typeof at === "object") markCut(at, cut.total);
  }
  return value;
}

/** A JSON text read within `budget` (budgetJsonText, then parseBudgeted) on this thread: for small texts and tests. */
export function readBudgeted(text: string, budget: JsonBudget): unknown {
  return parseBudgeted(budgetJsonText(text, budget));
}
