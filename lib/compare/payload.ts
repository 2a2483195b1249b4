// A step's payload (Args, Results, Error) as text to compare line by line: the JSON in the agent's key order, and every
// multi-line or long string written out under its key, one line per line, so a changed PatchDiff shows as the lines that
// changed rather than one escaped line holding the whole patch. Differences only in line endings or trailing
// whitespace are said as such.
import { diffLines, type Change } from "diff";
import { JsonTextError, parseJsonText, sortKeys, stringifyJson } from "@/lib/text/json";
import { layoutJson } from "@/lib/trajectory/fold";
import { trimLineEnds } from "@/lib/text/trim";

/** The payload fields compared; Args and Results are the JSON text stored (null: absent). */
export interface PayloadFields {
  args: string | null;
  results: string | null;
  error: string | null;
}

/** Prefix of the lines of a string written out under its key. */
export const BLOCK_PREFIX = "│ ";

function jsonLines(text: string, field: string, out: string[], values: string[]): void {
  let layout;
  try {
    layout = layoutJson(parseJsonText(text), field);
  } catch (e) {
    if (!(e instanceof JsonTextError)) throw e;
    out.push(`${field}: ${text}`);
    return;
  }
  out.push(`${field}:`);
  layout.text.split("\n").forEach((line, i) => {
    const block = layout.blocks.get(i);
    out.push(block ? `${line.slice(0, block.from)}⟨${block.path}, below⟩${line.slice(block.to)}` : line);
    if (!block) return;
    values.push(block.value);
    const indent = " ".repeat(line.length - line.trimStart().length + 2);
    out.push(`${indent}${block.path}:`);
    for (const l of block.value.split("\n")) out.push(`${indent}${BLOCK_PREFIX}${l}`);
  });
}

/** A payload written out for comparing: its text, and how the strings written out line by line end their lines. */
export interface PayloadText {
  /** the lines (see the file's comment); a CR of a CRLF line ending stays at its line's end */
  text: string;
  endings: ReturnType<typeof lineEndings>;
  /** the fields it was written from (for the key-order check, done only when two texts differ in content) */
  fields: PayloadFields;
}

/** The payload with every object's keys sorted (numbers as written): equal for payloads that differ only in key order. */
const sortedPayload = (p: PayloadFields) => [sortedField(p.args), sortedField(p.results), p.error ?? ""].join("\u0000");

function sortedField(text: string | null): string {
  if (text == null) return "";
  try {
    // Keys sorted, numbers as written (no rounding of big integers): equal for payloads that differ only in key order.
    return stringifyJson(sortKeys(parseJsonText(text)), 0);
  } catch (e) {
    if (!(e instanceof JsonTextError)) throw e;
    return text;
  }
}

/** The payload as lines of text (see the file's comment). */
export function payloadText(p: PayloadFields): PayloadText {
  const out: string[] = [];
  const values: string[] = [];
  if (p.args != null) jsonLines(p.args, "Args", out, values);
  if (p.results != null) jsonLines(p.results, "Results", out, values);
  if (p.error != null) {
    values.push(p.error);
    out.push("Error:");
    for (const l of p.error.split("\n")) out.push(`${BLOCK_PREFIX}${l}`);
  }
  // Each value on its own: the newlines joining them are not theirs.
  const kinds = new Set(values.map(lineEndings).filter((k) => k !== "none"));
  const endings = kinds.size === 0 ? "none" : kinds.size === 1 ? [...kinds][0]! : "mixed";
  return { text: out.join("\n") + "\n", endings, fields: p };
}

/** How a text ends its lines. */
export function lineEndings(text: string): "CRLF" | "LF" | "mixed" | "none" {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  if (!crlf && !lf) return "none";
  return crlf && lf ? "mixed" : crlf ? "CRLF" : "LF";
}

const normalizeEndings = (t: string) => t.replace(/\r\n/g, "\n");

/** Two payloads compared: the line diff to show, and what kind of difference it is. */
export interface PayloadDiff {
  /** line changes (jsdiff): diffed with line endings normalized when they are not the difference's only kind */
  parts: Change[];
  /**
   * "line-endings": only CRLF vs LF; "trailing-whitespace": only spaces or tabs at line ends; "key-order": the same
   * values with object keys in another order; "content": anything else
   */
  kind: "line-endings" | "trailing-whitespace" | "key-order" | "content";
  /** a sentence on line endings when they differ (A's and B's), else null */
  endings: string | null;
  /** true when the line diff ran out of time: `parts` is then all of A removed and all of B added */
  whole?: true;
}

/**
 * The line diff of two texts, or, when it would not end by `deadline` (a Date.now() time), A removed and B added
 * whole. A shortest-edit diff costs (lines × differing lines): two payloads of 8,000 different lines took 12 s of the
 * server's one thread, and a compare page is open to every reader.
 */
function linesOrWhole(a: string, b: string, deadline: number): { parts: Change[]; whole?: true } {
  const parts = diffLines(a, b, { timeout: Math.max(0, deadline - Date.now()) });
  if (parts) return { parts };
  const count = (t: string) => t.split("\n").length - (t.endsWith("\n") ? 1 : 0);
  return {
    parts: [
      { value: a, added: false, removed: true, count: count(a) },
      { value: b, added: true, removed: false, count: count(b) },
    ],
    whole: true,
  };
}

/**
 * The difference between two payloads (payloadText), or null when they are the same. The line diff stops at
 * `deadline` (Date.now() time; by default 1 s from now) and then shows both whole (`whole`).
 */
export function comparePayloads(pa: PayloadText, pb: PayloadText, deadline = Date.now() + 1000): PayloadDiff | null {
  const [a, b] = [pa.text, pb.text];
  if (a === b) return null;
  const endings = pa.endings !== pb.endings ? `line endings differ: A uses ${pa.endings}, B uses ${pb.endings}` : null;
  const na = normalizeEndings(a);
  const nb = normalizeEndings(b);
  if (na === nb) return { ...linesOrWhole(a, b, deadline), kind: "line-endings", endings };
  const kind =
    trimLineEnds(na) === trimLineEnds(nb)
      ? "trailing-whitespace"
      : sortedPayload(pa.fields) === sortedPayload(pb.fields)
        ? "key-order"
        : "content";
  return { ...linesOrWhole(na, nb, deadline), kind, endings };
}
