"use client";
// The selected span: what it is, when and how long, the tool calls it decided on, and its fields fetched on opening.
import { useEffect, useState } from "react";
import type { Span } from "@/lib/trajectory/span";
import type { Truncation } from "@/lib/trajectory/truncate";
import type { Outline } from "@/lib/trajectory/outline";
import { formatBytes, formatDurationAt, formatTime } from "@/lib/format";
import { SpanIcon } from "@/components/run/SpanIcon";
import { spanTypeStyle } from "@/components/run/span-style";
import { SpanFields } from "@/components/run/SpanFields";
import { CopyButton } from "@/components/run/CopyButton";

interface Loaded {
  span: Span;
  truncated: Truncation[];
}

// Spans already opened this visit: going back to one is instant and costs no request.
const cache = new Map<string, Loaded>();

function useSpan(jobId: string, seq: number): { data: Loaded | null; error: string | null } {
  const key = `${jobId}:${seq}`;
  const [state, setState] = useState<{ key: string; data: Loaded | null; error: string | null }>({ key: "", data: null, error: null });
  useEffect(() => {
    if (cache.has(key)) return;
    const ctrl = new AbortController();
    fetch(`/api/jobs/${jobId}/spans/${seq}`, { signal: ctrl.signal })
      .then(async (r) => {
        if (!r.ok) throw new Error(`${r.status} ${r.statusText}`);
        const data = (await r.json()) as Loaded;
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

interface Props {
  jobId: string;
  outline: Outline;
  index: number;
  toolCalls: number[] | undefined;
  minutePrecision: boolean;
  onSelect: (index: number) => void;
}

export function SpanDetails({ jobId, outline: o, index, toolCalls, minutePrecision, onSelect }: Props) {
  const seq = o.seq[index]!;
  const type = o.types[o.type[index]!]!;
  const model = o.models[o.model[index]!];
  const dur = o.dur[index]!;
  const { data, error } = useSpan(jobId, seq);
  const link = typeof window === "undefined" ? "" : `${window.location.origin}/jobs/${jobId}#span-${seq}`;
  return (
    <article className="space-y-4" data-testid={`span-fields-${seq}`} data-span-details={seq}>
      <header className="space-y-2">
        <div className="flex items-center gap-2">
          <SpanIcon type={type} />
          <h2 className="truncate text-base font-semibold">{o.names[o.name[index]!]}</h2>
          <span className={`rounded px-1.5 text-xs font-medium ${spanTypeStyle(type).className}`}>{type}</span>
          <span className="font-mono text-xs text-slate-400">#{seq}</span>
          <span className="ml-auto">
            <CopyButton text={link} label="Copy link" />
          </span>
        </div>
        <dl className="flex flex-wrap gap-x-5 gap-y-1 text-xs">
          <div>
            <dt className="inline text-slate-500">Started </dt>
            <dd className="inline font-mono">{formatTime(new Date(o.start[index]!), minutePrecision)}</dd>
          </div>
          <div>
            <dt className="inline text-slate-500">Duration </dt>
            <dd className="inline font-mono">{Number.isNaN(dur) ? <span className="text-sky-700">running</span> : formatDurationAt(dur, minutePrecision)}</dd>
          </div>
          {model && (
            <div>
              <dt className="inline text-slate-500">Model </dt>
              <dd className="inline font-mono">{model}</dd>
            </div>
          )}
          <div>
            <dt className="inline text-slate-500" title="as stored: JSON may be compressed">Stored size </dt>
            <dd className="inline font-mono">{formatBytes(o.size[index]!)}</dd>
          </div>
        </dl>
        {toolCalls && toolCalls.length > 0 && (
          <div className="flex flex-wrap items-center gap-1 text-xs" data-testid="tool-calls">
            <span className="text-slate-500">Decided on:</span>
            {toolCalls.map((t) => (
              <button
                key={t}
                type="button"
                className={`rounded px-1.5 py-0.5 font-mono hover:ring-1 hover:ring-emerald-400 ${o.errors.has(t) ? "bg-red-100 text-red-800" : "bg-emerald-50 text-emerald-800"}`}
                onClick={() => onSelect(t)}
              >
                {o.names[o.name[t]!]}
              </button>
            ))}
          </div>
        )}
      </header>
      {error && <p className="rounded border border-red-300 bg-red-50 p-2 text-sm text-red-800">Could not load this span: {error}</p>}
      {!data && !error && <p className="animate-pulse text-sm text-slate-400">Loading the span’s fields…</p>}
      {data && <SpanFields jobId={jobId} span={data.span} truncated={data.truncated} />}
      {data && !hasAnyField(data.span) && <p className="text-sm text-slate-400">This span has no fields.</p>}
    </article>
  );
}

function hasAnyField(s: Span): boolean {
  return Boolean(s.Error || s.Args !== undefined || s.Results !== undefined || s.Instruction || s.Prompt || s.Reply || s.Thoughts || s.InputTokens || s.OutputTokens);
}
