// Shape 4: the text a person gets by copying a rendered trajectory page; rows of "Seq/Nesting time type name" plus blocks.
import { KNOWN_SPAN_TYPES, type ImportedRun } from "@/lib/trajectory/span";
import { deriveJob } from "./derive";
import { ImportError } from "./errors";
import { spansFromRaw } from "./merge";
import { BLOCK_LABELS, splitBlocks, type BlockLabel } from "./page-copy-blocks";
import { formatTimestampNs, parseTimestampNs } from "@/lib/trajectory/time";
import { trim } from "@/lib/text/trim";

// The timestamp cell is empty for Go's zero time, so it is optional, but only for known span types.
const ROW = /^(\d+)\/(\d+)[ \t]+(?:(\d{4})\/(\d{2})\/(\d{2})[ \t]+(\d{2}):(\d{2})[ \t]+)?(\S+)(?:[ \t]+(\S+))?(?:[ \t]+(\S.*))?$/;
const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
// Matched on the line with its blanks trimmed (summaryOf): three adjacent [ \t]* runs backtrack cubically.
const SUMMARY = new RegExp(`^(\\d[\\dhdms]*)?[ \\t]*(?:(${BLOCK_LABELS.join("|")}):)?$`);
/** A summary line's parts — [1] the duration ("1m5s"), [2] the first block's label — or null when it is none. */
const summaryOf = (line: string) => SUMMARY.exec(trim(line, " \t"));
const TABLE_HEADER = /^Seq\s+Timestamp\s+Type\s+Name\s+Duration\s*$/;
const ZERO_TIME = "0001-01-01T00:00:00Z";
const MINUTE_MS = 60_000;
const SUCCESSOR_WINDOW = 256;

/** True when text looks like a page copy: the page title, the table header, or a row first. */
export function looksLikePageCopy(text: string): boolean {
  const head = text.slice(0, 4000);
  if (/^\s*AI Trajectory\b/.test(head)) return true;
  const lines = head.split("\n").map((l) => l.trimEnd());
  return lines.some((l) => TABLE_HEADER.test(l)) || ROW.test(lines.find((l) => l.trim() !== "") ?? "");
}

interface Row {
  line: number;
  seq: number;
  nesting: number;
  type: string;
  name: string;
  /** RFC 3339, minute precision */
  started: string;
  /** ms since epoch; null for the zero time (an empty timestamp cell), which orders with nothing */
  startMs: number | null;
  /** the summary text: the header's tail, or the next line */
  summary: string;
  bodyStart: number;
}

interface Duration {
  ms: number;
  /** the unit of the last printed part: "2m" is 2m..3m, "1d02h" is up to an hour more */
  precisionMs: number;
}

/** "2m", "1h05m", "1d02h", "10d" as the page prints Finished - Started (truncated); null if not a duration. */
export function parseDuration(s: string): Duration | null {
  const m = DURATION.exec(s.trim());
  if (!m || s.trim() === "") return null;
  const [d, h, mi, sec] = [m[1], m[2], m[3], m[4]].map((x) => (x === undefined ? undefined : Number(x)));
  const ms = (d ?? 0) * 86_400_000 + (h ?? 0) * 3_600_000 + (mi ?? 0) * MINUTE_MS + (sec ?? 0) * 1000;
  const precisionMs = sec !== undefined ? 1000 : mi !== undefined ? MINUTE_MS : h !== undefined ? 3_600_000 : 86_400_000;
  return { ms, precisionMs };
}

function rowAt(lines: readonly string[], i: number, end: number): Row | null {
  const m = ROW.exec((lines[i] as string).trimEnd());
  if (!m) return null;
  const [, seq, nesting, y, mo, d, h, mi, type, name, tail] = m;
  if (y === undefined && !(KNOWN_SPAN_TYPES as readonly string[]).includes(type as string)) return null;
  const next = i + 1 < end ? (lines[i + 1] as string).trimEnd() : "";
  // A real row is followed by its summary (duration, maybe the first label) or directly by the next row.
  const nextIsRow = tail === undefined && ROW.test(next);
  const summary = tail ?? (nextIsRow ? "" : next);
  const parts = summaryOf(summary);
  if (!parts) return null;
  const dur = parts[1];
  if (dur !== undefined && !parseDuration(dur)) return null;
  // Built as text, not with Date.UTC, which would read year 0001 as 1901.
  const started = y === undefined ? ZERO_TIME : `${y}-${mo}-${d}T${h}:${mi}:00Z`;
  const ns = parseTimestampNs(started);
  if (ns === null) return null;
  return {
    line: i,
    seq: Number(seq),
    nesting: Number(nesting),
    type: type as string,
    name: name ?? "",
    started,
    startMs: y === undefined ? null : Number(ns / 1_000_000n),
    summary,
    bodyStart: tail !== undefined || nextIsRow ? i + 1 : i + 2,
  };
}

/**
 * Picks the real rows among all row-like lines: Seq goes up by exactly one, Nesting grows by at
 * most one and, under a Nesting-0 root (the flow), never returns to 0; start times do not go
 * backwards or past the root's end. Of the chains that pass, the longest wins, then the one whose
 * rows come latest (a row header quoted in text precedes the real one).
 */
