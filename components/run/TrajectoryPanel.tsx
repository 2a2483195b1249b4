"use client";
// The trajectory explorer: toolbar, the virtualized tree with its timeline, and the selected span's details;
// every selection is a permalink (#span-<seq>) and a permalink opens the path to its span.
import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ancestorsOf, indexOfSeq, toolCallIndices, visibleRows, type Outline } from "@/lib/trajectory/outline";
import { TreeView } from "@/components/run/TreeView";
import { formatCount } from "@/lib/format";
import { Toolbar } from "@/components/run/Toolbar";
import { NO_FILTER, useFilterResult, type SpanFilter } from "@/components/run/use-span-filter";
import { handleTreeKey, usePageKeys, type TreeKeyActions } from "@/components/run/use-tree-keys";

// The details panel (JSON, diffs, text folding, highlighting) is not needed to draw and click the tree: it loads in
// its own chunk, fetched as soon as the tree is on screen so the first opened span rarely waits for it.
const loadSpanDetails = () => import("@/components/run/SpanDetails");
const SpanDetails = lazy(() => loadSpanDetails().then((m) => ({ default: m.SpanDetails })));

/** Runs this small open fully on arrival, as trace viewers do; bigger ones open the flow, its steps and the agents. */
const OPEN_ALL_UP_TO = 5_000;

/** `spanCount` is the whole run's, so the head of a big run opens as the whole of it will. */
function initialExpanded(o: Outline, spanCount: number): Uint8Array {
  const open = new Uint8Array(o.count);
  if (Math.max(o.count, spanCount) <= OPEN_ALL_UP_TO) return open.fill(1);
  const agent = o.types.indexOf("agent");
  for (let i = 0; i < o.count; i++) if (o.depth[i]! < 2 || o.type[i] === agent) open[i] = 1;
  return open;
}

function seqFromHash(): number | null {
  const m = /^#span-(\d+)$/.exec(window.location.hash);
  return m ? Number(m[1]) : null;
}

/**
 * `o` is the whole outline when `whole`, else its head (the first spans in seq order): indices of the head are the
 * same in the whole, so selection and what the reader opened or closed carry over when the whole arrives.
 */
