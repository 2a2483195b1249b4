"use client";
// "Rerun triage" / "Rerun": queues a new job with the same inputs (POST /api/jobs/<id>/rerun) and opens it. Before
// queueing it says when the rerun cannot go anywhere: the run lacks an input its workflow needs (no button), or no agent
// has asked for the workflow lately (queued only once the operator confirms).
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { failureReason } from "@/lib/http/failure-reason";
import { isLive } from "@/lib/runs/status";
import type { RerunReadiness } from "@/lib/runs/rerun-readiness";

export function RerunButton({
  jobId,
  workflow,
  status,
  allowed,
  readiness,
}: {
  jobId: string;
  workflow: string;
  status: string;
  allowed: boolean;
  /** from the page (lib/runs/rerun-readiness.ts); absent: nothing known, the button just queues */
  readiness?: RerunReadiness;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const ended = !isLive(status);
  const label = workflow === "patch-triage" ? "Rerun triage" : "Rerun";
  const missing = readiness?.missing ?? [];
  const noAgent = readiness !== undefined && readiness.agentSeenAt === null;
  const title = !allowed
    ? "Operators and admins can rerun; sign in as one"
    : missing.length > 0
      ? `This run has no ${missing.join(" or ")}, which ${workflow} needs`
      : ended
        ? "Queue a new run with the same inputs"
        : `This run is ${status}; rerun it once it has ended`;
  const queue = () =>
    startTransition(async () => {
      setError(null);
      setConfirming(false);
      const response = await fetch(`/api/jobs/${jobId}/rerun`, { method: "POST" }).catch(() => null);
      if (!response) return setError("the app did not answer; try again");
      if (!response.ok) return setError(await failureReason(response));
      const { id } = (await response.json()) as { id: string };
      router.push(`/jobs/${id}`);
    });
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <button
        type="button"
        disabled={pending || !ended || !allowed || missing.length > 0}
        title={title}
        className="rounded bg-sky-700 px-3 py-1 text-sm font-medium text-white hover:bg-sky-800 disabled:cursor-not-allowed disabled:bg-slate-300"
        onClick={() => (noAgent ? setConfirming(true) : queue())}
      >
        {pending ? "Queuing…" : label}
      </button>
      {allowed && ended && missing.length > 0 && (
        <span className="text-sm text-amber-800" data-testid="rerun-blocked">
          Cannot rerun: this run has no {missing.join(" or ")}, which {workflow} needs.
        </span>
      )}
      {confirming && (
        <span
          role="alertdialog"
          aria-label="No agent takes this workflow"
          className="inline-flex flex-wrap items-center gap-2 text-sm"
          data-testid="rerun-no-agent"
        >
          <span className="text-amber-800">
            No agent has asked for {workflow} work in the last {readiness?.recentMinutes ?? 15} minutes: the rerun will wait until one does.
          </span>
          <button type="button" className="rounded px-2 py-0.5 ring-1 ring-amber-400 hover:bg-amber-50" onClick={queue}>
            Queue anyway
          </button>
          <button
            type="button"
            className="rounded px-2 py-0.5 ring-1 ring-slate-300 hover:bg-slate-100"
            onClick={() => setConfirming(false)}
          >
            Cancel
          </button>
        </span>
      )}
      {error && (
        <span role="alert" className="text-sm text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
