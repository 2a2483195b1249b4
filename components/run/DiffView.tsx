"use client";
// A unified diff as a reader wants it: commit header, a section per file, hunks with old/new line numbers,
// added and removed lines coloured, code highlighted by the file's language; "Raw" shows the text as it came.
import { useMemo, useState } from "react";
import { displayPath, languageOf, parseDiff, type DiffFile, type DiffHunk } from "@/lib/trajectory/diff";
import { TokenLine, useTokens } from "@/components/run/highlight";

const LINE_STYLE = {
  add: "bg-emerald-50",
  del: "bg-red-50",
  ctx: "",
  note: "text-slate-400 italic",
} as const;
const SIGN = { add: "+", del: "-", ctx: " ", note: "" } as const;
/** Lines of one file shown before "show more": a 5,000-line patch should not stall the panel. */
const FILE_LINES = 400;

function Hunk({ hunk, lang }: { hunk: DiffHunk; lang: string | null }) {
  const code = useMemo(
    () =>
      hunk.lines
        .filter((l) => l.kind !== "note")
        .map((l) => l.text)
        .join("\n"),
    [hunk],
  );
  const tokens = useTokens(code, lang);
  let k = 0;
  return (
    <tbody>
      <tr className="bg-sky-50 text-sky-800">
        <td colSpan={4} className="px-2 py-0.5">
          {hunk.header}
        </td>
      </tr>
      {hunk.lines.map((l, i) => {
        const line = l.kind === "note" ? null : tokens?.[k++];
        return (
          <tr key={i} className={LINE_STYLE[l.kind]} data-diff-line={l.kind}>
            <td className="w-10 select-none pr-2 text-right text-slate-400">{l.oldNo ?? ""}</td>
            <td className="w-10 select-none pr-2 text-right text-slate-400">{l.newNo ?? ""}</td>
            <td className={`w-4 select-none ${l.kind === "add" ? "text-emerald-700" : l.kind === "del" ? "text-red-700" : ""}`}>
              {SIGN[l.kind]}
            </td>
            <td className="whitespace-pre pr-2">{line ? <TokenLine tokens={line} /> : l.text}</td>
          </tr>
        );
      })}
    </tbody>
  );
}

/** Whole hunks up to a budget of lines (at least one), so line numbers never break mid-hunk. */
function hunksWithin(hunks: DiffHunk[], budget: number): DiffHunk[] {
  let n = 0;
  let lines = 0;
  while (n < hunks.length && (n === 0 || lines < budget)) lines += hunks[n++]!.lines.length;
  return hunks.slice(0, n);
}

function FileSection({ file }: { file: DiffFile }) {
  const [all, setAll] = useState(false);
  const path = displayPath(file);
  const lang = languageOf(path);
  const hunks = all ? file.hunks : hunksWithin(file.hunks, FILE_LINES);
  const hidden = file.hunks.slice(hunks.length).reduce((n, h) => n + h.lines.length, 0);
  return (
    <section className="overflow-hidden rounded border border-slate-200" data-diff-file={path}>
      <header className="flex items-center gap-3 border-b border-slate-200 bg-slate-100 px-2 py-1 font-mono text-xs">
        <span className="font-semibold text-slate-800">{path}</span>
        {file.oldPath && file.newPath && file.oldPath !== file.newPath && file.oldPath !== "/dev/null" && file.newPath !== "/dev/null" && (
          <span className="text-slate-500">renamed from {file.oldPath}</span>
        )}
        <span className="ml-auto text-emerald-700">+{file.added}</span>
        <span className="text-red-700">−{file.removed}</span>
      </header>
      <div className="overflow-x-auto">
        <table className="w-full border-collapse font-mono text-xs leading-5">
          {hunks.map((h, i) => (
            <Hunk key={i} hunk={h} lang={lang} />
          ))}
        </table>
      </div>
      {hidden > 0 && (
        <button type="button" className="m-2 text-xs font-medium text-sky-700 hover:underline" onClick={() => setAll(true)}>
          show {hidden.toLocaleString("en-US")} more lines
        </button>
      )}
    </section>
  );
}

function CommitHeader({ lines }: { lines: string[] }) {
  const text = lines.join("\n").trim();
  if (!text) return null;
  const [first, ...rest] = text.split("\n");
  const commit = /^commit ([0-9a-f]{7,40})/.exec(first ?? "");
  return (
    <div className="rounded border border-slate-200 bg-white p-2 font-mono text-xs" data-diff-header>
      {commit ? (
        <div>
          <span className="text-slate-500">commit </span>
          <span className="font-semibold text-amber-700">{commit[1]}</span>
        </div>
      ) : (
        <div>{first}</div>
      )}
      <pre className="whitespace-pre-wrap wrap-anywhere text-slate-700">{rest.join("\n")}</pre>
    </div>
  );
}

export function DiffView({ text }: { text: string }) {
  const [raw, setRaw] = useState(false);
  const diff = useMemo(() => parseDiff(text), [text]);
  if (!diff)
    return (
      <pre className="whitespace-pre-wrap wrap-anywhere rounded border border-slate-200 bg-slate-50 p-2 font-mono text-xs">{text}</pre>
    );
  const added = diff.files.reduce((n, f) => n + f.added, 0);
  const removed = diff.files.reduce((n, f) => n + f.removed, 0);
  return (
    <div className="space-y-2" data-testid="diff">
      <div className="flex items-center gap-3 text-xs text-slate-600">
        <span>
          {diff.files.length} {diff.files.length === 1 ? "file" : "files"} changed, <span className="text-emerald-700">+{added}</span>{" "}
          <span className="text-red-700">−{removed}</span>
        </span>
        <button
          type="button"
          className="ml-auto rounded border border-slate-300 bg-white px-1.5 py-0.5 hover:bg-slate-50"
          aria-pressed={raw}
          onClick={() => setRaw(!raw)}
        >
          {raw ? "Show as diff" : "Raw text"}
        </button>
      </div>
      {raw ? (
        <pre
          className="overflow-x-auto whitespace-pre rounded border border-slate-200 bg-slate-50 p-2 font-mono text-xs"
          data-testid="diff-raw"
        >
          {text}
        </pre>
      ) : (
        <>
          <CommitHeader lines={diff.header} />
          {diff.files.map((f, i) => (
            <FileSection key={i} file={f} />
          ))}
        </>
      )}
    </div>
  );
}
