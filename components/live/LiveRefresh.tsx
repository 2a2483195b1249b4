"use client";
// The header's live mark of a pending or running run. The run's spans reach the tree through the page's live store
// (./live-run.ts) without a reload; only when the run's status moves (taken, finished, failed) is the page rendered
// again, once, for its header and verdict.
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { useLiveRun } from "./use-live-run";

export function LiveRefresh({ jobId, status }: { jobId: string; status: string }) {
  const router = useRouter();
  const live = useLiveRun(jobId, status);
  useEffect(() => {
    if (live.status !== status) router.refresh();
  }, [live.status, status, router]);
  return (
    <span className="inline-flex items-center gap-1 text-xs text-sky-700" data-testid="live" data-connected={live.connected}>
      <span className={`h-2 w-2 rounded-full ${live.connected ? "animate-pulse bg-sky-500" : "bg-slate-300"}`} aria-hidden />
      {live.connected ? "live" : "connecting…"}
    </span>
  );
}
