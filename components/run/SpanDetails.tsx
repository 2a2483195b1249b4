"use client";
// The selected span: where it sits (the path to it), what it is, when it started and finished to the microsecond and
// how its times can be trusted, the tool calls it decided on, and its fields fetched on opening.
import { useEffect, useState } from "react";
import type { SpanPayload } from "@/lib/trajectory/truncate";
import { type Outline } from "@/lib/trajectory/outline";
import { ancestorsOf, stepLinks } from "@/lib/trajectory/outline-tree";
import { formatBytes, formatDurationAtUs, formatEpochUs, formatInstant } from "@/lib/format";
import { isRealTime, isTimed, NO_START, skewOf, SKEWED, timingLabel, UNFINISHED, VALID } from "@/lib/trajectory/timing";
import { SpanIcon } from "@/components/run/SpanIcon";
import { spanTypeStyle } from "@/components/run/span-style";
import { SpanFields } from "@/components/run/SpanFields";
import { ValueBoundary } from "@/components/run/ValueBoundary";
import { CopyButton } from "@/components/run/CopyButton";
import { VisibleName } from "@/components/run/VisibleName";
import { TimingMark } from "@/components/run/TimingMark";
import { shownTiming } from "@/components/run/TreeRow";

// Spans already opened this visit: going back to one is instant and costs no request.
const cache = new Map<string, SpanPayload>();

function useSpan(jobId: string, seq: number): { data: SpanPayload | null; error: string | null } {
  const key = `${jobId}:${seq}`;
  const [state, setState] = useState<{ key: string; data: SpanPayload | null; error: string | null }>({ key: "", data: null, error: null });
  useEffect(() => {
    if (cache.has(key)) return;
    const ctrl = new AbortController();
    fetch(`/api/jobs/${jobId}/spans/${seq}`, { signal: ctrl.signal })
      .then(async (r) => {
        if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
        const data = (await r.json()) as SpanPayload;
        cache.set(key, data);
        setState({ key, data, error: null });
      })
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setState({ key, data: null, error: e instanceof Error ? e.message : String(e) });
      });
    return () => ctrl.abort();
  }, [jobId, seq, key]);
  const cached = cache.get(key);
  if (cached) return { data: cached, error: null };
  return state.key === key ? state : { data: null, error: null };
}

/** Ancestors shown in full up to this many; deeper paths show their first two and last three, the rest counted. */
const PATH_SHOWN = 6;

/** The path from the root to the span, each step a button; deep paths are shortened in the middle. */
function Breadcrumb({ o, index, onSelect }: { o: Outline; index: number; onSelect: (i: number) => void }) {
  const [all, setAll] = useState(false);
  const path = ancestorsOf(o, index).reverse();
  if (!path.length) return null;
  const cut = !all && path.length > PATH_SHOWN;
  const step = (i: number) => (
    <li key={i} className="flex min-w-0 items-center gap-1">
      <button
        type="button"
        className="max-w-[12rem] truncate text-sky-700 hover:underline"
        onClick={() => onSelect(i)}
        title={`#${o.seq[i]}`}
      >
        <VisibleName text={o.names[o.name[i]!]!} />
      </button>
      <span className="text-slate-400">›</span>
    </li>
  );
  return (
    <nav aria-label="Path to this span" data-testid="breadcrumb" data-depth={path.length}>
      <ol className="flex flex-wrap items-center gap-1 text-xs">
        {(cut ? path.slice(0, 2) : path).map(step)}
        {cut && (
          <li>
            <button
              type="button"
              className="rounded bg-slate-100 px-1 text-slate-600 hover:bg-slate-200"
              onClick={() => setAll(true)}
              data-testid="breadcrumb-more"
            >
              … {(path.length - 5).toLocaleString("en-US")} levels …
            </button>
            <span className="ml-1 text-slate-400">›</span>
          </li>
        )}
        {cut && path.slice(-3).map(step)}
      </ol>
    </nav>
  );
}

interface Props {
  jobId: string;
  outline: Outline;
  index: number;
  toolCalls: number[] | undefined;
  minutePrecision: boolean;
  live: boolean;
  onSelect: (index: number) => void;
}

