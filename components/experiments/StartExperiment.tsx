// "Rerun these…" on the history: the current filter (or the ticked runs) rerun with another agent setup, after a
// confirmation that says how many runs and what they may cost (POST /api/experiments/preview, then /api/experiments).
"use client";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { formatCost } from "@/lib/costs/money";
import { failureReason } from "@/lib/http/failure-reason";
import { setupSchema, type SetupKind } from "@/lib/experiments/setup";
import type { Preview } from "@/lib/experiments/start";

/** Suggestions for the built-in agent; any model spec may be typed. */
const MODEL_SUGGESTIONS = [
  "replay",
  "google:gemini-3.1-pro-preview",
  "google:gemini-2.5-pro",
  "google:gemini-2.5-flash",
  "anthropic:claude-sonnet-4-5",
  "openai:gpt-5",
];

interface Props {
  /** the history's filters as URL parameters */
  filters: string;
  /** runs ticked in the table; when any, they are the selection instead of the filter */
  picked: string[];
  /** how many runs the filter matches, as the page says it */
  matching: string;
}

function basisText(p: Preview): string {
  const e = p.estimate;
  if (e.basis.kind === "replay") return "replay repeats recorded decisions and spends no tokens";
  if (e.basis.kind === "originals") return "at the originals' own models: another agent's model is not known here";
  if (!e.price) return `${e.basis.model} has no price (an admin can add one at /admin)`;
  return `the originals' tokens × ${e.price.model} at $${e.price.inputPerMtok} in / $${e.price.outputPerMtok} out / $${e.price.thinkingPerMtok} thinking per million`;
}

