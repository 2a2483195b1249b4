"use client";
// Keeps a pending or running run's page current: when the server reports a change, re-render the page.
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

interface LiveState {
  status: string;
  spans: number;
  finishedSpans: number;
}

/** `rendered` is the state the page was rendered with, so a change between render and connect is not missed. */
export function LiveRefresh({ jobId, rendered }: { jobId: string; rendered: LiveState }) {
  const router = useRouter();
  const [connected, setConnected] = useState(false);
  const renderedKey = `${rendered.status}/${rendered.spans}/${rendered.finishedSpans}`;
  useEffect(() => {
    const events = new EventSource(`/api/jobs/${jobId}/events`);
    let last = renderedKey;
    events.onopen = () => setConnected(true);
    events.addEventListener("change", (e) => {
      const s = JSON.parse((e as MessageEvent<string>).data) as LiveState;
      const key = `${s.status}/${s.spans}/${s.finishedSpans}`;
      if (key !== last) {
        last = key;
        router.refresh();
      }
      // An ended run sends no more changes; stop EventSource from reconnecting.
      if (s.status !== "pending" && s.status !== "running") events.close();
    });
    events.onerror = () => setConnected(false);
    return () => events.close();
  }, [jobId, renderedKey, router]);
  return (
    <span className="inline-flex items-center gap-1 text-xs text-sky-700" data-testid="live" data-connected={connected}>
      <span className={`h-2 w-2 rounded-full ${connected ? "animate-pulse bg-sky-500" : "bg-slate-300"}`} aria-hidden />
      {connected ? "live" : "connecting…"}
    </span>
  );
}