export function SpanDetails({ jobId, outline: o, index, toolCalls, minutePrecision, live, onSelect }: Props) {
  const seq = o.seq[index]!;
  const type = o.types[o.type[index]!]!;
  const outlineModel = o.models[o.model[index]!];
  const code = shownTiming(o, index, minutePrecision);
  const label = timingLabel(code, live, code === SKEWED ? skewOf(o, index) : undefined);
  const { data, error } = useSpan(jobId, seq);
  const fullName = data && data.span.Name !== o.names[o.name[index]!] ? data.span.Name : null;
  // The model too: the outline's is a head of a long one.
  const model = data ? data.span.Model : outlineModel;
  const link = typeof window === "undefined" ? "" : `${window.location.origin}/jobs/${jobId}#span-${seq}`;
  // Until the span arrives, times come from the outline (µs); then from the span itself, every stored digit.
  const started = data
    ? formatInstant(data.span.Started, minutePrecision)
    : isRealTime(o.start[index])
      ? formatEpochUs(o.start[index]!, minutePrecision)
      : "…";
  const finished = data?.span.Finished ? formatInstant(data.span.Finished, minutePrecision) : data ? null : "…";
  return (
    <article className="space-y-4" data-testid={`span-fields-${seq}`} data-span-details={seq}>
      <header className="space-y-2">
        <Breadcrumb o={o} index={index} onSelect={onSelect} />
        <div className="flex items-center gap-2">
          <SpanIcon type={type} />
          <h2 className="min-w-0 truncate text-base font-semibold" data-testid="span-name">
            <VisibleName text={fullName ?? o.names[o.name[index]!]!} titled />
          </h2>
          <span className={`rounded px-1.5 text-xs font-medium ${spanTypeStyle(type).className}`}>{type}</span>
          <span className="font-mono text-xs text-slate-400">#{seq}</span>
          {o.depth[index]! > 0 && <span className="text-xs text-slate-400">depth {o.depth[index]}</span>}
          <span className="ml-auto">
            <CopyButton text={link} label="Copy link" />
          </span>
        </div>
        {/* The outline carries a head of a long name (outlineHead); the span read has the whole, shown here in full. */}
        {fullName && (
          <p className="max-h-32 overflow-auto text-sm [overflow-wrap:anywhere]" data-testid="span-full-name">
            <VisibleName text={fullName} />
          </p>
        )}
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs" data-testid="span-times">
          <dt className="text-slate-500">Started</dt>
          <dd className="font-mono" data-testid="span-started">
            {started}
            {code === NO_START && <span className="ml-2 font-sans text-orange-700">no real start</span>}
          </dd>
          <dt className="text-slate-500">Finished</dt>
          <dd className="font-mono" data-testid="span-finished">
            {finished ?? <span className="font-sans text-amber-800">{live ? "running" : "no end recorded"}</span>}
          </dd>
          <dt className="text-slate-500">Duration</dt>
          <dd className="flex flex-wrap items-center gap-2" data-testid="span-duration">
            <span className="font-mono">{isTimed(code) ? formatDurationAtUs(o.dur[index]!, minutePrecision) : "—"}</span>
            <TimingMark code={code} live={live} skew={code === SKEWED ? skewOf(o, index) : undefined} />
          </dd>
          {model && (
            <>
              <dt className="text-slate-500">Model</dt>
              <dd className="font-mono [overflow-wrap:anywhere]">
                <VisibleName text={model} />
              </dd>
            </>
          )}
          <dt className="text-slate-500" title="as stored: JSON may be compressed">
            Stored size
          </dt>
          <dd className="font-mono">{formatBytes(o.size[index]!)}</dd>
        </dl>
        {code !== VALID && label.explain && !(code === UNFINISHED && live) && (
          <p className="rounded border border-amber-200 bg-amber-50 px-2 py-1 text-xs text-amber-900" data-testid="timing-explain">
            {label.explain}
          </p>
        )}
        {toolCalls && toolCalls.length > 0 && (
          <StepLinkRow o={o} label="Decided on" testId="tool-calls" steps={toolCalls} onSelect={onSelect} />
        )}
        <StepLinkRows o={o} index={index} onSelect={onSelect} />
      </header>
      {error && <p className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800">Could not load this span: {error}</p>}
      {!data && !error && <p className="animate-pulse text-sm text-slate-400">Loading the span’s fields…</p>}
      {data && (
        // One span that cannot be shown leaves the tree, the other spans and the page as they are.
        <ValueBoundary label={`Span ${data.span.Seq}`}>
          <SpanFields jobId={jobId} payload={data} />
        </ValueBoundary>
      )}
      {data && !hasAnyField(data) && <p className="text-sm text-slate-400">This span has no fields.</p>}
    </article>
  );
}

function hasAnyField({ span: s, json }: SpanPayload): boolean {
  return Boolean(
    s.Error ||
    json.Args !== undefined ||
    json.Results !== undefined ||
    s.Instruction ||
    s.Prompt ||
    s.Reply ||
    s.Thoughts ||
    s.InputTokens ||
    s.OutputTokens,
  );
}

/** A row of links to other steps: "Decided on" (tool calls), "Read the results of", "Decided by", "Results read by". */
function StepLinkRow({
  o,
  label,
  testId,
  steps,
  onSelect,
}: {
  o: Outline;
  label: string;
  testId: string;
  steps: number[];
  onSelect: (i: number) => void;
}) {
  return (
    <div className="flex flex-wrap items-center gap-1 text-xs" data-testid={testId}>
      <span className="text-slate-500">{label}:</span>
      {steps.map((t) => (
        <button
          key={t}
          type="button"
          className={`rounded px-1.5 py-0.5 font-mono hover:ring-1 hover:ring-emerald-400 ${o.errors.has(t) ? "bg-red-100 text-red-800" : "bg-emerald-50 text-emerald-800"}`}
          onClick={() => onSelect(t)}
        >
          <VisibleName text={o.names[o.name[t]!]!} />
          {o.types[o.type[t]!] === "llm" && <span className="ml-1 text-slate-400">#{o.seq[t]}</span>}
        </button>
      ))}
    </div>
  );
}

/**
 * Both links of a step (lib/trajectory/tree.ts): a tool step was decided by the llm call before it and its results are
 * read by the next llm call at its nesting (upstream's PopulateToolCalls); an llm call read the results of those.
 */
function StepLinkRows({ o, index, onSelect }: { o: Outline; index: number; onSelect: (i: number) => void }) {
  const links = stepLinks(o);
  const decidedBy = links.decidedBy[index]!;
  const readBy = links.readBy[index]!;
  const reads = links.reads.get(index);
  return (
    <>
      {reads && reads.length > 0 && <StepLinkRow o={o} label="Read the results of" testId="results-of" steps={reads} onSelect={onSelect} />}
      {decidedBy >= 0 && <StepLinkRow o={o} label="Decided by" testId="decided-by" steps={[decidedBy]} onSelect={onSelect} />}
      {readBy >= 0 && <StepLinkRow o={o} label="Results read by" testId="results-read-by" steps={[readBy]} onSelect={onSelect} />}
    </>
  );
}