export function StartExperiment({ filters, picked, matching }: Props) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [name, setName] = useState("");
  const [note, setNote] = useState("");
  const [kind, setKind] = useState<SetupKind>("builtin");
  const [value, setValue] = useState("replay");
  const [limit, setLimit] = useState("");
  const [answer, setAnswer] = useState<{ key: string; preview: Preview } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState(false);

  const selection = picked.length > 0 ? { ids: picked } : { filters };
  const setupCheck = setupSchema.safeParse({ kind, value });
  const limitNumber = limit.trim() === "" ? undefined : Number(limit);
  const body = { selection, setup: { kind, value }, ...(limitNumber !== undefined ? { limit: limitNumber } : {}) };
  const key = JSON.stringify(body);
  // The count and estimate of another form state are wrong for this one: not shown, nor confirmable, until the new ones come.
  const preview = answer?.key === key ? answer.preview : null;

  // The preview follows the form: how many runs and what they may cost, asked again when the setup or limit changes.
  useEffect(() => {
    if (!open || !setupCheck.success) return;
    const ctl = new AbortController();
    const t = setTimeout(async () => {
      try {
        const res = await fetch("/api/experiments/preview", {
          method: "POST",
          body: key,
          headers: { "content-type": "application/json" },
          signal: ctl.signal,
        });
        if (!res.ok) {
          setAnswer(null);
          setProblem(await failureReason(res));
          return;
        }
        setProblem(null);
        setAnswer({ key, preview: (await res.json()) as Preview });
      } catch (e) {
        if (!ctl.signal.aborted) setProblem(e instanceof Error ? e.message : String(e));
      }
    }, 250);
    return () => (clearTimeout(t), ctl.abort());
  }, [open, key, setupCheck.success]);

  async function start(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const res = await fetch("/api/experiments", {
        method: "POST",
        body: JSON.stringify({ ...body, name, note }),
        headers: { "content-type": "application/json" },
      });
      if (!res.ok) {
        setProblem(await failureReason(res));
        return;
      }
      const { id } = (await res.json()) as { id: string };
      dialog.current?.close();
      router.push(`/experiments/${id}`);
    } finally {
      setBusy(false);
    }
  }

  const setupError = setupCheck.success ? null : setupCheck.error.issues[0]?.message;
  const field = "w-full rounded border border-slate-300 px-2 py-1 text-sm";
  return (
    <>
      <button
        type="button"
        className="rounded bg-violet-700 px-2 py-1 text-xs font-medium text-white hover:bg-violet-800"
        onClick={() => (setOpen(true), dialog.current?.showModal())}
        title={
          picked.length
            ? `Rerun the ${picked.length} ticked runs with another agent setup`
            : "Rerun the runs of this filter with another agent setup"
        }
      >
        Rerun these…
      </button>
      <dialog
        ref={dialog}
        onClose={() => setOpen(false)}
        className="m-auto w-[34rem] max-w-[95vw] rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
        aria-label="Start an experiment"
      >
        <form onSubmit={start} className="space-y-3 p-4 text-sm">
          <h2 className="text-base font-semibold">
            Rerun{" "}
            {picked.length
              ? `the ${picked.length} ticked ${picked.length === 1 ? "run" : "runs"}`
              : `the runs of this filter (${matching})`}
          </h2>
          <label className="block space-y-1">
            <span className="text-xs font-medium text-slate-600">Name</span>
            <input
              className={field}
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              maxLength={200}
              placeholder="gemini-2.5-pro on last week's patches"
            />
          </label>
          <label className="block space-y-1">
            <span className="text-xs font-medium text-slate-600">Note</span>
            <textarea
              className={field}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              rows={2}
              placeholder="what changed and why"
            />
          </label>
          <fieldset className="space-y-1">
            <legend className="text-xs font-medium text-slate-600">Agent setup</legend>
            <div className="flex gap-4">
              <label className="flex items-center gap-1">
                <input type="radio" name="kind" checked={kind === "builtin"} onChange={() => (setKind("builtin"), setValue("replay"))} />{" "}
                Built-in agent: model
              </label>
              <label className="flex items-center gap-1">
                <input type="radio" name="kind" checked={kind === "label"} onChange={() => (setKind("label"), setValue(""))} /> Other agent:
                label
              </label>
            </div>
            <input
              className={field}
              aria-label="Setup"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              list={kind === "builtin" ? "experiment-models" : undefined}
              placeholder={kind === "builtin" ? "google:gemini-3.1-pro-preview" : "prompt-v7"}
            />
            <datalist id="experiment-models">
              {MODEL_SUGGESTIONS.map((m) => (
                <option key={m} value={m} />
              ))}
            </datalist>
            <p className="text-xs text-slate-500">
              {kind === "builtin"
                ? "The built-in agent runs each rerun with this model (or replays the original's decisions)."
                : "Each rerun carries it as Args.AgentSetup; an agent may honour it."}
            </p>
            {setupError && <p className="text-xs text-red-700">{setupError}</p>}
          </fieldset>
          <label className="block space-y-1">
            <span className="text-xs font-medium text-slate-600">Only the newest … runs (optional)</span>
            <input
              className={field}
              type="number"
              min={1}
              max={preview?.cap ?? 1000}
              value={limit}
              onChange={(e) => setLimit(e.target.value)}
              placeholder="all"
            />
          </label>
          <div className="rounded border border-violet-200 bg-violet-50 p-3" data-testid="experiment-confirm" aria-live="polite">
            {problem ? (
              <p className="text-red-700">{problem}</p>
            ) : preview ? (
              <>
                <p className="font-medium">
                  {preview.runs.toLocaleString("en-US")} {preview.runs === 1 ? "run" : "runs"} will be rerun
                  {preview.matched !== null && preview.matched > preview.runs
                    ? ` (the newest of ${preview.matched.toLocaleString("en-US")})`
                    : ""}
                  {preview.notEnded > 0 ? `; ${preview.notEnded} still pending or running are left out` : ""}.
                </p>
                <p>
                  Estimated cost: <strong data-testid="experiment-estimate">{formatCost(preview.estimate.cost)}</strong> —{" "}
                  {basisText(preview)}. The originals cost {formatCost(preview.estimate.originals)}.
                </p>
                <p className="text-xs text-slate-500">Reruns wait behind ordinary jobs: agents take new runs first.</p>
              </>
            ) : (
              <p className="text-slate-500">Counting the runs…</p>
            )}
          </div>
          <div className="flex justify-end gap-2">
            <button
              type="button"
              className="rounded px-3 py-1 ring-1 ring-slate-300 hover:bg-slate-100"
              onClick={() => dialog.current?.close()}
            >
              Cancel
            </button>
            <button
              type="submit"
              disabled={busy || !preview || !setupCheck.success || !name.trim()}
              className="rounded bg-violet-700 px-3 py-1 font-medium text-white hover:bg-violet-800 disabled:opacity-50"
            >
              {preview ? `Rerun ${preview.runs.toLocaleString("en-US")} ${preview.runs === 1 ? "run" : "runs"}` : "Rerun"}
            </button>
          </div>
        </form>
      </dialog>
    </>
  );
}
