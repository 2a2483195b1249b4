"use client";
// "Rerun triage" / "Rerun": queues a new job with the same inputs and opens it.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { rerunAction } from "@/lib/jobs/rerun-action";

export function RerunButton({ jobId, workflow, status }: { jobId: string; workflow: string; status: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const ended = status !== "running" && status !== "pending";
  const label = workflow === "patch-triage" ? "Rerun triage" : "Rerun";
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        disabled={pending || !ended}
        title={ended ? "Queue a new run with the same inputs" : `This run is ${status}; rerun it once it has ended`}
        className="rounded bg-sky-700 px-3 py-1 text-sm font-medium text-white hover:bg-sky-800 disabled:cursor-not-allowed disabled:bg-slate-300"
        onClick={() =>
          startTransition(async () => {
            setError(null);
            const r = await rerunAction(jobId);
            if (r.ok) router.push(`/jobs/${r.id}`);
            else setError(r.reason);
          })
        }
      >
        {pending ? "Queuing…" : label}
      </button>
      {error && (
        <span role="alert" className="text-sm text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
