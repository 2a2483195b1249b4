// The history table's columns (TanStack Table, headless): what each shows, which sort on the server, and the chips that filter.
"use client";
import { headItems } from "@/lib/text/budget";
import { DISPLAY_MAX_ROW_CHIPS } from "@/lib/limits";
import Link from "next/link";
import { columnVisibilityFeature, createColumnHelper, rowSortingFeature, tableFeatures } from "@tanstack/react-table";
import type { HistoryRow } from "@/lib/history/list";
import { hrefWith, type HistoryQuery } from "@/lib/history/query";
import { StatusBadge, VerdictBadge } from "@/components/jobs/badges";
import { formatCount, formatDuration, formatTime } from "@/lib/format";
import { isReplay } from "@/lib/triage-agent/replay-marker";
import { RunCostCell } from "@/components/costs/RunCostCell";

export const features = tableFeatures({ rowSortingFeature, columnVisibilityFeature });
const helper = createColumnHelper<typeof features, HistoryRow>();

/** Columns hidden until the reader shows them. */
export const DEFAULT_HIDDEN = ["agents", "worker", "toolCalls"];

/** A value that filters the list when clicked: the link keeps every other filter. */
/** Chips for a list value (models, agents), each filtering by itself. */
function ChipList({ query, filter, values, count }: { query: HistoryQuery; filter: keyof HistoryQuery; values: string[]; count: number }) {
  // A run with hundreds of models shows the first few in its row (lib/limits.ts DISPLAY_MAX_ROW_CHIPS); its page has all.
  // The row carries only those (lib/history/sql.ts ROW_COLUMNS) and how many there are.
  const { items } = headItems(values, DISPLAY_MAX_ROW_CHIPS);
  const more = Math.max(0, count - items.length);
  return (
    <div className="flex flex-wrap gap-1">
      {items.map((v) => (
        <Chip key={v} query={query} filter={filter} value={v} />
      ))}
      {more > 0 && (
        <span className="text-xs text-slate-500" data-more={more}>
          +{more.toLocaleString("en-US")} more
        </span>
      )}
    </div>
  );
}

export function Chip({
  query,
  filter,
  value,
  children,
  title,
}: {
  query: HistoryQuery;
  filter: keyof HistoryQuery;
  value: string;
  children?: React.ReactNode;
  title?: string;
}) {
  return (
    // Filter links are many (several per row) and rarely followed: prefetching each would crowd out the click.
    <Link
      prefetch={false}
      href={hrefWith(query, { [filter]: value })}
      title={title ?? `Only runs with ${filter} ${value}`}
      data-chip={filter}
      className="inline-flex max-w-[12rem] shrink-0 items-center truncate rounded bg-slate-100 px-1.5 py-0.5 text-[11px] text-slate-700 ring-1 ring-slate-200 hover:bg-sky-50 hover:text-sky-800 hover:ring-sky-300"
    >
      {children ?? value}
    </Link>
  );
}

const short = (id: string) => id.slice(0, 8);
/** A queued run has spent nothing yet: "—", not "0" and "$0.00" that read as measured. */
const notStarted = (job: HistoryRow) => (job.status === "pending" ? <span className="text-slate-400">—</span> : null);
/** Columns of numbers, right-aligned so digits line up. */
export const NUMERIC_COLUMNS = new Set(["duration", "tokens", "cost", "llmCalls", "toolCalls", "toolErrors"]);

