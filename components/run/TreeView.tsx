"use client";
// The trajectory tree, virtualized: only the rows on screen exist in the page, so 100,000 spans scroll like 100.
import { useEffect, useRef, useState } from "react";
import { useFixedRows } from "@/components/run/use-fixed-rows";
import type { Outline } from "@/lib/trajectory/outline";
import { formatDurationAtUs, formatEpochUs } from "@/lib/format";
import { isTimed, skewOf, SKEWED, timingLabel } from "@/lib/trajectory/timing";
import { ROW_HEIGHT, shownTiming, TIMELINE_WIDTH, TreeRow } from "@/components/run/TreeRow";
import { VisibleName } from "@/components/run/VisibleName";
import type { NotesBySeq } from "@/components/notes/use-notes";

interface Props {
  o: Outline;
  rows: Int32Array;
  expanded: Uint8Array;
  selected: number;
  target: number;
  matches: Uint8Array | null;
  toolCalls: Map<number, number[]>;
  timeline: boolean;
  minutePrecision: boolean;
  live: boolean;
  /** scroll the row of this span into view when the nonce changes */
  scroll: { index: number; nonce: number };
  onSelect: (index: number) => void;
  onToggle: (index: number) => void;
  onKeyDown: (e: React.KeyboardEvent) => void;
  treeRef: React.RefObject<HTMLDivElement | null>;
  /** notes on steps, by seq: a row with notes shows how many */
  notes?: NotesBySeq;
}

/** Axis labels at the start, middle and end of the run's window; each keeps to its third, so none runs over another. */
function Axis({ o, minutePrecision }: { o: Outline; minutePrecision: boolean }) {
  const total = Math.max(0, o.t1 - o.t0);
  const label = "absolute top-0 max-w-[33%] truncate whitespace-nowrap";
  return (
    <div
      className="relative hidden h-full shrink-0 border-l border-slate-200 text-[10px] leading-5 text-slate-500 sm:block"
      style={{ width: TIMELINE_WIDTH }}
      data-testid="timeline-axis"
    >
      <span className={`${label} left-0.5`}>0</span>
      <span className={`${label} left-1/2 -translate-x-1/2`}>{formatDurationAtUs(total / 2, minutePrecision)}</span>
      <span className={`${label} right-0.5`}>{formatDurationAtUs(total, minutePrecision)}</span>
    </div>
  );
}

const AXIS_HEIGHT = 20;

function Tooltip({
  o,
  index,
  x,
  y,
  minutePrecision,
  live,
}: {
  o: Outline;
  index: number;
  x: number;
  y: number;
  minutePrecision: boolean;
  live: boolean;
}) {
  const code = shownTiming(o, index, minutePrecision);
  const start = o.start[index]!;
  const label = timingLabel(code, live, code === SKEWED ? skewOf(o, index) : undefined);
  return (
    <div
      className="pointer-events-none fixed z-50 max-w-sm rounded border border-slate-300 bg-white px-2 py-1 text-xs shadow-lg"
      style={{ left: Math.max(8, x - 240), top: y + 14 }}
      data-testid="timeline-tooltip"
    >
      <div className="font-semibold">
        <VisibleName text={o.names[o.name[index]!]!} />
      </div>
      {!Number.isNaN(start) && (
        <div className="text-slate-600">
          starts at +{formatDurationAtUs(start - o.t0, minutePrecision)} ({formatEpochUs(start, minutePrecision)})
        </div>
      )}
      {isTimed(code) && <div className="text-slate-600">takes {formatDurationAtUs(o.dur[index]!, minutePrecision)}</div>}
      {label.explain && <div className="mt-0.5 text-amber-800">{label.explain}</div>}
    </div>
  );
}

export function TreeView({
  o,
  rows,
  expanded,
  selected,
  target,
  matches,
  toolCalls,
  timeline,
  minutePrecision,
  live,
  scroll,
  onSelect,
  onToggle,
  onKeyDown,
  treeRef,
  notes,
}: Props) {
  const virtual = useFixedRows({
    count: rows.length,
    rowHeight: ROW_HEIGHT,
    paddingStart: timeline ? AXIS_HEIGHT : 0,
    overscan: 12,
    scroller: treeRef,
  });
  const { scrollToPosition } = virtual;
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const lastNonce = useRef(-1);

  useEffect(() => {
    if (scroll.nonce === lastNonce.current || scroll.index < 0) return;
    const position = rows.indexOf(scroll.index);
    if (position < 0) return;
    lastNonce.current = scroll.nonce;
    scrollToPosition(position);
    // The tree may itself be partly off screen: bring the row into the window too.
    const seq = o.seq[scroll.index];
    let tries = 0;
    const reveal = () => {
      const el = document.getElementById(`row-span-${seq}`);
      if (el) el.scrollIntoView({ block: "nearest" });
      else if (tries++ < 10) requestAnimationFrame(reveal);
    };
    requestAnimationFrame(reveal);
  }, [scroll, scrollToPosition, o, rows]);

  const onHoverBar = (index: number, e: React.MouseEvent | null) => setHover(e ? { index, x: e.clientX, y: e.clientY } : null);

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      {/* An ARIA tree with roving focus: the rows are the treeitems and the focused row is the selected one (Tab enters
          at it); the scroller itself only takes focus from script, when the selected row is scrolled out of the page. */}
      <div
        ref={treeRef}
        role="tree"
        aria-label="Trajectory"
        tabIndex={-1}
        className="group min-h-0 flex-1 overflow-auto outline-none"
        onKeyDown={onKeyDown}
        data-trajectory
        data-testid="tree"
      >
        <div className="relative w-full" style={{ height: virtual.totalSize }}>
          {timeline && (
            // Inside the scroller, so the axis lines up with the bars whatever the scrollbar takes.
            <div
              className="sticky top-0 z-10 flex items-center justify-end border-b border-slate-200 bg-slate-50 pr-2"
              style={{ height: AXIS_HEIGHT }}
            >
              {minutePrecision && <span className="mr-2 text-[10px] text-amber-700">minute-precision times: bars are approximate</span>}
              <Axis o={o} minutePrecision={minutePrecision} />
            </div>
          )}
          {Array.from({ length: virtual.last - virtual.first }, (_, k) => {
            const position = virtual.first + k;
            const index = rows[position]!;
            return (
              <TreeRow
                key={index}
                o={o}
                index={index}
                expanded={expanded[index] === 1}
                selected={index === selected}
                tabStop={selected >= 0 ? index === selected : position === 0}
                target={index === target}
                match={matches ? matches[index] === 1 : false}
                toolCalls={toolCalls.get(index)}
                timeline={timeline}
                minutePrecision={minutePrecision}
                live={live}
                top={virtual.offsetOf(position)}
                onSelect={onSelect}
                onToggle={onToggle}
                onHoverBar={onHoverBar}
                notes={notes?.get(o.seq[index]!)?.length ?? 0}
              />
            );
          })}
        </div>
      </div>
      {hover && hover.index < o.count && (
        <Tooltip o={o} index={hover.index} x={hover.x} y={hover.y} minutePrecision={minutePrecision} live={live} />
      )}
    </div>
  );
}
