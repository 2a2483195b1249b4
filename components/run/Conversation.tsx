"use client";
// The run read as a conversation: per agent, in order, its instruction and prompt, each model turn (thoughts folded,
// the reply as markdown) and each tool call (arguments and result folded in place, errors highlighted). Steps outside
// agents are one line each, from the outline. An agent's payloads load when it is opened, a page at a time
// (GET /api/jobs/<id>/conversation), so a 10,000-span run costs what the reader opens; the outermost blocks are drawn
// a hundred at a time, so a 100,000-span run's page is as big as a small one's. Selection, search matches and
// permalinks (#span-<seq>) are the tree's (TrajectoryPanel).
import { Suspense, useEffect, useMemo, useRef, useState } from "react";
import { type Outline } from "@/lib/trajectory/outline";
import { formatCount } from "@/lib/format";
import type { SpanPayload } from "@/lib/trajectory/truncate";
import type { ConversationPage } from "@/lib/runs/conversation";
import { SpanIcon } from "@/components/run/SpanIcon";
import { VisibleName } from "@/components/run/VisibleName";
import { TextBlock, moreButton } from "@/components/run/TextBlock";
import { StepNotes } from "@/components/notes/StepNotes";
import { CONVERSATION_PAGE_SPANS } from "@/lib/limits";

import { Head, Markdown, Step, stepClass } from "@/components/run/ConversationStep";
import { blockOf, conversationBlocks, seqIndex } from "@/components/run/conversation-blocks";

/** Agents open on arrival when the run is this small; bigger runs open an agent when asked (or linked to). */
const OPEN_AGENTS_UP_TO = 500;

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

/** Steps of an agent loaded and drawn before the selected one when a reader jumps deep into it. */
const LEAD_STEPS = 5;
/** Outermost blocks (agents, lines) drawn at once; more as the reader scrolls to the end of them or jumps past them. */
export const BLOCKS_DRAWN = 100;

interface StepWindow {
  /** Seq of the first loaded step */
  from: number;
  spans: SpanPayload[];
  /** Seq of the next page, or null when the agent's steps are loaded to its end */
  next: number | null;
  /** pages loaded after `from` */
  count: number;
}