/** Column definitions; the `query` is captured for chip links. Ids of sortable columns are the API's sort keys. */
export function historyColumns(query: HistoryQuery) {
  return helper.columns([
    helper.accessor("workflow", {
      id: "workflow",
      header: "Run",
      cell: ({ row: { original: job } }) => (
        <div className="min-w-0 max-w-[24rem]">
          <div className="flex items-center gap-1.5">
            <Chip query={query} filter="workflow" value={job.workflow} />
            <Link
              href={`/jobs/${job.id}`}
              className="truncate font-medium text-slate-900 hover:text-sky-700 hover:underline"
              title={job.description}
              data-testid="run-link"
            >
              {job.description || <span className="font-mono text-xs text-slate-500">{short(job.id)}</span>}
            </Link>
          </div>
          {job.error && (
            <div
              className={`mt-0.5 truncate text-xs ${job.errorRedacted ? "italic text-amber-800" : "text-red-700"}`}
              title={job.error}
              data-testid="error-summary"
            >
              {job.errorRedacted ? "failed; error hidden by the dashboard" : job.error.split("\n")[0]}
            </div>
          )}
          {(job.rerunOfId || job.reruns.length > 0) && (
            <div className="mt-0.5 flex flex-wrap gap-x-2 text-[11px] text-slate-500" data-testid="lineage">
              {job.rerunOfId && (
                <span>
                  ↻ rerun of{" "}
                  <Link href={`/jobs/${job.rerunOfId}`} className="font-mono text-sky-700 hover:underline">
                    {short(job.rerunOfId)}
                  </Link>{" "}
                  ·{" "}
                  <Link href={`/compare?a=${job.rerunOfId}&b=${job.id}`} className="text-sky-700 hover:underline">
                    compare
                  </Link>
                </span>
              )}
              {isReplay(job.agentName) && (
                <span
                  className="rounded bg-fuchsia-100 px-1 font-semibold text-fuchsia-800"
                  title="Model decisions replayed from the original run; tools ran again"
                >
                  replay
                </span>
              )}
              {job.reruns.length > 0 && (
                <span>
                  rerun {job.reruns.length}× as{" "}
                  {job.reruns.slice(0, 3).map((id) => (
                    <Link key={id} href={`/jobs/${id}`} className="mr-1 font-mono text-sky-700 hover:underline">
                      {short(id)}
                    </Link>
                  ))}
                  {job.reruns.length > 3 && "…"}
                </span>
              )}
            </div>
          )}
        </div>
      ),
    }),
    helper.accessor("status", {
      header: "Status",
      cell: ({ row: { original: job } }) => (
        <Link prefetch={false} href={hrefWith(query, { status: job.status })} title={`Only ${job.status} runs`}>
          <StatusBadge status={job.status} />
        </Link>
      ),
    }),
    helper.accessor("verdict", {
      header: "Verdict",
      cell: ({ row: { original: job } }) =>
        job.verdict == null ? (
          <VerdictBadge verdict={null} />
        ) : (
          <Link
            prefetch={false}
            href={hrefWith(query, { verdict: job.verdict ? "yes" : "no" })}
            title={
              job.verdictWords
                ? `${job.verdictWords.field}: ${job.verdict}; only runs whose verdict is ${job.verdict ? "yes" : "no"}`
                : `Only verdict ${job.verdict ? "yes" : "no"}`
            }
            data-chip="verdict"
          >
            <VerdictBadge verdict={job.verdict} words={job.verdictWords} compact />
          </Link>
        ),
    }),
    helper.accessor("correct", {
      header: "Review",
      enableSorting: false,
      cell: ({ row: { original: job } }) =>
        job.correct == null ? null : (
          <Link
            prefetch={false}
            href={hrefWith(query, { review: job.correct ? "correct" : "incorrect" })}
            title={`An operator marked this run ${job.correct ? "correct" : "incorrect"}; only such runs`}
            data-chip="review"
            className={`whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ${job.correct ? "bg-emerald-100 text-emerald-800" : "bg-red-100 text-red-800"}`}
          >
            {job.correct ? "✓ correct" : "✗ incorrect"}
          </Link>
        ),
    }),
    helper.accessor("models", {
      header: "Models",
      enableSorting: false,
      cell: ({ row: { original: job } }) => <ChipList query={query} filter="model" values={job.models} count={job.modelCount} />,
    }),
    helper.accessor("agents", {
      header: "Agents",
      enableSorting: false,
      cell: ({ row: { original: job } }) => <ChipList query={query} filter="agent" values={job.agents} count={job.agentCount} />,
    }),
    helper.accessor("agentName", {
      id: "worker",
      header: "Worker",
      cell: ({ row: { original: job } }) =>
        job.agentName ? <Chip query={query} filter="worker" value={job.agentName} /> : <span className="text-slate-400">—</span>,
    }),
    helper.accessor("createdAt", {
      id: "created",
      header: "Created",
      cell: ({ row: { original: job } }) => (
        <span className="whitespace-nowrap font-mono text-xs text-slate-600" title={`${formatTime(job.createdAt)} UTC`}>
          {formatTime(job.createdAt).slice(0, 16)}
        </span>
      ),
    }),
    helper.accessor("durationMs", {
      id: "duration",
      header: "Duration",
      cell: ({ row: { original: job } }) =>
        job.status === "running" && job.durationMs == null ? <span className="text-sky-700">running</span> : formatDuration(job.durationMs),
    }),
    helper.accessor("totalTokens", {
      id: "tokens",
      header: "Tokens",
      cell: (c) => notStarted(c.row.original) ?? formatCount(c.getValue()),
    }),
    helper.accessor("costUsd", {
      id: "cost",
      header: "Cost",
      cell: ({ row: { original: job } }) => notStarted(job) ?? <RunCostCell usd={job.costUsd} unpriced={job.costUnpriced} />,
    }),
    helper.accessor("llmCalls", { header: "LLM calls", cell: (c) => notStarted(c.row.original) ?? formatCount(c.getValue()) }),
    helper.accessor("toolCalls", { header: "Tool calls", cell: (c) => notStarted(c.row.original) ?? formatCount(c.getValue()) }),
    helper.accessor("toolErrors", {
      header: "Tool errors",
      cell: (c) =>
        notStarted(c.row.original) ??
        (c.getValue() > 0 ? <span className="text-red-700">{formatCount(c.getValue())}</span> : <span className="text-slate-400">0</span>),
    }),
  ]);
}
