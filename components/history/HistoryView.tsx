// The interactive part of the history page: filters, table and pager share one navigation, so the list dims while the next URL loads.
"use client";
import { useRouter } from "next/navigation";
import { useCallback, useState, useTransition } from "react";
import Link from "next/link";
import type { HistoryRow } from "@/lib/history/list";
import type { HistoryFacets, RunCount } from "@/lib/history/stats";
import { FILTER_KEYS, formatRunCount, PAGE_SIZES, toSearchParams, hrefWith, type HistoryQuery } from "@/lib/history/query";

const filterParams = (q: HistoryQuery) => toSearchParams(Object.fromEntries(FILTER_KEYS.map((k) => [k, q[k]]))).toString();
import { FilterBar } from "@/components/history/FilterBar";
import { HistoryTable } from "@/components/history/HistoryTable";
import { StartExperiment } from "@/components/experiments/StartExperiment";
import { ImportRuns } from "@/components/history/ImportRuns";
import { TrendsFold } from "@/components/history/TrendsFold";

interface Props {
  rows: HistoryRow[];
  next: string | null;
  prev: string | null;
  query: HistoryQuery;
  total: RunCount;
  facets: HistoryFacets;
  /** the trend charts, rendered on the server and streamed in */
  children?: React.ReactNode;
  /** the signed-in user may start experiments (operators) */
  canExperiment?: boolean;
  /** the signed-in user may import runs (operators) */
  canImport?: boolean;
  /** the trends start unfolded (the reader's last choice, from the "trends" cookie; folded by default) */
  trendsOpen?: boolean;
}

const pagerLink = "whitespace-nowrap rounded px-2 py-1 ring-1 ring-slate-200 bg-white hover:bg-slate-100";
const pagerOff = "whitespace-nowrap rounded px-2 py-1 ring-1 ring-slate-100 text-slate-500";

export function HistoryView({ rows, next, prev, query, total, facets, children, canExperiment, canImport, trendsOpen = false }: Props) {
  const [importing, setImporting] = useState(false);
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  // Typing a search replaces the entry (one history entry per search, not per pause); every other change pushes one.
  const navigate = useCallback(
    (href: string, replace = false) =>
      startTransition(() => (replace ? router.replace(href, { scroll: false }) : router.push(href, { scroll: false }))),
    [router],
  );
  const pageHref = (cursor: { after?: string; before?: string }) =>
    `/?${toSearchParams({ ...query, after: undefined, before: undefined, ...cursor })}`;
  const paged = Boolean(query.after || query.before);

  const pager = (
    <nav className="flex items-center gap-1.5 text-xs" aria-label="Pages">
      {paged ? (
        <Link href={hrefWith(query, {})} className={pagerLink} data-testid="first-page">
          « First
        </Link>
      ) : (
        <span className={pagerOff} aria-disabled="true">
          « First
        </span>
      )}
      {prev ? (
        <Link href={pageHref({ before: prev })} className={pagerLink} data-testid="prev-page" rel="prev">
          ‹ Previous
        </Link>
      ) : (
        <span className={pagerOff} aria-disabled="true">
          ‹ Previous
        </span>
      )}
      {next ? (
        <Link href={pageHref({ after: next })} className={pagerLink} data-testid="next-page" rel="next">
          Next ›
        </Link>
      ) : (
        <span className={pagerOff} aria-disabled="true">
          Next ›
        </span>
      )}
      <select
        aria-label="Runs per page"
        value={query.size}
        onChange={(e) => navigate(hrefWith(query, { size: Number(e.target.value) }))}
        className="ml-1 h-6 rounded border border-slate-300 bg-white px-1 text-xs"
      >
        {PAGE_SIZES.map((n) => (
          <option key={n} value={n}>
            {n} / page
          </option>
        ))}
      </select>
    </nav>
  );

  return (
    <div className="space-y-3">
      <FilterBar query={query} facets={facets} navigate={navigate} />
      {canImport && <ImportRuns open={importing} onClose={() => setImporting(false)} />}
      {children && <TrendsFold initialOpen={trendsOpen}>{children}</TrendsFold>}
      <div className={`space-y-2 transition-opacity ${pending ? "opacity-60" : ""}`} aria-busy={pending}>
        <HistoryTable
          rows={rows}
          query={query}
          navigate={navigate}
          onImport={canImport ? () => setImporting(true) : undefined}
          actions={
            canExperiment
              ? (picked) => <StartExperiment filters={filterParams(query)} picked={picked} matching={formatRunCount(total)} />
              : undefined
          }
          toolbar={
            <div className="flex flex-wrap items-center gap-3">
              <span
                className="text-xs text-slate-600"
                data-testid="run-count"
                title={
                  total.kind === "exact"
                    ? "exact count"
                    : total.kind === "estimate"
                      ? "estimated by PostgreSQL's planner"
                      : "counting stops here"
                }
              >
                {formatRunCount(total)}
              </span>
              {pager}
              {canImport && !importing && (
                <button
                  type="button"
                  onClick={() => setImporting(true)}
                  className="rounded px-2 py-1 text-xs ring-1 ring-slate-200 bg-white hover:bg-slate-100"
                >
                  Import runs…
                </button>
              )}
            </div>
          }
        />
        {rows.length > 0 && <div className="flex justify-end">{pager}</div>}
      </div>
    </div>
  );
}
