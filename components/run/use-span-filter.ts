"use client";
// Search within a run: names, models and error heads match at once from the outline; payloads match through the
// server (debounced), since the page never holds them. The matching itself is filterSpans (./span-filter.ts).
import { useEffect, useMemo, useState } from "react";
import type { Outline } from "@/lib/trajectory/outline";
import { filterSpans, foldedQuery, searchesPayloads, type FilterResult, type SpanFilter } from "@/components/run/span-filter";

function usePayloadHits(jobId: string, query: string): { q: string; seqs: number[] } | null {
  const [hits, setHits] = useState<{ q: string; seqs: number[] } | null>(null);
  useEffect(() => {
    if (!searchesPayloads(query)) return;
    const q = query.trim();
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/api/jobs/${jobId}/spans?q=${encodeURIComponent(q)}`, { signal: ctrl.signal })
        .then((r) => (r.ok ? (r.json() as Promise<{ seqs: number[] }>) : { seqs: [] }))
        .then((body) => setHits({ q, seqs: body.seqs }))
        .catch(() => {
          // a failed search must not say "searching…" forever: names still match
          if (!ctrl.signal.aborted) setHits({ q, seqs: [] });
        });
    }, 250);
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [jobId, query]);
  return hits;
}

export function useFilterResult(jobId: string, o: Outline, f: SpanFilter): FilterResult {
  const hits = usePayloadHits(jobId, f.query);
  // Hits of an earlier query (still on screen while the new one is asked) do not count.
  const payload = hits && foldedQuery(hits.q) === foldedQuery(f.query) ? hits.seqs : null;
  return useMemo(() => filterSpans(o, f, payload), [o, f, payload]);
}
