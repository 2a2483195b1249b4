// What save-run keeps on a job for the history's filters and full-text search: its models, its agents and its search text.
import type { Span } from "@/lib/trajectory/span";
import { resultFields } from "@/lib/workflows/verdict";

/** tsvector input is capped well below PostgreSQL's 1 MB limit; the start of a long text is what people search for. */
const MAX_SEARCH_TEXT = 100_000;

/** Result fields whose string items are searched: symbols, kernel configs, e-mail tags. */
const SEARCHED_LISTS: ReadonlySet<string> = new Set(["list", "configs", "tags"]);

function distinct(values: Iterable<string>): string[] {
  return [...new Set([...values].filter((v) => v !== ""))].sort();
}

export interface SearchFieldsInput {
  workflow: string;
  description: string;
  link: string;
  results: unknown;
  error: string | null;
  spans: readonly Pick<Span, "Type" | "Name" | "Model" | "Error">[];
}

export function searchFields(
  run: SearchFieldsInput,
  words: readonly string[] = resultWords(run),
): { models: string[]; agents: string[]; searchText: string } {
  // llm spans carry the concrete model; agent spans may only name a tier (best-expensive), which nobody filters by.
  const models = distinct(run.spans.filter((s) => s.Type === "llm").map((s) => s.Model ?? ""));
  const agents = distinct(run.spans.filter((s) => s.Type === "agent").map((s) => s.Name));
  const parts = [
    run.workflow,
    run.description,
    run.link,
    ...words,
    run.error ?? "",
    distinct(run.spans.map((s) => s.Name)).join(" "),
    distinct(run.spans.map((s) => s.Error ?? "")).join(" "),
  ];
  return { models, agents, searchText: parts.filter(Boolean).join(" ").slice(0, MAX_SEARCH_TEXT) };
}

/** What of a run's results its search text takes (searchFields' `words`). */
export function resultWords(run: Pick<SearchFieldsInput, "workflow" | "description" | "link" | "results">): string[] {
  // The results' prose, short values and names (Reasoning, Explanation, a reproduced bug's title, FocusSymbols,
  // EnableConfigs, Reviewed-by): what people remember a run by. Code, diffs and crash reports would drown them.
  // Taken only while the text is short of MAX_SEARCH_TEXT (the rest would be cut): a done's list of 600,000 names
  // held the event loop 460-550 ms here (bench:hostile, load ~10). `chars` is the joined text's length so far.
  const words: string[] = [];
  let chars = [run.workflow, run.description, run.link].reduce((n, p) => n + (p ? p.length + 1 : 0), 0);
  const take = (v: unknown) => {
    if (typeof v !== "string" || chars > MAX_SEARCH_TEXT + 1) return;
    words.push(v);
    if (v) chars += v.length + 1;
  };
  for (const f of resultFields(run.workflow, run.results).fields) {
    if ((f.spec.kind === "text" || f.spec.kind === "line") && typeof f.value === "string") take(f.value);
    else if (SEARCHED_LISTS.has(f.spec.kind) && Array.isArray(f.value))
      for (const v of f.value) {
        if (chars > MAX_SEARCH_TEXT + 1) break;
        take(v);
      }
  }
  return words;
}

/** resultWords of results stored as JSON text (null: none), parsed where it runs: a worker thread for a large one (lib/ingest/recompute.ts). */
export function resultWordsOfText(
  run: Pick<SearchFieldsInput, "workflow" | "description" | "link"> & { resultsText: string | null },
): string[] {
  return resultWords({ ...run, results: run.resultsText == null ? null : JSON.parse(run.resultsText) });
}
