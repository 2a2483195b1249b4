"use client";
// One step of the conversation view (components/run/Conversation.tsx): its head line (icon, name, model, tokens) and
// its payload as the step's type reads it — a model turn's thoughts folded and reply as markdown, a tool call's
// arguments and result folded in place, errors highlighted.
import { lazy, Suspense } from "react";
import { type Outline } from "@/lib/trajectory/outline";
import { spanTokensAt } from "@/lib/trajectory/outline-tree";
import { formatCount, formatTextSize } from "@/lib/format";
import type { SpanPayload } from "@/lib/trajectory/truncate";
import { SpanIcon } from "@/components/run/SpanIcon";
import { VisibleName } from "@/components/run/VisibleName";
import { TextBlock } from "@/components/run/TextBlock";
import { JsonField, type Ctx } from "@/components/run/SpanFields";
import { CopyButton, fetchWholeValue } from "@/components/run/CopyButton";

/** Markdown loads with the first reply shown (the renderer and its parser are the view's largest script). */
export const Markdown = lazy(() => import("@/components/run/Markdown"));

export function Head({ o, index, children }: { o: Outline; index: number; children?: React.ReactNode }) {
  const type = o.types[o.type[index]!]!;
  const model = o.models[o.model[index]!];
  const tokens = spanTokensAt(o, index);
  return (
    <div className="flex min-w-0 flex-wrap items-center gap-1.5 text-sm">
      <SpanIcon type={type} />
      <VisibleName text={o.names[o.name[index]!]!} className="font-medium" />
      {model && <VisibleName text={model} className="font-mono text-xs text-slate-500" />}
      {children}
      <span className="ml-auto font-mono text-xs text-slate-400">#{o.seq[index]}</span>
      {tokens > 0 && <span className="text-xs tabular-nums text-slate-500">{formatCount(tokens)} tok</span>}
    </div>
  );
}

function Fold({ label, children, open = false }: { label: string; children: React.ReactNode; open?: boolean }) {
  return (
    <details className="group/fold mt-1" open={open}>
      <summary className="cursor-pointer text-xs font-medium text-slate-600 hover:text-slate-900">
        <span aria-hidden className="chevron mr-1 inline-block text-[9px] transition-transform">
          ▶
        </span>
        {label}
      </summary>
      <div className="mt-1 space-y-2">{children}</div>
    </details>
  );
}

/**
 * Under a text the page cut (lib/runs/conversation.ts: its first CONVERSATION_TEXT_CHARS characters): how much there
 * is, where to read it whole, and Copy of the whole text.
 */
function CutNote({ jobId, seq, payload, path }: { jobId: string; seq: number; payload: SpanPayload; path: string }) {
  const cut = payload.truncated.find((t) => t.path === path);
  if (!cut) return null;
  return (
    <p className="mt-1 text-xs text-amber-800" data-conv-cut={path}>
      {path} is cut here ({formatTextSize(cut.length, cut.unit)} in all); open the step in the tree to read it whole.{" "}
      <CopyButton load={() => fetchWholeValue(jobId, seq, path)} length={cut.unit ? undefined : cut.length} />
    </p>
  );
}

/** One step with its payload: what it is decides what is shown, and what is folded. */
export function Step({
  jobId,
  o,
  index,
  payload,
  toolCalls,
  reply = true,
}: {
  jobId: string;
  o: Outline;
  index: number;
  payload: SpanPayload;
  toolCalls?: number[];
  /** false for an agent's own span: its reply is the agent's answer, read after its steps (AgentSection) */
  reply?: boolean;
}) {
  const { span, json } = payload;
  const ctx: Ctx = { jobId, seq: span.Seq, truncated: payload.truncated };
  // Args or Results the page left out whole (lib/runs/conversation.ts: too long for a page of steps).
  const leftOut = payload.truncated.filter(
    (t) => (t.path === "Args" && json.Args === undefined) || (t.path === "Results" && json.Results === undefined),
  );
  const type = o.types[o.type[index]!]!;
  const summary = o.summaries.get(index);
  return (
    <>
      <Head o={o} index={index}>
        {type === "tool" && summary && <span className="min-w-0 truncate font-mono text-xs text-slate-600">{summary}</span>}
        {toolCalls && toolCalls.length > 0 && (
          <span className="text-xs text-slate-500">
            → calls{" "}
            {toolCalls.map((t, i) => (
              <span key={t}>
                {i > 0 && ", "}
                <VisibleName text={o.names[o.name[t]!]!} />
              </span>
            ))}
          </span>
        )}
      </Head>
      {span.Error && (
        <div className="mt-1 rounded border-l-4 border-red-500 bg-red-50 p-2" data-conv-error>
          <TextBlock text={span.Error} tone="error" />
          <CutNote jobId={jobId} seq={span.Seq} payload={payload} path="Error" />
        </div>
      )}
      {span.Instruction && (
        <Fold label="Instruction">
          <TextBlock text={span.Instruction} prose />
          <CutNote jobId={jobId} seq={span.Seq} payload={payload} path="Instruction" />
        </Fold>
      )}
      {span.Prompt && (
        <div className="mt-1 rounded bg-slate-50 p-2" data-conv-prompt>
          <div className="mb-0.5 text-[11px] font-semibold uppercase tracking-wide text-slate-500">Prompt</div>
          <TextBlock text={span.Prompt} prose />
          <CutNote jobId={jobId} seq={span.Seq} payload={payload} path="Prompt" />
        </div>
      )}
      {span.Thoughts && (
        <Fold label="Thoughts">
          <Suspense fallback={<TextBlock text={span.Thoughts} prose />}>
            <Markdown text={span.Thoughts} />
          </Suspense>
          <CutNote jobId={jobId} seq={span.Seq} payload={payload} path="Thoughts" />
        </Fold>
      )}
      {reply && span.Reply && (
        <div className="mt-1" data-conv-reply>
          <Suspense fallback={<TextBlock text={span.Reply} prose />}>
            <Markdown text={span.Reply} />
          </Suspense>
          <CutNote jobId={jobId} seq={span.Seq} payload={payload} path="Reply" />
        </div>
      )}
      {(json.Args !== undefined || json.Results !== undefined || leftOut.length > 0) && (
        <Fold label={type === "tool" ? "Arguments and result" : "Args and results"}>
          {json.Args !== undefined && <JsonField ctx={ctx} field="Args" text={json.Args} />}
          {json.Results !== undefined && <JsonField ctx={ctx} field="Results" text={json.Results} />}
          {leftOut.map((t) => (
            <p key={t.path} className="mt-1 text-xs text-slate-600" data-conv-left-out={t.path}>
              {t.path}: {formatTextSize(t.length, t.unit)}, too long to show here; open the step in the tree to read it.{" "}
              <CopyButton load={() => fetchWholeValue(jobId, span.Seq, t.path)} length={t.unit ? undefined : t.length} label="Copy JSON" />
            </p>
          ))}
        </Fold>
      )}
    </>
  );
}

export function stepClass(selected: boolean, match: boolean, error: boolean): string {
  return `scroll-mt-16 rounded px-2 py-1.5 ${selected ? "bg-sky-50 ring-2 ring-sky-400" : match ? "bg-amber-50" : ""} ${
    error ? "border-l-4 border-red-400" : ""
  }`;
}
