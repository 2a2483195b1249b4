// Tool output as a terminal shows it: SGR colours and styles kept, every other escape sequence dropped, and each line
// after carriage returns as the terminal leaves it ("progress 10%\rprogress 100%" shows "progress 100%"). The text this
// draws is exactly visibleText (./search.ts) of the input, so what search matches is what the reader sees.
import { ANSI_SEQUENCE } from "@/lib/text/search";

/** One run of equally styled text; colours are CSS colours. */
export interface StyledRun {
  text: string;
  color?: string;
  bgColor?: string;
  /** bit flags: 1 italic, 2 bold, 4 underline, 8 strikethrough (shiki's FontStyle) */
  fontStyle?: number;
}
export type StyledLine = StyledRun[];

/** The tokens an ANSI tokenizer gives per line (shiki's ThemedToken has these fields). */
export interface AnsiToken {
  content: string;
  color?: string;
  bgColor?: string;
  fontStyle?: number;
}

// eslint-disable-next-line no-control-regex -- SGR: ESC [ digits and separators m, the one sequence a reader sees (as colour)
const SGR = /^(?:\u001b\[|\u009b)[0-9;]*m$/;

/** True when the text holds escape sequences or carriage returns that a terminal would not print as they are. */
export function hasTerminalCodes(text: string): boolean {
  return text.includes("\u001b") || text.includes("\u009b") || /\r(?!\n)/.test(text);
}

/**
 * The text with every escape sequence removed except SGR (colours, bold, …), C1 SGR written as ESC [: the input an
 * ANSI tokenizer can colour without mistaking an erase-line or a cursor move for part of a colour code.
 */
export function sgrOnly(text: string): string {
  return text.replace(ANSI_SEQUENCE, (seq) => (SGR.test(seq) ? (seq.startsWith("\u009b") ? `\u001b[${seq.slice(1)}` : seq) : ""));
}

function sameStyle(a: StyledRun, b: AnsiToken): boolean {
  return a.color === b.color && a.bgColor === b.bgColor && (a.fontStyle ?? 0) === (b.fontStyle ?? 0);
}

/**
 * Styled lines as a terminal leaves them: within a line a carriage return moves back to its start and what follows
 * overwrites (the same rule as collapseCarriageReturns). `lines` are the tokenizer's lines of sgrOnly(text).
 */
export function collapseStyledLines(lines: readonly (readonly AnsiToken[])[]): StyledLine[] {
  return lines.map((tokens) => {
    if (!tokens.some((t) => t.content.includes("\r"))) return mergeRuns(tokens.map((t) => ({ ...t })));
    // Cells of one character each (code points, as a terminal has them), written at the cursor.
    const cells: { ch: string; style: AnsiToken }[] = [];
    let cursor = 0;
    for (const t of tokens) {
      for (const ch of t.content) {
        if (ch === "\r") {
          cursor = 0;
          continue;
        }
        cells[cursor++] = { ch, style: t };
      }
    }
    return mergeRuns(cells.map((c) => ({ content: c.ch, color: c.style.color, bgColor: c.style.bgColor, fontStyle: c.style.fontStyle })));
  });
}

function mergeRuns(tokens: AnsiToken[]): StyledLine {
  const out: StyledRun[] = [];
  for (const t of tokens) {
    if (!t.content) continue;
    const last = out.at(-1);
    if (last && sameStyle(last, t)) last.text += t.content;
    else out.push({ text: t.content, color: t.color, bgColor: t.bgColor, fontStyle: t.fontStyle });
  }
  return out;
}

/** The plain text of styled lines (equal to visibleText of the input they were made from). */
export function styledText(lines: readonly StyledLine[]): string {
  return lines.map((l) => l.map((r) => r.text).join("")).join("\n");
}

// C0 controls (but newline and tab) as their Control Pictures (U+2400 + code), DEL as ␡, C1 CSI as ␛[.
// eslint-disable-next-line no-control-regex -- control characters are what this makes visible
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g;

/** The stored text with its control characters visible ("␛[1;31m", "␍"): the raw view, one toggle from the rendered one. */
export function showControls(text: string): string {
  return text.replace(CONTROLS, (c) => (c === "\u007f" ? "␡" : c === "\u009b" ? "␛[" : String.fromCharCode(0x2400 + c.charCodeAt(0))));
}

/**
 * The text as coloured terminal lines. Colours come from shiki's ANSI tokenizer (already the app's highlighter, loaded
 * with the details panel; its theme's terminal palette matches the rest of the panel), fed only SGR sequences
 * (sgrOnly), then carriage returns collapsed. Loads shiki on first use.
 */
export async function renderTerminal(text: string): Promise<StyledLine[]> {
  const [{ tokenizeAnsiWithTheme, normalizeTheme }, theme] = await Promise.all([
    import("shiki/core"),
    import("shiki/themes/github-light.mjs"),
  ]);
  resolved ??= normalizeTheme(theme.default);
  return collapseStyledLines(tokenizeAnsiWithTheme(resolved, sgrOnly(text)));
}

let resolved: Parameters<typeof import("shiki/core").tokenizeAnsiWithTheme>[0] | undefined;
