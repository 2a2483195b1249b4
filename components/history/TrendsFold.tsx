"use client";
// The trend charts folded away or not, as the reader last chose: kept in a cookie, so the server renders the history
// with the choice (no jump after load). Folded until asked for, so the first screen shows runs (15+ at 1440×900).
import { useState } from "react";
import { TRENDS_COOKIE } from "./trends-cookie";

export function TrendsFold({ initialOpen, children }: { initialOpen: boolean; children: React.ReactNode }) {
  const [open, setOpen] = useState(initialOpen);
  return (
    <section data-testid="trends-fold" data-open={open}>
      <button
        type="button"
        aria-expanded={open}
        className="mb-1 flex items-center gap-1.5 text-xs font-medium text-slate-600 hover:text-slate-900"
        onClick={() => {
          setOpen(!open);
          document.cookie = `${TRENDS_COOKIE}=${open ? "closed" : "open"}; path=/; max-age=${365 * 24 * 3600}; samesite=lax`;
        }}
        data-testid="trends-toggle"
      >
        <span aria-hidden className={`inline-block text-[10px] transition-transform ${open ? "rotate-90" : ""}`}>
          ▶
        </span>
        Trends
      </button>
      {/* Rendered either way (hidden when folded): the streamed charts arrive with the page, and unfolding shows them at once. */}
      <div hidden={!open}>{children}</div>
    </section>
  );
}
