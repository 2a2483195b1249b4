// The trajectory panel's state in one reducer with named actions (pure; unit-tested): which spans are open, which is
// selected or targeted by a permalink, the filter, the timeline switch, and where the tree should scroll.
import { type Outline } from "@/lib/trajectory/outline";
import { ancestorsOf } from "@/lib/trajectory/outline-tree";
import { NO_FILTER, type SpanFilter } from "@/components/run/span-filter";

export interface PanelState {
  /** the outline the flags below belong to (a live run's outline grows; the head grows into the whole) */
  o: Outline;
  /** 1 = open, per span index */
  expanded: Uint8Array;
  selected: number;
  /** the span a permalink opened (marked in the tree) */
  target: number;
  filter: SpanFilter;
  timeline: boolean;
  /** the tree scrolls to `index` whenever `nonce` changes */
  scroll: { index: number; nonce: number };
  /** the permalink hash last opened or written, so each opens once */
  openedHash: string;
  /** the filter result whose paths were last opened */
  revealed: Uint8Array | null;
}

export type PanelAction =
  /** a new or grown outline: spans already shown keep what the reader chose, new ones get the initial state */
  | { type: "outline"; o: Outline; spanCount: number }
  /** select a span (and open the path to it, so it is on screen) */
  | { type: "select"; index: number }
  | { type: "toggle"; index: number; open?: boolean }
  | { type: "expandAll" }
  | { type: "collapseAll" }
  | { type: "filter"; filter: SpanFilter }
  | { type: "timeline"; on: boolean }
  /** open a permalink: clear the filter, open the path, select and mark the span */
  | { type: "permalink"; hash: string; index: number }
  /** a filter's result arrived: open the path to every match */
  | { type: "revealMatches"; shown: Uint8Array | null; matches: Uint8Array | null };

/** Runs this small open fully on arrival, as trace viewers do; bigger ones open the flow, its steps and the agents. */
export const OPEN_ALL_UP_TO = 5_000;

/** `spanCount` is the whole run's, so the head of a big run opens as the whole of it will. */
export function initialExpanded(o: Outline, spanCount: number): Uint8Array {
  const open = new Uint8Array(o.count);
  if (Math.max(o.count, spanCount) <= OPEN_ALL_UP_TO) return open.fill(1);
  const agent = o.types.indexOf("agent");
  for (let i = 0; i < o.count; i++) if (o.depth[i]! < 2 || o.type[i] === agent) open[i] = 1;
  return open;
}

export function initialPanel(o: Outline, spanCount: number): PanelState {
  return {
    o,
    expanded: initialExpanded(o, spanCount),
    selected: -1,
    target: -1,
    filter: NO_FILTER,
    timeline: true,
    scroll: { index: -1, nonce: 0 },
    openedHash: "",
    revealed: null,
  };
}

/** The flags with every ancestor of `index` open; the same array when they already are. */
function withPathOpen(o: Outline, expanded: Uint8Array, index: number): Uint8Array {
  const closed = ancestorsOf(o, index).filter((a) => !expanded[a]);
  if (!closed.length) return expanded;
  const next = expanded.slice();
  for (const a of closed) next[a] = 1;
  return next;
}

/** The permalink of a span: #span-<seq>. */
export function permalinkHash(o: Outline, index: number): string {
  return `#span-${o.seq[index]}`;
}

/** The seq a permalink names, or null. */
export function seqFromHash(hash: string): number | null {
  const m = /^#span-(\d+)$/.exec(hash);
  return m ? Number(m[1]) : null;
}

export function panelReducer(s: PanelState, a: PanelAction): PanelState {
  switch (a.type) {
    case "outline": {
      if (a.o === s.o) return s;
      const expanded = initialExpanded(a.o, a.spanCount);
      // Indices of a head are the same in the whole, and a live run's outline only grows: flags carry over by index.
      expanded.set(s.expanded.subarray(0, Math.min(s.expanded.length, expanded.length)));
      const keep = (i: number) => (i < a.o.count ? i : -1);
      return { ...s, o: a.o, expanded, selected: keep(s.selected), target: keep(s.target), revealed: null };
    }
    case "select": {
      if (a.index < 0 || a.index >= s.o.count) return s;
      return {
        ...s,
        expanded: withPathOpen(s.o, s.expanded, a.index),
        selected: a.index,
        scroll: { index: a.index, nonce: s.scroll.nonce + 1 },
        openedHash: permalinkHash(s.o, a.index),
      };
    }
    case "toggle": {
      const open = a.open ?? !s.expanded[a.index];
      if (Boolean(s.expanded[a.index]) === open) return s;
      const expanded = s.expanded.slice();
      expanded[a.index] = open ? 1 : 0;
      return { ...s, expanded };
    }
    case "expandAll":
      return { ...s, expanded: new Uint8Array(s.o.count).fill(1) };
    case "collapseAll":
      return { ...s, expanded: new Uint8Array(s.o.count) };
    case "filter":
      return { ...s, filter: a.filter };
    case "timeline":
      return { ...s, timeline: a.on };
    case "permalink": {
      if (a.index < 0 || a.index >= s.o.count) return { ...s, openedHash: a.hash };
      return {
        ...s,
        filter: NO_FILTER,
        expanded: withPathOpen(s.o, s.expanded, a.index),
        selected: a.index,
        target: a.index,
        scroll: { index: a.index, nonce: s.scroll.nonce + 1 },
        openedHash: a.hash,
      };
    }
    case "revealMatches": {
      if (a.shown === s.revealed) return s;
      let expanded = s.expanded;
      if (a.shown && a.matches) {
        for (let i = 0; i < s.o.count; i++) {
          if (a.shown[i] && !a.matches[i] && !expanded[i]) {
            if (expanded === s.expanded) expanded = expanded.slice();
            expanded[i] = 1;
          }
        }
      }
      return { ...s, expanded, revealed: a.shown };
    }
  }
}
