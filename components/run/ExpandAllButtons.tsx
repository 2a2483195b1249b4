"use client";
// Expand all / Collapse all for the trajectory tree (native <details>, so the tree works without script too).

function setAll(open: boolean) {
  document.querySelectorAll<HTMLDetailsElement>("[data-trajectory] details").forEach((d) => {
    d.open = open;
  });
}

export function ExpandAllButtons() {
  const button = "rounded border border-slate-300 bg-white px-2 py-1 text-xs hover:bg-slate-50";
  return (
    <div className="flex gap-2">
      <button type="button" className={button} onClick={() => setAll(true)}>
        Expand all
      </button>
      <button type="button" className={button} onClick={() => setAll(false)}>
        Collapse all
      </button>
    </div>
  );
}
