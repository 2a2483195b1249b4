"use client";
// The trajectory explorer: toolbar, the virtualized tree with its timeline, and the selected span's details; every
// selection is a permalink (#span-<seq>) and a permalink opens the path to its span. State lives in one reducer
// (./panel-state.ts), keys and filters are pure functions (./tree-keys.ts, ./span-filter.ts).
import { lazy, Suspense, useEffect, useEffectEvent, useMemo, useReducer, useRef, useState, useSyncExternalStore } from "react";
import { type Outline } from "@/lib/trajectory/outline";
import { indexOfSeq, toolCallIndices, visibleRows } from "@/lib/trajectory/outline-tree";
import { TreeView } from "@/components/run/TreeView";
import { formatCount } from "@/lib/format";
import { Toolbar } from "@/components/run/Toolbar";
import { useFilterResult } from "@/components/run/use-span-filter";
import { nextMatch } from "@/components/run/span-filter";
import { initialPanel, panelReducer, permalinkHash, seqFromHash } from "@/components/run/panel-state";
import { isTyping, PAGE_KEYS, treeKeyCommand, type KeyCommand, type KeyInput } from "@/components/run/tree-keys";
import { Conversation } from "@/components/run/Conversation";
import { StepNotes } from "@/components/notes/StepNotes";
import { useNotesContext } from "@/components/notes/use-notes";

/** How the run is read: the tree (with the details pane) or the conversation; kept in the URL as ?view=. */
export type PanelView = "tree" | "conversation";

/** The page's URL with `?view=` set (the tree is the default, so it has none), the permalink hash kept. */
function urlWithView(view: PanelView): string {
  const url = new URL(window.location.href);
  if (view === "tree") url.searchParams.delete("view");
  else url.searchParams.set("view", view);
  return url.pathname + url.search + url.hash;
}

// The details panel (JSON, diffs, text folding, highlighting) is not needed to draw and click the tree: it loads in
// its own chunk, fetched as soon as the tree is on screen so the first opened span rarely waits for it.
const loadSpanDetails = () => import("@/components/run/SpanDetails");
const SpanDetails = lazy(() => loadSpanDetails().then((m) => ({ default: m.SpanDetails })));

