// The history as a table: TanStack Table owns columns, sorting and visibility state; the URL owns the values, the server sorts.
"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import { useTable, type ColumnVisibilityState, type SortingState, type Updater } from "@tanstack/react-table";
import type { HistoryRow } from "@/lib/history/list";
import { hiddenColumns, hrefWith, hrefWithHidden, SORT_KEYS, type HistoryQuery, type SortKey } from "@/lib/history/query";
import { DEFAULT_HIDDEN, features, historyColumns, NUMERIC_COLUMNS } from "@/components/history/columns";
import { HistoryCards } from "@/components/history/HistoryCards";

function apply<T>(updater: Updater<T>, old: T): T {
  return typeof updater === "function" ? (updater as (o: T) => T)(old) : updater;
}

export function HistoryTable({
  rows,
  query,
  navigate,
  toolbar,
  actions,
  onImport,
}: {
  rows: HistoryRow[];
  query: HistoryQuery;
  navigate: (href: string) => void;
  toolbar?: React.ReactNode;
  /** opens the browser import (operators); the empty list points to it */
  onImport?: () => void;
  /** buttons acting on the ticked runs (Rerun these…) */
  actions?: (picked: string[]) => React.ReactNode;
}) {
  const columns = useMemo(() => historyColumns(query), [query]);
  const sorting: SortingState = useMemo(() => [{ id: query.sort, desc: query.dir === "desc" }], [query.sort, query.dir]);
  const hidden = hiddenColumns(query.hide, DEFAULT_HIDDEN);
  const columnVisibility: ColumnVisibilityState = Object.fromEntries(hidden.map((id) => [id, false]));

  // Two runs of one workflow picked here open side by side in /compare; any number may be rerun as an experiment.
  const [picked, setPicked] = useState<string[]>([]);
  const pick = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  const pickedRows = picked.map((id) => rows.find((r) => r.id === id)).filter((r): r is HistoryRow => Boolean(r));
  const sameWorkflow = pickedRows.length === 2 && pickedRows[0]!.workflow === pickedRows[1]!.workflow;
  // The older run is A, so deltas read "what changed since".
  const [older, newer] = [...pickedRows].sort((x, y) => new Date(x.createdAt).getTime() - new Date(y.createdAt).getTime());

  const table = useTable({
    features,
    columns,
    data: rows,
    getRowId: (row) => row.id,
    manualSorting: true,
    enableSortingRemoval: false,
    enableMultiSort: false,
    // Numbers and times read best largest / newest first; names A to Z.
    sortDescFirst: true,
    state: { sorting, columnVisibility },
    onSortingChange: (updater) => {
      const next = apply(updater, sorting)[0];
      if (next && (SORT_KEYS as readonly string[]).includes(next.id))
        navigate(hrefWith(query, { sort: next.id as SortKey, dir: next.desc ? "desc" : "asc" }));
    },
    onColumnVisibilityChange: (updater) => {
      const next = apply(updater, columnVisibility);
      navigate(
        hrefWithHidden(
          query,
          Object.keys(next).filter((id) => next[id] === false),
        ),
      );
    },
  });

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center justify-between gap-3">
        {toolbar}
        {pickedRows.length > 0 && (
          <span className="ml-auto text-xs text-slate-600" data-testid="compare-picked">
            {sameWorkflow ? (
              <Link
                href={`/compare?a=${older!.id}&b=${newer!.id}`}
                className="rounded bg-sky-700 px-2 py-1 font-medium text-white hover:bg-sky-800"
              >
                Compare the 2 picked runs
              </Link>
            ) : pickedRows.length === 2 ? (
              "Pick two runs of the same workflow to compare them"
            ) : pickedRows.length === 1 ? (
              "Pick one more run to compare"
            ) : (
              `${pickedRows.length} runs ticked`
            )}
          </span>
        )}
        {actions?.(picked)}
        {/* Below md the history is cards (HistoryCards), which have no columns to choose. */}
        <details className="relative hidden text-xs md:inline-block" data-testid="columns-menu">
          <summary className="cursor-pointer select-none rounded px-2 py-1 text-slate-600 ring-1 ring-slate-200 hover:bg-slate-100">
            Columns
          </summary>
          <div className="absolute right-0 z-20 mt-1 w-44 rounded bg-white p-2 shadow-lg ring-1 ring-slate-200">
            {table.getAllLeafColumns().map((column) => (
              <label key={column.id} className="flex items-center gap-2 py-0.5">
                <input
                  type="checkbox"
                  checked={column.getIsVisible()}
                  onChange={() => column.toggleVisibility()}
                  disabled={column.id === "workflow"}
                />
                {typeof column.columnDef.header === "string" ? column.columnDef.header : column.id}
              </label>
            ))}
          </div>
        </details>
      </div>
      {rows.length === 0 ? (
        <p className="rounded border border-dashed border-slate-300 bg-white p-8 text-center text-slate-500" data-testid="history-empty">
          No runs match. Change the filters, or{" "}
          {onImport ? (
            <button type="button" className="text-sky-700 underline" onClick={onImport}>
              import runs
            </button>
          ) : (
            <>
              import runs (operators) with <code className="font-mono">npm run import -- &lt;file&gt;</code>
            </>
          )}
          .
        </p>
      ) : (
        <>
          <HistoryCards rows={rows} />
          <div className="hidden overflow-x-auto rounded border border-slate-200 bg-white md:block">
            <table className="w-full text-sm" data-testid="history-table">
              <thead className="border-b border-slate-200 bg-slate-50 text-left text-[11px] uppercase tracking-wide text-slate-500">
                {table.getHeaderGroups().map((group) => (
                  <tr key={group.id}>
                    <th className="w-6 px-2 py-1.5" aria-label="Pick to compare" />
                    {group.headers.map((header) => {
                      const sorted = header.column.getIsSorted();
                      const numeric = NUMERIC_COLUMNS.has(header.column.id);
                      return (
                        <th
                          key={header.id}
                          className={`whitespace-nowrap px-2 py-2 font-medium ${numeric ? "text-right" : ""}`}
                          aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                        >
                          {header.column.getCanSort() ? (
                            <button
                              type="button"
                              onClick={header.column.getToggleSortingHandler()}
                              className={`inline-flex items-center gap-1 uppercase hover:text-slate-900 ${sorted ? "text-slate-900" : ""}`}
                              data-sort={header.column.id}
                              title={`Sort by ${String(header.column.columnDef.header)}`}
                            >
                              <table.FlexRender header={header} />
                              <span aria-hidden className={sorted ? "" : "text-slate-300"}>
                                {sorted === "asc" ? "▲" : sorted === "desc" ? "▼" : "↕"}
                              </span>
                            </button>
                          ) : (
                            <table.FlexRender header={header} />
                          )}
                        </th>
                      );
                    })}
                  </tr>
                ))}
              </thead>
              <tbody className="divide-y divide-slate-100">
                {table.getRowModel().rows.map((row) => (
                  <tr key={row.id} className="align-top hover:bg-slate-50" data-testid="history-row" data-job={row.id}>
                    <td className="px-2 py-1.5">
                      <input type="checkbox" aria-label="Pick to compare" checked={picked.includes(row.id)} onChange={() => pick(row.id)} />
                    </td>
                    {row.getVisibleCells().map((cell) => (
                      <td
                        key={cell.id}
                        data-col={cell.column.id}
                        className={`px-2 py-1.5 ${NUMERIC_COLUMNS.has(cell.column.id) ? "whitespace-nowrap text-right tabular-nums" : ""}`}
                      >
                        <table.FlexRender cell={cell} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
