// What search inside a run matches: the text a reader sees, folded so that case and accents do not matter.
// Stored per span at write time (spans.search_text) and applied to the query, so the two always agree.
import { visibleName } from "@/lib/text/visible";
import { trimEnd } from "@/lib/text/trim";

// ANSI escape sequences a terminal consumes without showing: CSI (colours, cursor moves, erase: ESC [ … final, or C1
// CSI), OSC (titles, hyperlinks: ESC ] … BEL or ESC \\), DCS/SOS/PM/APC strings (ESC P, X, ^, _ … ESC \\), the other
// escapes (ESC, intermediates, one final byte: ESC 7, ESC ( B, ESC c), and an ESC that starts nothing (a terminal
// swallows it too).
/** One ANSI escape sequence (global: for replace and matchAll). */
export const ANSI_SEQUENCE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[PX^_][^\u001b]*\u001b\\|\u001b[ -/]*[0-~]|\u001b/g;

/** Text without its ANSI escape sequences (colours, erase-line, hyperlinks), as a terminal would not show them. */
export function stripAnsi(text: string): string {
  return text.includes("\u001b") || text.includes("\u009b") ? text.replace(ANSI_SEQUENCE, "") : text;
}

/**
 * Each line as a terminal leaves it after carriage returns: "50%\r100%" shows "100%", "abcdef\rXY" shows "XYcdef".
 * A CR right before the newline ("\r\n", Windows line endings) moves nothing visible and is dropped.
 */
export function collapseCarriageReturns(text: string): string {
  if (!text.includes("\r")) return text;
  return text
    .split("\n")
    .map((line) => {
      if (!line.includes("\r")) return line;
      // Cells are code points, as on a terminal (overwriting never splits an emoji's surrogate pair), written at a
      // cursor a CR moves back to the start: linear, where rebuilding the line at each CR was quadratic (a line of
      // 24,000 characters and 24,000 CRs held the server's thread for a minute).
      const cells: string[] = [];
      let cursor = 0;
      for (const ch of trimEnd(line, "\r")) {
        if (ch === "\r") cursor = 0;
        else cells[cursor++] = ch;
      }
      return cells.join("");
    })
    .join("\n");
}

/** The text as a reader sees it: escape sequences gone, carriage-return progress collapsed. */
export function visibleText(text: string): string {
  return collapseCarriageReturns(stripAnsi(text));
}

// Letters that carry their "accent" as a different letter, not a combining mark (NFKD leaves them whole).
const FOLD_LETTERS: Record<string, string> = { ß: "ss", ẞ: "ss", đ: "d", ð: "d", ø: "o", ł: "l", æ: "ae", œ: "oe", ı: "i", ς: "σ" };
const FOLD_RE = new RegExp(`[${Object.keys(FOLD_LETTERS).join("")}]`, "g");

/**
 * Folds text for matching: compatibility forms unified (NFKD: "ﬁ" → "fi", full-width → ASCII), accents dropped
 * ("Kiểm" → "kiem"), Unicode lower case ("KIỂM TRA" and "Kiểm tra" fold alike). Not for display.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(FOLD_RE, (c) => FOLD_LETTERS[c]!);
}

/** A payload key on the stack of jsonText: shown as a name (visibleName), not as a value. */
class Key {
  constructor(readonly text: string) {}
}

/** The visible text of every key and value of a JSON value, in order, one per line (strings decoded, not escaped). */
function jsonText(value: unknown, out: string[]): void {
  // Iterative: payloads may nest up to the input cap without costing stack.
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || v === undefined) continue;
    if (v instanceof Key) out.push(visibleName(v.text));
    else if (typeof v === "string") out.push(visibleText(v));
    else if (typeof v !== "object") out.push(String(v));
    else if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    else {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) stack.push(entries[i]![1], new Key(entries[i]![0]));
    }
  }
}

/** The fields of a span that search looks at (wire names; Args and Results parsed). */
export interface SearchableSpan {
  Name: string;
  Model?: string;
  Error?: string;
  Args?: unknown;
  Results?: unknown;
  Instruction?: string;
  Prompt?: string;
  Reply?: string;
  Thoughts?: string;
}

/**
 * What search inside a run matches for one span: name, model, error, the keys and decoded string values of Args and
 * Results, instruction, prompt, reply and thoughts — visible text, folded (foldForSearch), one field per line. Names,
 * models and keys are indexed as they are shown (visibleName: a hidden U+202E reads "⟨U+202E⟩").
 */
export function spanSearchText(span: SearchableSpan): string {
  const out: string[] = [visibleName(span.Name)];
  if (span.Model) out.push(visibleName(span.Model));
  if (span.Error) out.push(visibleText(span.Error));
  jsonText(span.Args, out);
  jsonText(span.Results, out);
  for (const text of [span.Instruction, span.Prompt, span.Reply, span.Thoughts]) if (text) out.push(visibleText(text));
  return foldForSearch(out.join("\n"));
}

/** The LIKE pattern that finds `query` in stored search text: folded the same way, LIKE's wildcards escaped. */
export function searchPattern(query: string): string {
  return `%${foldForSearch(visibleText(query)).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
