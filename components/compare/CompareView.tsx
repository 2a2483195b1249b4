// Two runs side by side: verdict fields that differ, totals with deltas, and the trajectories step by step.
import Link from "next/link";
import type { ComparedRun } from "@/lib/compare/runs";
import { MAX_COMPARED_SPANS } from "@/lib/compare/runs";
import { compareTotals, compareVerdicts } from "@/lib/compare/align";
import type { Comparison } from "@/lib/compare/comparison";
import { StatusBadge, VerdictBadge } from "@/components/jobs/badges";
import { formatCount, formatDuration, formatTime } from "@/lib/format";
import { verdictWords } from "@/lib/workflows/verdict";
import { StepDiffTable } from "@/components/compare/StepDiffTable";
import { headText, jsonHead } from "@/lib/text/budget";
import { DISPLAY_MAX_JSON_CHARS } from "@/lib/limits";

/**
 * A verdict field's value as text within the display budget (lib/text/budget.ts): a result of a million strings
 * rendered whole made a 31 MB page. `cut` says the text ends early.
 */
function shown(v: unknown): { text: string; cut: boolean } {
  if (v === undefined) return { text: "—", cut: false };
  if (typeof v === "boolean") return { text: v ? "yes" : "no", cut: false };
  if (typeof v === "string") {
    const h = headText(v, DISPLAY_MAX_JSON_CHARS);
    return { text: h.text, cut: h.more > 0 };
  }
  return jsonHead(v, DISPLAY_MAX_JSON_CHARS);
}

/** One run's value of a verdict field, cut to its budget, with a link to the run's page where it is shown whole. */
function VerdictValue({ value, run }: { value: unknown; run: ComparedRun }) {
  const { text, cut } = shown(value);
  return (
    <td className="py-1 pr-2 align-top font-mono text-xs">
      <div className="max-h-80 overflow-auto whitespace-pre-wrap wrap-anywhere">{text}</div>
      {cut && (
        <div className="mt-1 font-sans text-slate-500" data-more="json">
          shown up to {DISPLAY_MAX_JSON_CHARS.toLocaleString("en-US")} characters —{" "}
          <Link className="text-sky-700 hover:underline" href={`/jobs/${run.id}`}>
            the whole value on the run&apos;s page
          </Link>
        </div>
      )}
    </td>
  );
}

const TOTAL_LABELS: Record<string, string> = {
  tokens: "Tokens",
  llmCalls: "LLM calls",
  toolCalls: "Tool calls",
  toolErrors: "Tool errors",
  durationMs: "Duration",
};

/** A run's main verdict as its badge, in its workflow's words ("worth fuzzing"), or — when it has none. */
function RunVerdict({ run }: { run: ComparedRun }) {
  return (
    <VerdictBadge
      verdict={run.verdict}
      words={run.verdict == null ? null : verdictWords(run.workflow, run.verdict, run.workflowType)}
      compact
    />
  );
}

function RunTitle({ run, side }: { run: ComparedRun; side: "A" | "B" }) {
  return (
    <div className="rounded border border-slate-200 bg-white p-3" data-testid={`compare-${side}`}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="rounded bg-slate-800 px-1.5 text-xs font-bold text-white">{side}</span>
        <Link href={`/jobs/${run.id}`} className="font-mono text-sm text-sky-700 hover:underline">
          {run.id.slice(0, 8)}
        </Link>
        <StatusBadge status={run.status} />
        <RunVerdict run={run} />
        {run.rerunOfId && <span className="text-xs text-slate-500">rerun of {run.rerunOfId.slice(0, 8)}</span>}
      </div>
      <div className="mt-1 text-xs text-slate-500">
        {formatTime(run.startedAt ?? run.createdAt)} · {run.agentName ?? "no agent"}
      </div>
    </div>
  );
}

