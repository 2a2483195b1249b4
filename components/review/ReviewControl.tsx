"use client";
// The reviewer's mark on a run: everyone sees it; operators set it to correct or incorrect, or clear it.
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { failureReason } from "@/lib/http/failure-reason";
import { formatTime } from "@/lib/format";

interface Props {
  jobId: string;
  correct: boolean | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  canReview: boolean;
}

const choices = [
  { value: true, label: "Correct", on: "bg-emerald-600 text-white border-emerald-600" },
  { value: false, label: "Incorrect", on: "bg-red-600 text-white border-red-600" },
] as const;

export function ReviewControl({ jobId, correct, reviewedBy, reviewedAt, canReview }: Props) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const mark = (value: boolean | null) =>
    startTransition(async () => {
      setError(null);
      const response = await fetch(`/api/jobs/${jobId}/review`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ correct: value }),
      }).catch(() => null);
      if (!response) return setError("the app did not answer; try again");
      if (!response.ok) return setError(await failureReason(response));
      router.refresh();
    });
  const who = correct !== null && (
    <span className="text-xs text-slate-500" data-testid="review-by">
      {correct ? "correct" : "incorrect"}
      {reviewedBy ? ` · ${reviewedBy}` : ""}
      {reviewedAt ? ` · ${formatTime(reviewedAt)} UTC` : ""}
    </span>
  );
  if (!canReview) return correct === null ? null : <span className="inline-flex items-center gap-2 text-sm">Review: {who}</span>;
  return (
    <span className="inline-flex items-center gap-2 text-sm" role="group" aria-label="Review">
      <span className="text-slate-600">Review:</span>
      {choices.map((c) => (
        <button
          key={c.label}
          type="button"
          disabled={pending}
          aria-pressed={correct === c.value}
          onClick={() => mark(correct === c.value ? null : c.value)}
          title={correct === c.value ? "Click again to clear the mark" : `Mark this run ${c.label.toLowerCase()}`}
          className={`rounded border px-2 py-0.5 text-xs font-medium ${correct === c.value ? c.on : "border-slate-300 bg-white text-slate-700 hover:bg-slate-50"}`}
        >
          {c.label}
        </button>
      ))}
      {who}
      {error && (
        <span role="alert" className="text-red-700">
          {error}
        </span>
      )}
    </span>
  );
}
