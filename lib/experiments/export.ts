// An experiment as a file: CSV with one line per (original, rerun) pair, or JSON with the experiment, its analysis and
// the pairs. Pure.
import { EXPERIMENT_LIST_ITEMS, LIST_FIELDS, rerunCell, type ExperimentReport, type Pair } from "@/lib/experiments/analysis";

/**
 * One CSV field: quoted when it holds a comma, a semicolon, a tab, a quote or a line break — a spreadsheet whose list
 * separator is ";" or a tab (most European locales) would split an unquoted field there and read each piece as a cell,
 * so "a;=1+1" would run a formula. A text starting with = + - @ (or a tab or CR) gets a leading ' so that a
 * spreadsheet shows it instead of running it: descriptions and workflow names come from patches, agents and imports.
 */
export function csvField(v: string | number | boolean | null): string {
  if (v === null) return "";
  let s = String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",;\t\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = [
  "original_id",
  "rerun_id",
  "workflow",
  "description",
  "original_status",
  "rerun_status",
  "original_verdict",
  "rerun_verdict",
  "flipped",
  "review_mark",
  "original_tokens",
  "rerun_tokens",
  "original_cost_usd",
  "rerun_cost_usd",
  "original_cost_partial",
  "rerun_cost_partial",
  "original_duration_ms",
  "rerun_duration_ms",
  ...LIST_FIELDS.map((f) => `${f}_jaccard`),
] as const;

const yesNo = (v: boolean | null) => (v === null ? null : v ? "yes" : "no");

function csvLine(p: Pair): string {
  const cell = rerunCell(p.rerun);
  const flipped = p.original.verdict !== null && (cell === "yes" || cell === "no") ? (cell === "yes") !== p.original.verdict : null;
  const lists = LIST_FIELDS.map((f) => {
    const j = p.listJaccard[f];
    return j != null && cell !== "pending" ? Number(j.toFixed(4)) : null;
  });
  const partial = (c: Pair["original"]) => c.totalTokens > 0 && (c.costUsd === null || c.costUnpriced > 0);
  return [
    p.original.id,
    p.rerun.id,
    p.workflow,
    p.description,
    p.original.status,
    p.rerun.status,
    yesNo(p.original.verdict),
    cell === "pending" ? null : cell,
    flipped,
    p.originalCorrect === null ? null : p.originalCorrect ? "correct" : "incorrect",
    p.original.totalTokens,
    p.rerun.totalTokens,
    p.original.costUsd,
    p.rerun.costUsd,
    partial(p.original),
    partial(p.rerun),
    p.original.durationMs,
    p.rerun.durationMs,
    ...lists,
  ]
    .map(csvField)
    .join(",");
}

/** RFC 4180 CSV (CRLF line ends), a header line first. */
export function experimentCsv(pairs: readonly Pair[]): string {
  return [CSV_COLUMNS.join(","), ...pairs.map(csvLine)].join("\r\n") + "\r\n";
}

export interface ExperimentExport<E> {
  experiment: E;
  report: ExperimentReport;
  pairs: readonly Pair[];
}

/**
 * The experiment, its analysis and its pairs as JSON. A pair carries what was compared, not the runs' lists: each
 * list's item count (`lists`) and the pair's Jaccard index over their first `listItemsCompared` items (`listJaccard`);
 * the lists themselves are in each run's JSON (GET /api/jobs/<id>). Carrying them made 1,000 pairs a 60 MB file
 * written in one piece; now its size follows the pairs alone (a few hundred bytes each).
 */
export function experimentJson<E>(data: ExperimentExport<E>): string {
  return JSON.stringify({ ...data, listItemsCompared: EXPERIMENT_LIST_ITEMS }, null, 2);
}
