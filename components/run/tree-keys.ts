// Keyboard of the trajectory tree, as a pure function from a key to a command (unit-tested): j/k or arrows move,
// Enter/Space open or close, →/← open or go to the parent, Home/End, e / Shift+E expand / collapse all, and "/"
// (anywhere on the page) goes to the search box.
import { type Outline } from "@/lib/trajectory/outline";
import { hasChildren } from "@/lib/trajectory/outline-tree";

export interface KeyInput {
  key: string;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

export interface TreeView {
  o: Outline;
  /** the visible rows, in order (span indices) */
  rows: Int32Array;
  selected: number;
  expanded: Uint8Array;
}

export type KeyCommand =
  | { do: "select"; index: number; focusTree?: boolean }
  | { do: "toggle"; index: number; open?: boolean }
  | { do: "expandAll" }
  | { do: "collapseAll" }
  | { do: "focusSearch" }
  /** the key is the tree's, but there is nothing to do (e.g. → with nothing selected) */
  | { do: "nothing" };

/** Keys that work anywhere on the page (outside text fields), not only on the focused tree. */
export const PAGE_KEYS = new Set(["j", "k", "e", "E", "/"]);

/** The command for a key on the tree (`onTree`) or on the page; null when the key is not the tree's. */
export function treeKeyCommand(e: KeyInput, v: TreeView, onTree: boolean): KeyCommand | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const { o, rows, selected } = v;
  const pos = selected >= 0 ? rows.indexOf(selected) : -1;
  const to = (p: number, focusTree = false): KeyCommand => {
    const i = rows[Math.max(0, Math.min(rows.length - 1, p))];
    return i === undefined ? { do: "nothing" } : { do: "select", index: i, focusTree };
  };
  switch (e.key) {
    case "/":
      return { do: "focusSearch" };
    case "j":
      return to(pos + 1, true);
    case "k":
      return to(pos < 0 ? 0 : pos - 1, true);
    case "e":
      return { do: "expandAll" };
    case "E":
      return { do: "collapseAll" };
  }
  if (!onTree) return null;
  switch (e.key) {
    case "ArrowDown":
      return to(pos + 1);
    case "ArrowUp":
      return to(pos < 0 ? 0 : pos - 1);
    case "Home":
      return to(0);
    case "End":
      return to(rows.length - 1);
    case "Enter":
    case " ":
      return selected >= 0 && hasChildren(o, selected) ? { do: "toggle", index: selected } : { do: "nothing" };
    case "ArrowRight":
      if (selected < 0) return { do: "nothing" };
      if (hasChildren(o, selected) && !v.expanded[selected]) return { do: "toggle", index: selected, open: true };
      return to(pos + 1);
    case "ArrowLeft":
      if (selected < 0) return { do: "nothing" };
      if (hasChildren(o, selected) && v.expanded[selected]) return { do: "toggle", index: selected, open: false };
      return o.parent[selected]! >= 0 ? { do: "select", index: o.parent[selected]! } : { do: "nothing" };
  }
  return null;
}

/** True when the key was typed into a text field (the page keys must not steal it). */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
}
