"use client";
// The run read as a conversation: per agent, in order, its instruction and prompt, each model turn (thoughts folded,
// the reply as markdown) and each tool call (arguments and result folded in place, errors highlighted). Steps outside
// agents are one line each, from the outline. An agent's payloads load when it is opened, a page at a time
// (GET /api/jobs/<id>/conversation), so a 10,000-span run costs what the reader opens. Selection, search matches and
// permalinks (#span-<seq>) are the tree's (TrajectoryPanel).
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { type Outline } from "@/lib/trajectory/outline";
import { spanTokensAt } from "@/lib/trajectory/outline-tree";
import { formatCount } from "@/lib/format";
import type { SpanPayload } from "@/lib/trajectory/truncate";
import type { ConversationPage } from "@/lib/runs/conversation";
import { SpanIcon } from "@/components/run/SpanIcon";
import { VisibleName } from "@/components/run/VisibleName";
import { TextBlock, moreButton } from "@/components/run/TextBlock";
import { JsonField, type Ctx } from "@/components/run/SpanFields";
import { CopyButton, fetchWholeValue } from "@/components/run/CopyButton";
import { StepNotes } from "@/components/notes/StepNotes";

const Markdown = lazy(() => import("@/components/run/Markdown"));

/** Agents open on arrival when the run is this small; bigger runs open an agent when asked (or linked to). */
const OPEN_AGENTS_UP_TO = 500;

type Block = { kind: "agent"; index: number } | { kind: "step"; index: number };

/** The outline in reading order: each outermost agent as one block (its subtree), every other span as a line. */
export function conversationBlocks(o: Outline): Block[] {
  const agent = o.types.indexOf("agent");
  const blocks: Block[] = [];
  for (let i = 0; i < o.count;) {
    if (o.type[i] === agent) {
      blocks.push({ kind: "agent", index: i });
      i = o.end[i]!;
    } else blocks.push({ kind: "step", index: i++ });
  }
  return blocks;
}

interface Props {
  jobId: string;
  o: Outline;
  matches: Uint8Array | null;
  selected: number;
  toolCalls: Map<number, number[]>;
  onSelect: (index: number) => void;
  /** open every agent (n > 0) or close them all (n < 0) when the number changes */
  openAll: number;
}

function Head({ o, index, children }: { o: Outline; index: number; children?: React.ReactNode }) {
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

/** One step with its payload: what it is decides what is shown, and what is folded. */
function Step({
  jobId,
  o,
  index,
  payload,
  toolCalls,
}: {
  jobId: string;
  o: Outline;
  index: number;
  payload: SpanPayload;
  toolCalls?: number[];
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
        </div>
      )}
      {span.Instruction && (
        <Fold label="Instruction">
          <TextBlock text={span.Instruction} prose />
        </Fold>
      )}
      {span.Prompt && (
        <div className="mt-1 rounded bg-slate-50 p-2" data-conv-prompt>
          <div className="mb-0.5 text-[11px] font-semibold uppercase tracking-wide text-slate-500">Prompt</div>
          <TextBlock text={span.Prompt} prose />
        </div>
      )}
      {span.Thoughts && (
        <Fold label="Thoughts">
          <Suspense fallback={<TextBlock text={span.Thoughts} prose />}>
            <Markdown text={span.Thoughts} />
          </Suspense>
        </Fold>
      )}
      {span.Reply && (
        <div className="mt-1" data-conv-reply>
          <Suspense fallback={<TextBlock text={span.Reply} prose />}>
            <Markdown text={span.Reply} />
          </Suspense>
        </div>
      )}
      {(json.Args !== undefined || json.Results !== undefined || leftOut.length > 0) && (
        <Fold label={type === "tool" ? "Arguments and result" : "Args and results"}>
          {json.Args !== undefined && <JsonField ctx={ctx} field="Args" text={json.Args} />}
          {json.Results !== undefined && <JsonField ctx={ctx} field="Results" text={json.Results} />}
          {leftOut.map((t) => (
            <p key={t.path} className="mt-1 text-xs text-slate-600" data-conv-left-out={t.path}>
              {t.path}: {t.length.toLocaleString("en-US")} characters, too long to show here; open the step in the tree to read it.{" "}
              <CopyButton load={() => fetchWholeValue(jobId, span.Seq, t.path)} length={t.length} label="Copy JSON" />
            </p>
          ))}
        </Fold>
      )}
    </>
  );
}

function stepClass(selected: boolean, match: boolean, error: boolean): string {
  return `scroll-mt-16 rounded px-2 py-1.5 ${selected ? "bg-sky-50 ring-2 ring-sky-400" : match ? "bg-amber-50" : ""} ${
    error ? "border-l-4 border-red-400" : ""
  }`;
}

