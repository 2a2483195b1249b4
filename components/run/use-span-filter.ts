"use client";
// Search within a run: names, models and error heads match at once from the outline; payloads match through
// the server (debounced), since the page never holds them. Type and errors-only filters narrow further.
import { useEffect, useMemo, useState } from "react";
import { indexOfSeq, withAncestors, type Outline } from "@/lib/trajectory/outline";

export interface SpanFilter {
  query: string;
  type: string;
  errorsOnly: boolean;
}

export const NO_FILTER: SpanFilter = { query: "", type: "", errorsOnly: false };

export interface FilterResult {
  /** 1 for spans that match; null when no filter is set */
  matches: Uint8Array | null;
  /** matches and their ancestors */
  shown: Uint8Array | null;
  count: number;
  /** payload search still running for the current text */
  searching: boolean;
}

function usePayloadHits(jobId: string, query: string): { q: string; seqs: number[] } | null {
  const [hits, setHits] = useState<{ q: string; seqs: number[] } | null>(null);
  useEffect(() => {
    const q = query.trim();
    if (q.length < 2) return;
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

export function useFilterResult(jobId: string, o: Outline | null, f: SpanFilter): FilterResult {
  const hits = usePayloadHits(jobId, f.query);
  const q = f.query.trim().toLowerCase();
  const payload = hits && hits.q.toLowerCase() === q ? hits.seqs : null;
  return useMemo(() => {
    if (!o || (!q && !f.type && !f.errorsOnly)) return { matches: null, shown: null, count: 0, searching: false };
    const nameHit = o.names.map((n) => n.toLowerCase().includes(q));
    const modelHit = o.models.map((m) => m !== "" && m.toLowerCase().includes(q));
    const typeHit = o.types.map((t) => t.toLowerCase().includes(q));
    const inPayload = new Uint8Array(o.count);
    for (const seq of payload ?? []) {
      const i = indexOfSeq(o, seq);
      if (i >= 0) inPayload[i] = 1;
    }
    const wantType = f.type ? o.types.indexOf(f.type) : -1;
    const matches = new Uint8Array(o.count);
    let count = 0;
    for (let i = 0; i < o.count; i++) {
      if (f.type && o.type[i] !== wantType) continue;
      if (f.errorsOnly && !o.errors.has(i)) continue;
      if (q && !(nameHit[o.name[i]!] || modelHit[o.model[i]!] || typeHit[o.type[i]!] || inPayload[i] || o.errors.get(i)?.toLowerCase().includes(q))) continue;
      matches[i] = 1;
      count++;
    }
    return { matches, shown: withAncestors(o, matches), count, searching: q.length >= 2 && payload === null };
  }, [o, q, f.type, f.errorsOnly, payload]);
}
