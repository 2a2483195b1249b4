// Splits a syzkaller program into tokens for highlighting (no grammar for it ships with shiki). The format is
// syzkaller's prog text (prog/encoding.go): one call per line, `r0 = name$variant(args)`, `#` comments,
// addresses `&(0x7f…)`, strings in '…' or hex in "…", resources r0, r1, … .
// A scanner, not one alternation regex: tried at every position, /[A-Za-z_][\w$]*(?=\()/ rescans a long word that is
// not a call from each of its characters, which is quadratic, and the program is a model's text.

export type SyzTokenKind = "comment" | "call" | "resource" | "string" | "number" | "plain";

export interface SyzToken {
  kind: SyzTokenKind;
  text: string;
}

const isWord = (c: string | undefined) => c !== undefined && /\w/.test(c);
const isIdent = (c: string | undefined) => c !== undefined && /[\w$]/.test(c);

/** The end of a quoted string that starts at `from` (a backslash escapes the next character; unclosed: the line's end). */
function stringEnd(line: string, from: number): number {
  const quote = line[from];
  let i = from + 1;
  while (i < line.length) {
    const c = line[i];
    if (c === quote) return i + 1;
    if (c === "\\") {
      if (i + 1 >= line.length) return i;
      i += 2;
    } else i++;
  }
  return i;
}

/** The kind of the word line[from, to) (a run of \w that starts at a word boundary), and where its token ends. */
function wordToken(line: string, from: number, to: number): [SyzTokenKind, number] {
  const word = line.slice(from, to);
  if (/^r\d+$/.test(word)) return ["resource", to];
  if (/^(?:0x[0-9a-fA-F]+|\d+)$/.test(word)) return ["number", to];
  if (/^\d/.test(word)) return ["plain", to];
  let end = to;
  while (isIdent(line[end])) end++;
  return [line[end] === "(" ? "call" : "plain", end];
}

/** The tokens of one line; concatenated they are the line again. Linear in the line's length. */
export function syzLineTokens(line: string): SyzToken[] {
  const out: SyzToken[] = [];
  let plainFrom = 0;
  const push = (kind: SyzTokenKind, from: number, to: number) => {
    if (kind === "plain") return;
    if (from > plainFrom) out.push({ kind: "plain", text: line.slice(plainFrom, from) });
    out.push({ kind, text: line.slice(from, to) });
    plainFrom = to;
  };
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === "#") {
      push("comment", i, line.length);
      i = line.length;
    } else if (c === "'" || c === '"') {
      const end = stringEnd(line, i);
      push("string", i, end);
      i = end;
    } else if (isWord(c) && !isWord(line[i - 1])) {
      let to = i + 1;
      while (isWord(line[to])) to++;
      const [kind, end] = wordToken(line, i, to);
      push(kind, i, end);
      i = end;
    } else i++;
  }
  if (plainFrom < line.length) out.push({ kind: "plain", text: line.slice(plainFrom) });
  return out;
}
