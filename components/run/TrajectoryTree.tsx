// The trajectory as a tree by nesting; each span opens to show every field it has.
import type { RunSpan } from "@/lib/db/runs";
import { buildTree, toolCallsByLlm, type TreeNode } from "@/lib/trajectory/tree";
import { spanDurationMs, spanTokens } from "@/lib/trajectory/summary";
import { formatCount, formatDurationAt, formatTime } from "@/lib/format";
import { SpanFields } from "@/components/run/SpanFields";
import { spanTypeStyle } from "@/components/run/span-style";
import { ExpandAllButtons } from "@/components/run/ExpandAllButtons";

interface TreeProps {
  spans: RunSpan[];
  minutePrecision: boolean;
}

function hasFields(s: RunSpan): boolean {
  return Boolean(
    s.model || s.error || s.args != null || s.results != null || s.instruction || s.prompt || s.reply || s.thoughts ||
      s.inputTokens != null || s.outputTokens != null || s.outputThoughtsTokens != null,
  );
}

function SpanRow({ span, toolCalls, minutePrecision }: { span: RunSpan; toolCalls?: string[]; minutePrecision: boolean }) {
  const style = spanTypeStyle(span.type);
  const tokens = spanTokens(span);
  return (
    <summary className="flex cursor-pointer items-center gap-2 rounded px-1 py-1 text-sm hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-sky-500">
      <span className="chevron inline-block w-3 text-slate-400 transition-transform" aria-hidden>
        ▸
      </span>
      <span className="w-8 shrink-0 text-right font-mono text-xs text-slate-400">{span.seq}</span>
      <span className="shrink-0 font-mono text-xs text-slate-500">{formatTime(span.startedAt, minutePrecision).slice(11)}</span>
      <span className={`shrink-0 rounded px-1.5 text-xs font-medium ${style.className}`}>{style.label}</span>
      <span className="truncate font-medium">{span.name}</span>
      {span.model && <span className="truncate font-mono text-xs text-slate-500">{span.model}</span>}
      {toolCalls && toolCalls.length > 0 && (
        <span className="truncate text-xs text-slate-500" title="tool calls this step decided on">
          → {toolCalls.join(", ")}
        </span>
      )}
      {span.error && (
        <span className="shrink-0 rounded bg-red-100 px-1.5 text-xs font-medium text-red-800" title={span.error}>
          error
        </span>
      )}
      <span className="ml-auto flex shrink-0 items-center gap-3 text-xs tabular-nums text-slate-500">
        {tokens > 0 && <span title="input + output + thought tokens">{formatCount(tokens)} tok</span>}
        {span.finishedAt ? (
          <span className="w-14 text-right">{formatDurationAt(spanDurationMs(span), minutePrecision)}</span>
        ) : (
          <span className="w-14 text-right text-sky-700">running</span>
        )}
      </span>
    </summary>
  );
}

function SpanNode({ node, toolCalls, minutePrecision }: { node: TreeNode<RunSpan>; toolCalls: Map<number, string[]>; minutePrecision: boolean }) {
  const { span, children } = node;
  // Containers start open so the agent loop is visible; leaves start closed.
  const open = span.nesting === 0 || span.type === "agent";
  return (
    <details id={`span-${span.seq}`} data-span={span.seq} open={open} className="group">
      <SpanRow span={span} toolCalls={toolCalls.get(span.seq)} minutePrecision={minutePrecision} />
      {children.length > 0 ? (
        <div className="ml-3 border-l border-slate-200 pl-3">
          {hasFields(span) && (
            <details data-span-fields={span.seq}>
              <summary className="flex cursor-pointer items-center gap-2 px-1 py-0.5 text-xs text-slate-500 hover:text-slate-800">
                <span className="chevron inline-block w-3 transition-transform" aria-hidden>
                  ▸
                </span>
                fields of {span.name}
              </summary>
              <SpanFields span={span} />
            </details>
          )}
          {children.map((child) => (
            <SpanNode key={child.span.seq} node={child} toolCalls={toolCalls} minutePrecision={minutePrecision} />
          ))}
        </div>
      ) : hasFields(span) ? (
        <SpanFields span={span} />
      ) : (
        <p className="py-1 pl-10 text-xs text-slate-400">no fields</p>
      )}
    </details>
  );
}

export function TrajectoryTree({ spans, minutePrecision }: TreeProps) {
  const roots = buildTree(spans);
  const toolCalls = toolCallsByLlm(spans);
  return (
    <section className="rounded border border-slate-200 bg-white" data-trajectory>
      <div className="flex items-center justify-between border-b border-slate-200 px-3 py-2">
        <h2 className="font-semibold">
          Trajectory <span className="text-sm font-normal text-slate-500">({formatCount(spans.length)} spans)</span>
        </h2>
        <ExpandAllButtons />
      </div>
      <div className="p-2">
        {roots.length === 0 ? (
          <p className="p-4 text-sm text-slate-500">No spans yet.</p>
        ) : (
          roots.map((n) => <SpanNode key={n.span.seq} node={n} toolCalls={toolCalls} minutePrecision={minutePrecision} />)
        )}
      </div>
    </section>
  );
}
