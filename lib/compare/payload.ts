// A step's payload (Args, Results, Error) as text to compare line by line: the JSON in the agent's key order, and every
// multi-line or long string written out under its key, one line per line, so a changed PatchDiff shows as the lines that
// changed rather than one escaped line holding the whole patch. Differences only in line endings or trailing
// whitespace are said as such.
import { diffLines, type Change } from "diff";
import { JsonTextError, parseJsonText } from "@/lib/text/json";
import { layoutJson } from "@/lib/trajectory/fold";

/** The payload fields compared; Args and Results are the JSON text stored (null: absent). */
export interface PayloadFields {
  args: string | null;
  results: string | null;
  error: string | null;
}

/** Prefix of the lines of a string written out under its key. */
export const BLOCK_PREFIX = "│ ";

function jsonLines(text: string, field: string, out: string[]): void {
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
    const indent = " ".repeat(line.length - line.trimStart().length + 2);
    out.push(`${indent}${block.path}:`);
    for (const l of block.value.split("\n")) out.push(`${indent}${BLOCK_PREFIX}${l}`);
  });
}

/** The payload as lines of text (see the file's comment); a CR of a CRLF line ending stays at its line's end. */
export function payloadText(p: PayloadFields): string {
  const out: string[] = [];
  if (p.args != null) jsonLines(p.args, "Args", out);
  if (p.results != null) jsonLines(p.results, "Results", out);
  if (p.error != null) {
    out.push("Error:");
    for (const l of p.error.split("\n")) out.push(`${BLOCK_PREFIX}${l}`);
  }
  return out.join("\n") + "\n";
}

/** How a text ends its lines. */
export function lineEndings(text: string): "CRLF" | "LF" | "mixed" | "none" {
  const crlf = (text.match(/\r\n/g) ?? []).length;
  const lf = (text.match(/\n/g) ?? []).length - crlf;
  if (!crlf && !lf) return "none";
  return crlf && lf ? "mixed" : crlf ? "CRLF" : "LF";
}

const normalizeEndings = (t: string) => t.replace(/\r\n/g, "\n");
const trimLineEnds = (t: string) => t.replace(/[ \t]+$/gm, "");

/** Two payloads compared: the line diff to show, and what kind of difference it is. */
export interface PayloadDiff {
  /** line changes (jsdiff): diffed with line endings normalized when they are not the difference's only kind */
  parts: Change[];
  /** "line-endings": only CRLF vs LF; "trailing-whitespace": only spaces or tabs at line ends; "content": anything else */
  kind: "line-endings" | "trailing-whitespace" | "content";
  /** a sentence on line endings when they differ (A's and B's), else null */
  endings: string | null;
}

/** The difference between two payload texts (payloadText), or null when they are the same. */
export function comparePayloads(a: string, b: string): PayloadDiff | null {
  if (a === b) return null;
  const ea = lineEndings(a);
  const eb = lineEndings(b);
  const endings = ea !== eb ? `line endings differ: A uses ${ea}, B uses ${eb}` : null;
  const na = normalizeEndings(a);
  const nb = normalizeEndings(b);
  if (na === nb) return { parts: diffLines(a, b), kind: "line-endings", endings };
  const kind = trimLineEnds(na) === trimLineEnds(nb) ? "trailing-whitespace" : "content";
  return { parts: diffLines(na, nb), kind, endings };
}
