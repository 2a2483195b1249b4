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

export function searchFields(run: SearchFieldsInput): { models: string[]; agents: string[]; searchText: string } {
  // llm spans carry the concrete model; agent spans may only name a tier (best-expensive), which nobody filters by.
  const models = distinct(run.spans.filter((s) => s.Type === "llm").map((s) => s.Model ?? ""));
  const agents = distinct(run.spans.filter((s) => s.Type === "agent").map((s) => s.Name));
  // The results' prose, short values and names (Reasoning, Explanation, a reproduced bug's title, FocusSymbols,
  // EnableConfigs, Reviewed-by): what people remember a run by. Code, diffs and crash reports would drown them.
  const words = resultFields(run.workflow, run.results).fields.flatMap((f) => {
    if ((f.spec.kind === "text" || f.spec.kind === "line") && typeof f.value === "string") return [f.value];
    if (SEARCHED_LISTS.has(f.spec.kind) && Array.isArray(f.value)) return f.value.filter((v): v is string => typeof v === "string");
    return [];
  });
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
