"use client";
// Copies a whole value to the clipboard and says what it copied. A value the page shows cut is fetched whole first
// (`load`), so Copy never hands over the shown part of a long text as if it were all of it.
import { useState } from "react";
import { formatCount } from "@/lib/format";

async function writeText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text);
  // Pages served over plain http to another host have no Clipboard API: the old way still works there.
  const area = document.createElement("textarea");
  area.value = text;
  document.body.append(area);
  area.select();
  document.execCommand("copy");
  area.remove();
}

/**
 * Writes what `load` resolves to. Where the browser takes a pending value (ClipboardItem with a promise) the write
 * starts within the click, so the click's permission still holds when a long fetch ends.
 */
async function writeLoaded(load: () => Promise<string>): Promise<number> {
  const text = load();
  if (typeof ClipboardItem !== "undefined" && navigator.clipboard?.write && ClipboardItem.supports?.("text/plain")) {
    await navigator.clipboard.write([new ClipboardItem({ "text/plain": text.then((t) => new Blob([t], { type: "text/plain" })) })]);
  } else {
    await writeText(await text);
  }
  return (await text).length;
}

type State = { phase: "idle" } | { phase: "copying" } | { phase: "done"; chars: number } | { phase: "failed"; reason: string };

/**
 * `text` is copied as it is; `load` fetches the whole value first (its `length`, in characters, is said up front).
 * `label` names the button ("Copy", "Copy JSON", "Copy link").
 */
export function CopyButton({
  text,
  load,
  length,
  label = "Copy",
}: {
  text?: string;
  load?: () => Promise<string>;
  length?: number;
  label?: string;
}) {
  const [state, setState] = useState<State>({ phase: "idle" });
  const whole = length ?? text?.length;
  const title = load
    ? `Copies the whole value${whole != null ? ` (${formatCount(whole)} characters)` : ""}, fetched from the server: the page shows only its beginning.`
    : `Copies ${whole != null ? `${formatCount(whole)} characters` : "the value"}.`;
  const shown =
    state.phase === "copying"
      ? "Copying…"
      : state.phase === "done"
        ? `Copied ${formatCount(state.chars)} chars`
        : state.phase === "failed"
          ? "Copy failed"
          : load
            ? label.replace(/^Copy/, "Copy all")
            : label;
  return (
    <button
      type="button"
      className={`rounded border px-1.5 py-0.5 text-xs hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-sky-500 ${
        state.phase === "failed" ? "border-red-300 bg-red-50 text-red-700" : "border-slate-300 bg-white text-slate-600"
      }`}
      title={state.phase === "failed" ? state.reason : title}
      data-copy={load ? "whole" : "shown"}
      data-copy-length={whole}
      disabled={state.phase === "copying"}
      onClick={() => {
        setState({ phase: "copying" });
        const done = load ? writeLoaded(load) : writeText(text ?? "").then(() => (text ?? "").length);
        done
          .then((chars) => {
            setState({ phase: "done", chars });
            setTimeout(() => setState({ phase: "idle" }), 1600);
          })
          .catch((e: unknown) => setState({ phase: "failed", reason: e instanceof Error ? e.message : String(e) }));
      }}
    >
      {shown}
    </button>
  );
}

/** Fetches one whole value of a span as text (GET /api/jobs/<id>/spans/<seq>?path=…); throws with the status on failure. */
export async function fetchWholeValue(jobId: string, seq: number, path: string): Promise<string> {
  const r = await fetch(fullTextHref(jobId, seq, path));
  if (!r.ok) throw new Error(`could not fetch the whole value: ${r.status} ${r.statusText}`);
  return r.text();
}

export function fullTextHref(jobId: string, seq: number, path: string): string {
  return `/api/jobs/${jobId}/spans/${seq}?path=${encodeURIComponent(path)}`;
}
