"use client";
// The original page's two charts (pkg/aflow/trajectory/html/trajectory_block.html): the time of every LLM and tool
// step, and the tokens of every LLM call, coloured by agent; tooltips as upstream writes them — the tokens split into
// in/out/thoughts, and the tools whose results the call read.
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { CallPoint, StepPoint } from "@/lib/trajectory/summary";
import { AGENT_COLOURS } from "@/components/run/span-style";
import { formatCompact } from "@/lib/format";

/** Bars drawn at most; longer runs are sampled evenly (and say so) so the chart stays responsive. */
const MAX_BARS = 1500;
/** Tool steps' bars: one colour for all tools, apart from the agents' colours. */
const TOOL_COLOUR = "#94a3b8";

function sample<T>(series: T[]): T[] {
  if (series.length <= MAX_BARS) return series;
  const step = series.length / MAX_BARS;
  return Array.from({ length: MAX_BARS }, (_, i) => series[Math.floor(i * step)]!);
}

const n = (v: number) => v.toLocaleString("en-US");

/** The tooltip box: a title line and detail lines, as text (names are data from the run). */
function TipBox({ lines, testId }: { lines: string[]; testId: string }) {
  return (
    <div className="rounded border border-slate-200 bg-white px-2 py-1 text-xs shadow" data-testid={testId}>
      {lines.map((l, i) => (
        <div key={i} className={i === 0 ? "font-semibold" : "text-slate-700"}>
          {l}
        </div>
      ))}
    </div>
  );
}

function Frame({ title, testId, children }: { title: string; testId: string; children: React.ReactElement }) {
  return (
    <figure data-testid={testId}>
      <figcaption className="mb-1 text-sm font-semibold">{title}</figcaption>
      <div className="h-56">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** Time per step: LLM calls in their agent's colour, tool calls in grey (upstream's "Time Consumption of LLM/Tool Calls"). */
function TimeChart({ data, colour }: { data: StepPoint[]; colour: (a: string) => string }) {
  return (
    <Frame title="Time per LLM and tool step (s)" testId="chart-seconds">
      <BarChart data={data} margin={{ top: 4, right: 8, bottom: 4, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="seq" tick={{ fontSize: 10 }} />
        <YAxis tick={{ fontSize: 10 }} width={48} tickFormatter={(v: number) => String(Number(v.toPrecision(3)))} />
        <Tooltip
          content={({ active, payload }) => {
            const p = active ? (payload?.[0]?.payload as StepPoint | undefined) : undefined;
            if (!p) return null;
            const lines = [
              `#${p.seq} ${p.type === "llm" ? "LLM" : "tool"} ${p.name}`,
              p.seconds == null ? "no valid times" : `${n(p.seconds)} s`,
            ];
            if (p.tools.length) lines.push(`Tools: ${p.tools.join(", ")}`);
            return <TipBox lines={lines} testId="tip-seconds" />;
          }}
        />
        <Bar dataKey="seconds" isAnimationActive={false}>
          {data.map((p) => (
            <Cell key={p.seq} fill={p.type === "tool" ? TOOL_COLOUR : colour(p.name)} />
          ))}
        </Bar>
      </BarChart>
    </Frame>
  );
}

/** Tokens per LLM call; the tooltip splits them (In, Out, Thoughts) and names the tools read, as upstream's does. */
function TokenChart({ data, colour }: { data: CallPoint[]; colour: (a: string) => string }) {
  return (
    <Frame title="Tokens per LLM call" testId="chart-tokens">
      <BarChart data={data} margin={{ top: 4, right: 8, bottom: 4, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="n" tick={{ fontSize: 10 }} />
        {/* Compact ticks (1.98B, 12.3k): a billion-token run's axis must not cut its labels to "0000000". */}
        <YAxis tick={{ fontSize: 10 }} width={48} tickFormatter={(v: number) => formatCompact(v)} />
        <Tooltip
          content={({ active, payload }) => {
            const p = active ? (payload?.[0]?.payload as CallPoint | undefined) : undefined;
            if (!p) return null;
            const lines = [
              `LLM call ${p.n} (#${p.seq} ${p.agent})`,
              `Total tokens: ${n(p.tokens)}`,
              `(In: ${n(p.inputTokens)}, Out: ${n(p.outputTokens)}, Thoughts: ${n(p.thoughtsTokens)})`,
            ];
            if (p.tools.length) lines.push(`Tools: ${p.tools.join(", ")}`);
            return <TipBox lines={lines} testId="tip-tokens" />;
          }}
        />
        <Bar dataKey="tokens" isAnimationActive={false}>
          {data.map((p) => (
            <Cell key={p.n} fill={colour(p.agent)} />
          ))}
        </Bar>
      </BarChart>
    </Frame>
  );
}

/** `minutePrecision`: the run\'s times are whole minutes, so no step has a time worth a bar (each would be 0 or 60 s). */
export default function CallCharts({
  series,
  steps,
  minutePrecision = false,
}: {
  series: CallPoint[];
  steps: StepPoint[];
  minutePrecision?: boolean;
}) {
  const agents = [...new Set(series.map((p) => p.agent))];
  const colour = (a: string) => AGENT_COLOURS[agents.indexOf(a) % AGENT_COLOURS.length]!;
  const calls = sample(series);
  const stepBars = sample(steps);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-3 text-xs" data-testid="chart-legend">
        {agents.map((a) => (
          <span key={a} className="flex items-center gap-1">
            <span className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: colour(a) }} />
            {a}
          </span>
        ))}
        <span className="flex items-center gap-1">
          <span className="inline-block h-2.5 w-2.5 rounded-sm" style={{ background: TOOL_COLOUR }} />
          tool steps
        </span>
        {(calls.length < series.length || stepBars.length < steps.length) && (
          <span className="text-slate-500">
            every {Math.round(steps.length / stepBars.length)}th of {n(steps.length)} steps and every{" "}
            {Math.round(series.length / calls.length)}th of {n(series.length)} calls shown
          </span>
        )}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        {minutePrecision ? (
          <figure data-testid="chart-seconds">
            <figcaption className="mb-1 text-sm font-semibold">Time per LLM and tool step</figcaption>
            <p className="text-xs text-slate-600">Not known: this run&apos;s times are whole minutes.</p>
          </figure>
        ) : (
          <TimeChart data={stepBars} colour={colour} />
        )}
        <TokenChart data={calls} colour={colour} />
      </div>
    </div>
  );
}