export function TrajectoryPanel({ jobId, o, whole, spanCount, minutePrecision }: { jobId: string; o: Outline; whole: boolean; spanCount: number; minutePrecision: boolean }) {
  // A live run's outline grows (and the head grows into the whole): new spans get the initial state, the spans
  // already shown keep what the reader chose.
  const previous = useRef<Uint8Array | null>(null);
  const expanded = useMemo(() => {
    const next = initialExpanded(o, spanCount);
    if (previous.current) next.set(previous.current.subarray(0, Math.min(previous.current.length, next.length)));
    previous.current = next;
    return next;
    // spanCount is read once per outline: a live run's count changes with the outline it comes with.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [o]);
  const [version, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);
  const [selected, setSelected] = useState(-1);
  const [target, setTarget] = useState(-1);
  const [filter, setFilter] = useState<SpanFilter>(NO_FILTER);
  const [timeline, setTimeline] = useState(true);
  const [scrollTo, setScrollTo] = useState({ position: -1, nonce: 0 });
  const [scrollTick, setScrollTick] = useState(0);
  const pendingScroll = useRef(-1);
  /** the permalink last opened or written, so each is opened once */
  const openedHash = useRef("");
  const treeRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const sectionRef = useRef<HTMLElement>(null);

  const toolCalls = useMemo(() => toolCallIndices(o), [o]);
  useEffect(() => void loadSpanDetails(), []);
  const result = useFilterResult(jobId, o, filter);
  // `version` marks changes to the mutable `expanded` (a typed array: 100,000 flags without copying on each click).
  const rows = useMemo(() => visibleRows(o, expanded, result.shown), [o, expanded, result.shown, version]);

  // A filter opens the path to every match.
  useEffect(() => {
    if (!result.shown || !result.matches) return;
    for (let i = 0; i < o.count; i++) if (result.shown[i] && !result.matches[i]) expanded[i] = 1;
    setVersion((v) => v + 1);
  }, [o, expanded, result.shown, result.matches]);

  const select = useCallback(
    (index: number, opts: { reveal?: boolean } = {}) => {
      if (index < 0 || index >= o.count) return;
      if (opts.reveal) {
        for (const a of ancestorsOf(o, index)) expanded[a] = 1;
        setVersion((v) => v + 1);
      }
      setSelected(index);
      pendingScroll.current = index;
      setScrollTick((t) => t + 1);
      history.replaceState(null, "", `#span-${o.seq[index]}`);
      openedHash.current = window.location.hash;
    },
    [o, expanded],
  );

  // Scroll to a new selection once the rows that hold it exist (revealing it may have just added them).
  useEffect(() => {
    if (pendingScroll.current < 0) return;
    const position = rows.indexOf(pendingScroll.current);
    if (position < 0) return;
    pendingScroll.current = -1;
    setScrollTo((s) => ({ position, nonce: s.nonce + 1 }));
  }, [scrollTick, rows]);

  // Permalinks: on arrival and when the hash changes (a pasted link, the browser's back button, a row clicked
  // before hydration). Each hash opens once: a span beyond the head opens when the whole outline arrives, and a
  // reloaded outline does not pull the reader back to a span already opened.
  useEffect(() => {
    const open = () => {
      const seq = seqFromHash();
      if (seq == null || openedHash.current === window.location.hash) return;
      const index = indexOfSeq(o, seq);
      if (index < 0) return;
      openedHash.current = window.location.hash;
      setFilter(NO_FILTER);
      setTarget(index);
      select(index, { reveal: true });
      sectionRef.current?.scrollIntoView({ block: "start" });
    };
    open();
    window.addEventListener("hashchange", open);
    return () => window.removeEventListener("hashchange", open);
  }, [o, select]);

  const toggle = useCallback(
    (index: number, open?: boolean) => {
      expanded[index] = (open ?? !expanded[index]) ? 1 : 0;
      bump();
    },
    [expanded],
  );
  const expandAll = useCallback(() => {
    expanded.fill(1);
    bump();
  }, [expanded]);
  const collapseAll = useCallback(() => {
    expanded.fill(0);
    bump();
  }, [expanded]);

  const actions: TreeKeyActions = useMemo(
    () => ({
      o, rows, selected, expanded, select, toggle, expandAll, collapseAll,
      focusTree: () => treeRef.current?.focus(),
      focusSearch: () => searchRef.current?.focus(),
    }),
    [o, rows, selected, expanded, select, toggle, expandAll, collapseAll],
  );
  usePageKeys(actions, treeRef);

  const nextMatch = (back: boolean) => {
    if (!result.matches) return;
    const pos = selected >= 0 ? rows.indexOf(selected) : -1;
    for (let step = 1; step <= rows.length; step++) {
      const p = (pos + (back ? -step : step) + rows.length) % rows.length;
      if (result.matches[rows[p]!]) return select(rows[p]!);
    }
  };

  return (
    <section
      ref={sectionRef}
      className="flex h-[calc(100vh-2rem)] min-h-[480px] flex-col rounded border border-slate-200 bg-white"
      data-testid="trajectory"
      data-outline={whole ? "whole" : "head"}
    >
      <Toolbar
        o={o}
        filter={filter}
        result={result}
        timeline={timeline}
        searchRef={searchRef}
        onFilter={setFilter}
        onExpandAll={expandAll}
        onCollapseAll={collapseAll}
        onTimeline={setTimeline}
        onNextMatch={nextMatch}
        onLeaveSearch={() => treeRef.current?.focus()}
      />
      <div className="grid min-h-0 flex-1 grid-cols-1 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="flex min-h-0 flex-col border-r border-slate-200">
          {rows.length === 0 ? (
            <p className="p-4 text-sm text-slate-500">{o.count === 0 ? "No spans yet." : "No span matches."}</p>
          ) : (
            <TreeView
              o={o}
              rows={rows}
              expanded={expanded}
              selected={selected}
              target={target}
              matches={result.matches}
              toolCalls={toolCalls}
              timeline={timeline}
              minutePrecision={minutePrecision}
              scrollTo={scrollTo}
              onSelect={select}
              onToggle={toggle}
              onKeyDown={(e) => {
                if (handleTreeKey(e, actions, true)) e.preventDefault();
              }}
              treeRef={treeRef}
            />
          )}
          {!whole && (
            <p className="border-t border-slate-200 px-3 py-1 text-xs text-slate-400" data-testid="outline-rest">
              Showing the first {o.count} of {formatCount(spanCount)} spans; loading the rest…
            </p>
          )}
        </div>
        <div className="min-h-0 overflow-auto p-4" data-testid="details">
          {selected >= 0 ? (
            <Suspense fallback={<p className="text-sm text-slate-400">Loading…</p>}>
              <SpanDetails jobId={jobId} outline={o} index={selected} toolCalls={toolCalls.get(selected)} minutePrecision={minutePrecision} onSelect={(i) => select(i, { reveal: true })} />
            </Suspense>
          ) : (
            <div className="space-y-2 text-sm text-slate-500">
              <p>Select a span to see its fields.</p>
              <p className="text-xs">
                Keys: <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> or <kbd>←</kbd>/<kbd>→</kbd> open/close · <kbd>e</kbd> expand all ·{" "}
                <kbd>Shift+E</kbd> collapse all · <kbd>/</kbd> search
              </p>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
