"use client";
// One row of the trajectory tree: guides by depth, toggle, type icon, name, model, tool calls, marks, tokens,
// duration, and the span's bar on the run's time axis.
import { memo } from "react";
import { hasChildren, spanTokensAt, type Outline } from "@/lib/trajectory/outline";
import { formatCompact, formatDurationAt } from "@/lib/format";
import { SpanIcon } from "@/components/run/SpanIcon";
import { spanTypeStyle } from "@/components/run/span-style";

export const ROW_HEIGHT = 28;
export const TIMELINE_WIDTH = 180;
const INDENT = 16;

export interface RowProps {
  o: Outline;
  index: number;
  expanded: boolean;
  selected: boolean;
  target: boolean;
  match: boolean;
  toolCalls: number[] | undefined;
  timeline: boolean;
  minutePrecision: boolean;
  top: number;
  onSelect: (index: number) => void;
  onToggle: (index: number) => void;
  onHoverBar: (index: number, e: React.MouseEvent | null) => void;
}

function Bar({ o, index, minutePrecision, onHover, onSelect }: { o: Outline; index: number; minutePrecision: boolean; onHover: RowProps["onHoverBar"]; onSelect: (i: number) => void }) {
  const total = Math.max(1, o.t1 - o.t0);
  const start = o.start[index]! - o.t0;
  const dur = o.dur[index]!;
  const running = Number.isNaN(dur);
  const left = (start / total) * TIMELINE_WIDTH;
  const width = Math.max(2, ((running ? o.t1 - o.start[index]! : dur) / total) * TIMELINE_WIDTH);
  const style = spanTypeStyle(o.types[o.type[index]!]!);
  return (
    <div className="relative h-full shrink-0 border-l border-slate-100" style={{ width: TIMELINE_WIDTH }} data-timeline-bar>
      <div
        className={`absolute top-1/2 h-2.5 -translate-y-1/2 cursor-pointer rounded-sm ${style.bar} ${running ? "animate-pulse" : ""} ${minutePrecision ? "opacity-60" : ""}`}
        style={{ left: Math.min(left, TIMELINE_WIDTH - 2), width: Math.min(width, TIMELINE_WIDTH - Math.min(left, TIMELINE_WIDTH - 2)) }}
        onMouseEnter={(e) => onHover(index, e)}
        onMouseMove={(e) => onHover(index, e)}
        onMouseLeave={() => onHover(index, null)}
        onClick={(e) => {
          e.preventDefault();
          e.stopPropagation();
          onSelect(index);
        }}
      />
    </div>
  );
}

export const TreeRow = memo(function TreeRow(p: RowProps) {
  const { o, index } = p;
  const type = o.types[o.type[index]!]!;
  const model = o.models[o.model[index]!];
  const depth = o.depth[index]!;
  const dur = o.dur[index]!;
  const tokens = spanTokensAt(o, index);
  const error = o.errors.get(index);
  const parent = hasChildren(o, index);
  const seq = o.seq[index]!;
  return (
    // A link to the span's permalink, so a click before the scripts have hydrated the page is not lost: it sets the
    // hash, which the explorer opens on arrival. Once hydrated, the click selects without a history entry.
    <a
      href={`#span-${seq}`}
      tabIndex={-1}
      draggable={false}
      role="treeitem"
      id={`row-span-${seq}`}
      aria-level={depth + 1}
      aria-expanded={parent ? p.expanded : undefined}
      aria-selected={p.selected}
      data-span-row={seq}
      data-type={type}
      data-match={p.match || undefined}
      className={`absolute left-0 flex w-full cursor-pointer items-center gap-1.5 pr-2 text-sm ${
        p.selected ? "bg-sky-100 group-focus-visible:outline-2 group-focus-visible:-outline-offset-2 group-focus-visible:outline-sky-600" : p.match ? "bg-amber-50 hover:bg-amber-100" : "hover:bg-slate-100"
      } ${p.target ? "shadow-[inset_3px_0_0_#f59e0b]" : ""}`}
      style={{ top: p.top, height: ROW_HEIGHT }}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return; // a new tab or window keeps the link
        e.preventDefault();
        p.onSelect(index);
      }}
    >
      <span className="flex h-full shrink-0" aria-hidden>
        {Array.from({ length: depth }, (_, d) => (
          <span key={d} className="h-full border-l border-slate-200" style={{ width: INDENT, marginLeft: d === 0 ? 10 : 0 }} />
        ))}
      </span>
      {/* Not a <button>: no interactive element may sit inside the row's link. */}
      <span
        role="button"
        tabIndex={-1}
        aria-label={parent ? (p.expanded ? "Collapse" : "Expand") : undefined}
        className={`flex h-5 w-4 shrink-0 items-center justify-center text-slate-500 ${parent ? "hover:text-slate-900" : "invisible"}`}
        onClick={(e) => {
          e.preventDefault();
          e.stopPropagation();
          if (parent) p.onToggle(index);
        }}
      >
        <span className={`inline-block text-[10px] transition-transform ${p.expanded ? "rotate-90" : ""}`}>▶</span>
      </span>
      <SpanIcon type={type} />
      <span className="min-w-[4rem] max-w-[18rem] shrink-0 truncate font-medium">{o.names[o.name[index]!]}</span>
      {model && <span className="hidden min-w-0 shrink truncate font-mono text-xs text-slate-500 xl:inline">{model}</span>}
      {p.toolCalls && p.toolCalls.length > 0 && (
        <span className="min-w-0 shrink truncate text-xs text-slate-500" title="tool calls this LLM call decided on">
          → {p.toolCalls.map((t) => o.names[o.name[t]!]).join(", ")}
        </span>
      )}
      {error != null && (
        <span className="shrink-0 rounded bg-red-100 px-1 text-[11px] font-semibold text-red-700" title={error} data-error-mark>
          ✕ error
        </span>
      )}
      {Number.isNaN(dur) && (
        <span className="shrink-0 animate-pulse rounded bg-sky-100 px-1 text-[11px] font-semibold text-sky-700" data-running-mark>
          ● running
        </span>
      )}
      <span className="ml-auto flex shrink-0 items-center gap-2 pl-2 text-xs tabular-nums text-slate-500">
        {tokens > 0 && <span title="input + output + thought tokens">{formatCompact(tokens)} tok</span>}
        <span className="w-14 text-right">{Number.isNaN(dur) ? "" : formatDurationAt(dur, p.minutePrecision)}</span>
      </span>
      {p.timeline && <Bar o={o} index={index} minutePrecision={p.minutePrecision} onHover={p.onHoverBar} onSelect={p.onSelect} />}
    </a>
  );
});
