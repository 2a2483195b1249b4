"use client";
// One row of the trajectory tree: guides by depth (capped, so deep rows keep their columns), toggle, type icon, name,
// model, tool calls, marks (error, timing), tokens, duration, and the span's bar on the run's time axis.
import { memo } from "react";
import { type Outline } from "@/lib/trajectory/outline";
import { hasChildren, spanTokensAt } from "@/lib/trajectory/outline-tree";
import { formatCompact, formatDurationAtUs } from "@/lib/format";
import { isTimed, NO_START, SKEWED, skewOf, UNFINISHED, END_BEFORE_START } from "@/lib/trajectory/timing";
import { visibleText } from "@/lib/text/search";
import { oneLine } from "@/lib/trajectory/step-summary";
import { SpanIcon } from "@/components/run/SpanIcon";
import { spanTypeStyle } from "@/components/run/span-style";
import { VisibleName } from "@/components/run/VisibleName";
import { TimingMark } from "@/components/run/TimingMark";

export const ROW_HEIGHT = 28;
export const TIMELINE_WIDTH = 180;
const INDENT = 16;
/** Levels drawn as guides; deeper rows show their depth as "+N" in the last three guides' room, so columns never move. */
export const MAX_INDENT = 12;

export interface RowProps {
  o: Outline;
  index: number;
  expanded: boolean;
  selected: boolean;
  /** the row that takes Tab into the tree (roving focus): the selected one, else the first */
  tabStop: boolean;
  target: boolean;
  match: boolean;
  toolCalls: number[] | undefined;
  timeline: boolean;
  minutePrecision: boolean;
  /** an agent may still report: unfinished spans are running (else "no end recorded") */
  live: boolean;
  top: number;
  onSelect: (index: number) => void;
  onToggle: (index: number) => void;
  onHoverBar: (index: number, e: React.MouseEvent | null) => void;
  /** notes on this step */
  notes: number;
}

/** The timing code a row shows: skew means nothing in minute-precision runs, whose rounding moves children. */
export function shownTiming(o: Outline, index: number, minutePrecision: boolean): number {
  const code = o.timing[index]!;
  return minutePrecision && code === SKEWED ? 0 : code;
}

function Bar({
  o,
  index,
  code,
  live,
  minutePrecision,
  onHover,
  onSelect,
}: {
  o: Outline;
  index: number;
  code: number;
  live: boolean;
  minutePrecision: boolean;
  onHover: RowProps["onHoverBar"];
  onSelect: (i: number) => void;
}) {
  const total = Math.max(1, o.t1 - o.t0);
  const x = (us: number) => Math.max(0, Math.min(TIMELINE_WIDTH, ((us - o.t0) / total) * TIMELINE_WIDTH));
  const style = spanTypeStyle(o.types[o.type[index]!]!);
  const start = o.start[index]!;
  let bar: React.ReactNode = null;
  if (isTimed(code) || code === UNFINISHED) {
    const left = Math.min(x(start), TIMELINE_WIDTH - 2);
    // An unfinished span reaches to its parent's end (or the run's) without claiming a finish: a fading bar.
    const parent = o.parent[index]!;
    const parentEnd = parent >= 0 && isTimed(o.timing[parent]!) ? o.start[parent]! + o.dur[parent]! : o.t1;
    const end = code === UNFINISHED ? (live ? o.t1 : Math.max(start, parentEnd)) : start + o.dur[index]!;
    const width = Math.max(2, x(end) - left);
    const look =
      code === UNFINISHED
        ? live
          ? `${style.bar} animate-pulse`
          : `${style.bar} [mask-image:linear-gradient(to_right,black,transparent)] opacity-70`
        : code === SKEWED
          ? `${style.bar} outline outline-1 outline-offset-1 outline-violet-600`
          : style.bar;
    bar = (
      <div
        className={`absolute top-1/2 h-2.5 -translate-y-1/2 cursor-pointer rounded-sm ${look} ${minutePrecision ? "opacity-60" : ""}`}
        style={{ left, width: Math.min(width, TIMELINE_WIDTH - left) }}
        data-bar={code === UNFINISHED ? (live ? "running" : "open") : code === SKEWED ? "skewed" : "valid"}
        onMouseEnter={(e) => onHover(index, e)}
        onMouseMove={(e) => onHover(index, e)}
        onMouseLeave={() => onHover(index, null)}
        onClick={(e) => {
          e.preventDefault();
          e.stopPropagation();
          onSelect(index);
        }}
      />
    );
  } else if (code === END_BEFORE_START) {
    // Only the start is placed: a tick, no length.
    bar = (
      <div
        className="absolute top-1 bottom-1 w-0.5 bg-orange-500"
        style={{ left: Math.min(x(start), TIMELINE_WIDTH - 2) }}
        data-bar="tick"
        onMouseEnter={(e) => onHover(index, e)}
        onMouseLeave={() => onHover(index, null)}
      />
    );
  }
  return (
    <div
      // Below sm the timeline would take half a phone's width from the names: it is shown from sm up.
      className="relative hidden h-full shrink-0 border-l border-slate-100 sm:block"
      style={{ width: TIMELINE_WIDTH }}
      data-timeline-bar
      title={code === NO_START ? "no real start time: not placed on the timeline" : undefined}
    >
      {bar}
    </div>
  );
}

