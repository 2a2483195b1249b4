"use client";
// Every field of one span, each shown for what it is: JSON in the agent's key order, terminal output as a terminal
// shows it, prose in its own direction, thoughts as markdown, the error up front; every Copy copies the whole value.
import { lazy, Suspense, useMemo, useState } from "react";
import type { JsonField, SpanPayload, Truncation } from "@/lib/trajectory/truncate";
import { formatCount, formatTextSize } from "@/lib/format";
import { JsonTextError, parseJsonText, stringifyJson, type JsonNode } from "@/lib/text/json";
import { visibleText } from "@/lib/text/search";
import { JsonView } from "@/components/run/JsonView";
import { TextBlock } from "@/components/run/TextBlock";
import { CopyButton, fetchWholeValue, fullTextHref } from "@/components/run/CopyButton";
import { PrintedText } from "@/components/workflows/PrintedText";
import { PRINTED_KEY, printedText } from "@/lib/trajectory/printed";
import { ValueBoundary } from "@/components/run/ValueBoundary";

// react-markdown and its parsers load after the page (not with it), as soon as span details are drawn: a deep link opens
// a span's Thoughts at once, and the chunk must not be fetched only then.
const loadMarkdown = () => import("@/components/run/Markdown");
const Markdown = lazy(loadMarkdown);
if (typeof window !== "undefined") setTimeout(() => void loadMarkdown().catch(() => {}), 0);

/**
 * What Thoughts show until the markdown renderer has loaded: the words without markdown's marks (**, __, `, leading #
 * and >), so a reader never sees raw syntax flash and then change.
 */
