"use client";
// A long text shown as text: folded after a few dozen lines ("show 2,345 more lines"), a diff shown as a diff.
import { useState } from "react";
import { foldText, moreLabel } from "@/lib/trajectory/fold";
import { looksLikeDiff } from "@/lib/trajectory/diff";
import { DiffView } from "@/components/run/DiffView";

export const moreButton = "mt-1 text-xs font-medium text-sky-700 hover:underline focus-visible:outline-2 focus-visible:outline-sky-500";

export function TextBlock({ text, detectDiff = false, tone = "normal" }: { text: string; detectDiff?: boolean; tone?: "normal" | "error" }) {
  const [open, setOpen] = useState(false);
  if (detectDiff && looksLikeDiff(text)) return <DiffView text={text} />;
  const folded = foldText(text);
  const style = tone === "error" ? "border-red-200 bg-red-50 text-red-900" : "border-slate-200 bg-slate-50 text-slate-800";
  const folding = !open && (folded.hiddenLines > 0 || folded.hiddenChars > 0);
  return (
    <div>
      <pre className={`overflow-x-auto whitespace-pre-wrap break-words rounded border p-2 font-mono text-xs leading-5 ${style}`}>
        {folding ? folded.head : text}
      </pre>
      {folding && (
        <button type="button" className={moreButton} onClick={() => setOpen(true)}>
          {moreLabel(folded)}
        </button>
      )}
    </div>
  );
}