async function fetchPage(jobId: string, from: number, to: number): Promise<ConversationPage> {
  const r = await fetch(`/api/jobs/${jobId}/conversation?from=${from}&to=${to}`);
  if (!r.ok) throw new Error(((await r.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${r.status}`);
  return (await r.json()) as ConversationPage;
}

/**
 * One agent: its subtree's spans, loaded a page at a time once opened, as a window of consecutive steps: it grows
 * forward ("show more") and backward ("show earlier"), and a jump to a step far from it (a permalink, a search match)
 * starts a new window at that step, so reaching step 90,000 of an agent loads one page, not 1,800.
 */
function AgentSection(p: Props & { index: number; defaultOpen: boolean }) {
  const { o, index, jobId } = p;
  const first = o.seq[index]!;
  const last = o.seq[o.end[index]! - 1]!;
  const [open, setOpen] = useState(p.defaultOpen);
  const [win, setWin] = useState<StepWindow | null>(null);
  /** pages the reader asked for after the window's start ("show more") */
  const [requested, setRequested] = useState(1);
  const [error, setError] = useState<string | null>(null);
  /** a page is on its way (a ref: the effect runs again when it lands, through `win` or `error`) */
  const busy = useRef(false);
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

  const loaded = win ? (win.next ?? last + 1) : first;
  const selectedSeq = holdsSelected ? o.seq[p.selected]! : null;
  useEffect(() => {
    if (!open || busy.current || error) return;
    // What to load next, if anything: a new window at the selected step when it is more than a page away from the
    // loaded steps, the page before the window when it was selected just above it, else the next page when asked for.
    let from: number;
    let to = last;
    let how: "new" | "before" | "after";
    const page = CONVERSATION_PAGE_SPANS;
    if (!win) {
      how = "new";
      from = selectedSeq !== null && selectedSeq - first > page ? selectedSeq - LEAD_STEPS : first;
    } else if (selectedSeq !== null && (selectedSeq < win.from - page || selectedSeq >= loaded + page)) {
      how = "new";
      from = Math.max(first, selectedSeq - LEAD_STEPS);
    } else if (selectedSeq !== null && selectedSeq < win.from) {
      how = "before";
      from = Math.max(first, win.from - page);
      to = win.from - 1;
    } else if (win.next !== null && (win.count < requested || (selectedSeq !== null && loaded <= selectedSeq))) {
      how = "after";
      from = win.next;
    } else return;
    busy.current = true;
    fetchPage(jobId, from, to)
      .then((got) => {
        if (how === "new") setRequested(1);
        setWin((prev) =>
          how === "new" || !prev
            ? { from, spans: got.spans, next: got.next, count: 1 }
            : how === "before"
              ? { ...prev, from, spans: [...got.spans, ...prev.spans] }
              : { ...prev, spans: [...prev.spans, ...got.spans], next: got.next, count: prev.count + 1 },
        );
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => {
        busy.current = false;
      });
  }, [open, error, win, requested, loaded, selectedSeq, first, last, jobId]);

  const bySeq = useMemo(() => new Map((win?.spans ?? []).map((s) => [s.span.Seq, s])), [win]);
  const from = win?.from ?? first;
  const lo = seqIndex(o, index, o.end[index]!, from);
  const hi = seqIndex(o, lo, o.end[index]!, loaded);
  const indices = Array.from({ length: hi - lo }, (_, k) => lo + k);
  const before = lo - index;
  // The agent's own reply is its answer: read after its steps, once they are loaded to the end.
  const answer = bySeq.get(first)?.span.Reply;

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
          {before > 0 && win && (
            <li>
              <button
                type="button"
                className={moreButton}
                onClick={() => {
                  if (busy.current) return;
                  const earlier = Math.max(first, win.from - CONVERSATION_PAGE_SPANS);
                  busy.current = true;
                  fetchPage(jobId, earlier, win.from - 1)
                    .then((got) => setWin((prev) => prev && { ...prev, from: earlier, spans: [...got.spans, ...prev.spans] }))
                    .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
                    .finally(() => {
                      busy.current = false;
                    });
                }}
                data-testid={`conv-earlier-${first}`}
              >
                show earlier steps ({formatCount(before)} before)
              </button>
            </li>
          )}
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
                  <Step jobId={jobId} o={o} index={i} payload={payload} toolCalls={p.toolCalls.get(i)} reply={i !== index} />
                ) : (
                  <Head o={o} index={i} />
                )}
                <StepNotes seq={seq} compact />
              </li>
            );
          })}
          {answer && win?.next === null && (
            <li className="rounded bg-emerald-50 p-2" data-conv-answer>
              <div className="mb-0.5 text-[11px] font-semibold uppercase tracking-wide text-slate-600">Answer</div>
              <Suspense fallback={<TextBlock text={answer} prose />}>
                <Markdown text={answer} />
              </Suspense>
            </li>
          )}
          {error && <li className="text-sm text-red-700">Could not load these steps: {error}</li>}
          {win?.next != null && (
            <li>
              <button type="button" className={moreButton} onClick={() => setRequested(win.count + 1)} data-testid={`conv-more-${first}`}>
                show more steps ({formatCount(o.end[index]! - index - before - indices.length)} left)
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
  // The blocks drawn: a window [start, end) that grows as the reader scrolls to its end, and moves to a selected
  // step outside it, so a run of 100,000 outermost steps draws a hundred of them, not all.
  const [range, setRange] = useState({ start: 0, end: BLOCKS_DRAWN });
  if (p.selected >= 0 && blocks.length > 0) {
    const b = blockOf(blocks, p.selected);
    // Next to the drawn blocks (j/k): grow the window; far from them (a permalink, a match): a new window there.
    if (b >= range.end) setRange(b < range.end + BLOCKS_DRAWN ? { ...range, end: b + 10 } : { start: b - 10, end: b - 10 + BLOCKS_DRAWN });
    else if (b < range.start)
      setRange(
        b >= range.start - BLOCKS_DRAWN
          ? { ...range, start: Math.max(0, b - 10) }
          : { start: Math.max(0, b - 10), end: b - 10 + BLOCKS_DRAWN },
      );
  }
  const start = Math.min(range.start, blocks.length);
  const end = Math.min(range.end, blocks.length);
  const endRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  // Draw the next blocks when the end of the drawn ones scrolls into view.
  useEffect(() => {
    const el = endRef.current;
    if (!el || end >= blocks.length) return;
    const seen = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setRange((r) => ({ ...r, end: r.end + BLOCKS_DRAWN }));
      },
      { root: listRef.current, rootMargin: "800px 0px" },
    );
    seen.observe(el);
    return () => seen.disconnect();
  }, [end, blocks.length]);
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
    <div ref={listRef} className="min-h-0 flex-1 space-y-2 overflow-auto p-3" data-testid="conversation" tabIndex={-1}>
      {start > 0 && (
        <button
          type="button"
          className={moreButton}
          onClick={() => setRange((r) => ({ ...r, start: Math.max(0, r.start - BLOCKS_DRAWN) }))}
          data-testid="conv-blocks-earlier"
        >
          show earlier steps ({formatCount(blocks[start]!.index)} spans before)
        </button>
      )}
      {blocks.slice(start, end).map((b) =>
        b.kind === "agent" ? (
          <AgentSection key={b.index} {...p} index={b.index} defaultOpen={defaultOpen} />
        ) : (
          <div
            key={b.index}
            id={`conv-span-${o.seq[b.index]}`}
            data-conv-span={o.seq[b.index]}
            data-match={p.matches?.[b.index] ? true : undefined}
            aria-current={b.index === p.selected ? "true" : undefined}
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
      {end < blocks.length && (
        <div ref={endRef}>
          <button
            type="button"
            className={moreButton}
            onClick={() => setRange((r) => ({ ...r, end: r.end + BLOCKS_DRAWN }))}
            data-testid="conv-blocks-more"
          >
            show more steps ({formatCount(o.count - blocks[end]!.index)} spans after)
          </button>
        </div>
      )}
    </div>
  );
}