function unmarked(text: string): string {
  return text
    .replace(/^\s{0,3}(#{1,6}|>)\s+/gm, "")
    .replace(/(\*\*|__)(?=\S)([^]*?\S)\1/g, "$2")
    .replace(/`([^`\n]+)`/g, "$1");
}

function Field({ label, actions, children }: { label: string; actions?: React.ReactNode; children: React.ReactNode }) {
  return (
    <section data-field={label}>
      <div className="mb-1 flex items-center gap-2">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{label}</h3>
        <div className="ml-auto flex gap-1">{actions}</div>
      </div>
      {/* One field whose renderer fails shows a note; the span's other fields and the page stay. */}
      <ValueBoundary label={label}>{children}</ValueBoundary>
    </section>
  );
}

export interface Ctx {
  jobId: string;
  seq: number;
  truncated: Truncation[];
}

/** Copy for a text field: as shown when whole, else the whole value fetched by its path. */
function CopyText({ ctx, path, text }: { ctx: Ctx; path: string; text: string }) {
  const cut = ctx.truncated.find((t) => t.path === path);
  return cut ? (
    <CopyButton load={() => fetchWholeValue(ctx.jobId, ctx.seq, path)} length={cut.unit ? undefined : cut.length} />
  ) : (
    <CopyButton text={text} />
  );
}

function Thoughts({ ctx, text }: { ctx: Ctx; text: string }) {
  const [raw, setRaw] = useState(false);
  const shown = visibleText(text);
  return (
    <Field
      label="Thoughts"
      actions={
        <>
          <button
            type="button"
            className="rounded border border-slate-300 bg-white px-1.5 py-0.5 text-xs text-slate-600 hover:bg-slate-50"
            aria-pressed={raw}
            onClick={() => setRaw(!raw)}
          >
            {raw ? "Markdown" : "Raw text"}
          </button>
          <CopyText ctx={ctx} path="Thoughts" text={text} />
        </>
      }
    >
      {raw ? (
        <TextBlock text={text} prose />
      ) : (
        <div className="rounded border border-slate-200 bg-white p-2" dir="auto">
          <Suspense
            fallback={
              <p className="whitespace-pre-wrap text-sm text-slate-700" aria-busy="true" data-testid="thoughts-loading">
                {unmarked(shown.slice(0, 2000))}
              </p>
            }
          >
            <Markdown text={shown} />
          </Suspense>
        </div>
      )}
    </Field>
  );
}

/** Args, Results or Extra: the stored JSON text parsed in order; text that is somehow not JSON is shown as text. */
export function JsonField({
  ctx,
  field,
  text,
  label = field,
  note,
}: {
  ctx: Ctx;
  field: JsonField;
  text: string;
  label?: string;
  note?: string;
}) {
  const parsed = useMemo((): { node: JsonNode } | { error: string } => {
    try {
      return { node: parseJsonText(text) };
    } catch (e) {
      if (e instanceof JsonTextError) return { error: e.message };
      throw e;
    }
  }, [text]);
  const cuts = useMemo(
    () =>
      new Map(
        ctx.truncated
          .filter((t) => t.path === field || t.path.startsWith(`${field}.`) || t.path.startsWith(`${field}[`))
          .map((t) => [t.path, t.length]),
      ),
    [ctx.truncated, field],
  );
  // A value the dashboard printed and no reading was made of (lib/trajectory/printed.ts) is shown as its text.
  const printed = useMemo(() => (text.startsWith(`{"${PRINTED_KEY}"`) ? printedText(JSON.parse(text)) : null), [text]);
  if (printed !== null) {
    return (
      <Field label={field} actions={<CopyButton text={printed} label="Copy text" />}>
        <PrintedText text={printed} />
      </Field>
    );
  }
  const copy =
    "node" in parsed && cuts.size === 0 ? (
      <CopyButton text={stringifyJson(parsed.node, 2)} label="Copy JSON" />
    ) : (
      <CopyButton load={() => fetchWholeValue(ctx.jobId, ctx.seq, field)} label="Copy JSON" />
    );
  return (
    <Field label={label} actions={copy}>
      {note && <p className="mb-1 text-xs text-slate-500">{note}</p>}
      {"node" in parsed ? <JsonView value={parsed.node} name={field} cuts={cuts} /> : <TextBlock text={text} />}
    </Field>
  );
}

export function SpanFields({ jobId, payload }: { jobId: string; payload: SpanPayload }) {
  const { span, json, truncated } = payload;
  const ctx: Ctx = { jobId, seq: span.Seq, truncated };
  const hasTokens = span.InputTokens != null || span.OutputTokens != null || span.OutputThoughtsTokens != null;
  return (
    <div className="space-y-4">
      {span.Error && (
        <Field label="Error" actions={<CopyText ctx={ctx} path="Error" text={span.Error} />}>
          <div className="rounded border-l-4 border-red-500 pl-1.5" data-testid="span-error">
            <TextBlock text={span.Error} tone="error" />
          </div>
        </Field>
      )}
      {truncated.length > 0 && (
        <div className="rounded border border-amber-300 bg-amber-50 p-2 text-xs text-amber-900" data-testid="truncated">
          Long texts are cut here to keep the page fast (Copy copies them whole):
          <ul className="mt-1 space-y-0.5">
            {truncated.map((t) => (
              <li key={t.path}>
                <span className="font-mono">{t.path}</span> ({formatTextSize(t.length, t.unit)}) —{" "}
                <a
                  className="font-medium text-sky-700 underline"
                  href={fullTextHref(jobId, span.Seq, t.path)}
                  target="_blank"
                  rel="noopener"
                >
                  full text
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {hasTokens && (
        <Field label="Tokens">
          <dl className="flex gap-4 font-mono text-xs">
            {(
              [
                ["input", span.InputTokens],
                ["output", span.OutputTokens],
                ["thoughts", span.OutputThoughtsTokens],
              ] as const
            ).map(([k, v]) => (
              <div key={k}>
                <dt className="inline text-slate-500">{k}: </dt>
                <dd className="inline">{formatCount(v ?? 0)}</dd>
              </div>
            ))}
          </dl>
        </Field>
      )}
      {json.Args !== undefined && <JsonField ctx={ctx} field="Args" text={json.Args} />}
      {json.Results !== undefined && <JsonField ctx={ctx} field="Results" text={json.Results} />}
      {(["Instruction", "Prompt", "Reply"] as const).map(
        (f) =>
          span[f] && (
            <Field key={f} label={f} actions={<CopyText ctx={ctx} path={f} text={span[f]} />}>
              <TextBlock text={span[f]} prose />
            </Field>
          ),
      )}
      {span.Thoughts && <Thoughts ctx={ctx} text={span.Thoughts} />}
      {json.Extra !== undefined && (
        <div data-testid="span-extra">
          <JsonField
            ctx={ctx}
            field="Extra"
            label="Other fields"
            note="What the producer sent beyond the span model (unknown fields, unread OpenTelemetry attributes and events), kept as it came."
            text={json.Extra}
          />
        </div>
      )}
    </div>
  );
}
