// Splits a syzkaller program into tokens for highlighting (no grammar for it ships with shiki). The format is
// syzkaller's prog text (prog/encoding.go): one call per line, `r0 = name$variant(args)`, `#` comments,
// addresses `&(0x7f…)`, strings in '…' or hex in "…", resources r0, r1, … .

export type SyzTokenKind = "comment" | "call" | "resource" | "string" | "number" | "plain";

export interface SyzToken {
  kind: SyzTokenKind;
  text: string;
}

const TOKEN = /(#.*$)|('(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?)|(\br\d+\b)|([A-Za-z_][\w$]*)(?=\()|(\b0x[0-9a-fA-F]+\b|\b\d+\b)/g;

/** The tokens of one line; concatenated they are the line again. */
export function syzLineTokens(line: string): SyzToken[] {
  const out: SyzToken[] = [];
  let last = 0;
  for (const m of line.matchAll(TOKEN)) {
    if (m.index > last) out.push({ kind: "plain", text: line.slice(last, m.index) });
    const kind: SyzTokenKind = m[1] ? "comment" : m[2] ? "string" : m[3] ? "resource" : m[4] ? "call" : "number";
    out.push({ kind, text: m[0] });
    last = m.index + m[0].length;
  }
  if (last < line.length) out.push({ kind: "plain", text: line.slice(last) });
  return out;
}