export function CompareView({
  a,
  b,
  steps: compared,
  from = 0,
}: {
  a: ComparedRun;
  b: ComparedRun;
  /** the steps compared (lib/compare/comparison.ts) */
  steps: NonNullable<Comparison["steps"]>;
  from?: number;
}) {
  const verdict = compareVerdicts(a.workflow, a.results, b.results, a.workflowType, a.resultDigests, b.resultDigests);
  const totals = compareTotals(
    {
      tokens: a.inputTokens + a.outputTokens + a.thoughtsTokens,
      llmCalls: a.llmCalls,
      toolCalls: a.toolCalls,
      toolErrors: a.toolErrors,
      durationMs: a.durationMs,
    },
    {
      tokens: b.inputTokens + b.outputTokens + b.thoughtsTokens,
      llmCalls: b.llmCalls,
      toolCalls: b.toolCalls,
      toolErrors: b.toolErrors,
      durationMs: b.durationMs,
    },
    ["tokens", "llmCalls", "toolCalls", "toolErrors", "durationMs"],
  );
  // The facts were added once, as the comparison was built (lib/compare/comparison.ts), not on every render.
  const { rows: steps, alignment } = compared;
  const fmt = (name: string, v: number | null) => (name === "durationMs" ? formatDuration(v) : formatCount(v));
  return (
    <div className="space-y-4">
      <h1 className="text-xl font-semibold">
        {a.workflow === b.workflow ? `Compare ${a.workflow} runs` : `Compare a ${a.workflow} run with a ${b.workflow} run`}
      </h1>
      {a.workflow !== b.workflow && (
        <p className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="compare-workflows-differ">
          These runs are of different workflows: their verdicts answer different questions, so fields are compared by name only and few
          steps will line up.
        </p>
      )}
      <div className="grid gap-3 md:grid-cols-2">
        <RunTitle run={a} side="A" />
        <RunTitle run={b} side="B" />
      </div>
      <section className="rounded border border-slate-200 bg-white p-4">
        <h2 className="mb-2 font-semibold">Verdict</h2>
        {(a.error || b.error) && (
          <div className="mb-2 grid gap-3 text-sm text-red-800 md:grid-cols-2">
            <pre className="whitespace-pre-wrap wrap-anywhere">{a.error ?? ""}</pre>
            <pre className="whitespace-pre-wrap wrap-anywhere">{b.error ?? ""}</pre>
          </div>
        )}
        <table className="w-full table-fixed text-sm" data-testid="compare-verdict">
          <thead className="text-left text-xs text-slate-500">
            <tr>
              {/* A phone keeps most of its width for the two runs' values (a verdict badge does not wrap). */}
              <th className="w-28 py-1 sm:w-48">Field</th>
              <th className="py-1">A</th>
              <th className="py-1">B</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100 align-top">
            {(a.verdict != null || b.verdict != null) && (
              <tr className={a.verdict !== b.verdict ? "bg-amber-50" : ""} data-differs={a.verdict !== b.verdict} data-field="verdict">
                <td className="py-1 pr-2 font-medium">
                  Verdict
                  {a.verdict !== b.verdict && <span className="ml-1 inline-block text-xs font-semibold text-amber-700">differs</span>}
                </td>
                <td className="overflow-hidden py-1 pr-2">
                  <RunVerdict run={a} />
                </td>
                <td className="overflow-hidden py-1">
                  <RunVerdict run={b} />
                </td>
              </tr>
            )}
            {verdict.map((r) => (
              <tr key={r.name} className={r.differs ? "bg-amber-50" : ""} data-differs={r.differs} data-field={r.name}>
                <td className="wrap-anywhere py-1 pr-2 font-medium">
                  {r.name}
                  {r.differs && <span className="ml-1 inline-block text-xs font-semibold text-amber-700">differs</span>}
                </td>
                <VerdictValue value={r.a} run={a} />
                <VerdictValue value={r.b} run={b} />
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="rounded border border-slate-200 bg-white p-4">
        <h2 className="mb-2 font-semibold">Totals</h2>
        <table className="text-sm tabular-nums" data-testid="compare-totals">
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th className="py-1 pr-6" />
              <th className="py-1 pr-6 text-right">A</th>
              <th className="py-1 pr-6 text-right">B</th>
              <th className="py-1 text-right">B − A</th>
            </tr>
          </thead>
          <tbody>
            {totals.map((t) => (
              <tr key={t.name}>
                <td className="py-0.5 pr-6 text-slate-600">{TOTAL_LABELS[t.name] ?? t.name}</td>
                <td className="py-0.5 pr-6 text-right">{fmt(t.name, t.a)}</td>
                <td className="py-0.5 pr-6 text-right">{fmt(t.name, t.b)}</td>
                <td className={`py-0.5 text-right ${t.delta ? (t.delta > 0 ? "text-red-700" : "text-emerald-700") : "text-slate-400"}`}>
                  {t.delta == null ? "—" : t.delta === 0 ? "±0" : `${t.delta > 0 ? "+" : "−"}${fmt(t.name, Math.abs(t.delta))}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <StepDiffTable steps={steps} runs={{ a: a.id, b: b.id }} from={from} alignment={alignment} />
      {(a.spanCount > MAX_COMPARED_SPANS || b.spanCount > MAX_COMPARED_SPANS) && (
        <p className="text-sm text-amber-700">Only the first {formatCount(MAX_COMPARED_SPANS)} steps of each run are compared.</p>
      )}
    </div>
  );
}
