"use client";
// Virtualization for rows of one fixed height: the rows on screen follow from the scroll offset by arithmetic,
// so 100,000 rows cost no measuring and no per-row objects, and the server can render the first screen.
import { useCallback, useLayoutEffect, useState } from "react";

/** Until the scroller is measured (on the server, and in the first render that hydrates it): a typical screen. */
const ASSUMED_HEIGHT = 900;

export interface FixedRows {
  /** the first and one past the last position to render */
  first: number;
  last: number;
  totalSize: number;
  /** top of the row at a position, within the scroller's content */
  offsetOf: (position: number) => number;
  /** scrolls as little as needed to show the row at a position whole */
  scrollToPosition: (position: number) => void;
}

export function useFixedRows(opts: {
  count: number;
  rowHeight: number;
  /** space above the first row (a sticky header inside the scroller) */
  paddingStart: number;
  overscan: number;
  scroller: React.RefObject<HTMLElement | null>;
}): FixedRows {
  const { count, rowHeight, paddingStart, overscan, scroller } = opts;
  const [view, setView] = useState({ top: 0, height: ASSUMED_HEIGHT });

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const read = () =>
      setView((v) => (v.top === el.scrollTop && v.height === el.clientHeight ? v : { top: el.scrollTop, height: el.clientHeight }));
    read();
    el.addEventListener("scroll", read, { passive: true });
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => {
      el.removeEventListener("scroll", read);
      ro.disconnect();
    };
  }, [scroller]);

  const first = Math.max(0, Math.min(count, Math.floor((view.top - paddingStart) / rowHeight) - overscan));
  const last = Math.max(first, Math.min(count, Math.ceil((view.top + view.height - paddingStart) / rowHeight) + overscan));
  const offsetOf = useCallback((position: number) => paddingStart + position * rowHeight, [paddingStart, rowHeight]);
  // A plain function: it reads the scroller only when called (from an effect), never while rendering.
  const scrollToPosition = (position: number) => scrollRowIntoView(scroller.current, position, rowHeight, paddingStart);
  return { first, last, totalSize: paddingStart + count * rowHeight, offsetOf, scrollToPosition };
}

/** Scrolls `el` as little as needed to show the row at `position` whole (the sticky header covers `paddingStart` px). */
function scrollRowIntoView(el: HTMLElement | null, position: number, rowHeight: number, paddingStart: number): void {
  if (!el) return;
  const top = paddingStart + position * rowHeight;
  if (top - paddingStart < el.scrollTop) el.scrollTo({ top: top - paddingStart });
  else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTo({ top: top + rowHeight - el.clientHeight });
}
