"use client";
// A text shown for what it is: a diff as a diff; tool output as a terminal shows it (colours kept, other escape codes
// gone, carriage-return progress collapsed) with the raw codes one toggle away; prose laid out in its own direction.
// Long texts fold after a few dozen lines ("show 2,345 more lines").
import { useEffect, useMemo, useState } from "react";
import { foldText, moreLabel } from "@/lib/trajectory/fold";
import { looksLikeDiff } from "@/lib/trajectory/diff";
import { visibleText } from "@/lib/text/search";
import { hasTerminalCodes, renderTerminal, showControls, type StyledLine } from "@/lib/text/terminal";
import { DiffView } from "@/components/run/DiffView";

export const moreButton = "mt-1 text-xs font-medium text-sky-700 hover:underline focus-visible:outline-2 focus-visible:outline-sky-500";
const toggleButton = "rounded border border-slate-300 bg-white px-1.5 py-0.5 text-[11px] text-slate-600 hover:bg-slate-50";

/** Lines of rendered terminal output shown before "show more". */
const TERMINAL_LINES = 30;

/** The coloured lines of terminal output once shiki's tokenizer has them; null meanwhile (the plain text shows). */
function useTerminal(text: string, on: boolean): StyledLine[] | null {
  const [result, setResult] = useState<{ text: string; lines: StyledLine[] } | null>(null);
  useEffect(() => {
    if (!on) return;
    let live = true;
    renderTerminal(text)
      .then((lines) => live && setResult({ text, lines }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [text, on]);
  return result && result.text === text ? result.lines : null;
}

const FONT_STYLE = (f = 0): React.CSSProperties => ({
  fontStyle: f & 1 ? "italic" : undefined,
  fontWeight: f & 2 ? 600 : undefined,
  textDecoration: [f & 4 ? "underline" : "", f & 8 ? "line-through" : ""].filter(Boolean).join(" ") || undefined,
});

function TerminalLines({ lines }: { lines: StyledLine[] }) {
  return lines.map((line, i) => (
    <span key={i}>
      {i > 0 && "\n"}
      {line.map((r, j) => (
        <span key={j} style={{ color: r.color, backgroundColor: r.bgColor, ...FONT_STYLE(r.fontStyle) }}>
          {r.text}
        </span>
      ))}
    </span>
  ));
}

interface Props {
  text: string;
  detectDiff?: boolean;
  tone?: "normal" | "error";
  /** prose a model or a person wrote (prompts, replies, instructions): laid out in its own direction (dir="auto") */
  prose?: boolean;
}

export function TextBlock({ text, detectDiff = false, tone = "normal", prose = false }: Props) {
  const [open, setOpen] = useState(false);
  const terminal = hasTerminalCodes(text);
  const [raw, setRaw] = useState(false);
  const lines = useTerminal(text, terminal && !raw);
  const visible = useMemo(() => (terminal ? visibleText(text) : text), [terminal, text]);
  if (detectDiff && !terminal && looksLikeDiff(text)) return <DiffView text={text} />;
  const shownText = raw ? showControls(text) : visible;
  const folded = foldText(shownText);
  const style = tone === "error" ? "border-red-200 bg-red-50 text-red-900" : "border-slate-200 bg-slate-50 text-slate-800";
  const folding = !open && (folded.hiddenLines > 0 || folded.hiddenChars > 0);
  const coloured = lines && !raw ? (folding ? lines.slice(0, TERMINAL_LINES) : lines) : null;
  return (
    <div data-text-block={terminal ? (raw ? "raw" : "terminal") : "text"}>
      {terminal && (
        <div className="mb-1 flex items-center gap-2 whitespace-nowrap font-sans text-[11px] text-slate-500">
          <span className="truncate">terminal output: colours shown, control codes hidden</span>
          <button type="button" className={toggleButton} aria-pressed={raw} onClick={() => setRaw(!raw)} data-testid="raw-toggle">
            {raw ? "Rendered" : "Raw codes"}
          </button>
        </div>
      )}
      <pre
        dir={prose ? "auto" : undefined}
        className={`overflow-x-auto whitespace-pre-wrap wrap-anywhere rounded border p-2 text-start font-mono text-xs leading-5 ${style}`}
      >
        {coloured ? <TerminalLines lines={coloured} /> : folding ? folded.head : shownText}
      </pre>
      {folding && (
        <button type="button" className={moreButton} onClick={() => setOpen(true)}>
          {moreLabel(folded)}
        </button>
      )}
    </div>
  );
}
