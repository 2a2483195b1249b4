"use client";
// "Rerun triage" / "Rerun": queues a new job with the same inputs (POST /api/jobs/<id>/rerun) and opens it.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { failureReason } from "@/lib/http/failure-reason";
import { isLive } from "@/lib/runs/status";

export function RerunButton({ jobId, workflow, status, allowed }: { jobId: string; workflow: string; status: string; allowed: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const ended = !isLive(status);
  const label = workflow === "patch-triage" ? "Rerun triage" : "Rerun";
  const title = !allowed
    ? "Operators and admins can rerun; sign in as one"
    : ended
      ? "Queue a new run with the same inputs"
      : `This run is ${status}; rerun it once it has ended`;
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        disabled={pending || !ended || !allowed}
        title={title}
        className="rounded bg-sky-700 px-3 py-1 text-sm font-medium text-white hover:bg-sky-800 disabled:cursor-not-allowed disabled:bg-slate-300"
        onClick={() =>
          startTransition(async () => {
            setError(null);
            const response = await fetch(`/api/jobs/${jobId}/rerun`, { method: "POST" }).catch(() => null);
            if (!response) return setError("the app did not answer; try again");
            if (!response.ok) return setError(await failureReason(response));
            const { id } = (await response.json()) as { id: string };
            router.push(`/jobs/${id}`);
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