/** Guides for the first levels; past MAX_INDENT the last three guides' room holds "+N" (levels not drawn). */
function Indent({ depth }: { depth: number }) {
  const drawn = depth > MAX_INDENT ? MAX_INDENT - 3 : depth;
  return (
    <span className="flex h-full shrink-0" aria-hidden style={{ marginLeft: depth > 0 ? 10 : 0 }}>
      {Array.from({ length: drawn }, (_, d) => (
        <span key={d} className="h-full border-l border-slate-200" style={{ width: INDENT }} />
      ))}
      {depth > MAX_INDENT && (
        <span className="flex h-full items-center border-l border-slate-300" style={{ width: 3 * INDENT }} data-depth-badge={depth}>
          <span className="rounded bg-slate-200 px-0.5 text-[10px] leading-4 text-slate-700" title={`nested ${depth} levels deep`}>
            +{depth - drawn}
          </span>
        </span>
      )}
    </span>
  );
}

export const TreeRow = memo(function TreeRow(p: RowProps) {
  const { o, index } = p;
  const type = o.types[o.type[index]!]!;
  const model = o.models[o.model[index]!];
  const depth = o.depth[index]!;
  const code = shownTiming(o, index, p.minutePrecision);
  const tokens = spanTokensAt(o, index);
  const error = o.errors.get(index);
  const summary = o.summaries.get(index);
  const parent = hasChildren(o, index);
  const seq = o.seq[index]!;
  return (
    // A link to the span's permalink, so a click before the scripts have hydrated the page is not lost: it sets the
    // hash, which the explorer opens on arrival. Once hydrated, the click selects without a history entry.
    <a
      href={`#span-${seq}`}
      tabIndex={p.tabStop ? 0 : -1}
      draggable={false}
      role="treeitem"
      id={`row-span-${seq}`}
      aria-level={depth + 1}
      aria-expanded={parent ? p.expanded : undefined}
      aria-selected={p.selected}
      data-span-row={seq}
      data-type={type}
      data-timing={code}
      data-match={p.match || undefined}
      className={`absolute left-0 flex w-full cursor-pointer items-center gap-1.5 pr-2 text-sm ${
        p.selected
          ? "bg-sky-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-sky-600"
          : p.match
            ? "bg-amber-50 hover:bg-amber-100"
            : "hover:bg-slate-100"
      } ${p.target ? "shadow-[inset_3px_0_0_#f59e0b]" : ""}`}
      style={{ top: p.top, height: ROW_HEIGHT }}
      // Selection follows focus (the ARIA tree pattern): Tab into the tree selects the row it lands on.
      onFocus={() => {
        if (!p.selected) p.onSelect(index);
      }}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return; // a new tab or window keeps the link
        e.preventDefault();
        p.onSelect(index);
      }}
    >
      <Indent depth={depth} />
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
      {/* The name gives way (cut with an ellipsis, whole in the tooltip) so the figures on the right (tokens, duration)
          stay on screen; only when the row is too narrow for it: what stands beside it takes the room left over. */}
      <VisibleName text={o.names[o.name[index]!]!} className="min-w-[4rem] max-w-[18rem] shrink truncate font-medium" titled />
      {/* Model, calls, summary and error share what the name and the figures leave (flex-basis 0: they never make the
          name shrink), each cut by its own share as before. */}
      <span className="flex min-w-0 flex-1 basis-0 items-center gap-1.5 overflow-hidden">
        {model && <VisibleName text={model} className="hidden min-w-0 shrink truncate font-mono text-xs text-slate-500 xl:inline" />}
        {p.toolCalls && p.toolCalls.length > 0 && (
          <span className="min-w-0 shrink truncate text-xs text-slate-500" title="tool calls this LLM call decided on">
            →{" "}
            {p.toolCalls.map((t, i) => (
              <span key={t}>
                {i > 0 && ", "}
                <VisibleName text={o.names[o.name[t]!]!} />
              </span>
            ))}
          </span>
        )}
        {summary && !(p.toolCalls?.length && summary.startsWith("→ ")) && (
          // What the step did (a reply that is only its tool calls, "→ weather({…})", says what the calls' names beside
          // it say: left to the tool rows, which show their arguments); its main argument, its reply's head; from the
          // outline: no payload fetched per row.
          <span className="min-w-0 shrink truncate font-mono text-xs text-slate-600" title={summary} data-summary>
            {summary}
          </span>
        )}
        {error != null && (
          <span className="flex min-w-0 shrink items-center gap-1" title={visibleText(error)}>
            <span className="shrink-0 rounded bg-red-100 px-1 text-[11px] font-semibold text-red-700" data-error-mark>
              ✕ error
            </span>
            <span className="min-w-0 truncate text-xs text-red-700" data-error-head>
              {oneLine(error, 120)}
            </span>
          </span>
        )}
      </span>
      {p.notes > 0 && (
        <span
          className="shrink-0 rounded bg-amber-100 px-1 text-[11px] text-amber-900"
          title={`${p.notes} note${p.notes === 1 ? "" : "s"}`}
          data-notes={p.notes}
        >
          ✎ {p.notes}
        </span>
      )}
      <TimingMark code={code} live={p.live} skew={code === SKEWED ? skewOf(o, index) : undefined} />
      <span className="ml-auto flex shrink-0 items-center gap-2 pl-2 text-xs tabular-nums text-slate-600">
        {tokens > 0 && <span title="input + output + thought tokens">{formatCompact(tokens)} tok</span>}
        <span className="w-16 text-right" data-duration>
          {isTimed(code) || code === SKEWED ? formatDurationAtUs(o.dur[index]!, p.minutePrecision) : code === UNFINISHED ? "" : "—"}
        </span>
      </span>
      {p.timeline && (
        <Bar
          o={o}
          index={index}
          code={code}
          live={p.live}
          minutePrecision={p.minutePrecision}
          onHover={p.onHoverBar}
          onSelect={p.onSelect}
        />
      )}
    </a>
  );
});
