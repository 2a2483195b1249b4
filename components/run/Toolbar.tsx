"use client";
// Above the tree: search, type filter, errors only, Expand all / Collapse all, the timeline switch.
import { useMemo } from "react";
import type { Outline } from "@/lib/trajectory/outline";
import type { FilterResult, SpanFilter } from "@/components/run/span-filter";
import { formatCount } from "@/lib/format";

interface Props {
  o: Outline;
  filter: SpanFilter;
  result: FilterResult;
  timeline: boolean;
  searchRef: React.RefObject<HTMLInputElement | null>;
  onFilter: (f: SpanFilter) => void;
  onExpandAll: () => void;
  onCollapseAll: () => void;
  onTimeline: (on: boolean) => void;
  onNextMatch: (back: boolean) => void;
  onLeaveSearch: () => void;
  view: "tree" | "conversation";
  onView: (view: "tree" | "conversation") => void;
}

const button =
  "rounded border border-slate-300 bg-white px-2 py-1 text-xs hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-sky-500";

export function Toolbar({
  o,
  filter,
  result,
  timeline,
  searchRef,
  onFilter,
  onExpandAll,
  onCollapseAll,
  onTimeline,
  onNextMatch,
  onLeaveSearch,
  view,
  onView,
}: Props) {
  // Counted once per outline, not on every keystroke in the search box (100,000 spans).
  const counts = useMemo(() => {
    const c = new Map<number, number>();
    for (let i = 0; i < o.count; i++) c.set(o.type[i]!, (c.get(o.type[i]!) ?? 0) + 1);
    return c;
  }, [o]);
  const active = filter.query || filter.type || filter.errorsOnly;
  return (
    <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 px-3 py-2">
      <div role="group" aria-label="View" className="flex overflow-hidden rounded border border-slate-300 text-xs">
        {(["tree", "conversation"] as const).map((v) => (
          <button
            key={v}
            type="button"
            aria-pressed={view === v}
            className={`px-2 py-1 ${view === v ? "bg-sky-700 font-medium text-white" : "bg-white hover:bg-slate-50"}`}
            onClick={() => onView(v)}
            data-testid={`view-${v}`}
          >
            {v === "tree" ? "Tree" : "Conversation"}
          </button>
        ))}
      </div>
      <input
        ref={searchRef}
        type="search"
        placeholder="Search names and payloads  ( / )"
        aria-label="Search in this run"
        className="w-64 rounded border border-slate-300 px-2 py-1 text-sm focus-visible:outline-2 focus-visible:outline-sky-500"
        value={filter.query}
        onChange={(e) => onFilter({ ...filter, query: e.target.value })}
        onKeyDown={(e) => {
          if (e.key === "Enter") onNextMatch(e.shiftKey);
          if (e.key === "Escape") {
            onFilter({ ...filter, query: "" });
            onLeaveSearch();
          }
        }}
        data-testid="search"
      />
      <select
        aria-label="Span type"
        className="rounded border border-slate-300 bg-white px-1 py-1 text-xs"
        value={filter.type}
        onChange={(e) => onFilter({ ...filter, type: e.target.value })}
        data-testid="type-filter"
      >
        <option value="">all types</option>
        {o.types.map((t, i) => (
          <option key={t} value={t}>
            {t} ({formatCount(counts.get(i) ?? 0)})
          </option>
        ))}
      </select>
      <label className="flex items-center gap-1 text-xs">
        <input
          type="checkbox"
          checked={filter.errorsOnly}
          onChange={(e) => onFilter({ ...filter, errorsOnly: e.target.checked })}
          data-testid="errors-only"
        />
        errors only ({formatCount(o.errors.size)})
      </label>
      {active && (
        <span className="text-xs text-slate-600" data-testid="match-count" aria-live="polite">
          {formatCount(result.count)} {result.count === 1 ? "match" : "matches"}
          {result.searching && " · searching payloads…"}
          {result.payloadNote && <span data-testid="search-note"> · {result.payloadNote}</span>}
        </span>
      )}
      <div className="ml-auto flex items-center gap-2">
        <label className={`items-center gap-1 text-xs ${view === "tree" ? "hidden sm:flex" : "hidden"}`}>
          <input type="checkbox" checked={timeline} onChange={(e) => onTimeline(e.target.checked)} data-testid="timeline-toggle" />
          timeline
        </label>
        <button type="button" className={button} onClick={onExpandAll} title="e">
          Expand all
        </button>
        <button type="button" className={button} onClick={onCollapseAll} title="Shift+E">
          Collapse all
        </button>
      </div>
    </div>
  );
}
