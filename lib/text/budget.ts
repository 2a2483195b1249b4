// What a page shows of a stored value: the first items of a list, the first characters of a text, the first
// characters of a JSON value, and how much was left out, so a page's size follows its display budget
// (lib/limits.ts, DISPLAY_*) and never what an agent stored. A run whose results held 1.9M short strings once made
// one GET of its page render 551 MB of HTML over 384 s; with these, it renders the first items and "N more".
// Client-safe (no server imports): the same cuts serve server-rendered cards and client views.

/** The first `max` items of `list` and how many were left out. */
export function headItems<T>(list: readonly T[], max: number): { items: T[]; more: number } {
  return list.length <= max ? { items: [...list], more: 0 } : { items: list.slice(0, max), more: list.length - max };
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
 * ends early (it then ends with "…"). Values come from JSON.parse, so there are no cycles; depth is bounded at input
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
  const walk = (v: unknown, indent: string): boolean => {
    if (v === null || typeof v !== "object") return put(JSON.stringify(v) ?? "null");
    const inner = indent + "  ";
    if (Array.isArray(v)) {
      if (v.length === 0) return put("[]");
      if (!put("[")) return false;
      for (let i = 0; i < v.length; i++) {
        if (!put(`${i ? "," : ""}\n${inner}`) || !walk(v[i], inner)) return false;
      }
      return put(`\n${indent}]`);
    }
    let first = true;
    if (!put("{")) return false;
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      if (!put(`${first ? "" : ","}\n${inner}${JSON.stringify(k)}: `) || !walk((v as Record<string, unknown>)[k], inner)) return false;
      first = false;
    }
    return put(first ? "}" : `\n${indent}}`);
  };
  walk(value, "");
  return { text: out.join(""), cut };
}
