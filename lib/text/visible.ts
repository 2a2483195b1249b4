// Names and keys as a reader can trust them: characters that are invisible or that move other characters around
// (bidi controls such as U+202E RIGHT-TO-LEFT OVERRIDE, zero-width characters, control codes, tag characters) are
// shown as ⟨U+202E⟩, so "grepper-<U+202E>gnp.exe" cannot pass for "grepper-exe.png" anywhere a name is shown.

// Cc (controls), Cf (format: bidi controls, zero-width, soft hyphen, tags, BOM), Zl/Zp (line and paragraph
// separators), and letters that render as blank space (Hangul fillers, the braille blank).
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\u115F\u1160\u3164\uFFA0\u2800]/u;
const HIDDEN_ALL = new RegExp(HIDDEN.source, "gu");

/** One piece of a shown name: plain text, or a hidden character written as its code point. */
export type NameSegment = { text: string } | { code: string; char: string };

/** "U+202E" for one code point. */
export function codePointLabel(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** True when the text holds a character visibleName would spell out. */
export function hasHiddenCharacters(text: string): boolean {
  return HIDDEN.test(text);
}

/** The text split into plain pieces and hidden characters (as code points), for drawing the latter as marks. */
export function nameSegments(text: string): NameSegment[] {
  if (!hasHiddenCharacters(text)) return [{ text }];
  const out: NameSegment[] = [];
  let last = 0;
  for (const m of text.matchAll(HIDDEN_ALL)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index) });
    out.push({ code: codePointLabel(m[0]), char: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/**
 * A span name, model, payload key or any short label as text a reader can trust: each hidden character becomes
 * "⟨U+202E⟩". For titles, tooltips and search (lib/text/search.ts indexes names this way, so search matches what is shown).
 */
export function visibleName(text: string): string {
  return hasHiddenCharacters(text) ? text.replace(HIDDEN_ALL, (c) => `⟨${codePointLabel(c)}⟩`) : text;
}
