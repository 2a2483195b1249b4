// What a job keeps about its spans — totals, models, agents, search text — computed the same way for imports and
// agents; lib/ingest/digest.ts writes it. Pure (no server-only import): a worker thread computes a large run's
// (digestOfFacts, lib/ingest/recompute.ts).
import { searchFields, type SearchFieldsInput } from "@/lib/history/search-fields";
import { runTotals, type RunTotals, type SummarySpan } from "@/lib/trajectory/summary";
import { parentIndices } from "@/lib/trajectory/tree";
import { MAX_QUERY_TEXT_CHARS, MAX_RUN_SUMMARY_NAMES } from "@/lib/limits";

/**
 * The job's columns derived from its spans: the run's totals (lib/trajectory/summary.ts runTotals), their sum, and
 * the models and agents for the history's filters (token totals are int8 columns: sums never overflow them).
 */
export interface JobDigest extends RunTotals {
  totalTokens: number;
  models: string[];
  agents: string[];
  /** what the job's search_vector is made of */
  searchText: string;
}

/**
 * What of a run's distinct model or agent names the summary column keeps: each cut at MAX_QUERY_TEXT_CHARS (no filter
 * can name a longer one, and a GIN key must stay under ~2.7 KB), at most MAX_RUN_SUMMARY_NAMES of them. The spans keep
 * every name; this column only serves the history's filters.
 */
function fitting(names: readonly string[]): string[] {
  const cut = [...new Set(names.map((n) => n.slice(0, MAX_QUERY_TEXT_CHARS)))];
  return cut.length > MAX_RUN_SUMMARY_NAMES ? cut.slice(0, MAX_RUN_SUMMARY_NAMES) : cut;
}

/** Totals and search fields of a run from its job fields and spans (any order); `words`: resultWords of its results, when known. */
export function jobDigest(job: Omit<SearchFieldsInput, "spans">, spans: readonly SummarySpan[], words?: readonly string[]): JobDigest {
  const totals = runTotals(spans);
  const search = searchFields(
    { ...job, spans: spans.map((s) => ({ Type: s.type, Name: s.name, Model: s.model ?? undefined, Error: s.error ?? undefined })) },
    words,
  );
  return {
    ...totals,
    totalTokens: totals.inputTokens + totals.outputTokens + totals.thoughtsTokens,
    models: fitting(search.models),
    agents: fitting(search.agents),
    searchText: search.searchText,
  };
}

/**
 * One stored span's facts as recompute reads them (one JSON array per span, in seq order): seq, nesting, parent_seq,
 * type, name, model, start and finish (µs since the epoch, to the millisecond as a Date reads them; finish null when
 * open), error, input, output and thoughts tokens.
 */
type FactRow = [
  number,
  number,
  number | null,
  string,
  string,
  string | null,
  number,
  number | null,
  string | null,
  number | null,
  number | null,
  number | null,
];

/** A run's job fields, its spans' facts as UTF-8 JSON (FactRow[]; null for none), and resultWords of its results. */
export interface FactsInput {
  job: Omit<SearchFieldsInput, "spans">;
  factsJson: Uint8Array | null;
  words?: readonly string[];
}

/** The digest of a run's facts, and the spans whose stored parent_seq is not the one their nesting gives. */
export interface FactsDigest {
  digest: JobDigest;
  changedSeqs: number[];
  changedParents: (number | null)[];
}

/**
 * Parents (lib/trajectory/tree.ts parentIndices: spans arrive out of order, so parents are only right once all are in)
 * and the job's digest from its spans' facts (FactRow) as UTF-8 JSON. A worker thread's task for a large run: a
 * 200,000-span run's digest held the event loop 1-2.5 s.
 */
export function digestOfFacts(input: FactsInput): FactsDigest {
  const rows = (input.factsJson === null ? null : (JSON.parse(new TextDecoder().decode(input.factsJson)) as FactRow[] | null)) ?? [];
  const parents = parentIndices(rows.length, (i) => rows[i]![1]);
  const changedSeqs: number[] = [];
  const changedParents: (number | null)[] = [];
  rows.forEach((r, i) => {
    const parent = parents[i]! < 0 ? null : rows[parents[i]!]![0];
    if (parent !== r[2]) {
      changedSeqs.push(r[0]);
      changedParents.push(parent);
    }
  });
  const spans: SummarySpan[] = rows.map((r) => ({
    seq: r[0],
    nesting: r[1],
    type: r[3],
    name: r[4],
    model: r[5],
    startUs: r[6],
    finishUs: r[7],
    error: r[8],
    inputTokens: r[9],
    outputTokens: r[10],
    outputThoughtsTokens: r[11],
  }));
  return { digest: jobDigest(input.job, spans, input.words), changedSeqs, changedParents };
}