function chooseRows(cands: readonly Row[]): Row[] {
  const root = cands[0];
  if (!root) return [];
  const rootDur = parseDuration(summaryOf(root.summary)?.[1] ?? "");
  const rootEnd = root.startMs !== null && rootDur ? root.startMs + rootDur.ms + rootDur.precisionMs + MINUTE_MS : null;
  const fits = (prev: Row, next: Row) =>
    next.seq === prev.seq + 1 &&
    next.nesting <= prev.nesting + 1 &&
    (root.nesting !== 0 || next.nesting > 0) &&
    (prev.startMs === null || next.startMs === null || next.startMs >= prev.startMs) &&
    (rootEnd === null || next.startMs === null || next.startMs <= rootEnd);
  const bySeq = new Map<number, number[]>();
  cands.forEach((c, i) => {
    const list = bySeq.get(c.seq);
    if (list) list.push(i);
    else bySeq.set(c.seq, [i]);
  });
  const best: { len: number; next: number }[] = new Array(cands.length);
  for (let i = cands.length - 1; i >= 0; i--) {
    const c = cands[i] as Row;
    let choice = { len: 1, next: -1 };
    const next = bySeq.get(c.seq + 1) ?? [];
    let lo = 0; // first successor after i (lists are in line order)
    for (let hi = next.length; lo < hi;) {
      const mid = (lo + hi) >> 1;
      if ((next[mid] as number) <= i) lo = mid + 1;
      else hi = mid;
    }
    // Text quoting the same rows thousands of times would make this quadratic; the real next row
    // is among the first after this one or the last (quotes precede it), so look only there.
    const tail = Math.max(lo + SUCCESSOR_WINDOW, next.length - SUCCESSOR_WINDOW);
    for (let x = lo; x < next.length; x = x + 1 === lo + SUCCESSOR_WINDOW ? Math.max(x + 1, tail) : x + 1) {
      const j = next[x] as number;
      const b = best[j];
      if (b && fits(c, cands[j] as Row) && 1 + b.len >= choice.len) choice = { len: 1 + b.len, next: j };
    }
    best[i] = choice;
  }
  const out: Row[] = [];
  for (let i = 0; i >= 0; i = (best[i] as { next: number }).next) out.push(cands[i] as Row);
  return out;
}

/** Where the trajectory ends: the last "LLM Calls Summary" that a "Tool Calls Summary" follows. */
function trajectoryEnd(lines: readonly string[]): number {
  let tool = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i] as string;
    if (tool < 0 && /^Tool Calls Summary:?\s*$/.test(l)) tool = i;
    if (tool >= 0 && /^LLM Calls Summary:?\s*$/.test(l)) return i;
  }
  return lines.length;
}

export function parsePageCopy(file: string, text: string): ImportedRun {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const end = trajectoryEnd(lines);
  const header = lines.findIndex((l, i) => i < end && TABLE_HEADER.test(l.trimEnd()));
  const cands: Row[] = [];
  for (let i = header + 1; i < end; i++) {
    const r = rowAt(lines, i, end);
    if (r) cands.push(r);
  }
  const rows = chooseRows(cands);
  if (rows.length === 0) {
    throw new ImportError(file, `no trajectory rows found (expected lines like "0/0 2026/06/29 12:05 flow patch-triage")`);
  }
  const raws = rows.map((row, k) => {
    const bodyEnd = k + 1 < rows.length ? (rows[k + 1] as Row).line : end;
    const where = `row ${row.seq}/${row.nesting} (line ${row.line + 1})`;
    const summary = summaryOf(row.summary);
    const dur = summary?.[1] ? parseDuration(summary[1]) : null;
    const { started } = row;
    const span: Record<string, unknown> = { Seq: row.seq, Nesting: row.nesting, Type: row.type, Name: row.name, Started: started };
    // The page prints a duration only for finished spans; an empty one means still running.
    if (dur) span.Finished = formatTimestampNs((parseTimestampNs(started) ?? 0n) + BigInt(dur.ms) * 1_000_000n);
    const split = splitBlocks(
      lines.slice(row.bodyStart, bodyEnd),
      (summary?.[2] as BlockLabel | undefined) ?? null,
      row.type,
      row.bodyStart + 1,
    );
    if (typeof split === "string") throw new ImportError(file, `${where}: ${split}`);
    for (const b of split.blocks) {
      if ("value" in b) {
        if (b.value !== null) span[b.label] = b.value; // the page prints a missing map as "null"
      } else if (b.label === "Tokens") {
        if (b.input) span.InputTokens = b.input;
        if (b.output) span.OutputTokens = b.output;
        if (b.thoughts) span.OutputThoughtsTokens = b.thoughts;
      } else if ("text" in b) {
        span[b.label] = b.text;
      }
    }
    return span;
  });
  const spans = spansFromRaw(file, raws);
  return { job: deriveJob({}, spans), spans, source: "page-copy", minutePrecision: true };
}
