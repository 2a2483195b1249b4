"use client";
// Keeps a pending or running run's page current: when the server reports a change, re-render the page.
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

interface LiveState {
  status: string;
  spans: number;
  finishedSpans: number;
}

interface ChangeEvent {
  status: string;
  /** new or changed spans in outline form (lib/trajectory/outline.ts); empty seq list when only the status moved */
  spans: { seq: number[] };
}

/** `rendered` is the state the page was rendered with, so a change between render and connect is not missed. */
export function LiveRefresh({ jobId, rendered }: { jobId: string; rendered: LiveState }) {
  const router = useRouter();
  const [connected, setConnected] = useState(false);
  const renderedStatus = rendered.status;
  useEffect(() => {
    // No position yet: the first event catches up with every span, and any change since rendering shows.
    const events = new EventSource(`/api/jobs/${jobId}/events`);
    let first = true;
    events.onopen = () => setConnected(true);
    events.addEventListener("change", (e) => {
      const s = JSON.parse((e as MessageEvent<string>).data) as ChangeEvent;
      const changed = first ? s.status !== renderedStatus || s.spans.seq.length > 0 : true;
      first = false;
      if (changed) router.refresh();
      // An ended run sends no more changes; stop EventSource from reconnecting.
      if (s.status !== "pending" && s.status !== "running") events.close();
    });
    events.onerror = () => setConnected(false);
    return () => events.close();
  }, [jobId, renderedStatus, router]);
  return (
    <span className="inline-flex items-center gap-1 text-xs text-sky-700" data-testid="live" data-connected={connected}>
      <span className={`h-2 w-2 rounded-full ${connected ? "animate-pulse bg-sky-500" : "bg-slate-300"}`} aria-hidden />
      {connected ? "live" : "connecting…"}
    </span>
  );
}
