"use client";
// Search within a run: names, models and error heads match at once from the outline; payloads match through the
// server (debounced), since the page never holds them. The matching itself is filterSpans (./span-filter.ts).
import { useEffect, useMemo, useState } from "react";
import type { Outline } from "@/lib/trajectory/outline";
import { formatBytes } from "@/lib/format";
import { filterSpans, foldedQuery, searchesPayloads, type FilterResult, type SpanFilter } from "@/components/run/span-filter";

interface PayloadHits {
  q: string;
  seqs: number[];
  note?: string;
}

interface SearchAnswer {
  seqs?: number[];
  stopped?: { bytes: number; atSeq: number } | null;
  error?: string;
}

/** "search stopped at 64 MB: spans from #1200 on not searched in full" (the server reads a bounded share of a huge run). */
function noteOf(body: SearchAnswer, ok: boolean): string | undefined {
  if (!ok) return `payloads not searched: ${body.error ?? "the server did not answer"}`;
  if (body.stopped)
    return `search stopped at ${formatBytes(body.stopped.bytes)}: spans from #${body.stopped.atSeq} on not searched in full`;
  return undefined;
}

function usePayloadHits(jobId: string, query: string): PayloadHits | null {
  const [hits, setHits] = useState<PayloadHits | null>(null);
  useEffect(() => {
    if (!searchesPayloads(query)) return;
    const q = query.trim();
    const ctrl = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/api/jobs/${jobId}/spans?q=${encodeURIComponent(q)}`, { signal: ctrl.signal })
        .then(async (r) => ({ ok: r.ok, body: (await r.json().catch(() => ({}))) as SearchAnswer }))
        .then(({ ok, body }) => setHits({ q, seqs: ok ? (body.seqs ?? []) : [], note: noteOf(body, ok) }))
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
  const current = hits && foldedQuery(hits.q) === foldedQuery(f.query) ? hits : null;
  const payload = current ? current.seqs : null;
  const note = current?.note;
  return useMemo(() => ({ ...filterSpans(o, f, payload), payloadNote: note }), [o, f, payload, note]);
}
