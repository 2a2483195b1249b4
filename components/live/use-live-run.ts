"use client";
// A component's view of the page's live run store (./live-run.ts).
import { startTransition, useEffect, useRef, useState } from "react";
import { liveRun, type LiveRunState } from "./live-run";

/**
 * The run's outline, load error, status and connection, kept current while an agent reports. `status` is the one the
 * page was rendered with; later the store's own events move it (a re-render with a newer status changes nothing here).
 */
export function useLiveRun(jobId: string, status: string): LiveRunState {
  const rendered = useRef(status);
  const [state, setState] = useState<LiveRunState>({ outline: null, error: null, status, connected: false, version: 0 });
  useEffect(() => {
    const run = liveRun(jobId, rendered.current);
    // A transition: drawing a whole outline yields to the reader's clicks and keys instead of holding them up.
    const update = () => startTransition(() => setState(run.state));
    const unsubscribe = run.subscribe(update);
    update();
    return unsubscribe;
  }, [jobId]);
  return state;
}
