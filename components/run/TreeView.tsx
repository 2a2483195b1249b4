"use client";
// The trajectory tree, virtualized: only the rows on screen exist in the page, so 100,000 spans scroll like 100.
import { useEffect, useRef, useState } from "react";
import { useFixedRows } from "@/components/run/use-fixed-rows";
import type { Outline } from "@/lib/trajectory/outline";
import { formatDuration, formatDurationAt, formatTime } from "@/lib/format";
import { ROW_HEIGHT, TIMELINE_WIDTH, TreeRow } from "@/components/run/TreeRow";

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
  /** scroll the row at this position into view when the nonce changes */
  scrollTo: { position: number; nonce: number };
  onSelect: (index: number) => void;
  onToggle: (index: number) => void;
  onKeyDown: (e: React.KeyboardEvent) => void;
  treeRef: React.RefObject<HTMLDivElement | null>;
}

function Axis({ o, minutePrecision }: { o: Outline; minutePrecision: boolean }) {
  const total = o.t1 - o.t0;
  return (
    <div className="relative h-full shrink-0 border-l border-slate-200 text-[10px] leading-5 text-slate-500" style={{ width: TIMELINE_WIDTH }} data-testid="timeline-axis">
      {[0, 0.5, 1].map((f) => (
        <span key={f} className="absolute top-0" style={{ left: f === 1 ? undefined : f * TIMELINE_WIDTH + 2, right: f === 1 ? 2 : undefined }}>
          {f === 0 ? "0" : formatDurationAt(total * f, minutePrecision)}
        </span>
      ))}
    </div>
  );
}

const AXIS_HEIGHT = 20;

export function TreeView(p: Props) {
  const { o, rows } = p;
  const virtual = useFixedRows({ count: rows.length, rowHeight: ROW_HEIGHT, paddingStart: p.timeline ? AXIS_HEIGHT : 0, overscan: 12, scroller: p.treeRef });
  const { scrollToPosition } = virtual;
  const [hover, setHover] = useState<{ index: number; x: number; y: number } | null>(null);
  const lastNonce = useRef(-1);

  useEffect(() => {
    if (p.scrollTo.nonce === lastNonce.current || p.scrollTo.position < 0) return;
    lastNonce.current = p.scrollTo.nonce;
    scrollToPosition(p.scrollTo.position);
    // The tree may itself be partly off screen: bring the row into the window too.
    const seq = o.seq[rows[p.scrollTo.position] ?? -1];
    let tries = 0;
    const reveal = () => {
      const el = document.getElementById(`row-span-${seq}`);
      if (el) el.scrollIntoView({ block: "nearest" });
      else if (tries++ < 10) requestAnimationFrame(reveal);
    };
    requestAnimationFrame(reveal);
  }, [p.scrollTo, scrollToPosition, o, rows]);

  const onHoverBar = (index: number, e: React.MouseEvent | null) => setHover(e ? { index, x: e.clientX, y: e.clientY } : null);
  const hovered = hover?.index ?? -1;

  return (
    <div className="relative flex min-h-0 flex-1 flex-col">
      <div
        ref={p.treeRef}
        role="tree"
        aria-label="Trajectory"
        tabIndex={0}
        aria-activedescendant={p.selected >= 0 ? `row-span-${o.seq[p.selected]}` : undefined}
        className="group min-h-0 flex-1 overflow-auto outline-none"
        onKeyDown={p.onKeyDown}
        data-trajectory
        data-testid="tree"
      >
        <div className="relative w-full" style={{ height: virtual.totalSize }}>
          {p.timeline && (
            // Inside the scroller, so the axis lines up with the bars whatever the scrollbar takes.
            <div className="sticky top-0 z-10 flex items-center justify-end border-b border-slate-200 bg-slate-50 pr-2" style={{ height: AXIS_HEIGHT }}>
              {p.minutePrecision && <span className="mr-2 text-[10px] text-amber-700">minute-precision times: bars are approximate</span>}
              <Axis o={o} minutePrecision={p.minutePrecision} />
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
                expanded={p.expanded[index] === 1}
                selected={index === p.selected}
                target={index === p.target}
                match={p.matches ? p.matches[index] === 1 : false}
                toolCalls={p.toolCalls.get(index)}
                timeline={p.timeline}
                minutePrecision={p.minutePrecision}
                top={virtual.offsetOf(position)}
                onSelect={p.onSelect}
                onToggle={p.onToggle}
                onHoverBar={onHoverBar}
              />
            );
          })}
        </div>
      </div>
      {hovered >= 0 && hover && (
        <div
          className="pointer-events-none fixed z-50 rounded border border-slate-300 bg-white px-2 py-1 text-xs shadow-lg"
          style={{ left: Math.max(8, hover.x - 240), top: hover.y + 14 }}
          data-testid="timeline-tooltip"
        >
          <div className="font-semibold">{o.names[o.name[hovered]!]}</div>
          <div className="text-slate-600">
            starts at +{formatDurationAt(o.start[hovered]! - o.t0, p.minutePrecision)} ({formatTime(new Date(o.start[hovered]!), p.minutePrecision)} UTC)
          </div>
          <div className="text-slate-600">
            {Number.isNaN(o.dur[hovered]!) ? "running" : `takes ${p.minutePrecision ? formatDurationAt(o.dur[hovered]!, true) : formatDuration(o.dur[hovered]!)}`}
          </div>
        </div>
      )}
    </div>
  );
}