/** One agent: its subtree's spans, loaded a page at a time once opened. */
function AgentSection(p: Props & { index: number; defaultOpen: boolean }) {
  const { o, index, jobId } = p;
  const first = o.seq[index]!;
  const last = o.seq[o.end[index]! - 1]!;
  const [open, setOpen] = useState(p.defaultOpen);
  const [pages, setPages] = useState<{ spans: SpanPayload[]; next: number | null; count: number } | null>(null);
  /** pages the reader asked for ("show more") */
  const [requested, setRequested] = useState(1);
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(false);
  const [lastOpenAll, setLastOpenAll] = useState(p.openAll);
  // The selected span lies in this agent: open it (a permalink, a search match, j/k).
  const holdsSelected = p.selected >= index && p.selected < o.end[index]!;
  if (holdsSelected && !open) setOpen(true);
  if (p.openAll !== lastOpenAll) {
    setLastOpenAll(p.openAll);
    setOpen(p.openAll > 0);
  }
  const matchCount = useMemo(() => {
    if (!p.matches) return 0;
    let n = 0;
    for (let i = index; i < o.end[index]!; i++) n += p.matches[i]!;
    return n;
  }, [p.matches, o, index]);

  const loaded = pages ? (pages.next ?? last + 1) : first;
  const wantUpTo = holdsSelected ? o.seq[p.selected]! : first;
  useEffect(() => {
    if (!open || loading.current || error) return;
    if (pages && (pages.next === null || (pages.count >= requested && loaded > wantUpTo))) return;
    loading.current = true;
    const from = pages?.next ?? first;
    fetch(`/api/jobs/${jobId}/conversation?from=${from}&to=${last}`)
      .then(async (r) => {
        if (!r.ok) throw new Error(((await r.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${r.status}`);
        return (await r.json()) as ConversationPage;
      })
      .then((page) =>
        setPages((prev) => ({ spans: [...(prev?.spans ?? []), ...page.spans], next: page.next, count: (prev?.count ?? 0) + 1 })),
      )
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => {
        loading.current = false;
      });
  }, [open, pages, requested, loaded, wantUpTo, first, last, jobId, error]);

  const bySeq = useMemo(() => new Map((pages?.spans ?? []).map((s) => [s.span.Seq, s])), [pages]);
  const indices: number[] = [];
  for (let i = index; i < o.end[index]!; i++) if (o.seq[i]! < loaded) indices.push(i);

  return (
    <section className="rounded border border-slate-200" data-conv-agent={first}>
      <button
        type="button"
        className="flex w-full items-center gap-2 bg-slate-50 px-3 py-2 text-left"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid={`conv-agent-${first}`}
      >
        <span aria-hidden className={`inline-block text-[10px] transition-transform ${open ? "rotate-90" : ""}`}>
          ▶
        </span>
        <SpanIcon type="agent" />
        <VisibleName text={o.names[o.name[index]!]!} className="font-semibold" />
        <span className="text-xs text-slate-500">{formatCount(o.end[index]! - index - 1)} steps</span>
        {matchCount > 0 && <span className="rounded bg-amber-100 px-1 text-xs text-amber-900">{formatCount(matchCount)} matches</span>}
      </button>
      {open && (
        <ol className="space-y-1 p-2">
          {indices.map((i) => {
            const payload = bySeq.get(o.seq[i]!);
            const seq = o.seq[i]!;
            return (
              <li
                key={seq}
                id={`conv-span-${seq}`}
                data-conv-span={seq}
                data-type={o.types[o.type[i]!]}
                data-match={p.matches?.[i] ? true : undefined}
                aria-current={i === p.selected ? "true" : undefined}
                className={stepClass(i === p.selected, !!p.matches?.[i], o.errors.has(i))}
                style={{ marginLeft: Math.min(o.depth[i]! - o.depth[index]!, 6) * 12 }}
                onClick={(e) => {
                  if ((e.target as HTMLElement).closest("summary, button, a, textarea, input")) return;
                  p.onSelect(i);
                }}
              >
                {payload ? (
                  <Step jobId={jobId} o={o} index={i} payload={payload} toolCalls={p.toolCalls.get(i)} />
                ) : (
                  <Head o={o} index={i} />
                )}
                <StepNotes seq={seq} compact />
              </li>
            );
          })}
          {error && <li className="text-sm text-red-700">Could not load these steps: {error}</li>}
          {pages?.next != null && (
            <li>
              <button type="button" className={moreButton} onClick={() => setRequested(pages.count + 1)} data-testid={`conv-more-${first}`}>
                show more steps ({formatCount(o.end[index]! - index - indices.length)} left)
              </button>
            </li>
          )}
        </ol>
      )}
    </section>
  );
}

export function Conversation(p: Props) {
  const { o } = p;
  const blocks = useMemo(() => conversationBlocks(o), [o]);
  const defaultOpen = o.count <= OPEN_AGENTS_UP_TO;
  const selectedSeq = p.selected >= 0 ? o.seq[p.selected] : undefined;
  // Bring the selected step into view once it is drawn (its agent may first have to open and load).
  useEffect(() => {
    if (selectedSeq === undefined) return;
    let tries = 0;
    let frame = 0;
    const reveal = () => {
      const el = document.getElementById(`conv-span-${selectedSeq}`);
      if (el) el.scrollIntoView({ block: "nearest" });
      else if (tries++ < 120) frame = requestAnimationFrame(reveal);
    };
    frame = requestAnimationFrame(reveal);
    return () => cancelAnimationFrame(frame);
  }, [selectedSeq]);
  return (
    <div className="min-h-0 flex-1 space-y-2 overflow-auto p-3" data-testid="conversation" tabIndex={-1}>
      {blocks.map((b) =>
        b.kind === "agent" ? (
          <AgentSection key={b.index} {...p} index={b.index} defaultOpen={defaultOpen} />
        ) : (
          <div
            key={b.index}
            id={`conv-span-${o.seq[b.index]}`}
            data-conv-span={o.seq[b.index]}
            data-match={p.matches?.[b.index] ? true : undefined}
            className={stepClass(b.index === p.selected, !!p.matches?.[b.index], o.errors.has(b.index))}
            onClick={() => p.onSelect(b.index)}
          >
            <Head o={o} index={b.index}>
              {o.errors.has(b.index) && <span className="truncate text-xs text-red-700">{o.errors.get(b.index)}</span>}
            </Head>
            <StepNotes seq={o.seq[b.index]!} compact />
          </div>
        ),
      )}
    </div>
  );
}
