// Every field a span has, shown as plain text (model and tool output is untrusted: never HTML).
import type { RunSpan } from "@/lib/db/runs";
import { formatCount } from "@/lib/format";

function Block({ label, children, tone = "normal" }: { label: string; children: React.ReactNode; tone?: "normal" | "error" }) {
  return (
    <div data-field={label}>
      <div className={`mb-0.5 text-xs font-semibold uppercase tracking-wide ${tone === "error" ? "text-red-700" : "text-slate-500"}`}>{label}</div>
      {children}
    </div>
  );
}

function Text({ text, tone = "normal" }: { text: string; tone?: "normal" | "error" }) {
  const style = tone === "error" ? "border-red-200 bg-red-50 text-red-900" : "border-slate-200 bg-slate-50";
  return <pre className={`max-h-[32rem] overflow-auto whitespace-pre-wrap break-words rounded border p-2 font-mono text-xs ${style}`}>{text}</pre>;
}

function json(v: unknown): string {
  return JSON.stringify(v, null, 2) ?? String(v);
}

export function SpanFields({ span }: { span: RunSpan }) {
  const hasTokens = span.inputTokens != null || span.outputTokens != null || span.outputThoughtsTokens != null;
  return (
    <div className="space-y-2 py-2 pl-6 pr-2" data-testid={`span-fields-${span.seq}`}>
      {span.model && (
        <Block label="Model">
          <span className="font-mono text-xs">{span.model}</span>
        </Block>
      )}
      {span.error && (
        <Block label="Error" tone="error">
          <Text text={span.error} tone="error" />
        </Block>
      )}
      {span.args != null && (
        <Block label="Args">
          <Text text={json(span.args)} />
        </Block>
      )}
      {span.results != null && (
        <Block label="Results">
          <Text text={json(span.results)} />
        </Block>
      )}
      {span.instruction && (
        <Block label="Instruction">
          <Text text={span.instruction} />
        </Block>
      )}
      {span.prompt && (
        <Block label="Prompt">
          <Text text={span.prompt} />
        </Block>
      )}
      {span.reply && (
        <Block label="Reply">
          <Text text={span.reply} />
        </Block>
      )}
      {span.thoughts && (
        <Block label="Thoughts">
          <Text text={span.thoughts} />
        </Block>
      )}
      {hasTokens && (
        <Block label="Tokens">
          <dl className="flex gap-4 font-mono text-xs">
            <div>
              <dt className="inline text-slate-500">input: </dt>
              <dd className="inline">{formatCount(span.inputTokens ?? 0)}</dd>
            </div>
            <div>
              <dt className="inline text-slate-500">output: </dt>
              <dd className="inline">{formatCount(span.outputTokens ?? 0)}</dd>
            </div>
            <div>
              <dt className="inline text-slate-500">thoughts: </dt>
              <dd className="inline">{formatCount(span.outputThoughtsTokens ?? 0)}</dd>
            </div>
          </dl>
        </Block>
      )}
    </div>
  );
}
