"use client";
// Keyboard for the tree: j/k or arrows to move, Enter to open/close, →/← to open or go to the parent,
// Home/End, e / Shift+E to expand / collapse all, and "/" (anywhere on the page) to search.
import { useEffect } from "react";
import { hasChildren, type Outline } from "@/lib/trajectory/outline";

export interface TreeKeyActions {
  o: Outline | null;
  rows: Int32Array;
  selected: number;
  expanded: Uint8Array;
  select: (index: number) => void;
  toggle: (index: number, open?: boolean) => void;
  expandAll: () => void;
  collapseAll: () => void;
  focusTree: () => void;
  focusSearch: () => void;
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
}

/** Handles a key on the tree (or on the page, for j/k/e and "/"); returns true when it used the key. */
export function handleTreeKey(e: { key: string; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }, a: TreeKeyActions, onTree: boolean): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey || !a.o) return false;
  const o = a.o;
  const pos = a.selected >= 0 ? a.rows.indexOf(a.selected) : -1;
  const at = (p: number) => a.rows[Math.max(0, Math.min(a.rows.length - 1, p))];
  const move = (p: number) => {
    const i = at(p);
    if (i !== undefined) a.select(i);
  };
  switch (e.key) {
    case "/":
      a.focusSearch();
      return true;
    case "j":
      a.focusTree();
      move(pos + 1);
      return true;
    case "k":
      a.focusTree();
      move(pos < 0 ? 0 : pos - 1);
      return true;
    case "e":
      a.expandAll();
      return true;
    case "E":
      a.collapseAll();
      return true;
  }
  if (!onTree) return false;
  switch (e.key) {
    case "ArrowDown":
      move(pos + 1);
      return true;
    case "ArrowUp":
      move(pos < 0 ? 0 : pos - 1);
      return true;
    case "Home":
      move(0);
      return true;
    case "End":
      move(a.rows.length - 1);
      return true;
    case "Enter":
    case " ":
      if (a.selected >= 0 && hasChildren(o, a.selected)) a.toggle(a.selected);
      return true;
    case "ArrowRight":
      if (a.selected < 0) return true;
      if (hasChildren(o, a.selected) && !a.expanded[a.selected]) a.toggle(a.selected, true);
      else move(pos + 1);
      return true;
    case "ArrowLeft":
      if (a.selected < 0) return true;
      if (hasChildren(o, a.selected) && a.expanded[a.selected]) a.toggle(a.selected, false);
      else if (o.parent[a.selected]! >= 0) a.select(o.parent[a.selected]!);
      return true;
  }
  return false;
}

/** Page-wide keys (j/k/e/E and "/") work without first clicking the tree, but never while typing. */
export function usePageKeys(actions: TreeKeyActions, tree: React.RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || tree.current?.contains(e.target as Node)) return;
      if (!["j", "k", "e", "E", "/"].includes(e.key)) return;
      if (handleTreeKey(e, actions, false)) e.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [actions, tree]);
}