function subscribeHash(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

interface Props {
  jobId: string;
  /** the whole outline when `whole`, else its head (the first spans in seq order, the same indices as in the whole) */
  o: Outline;
  whole: boolean;
  spanCount: number;
  minutePrecision: boolean;
  /** an agent may still report to the run: unfinished spans are running */
  live: boolean;
  initialView?: PanelView;
}

export function TrajectoryPanel({ jobId, o, whole, spanCount, minutePrecision, live, initialView = "tree" }: Props) {
  const [view, setView] = useState<PanelView>(initialView);
  /** conversation: open (>0) or close (<0) every agent when it changes */
  const [openAll, setOpenAll] = useState(0);
  const notes = useNotesContext();
  const [state, dispatch] = useReducer(panelReducer, null, () => initialPanel(o, spanCount));
  const hash = useSyncExternalStore(
    subscribeHash,
    () => window.location.hash,
    () => "",
  );
  const result = useFilterResult(jobId, o, state.filter);
  const treeRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const sectionRef = useRef<HTMLElement>(null);

  // State that follows the props, adjusted while rendering (React re-renders at once, before anything is shown):
  // a new or grown outline, a permalink not yet opened (pasted, the back button, a row clicked before hydration; a span
  // beyond the head opens when the whole arrives), and the paths to a filter's matches.
  if (state.o !== o) {
    dispatch({ type: "outline", o, spanCount });
  } else if (hash !== state.openedHash && seqFromHash(hash) !== null) {
    const index = indexOfSeq(o, seqFromHash(hash)!);
    if (index >= 0) dispatch({ type: "permalink", hash, index });
  } else if (result.shown !== state.revealed) {
    dispatch({ type: "revealMatches", shown: result.shown, matches: result.matches });
  }

  const toolCalls = useMemo(() => toolCallIndices(o), [o]);
  const treeRows = useMemo(() => visibleRows(o, state.expanded, result.shown), [o, state.expanded, result.shown]);
  // The conversation shows every step (its agents fold themselves): j/k walk them all, or the matches' paths.
  const conversationRows = useMemo(() => {
    if (view !== "conversation") return treeRows;
    const out: number[] = [];
    for (let i = 0; i < o.count; i++) if (!result.shown || result.shown[i]) out.push(i);
    return Int32Array.from(out);
  }, [view, treeRows, o, result.shown]);
  const rows = view === "conversation" ? conversationRows : treeRows;
  useEffect(() => void loadSpanDetails(), []);
  // A permalink brings the trajectory to the top of the window.
  useEffect(() => {
    if (state.target >= 0) sectionRef.current?.scrollIntoView({ block: "start" });
  }, [state.target]);

  /** Selects a span and makes it the page's permalink (written first, so the hash already names it on re-render). */
  const select = (index: number) => {
    if (index < 0 || index >= o.count) return;
    history.replaceState(null, "", permalinkHash(o, index));
    dispatch({ type: "select", index });
  };

  /** Roving focus: the selected row takes the focus once it is drawn (it may first have to scroll into the window). */
  const focusRow = (seq: number) => {
    let tries = 0;
    if (view === "conversation") return;
    const go = () => {
      const el = document.getElementById(`row-span-${seq}`);
      if (el) el.focus({ preventScroll: true });
      else if (tries++ < 10) requestAnimationFrame(go);
      else treeRef.current?.focus();
    };
    requestAnimationFrame(go);
  };

  const run = (cmd: KeyCommand) => {
    switch (cmd.do) {
      case "select":
        select(cmd.index);
        if (cmd.focusTree || treeRef.current?.contains(document.activeElement)) focusRow(o.seq[cmd.index]!);
        return;
      case "toggle":
        return dispatch({ type: "toggle", index: cmd.index, open: cmd.open });
      case "expandAll":
      case "collapseAll":
        if (view === "conversation") return setOpenAll((n) => (cmd.do === "expandAll" ? Math.abs(n) + 1 : -(Math.abs(n) + 1)));
        return dispatch({ type: cmd.do });
      case "focusSearch":
        return searchRef.current?.focus();
    }
  };
  const onKey = (e: KeyInput & { preventDefault: () => void }, onTree: boolean) => {
    const cmd = treeKeyCommand(e, { o, rows, selected: state.selected, expanded: state.expanded }, onTree);
    if (!cmd) return;
    e.preventDefault();
    run(cmd);
  };
  // Page-wide keys (j/k/e/E and "/") work without first clicking the tree, but never while typing.
  const onPageKey = useEffectEvent((e: KeyboardEvent) => {
    if (isTyping(e.target) || treeRef.current?.contains(e.target as Node) || !PAGE_KEYS.has(e.key)) return;
    onKey(e, false);
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onPageKey(e);
    document.addEventListener("keydown", listener);
    return () => document.removeEventListener("keydown", listener);
  }, []);

  const selected = state.selected < o.count ? state.selected : -1;
  return (
    <section
      ref={sectionRef}
      className="flex h-[calc(100vh-2rem)] min-h-[480px] flex-col rounded border border-slate-200 bg-white"
      data-testid="trajectory"
      data-outline={whole ? "whole" : "head"}
    >
      <Toolbar
        o={o}
        filter={state.filter}
        result={result}
        timeline={state.timeline}
        searchRef={searchRef}
        onFilter={(filter) => dispatch({ type: "filter", filter })}
        onExpandAll={() => run({ do: "expandAll" })}
        onCollapseAll={() => run({ do: "collapseAll" })}
        view={view}
        onView={(v) => {
          history.replaceState(null, "", urlWithView(v));
          setView(v);
        }}
        onTimeline={(on) => dispatch({ type: "timeline", on })}
        onNextMatch={(back) => select(nextMatch(rows, result.matches, selected, back))}
        onLeaveSearch={() => (selected >= 0 ? focusRow(o.seq[selected]!) : rows.length > 0 ? focusRow(o.seq[rows[0]!]!) : undefined)}
      />
      {view === "conversation" ? (
        <Conversation
          jobId={jobId}
          o={o}
          matches={result.matches}
          selected={selected}
          toolCalls={toolCalls}
          onSelect={select}
          openAll={openAll}
        />
      ) : (
        <div className="grid min-h-0 flex-1 grid-cols-1 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <div className="flex min-h-0 flex-col border-r border-slate-200">
            {rows.length === 0 ? (
              <p className="p-4 text-sm text-slate-500">{o.count === 0 ? "No spans yet." : "No span matches."}</p>
            ) : (
              <TreeView
                o={o}
                rows={rows}
                expanded={state.expanded}
                selected={selected}
                target={state.target}
                matches={result.matches}
                toolCalls={toolCalls}
                timeline={state.timeline}
                minutePrecision={minutePrecision}
                live={live}
                scroll={state.scroll}
                onSelect={select}
                onToggle={(index) => dispatch({ type: "toggle", index })}
                onKeyDown={(e) => onKey(e, true)}
                treeRef={treeRef}
                notes={notes?.bySeq}
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
                <div className="mb-3">
                  <StepNotes key={o.seq[selected]} seq={o.seq[selected]!} />
                </div>
                <SpanDetails
                  jobId={jobId}
                  outline={o}
                  index={selected}
                  toolCalls={toolCalls.get(selected)}
                  minutePrecision={minutePrecision}
                  live={live}
                  onSelect={select}
                />
              </Suspense>
            ) : (
              <div className="space-y-2 text-sm text-slate-500">
                <p>Select a span to see its fields.</p>
                <p className="text-xs">
                  Keys: <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Enter</kbd> or <kbd>←</kbd>/<kbd>→</kbd> open/close · <kbd>e</kbd> expand all
                  · <kbd>Shift+E</kbd> collapse all · <kbd>/</kbd> search
                </p>
              </div>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
