"use client";
// Loads the run's outline (shapes of all spans, no payloads), decoded into columns with the tree linked.
import { startTransition, useEffect, useState } from "react";
import { decodeOutline, type Outline, type OutlineJson } from "@/lib/trajectory/outline";

/** Loads again when `version` changes (a live run got new or finished spans), keeping the old outline meanwhile. */
export function useOutline(jobId: string, version = ""): { outline: Outline | null; error: string | null } {
  const [state, setState] = useState<{ outline: Outline | null; error: string | null }>({ outline: null, error: null });
  useEffect(() => {
    const ctrl = new AbortController();
    fetch(`/api/jobs/${jobId}/outline`, { signal: ctrl.signal })
      .then(async (r) => {
        if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
        const outline = decodeOutline((await r.json()) as OutlineJson);
        // A transition: drawing the whole outline yields to the reader's clicks and keys (and to a permalink's
        // selection on arrival) instead of holding them up behind it.
        startTransition(() => setState({ outline, error: null }));
      })
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setState({ outline: null, error: e instanceof Error ? e.message : String(e) });
      });
    return () => ctrl.abort();
  }, [jobId, version]);
  return state;
}
