"use client";
// Every field of one span, each shown for what it is: JSON, text with a copy button, markdown, the error up front.
import { lazy, Suspense, useState } from "react";
import type { Span } from "@/lib/trajectory/span";
import type { Truncation } from "@/lib/trajectory/truncate";
import { formatCount } from "@/lib/format";
import { JsonView } from "@/components/run/JsonView";
import { TextBlock } from "@/components/run/TextBlock";
import { CopyButton } from "@/components/run/CopyButton";
import { PrintedText } from "@/components/workflows/PrintedText";
import { printedText } from "@/lib/trajectory/printed";

// react-markdown and its parsers load with the first Thoughts a reader opens, not with the page.
const Markdown = lazy(() => import("@/components/run/Markdown"));

function Field({ label, actions, children }: { label: string; actions?: React.ReactNode; children: React.ReactNode }) {
  return (
    <section data-field={label}>
      <div className="mb-1 flex items-center gap-2">
        <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{label}</h3>
        <div className="ml-auto flex gap-1">{actions}</div>
      </div>
      {children}
    </section>
  );
}

function Thoughts({ text }: { text: string }) {
  const [raw, setRaw] = useState(false);
  return (
    <Field
      label="Thoughts"
      actions={
        <>
          <button type="button" className="rounded border border-slate-300 bg-white px-1.5 py-0.5 text-xs text-slate-600 hover:bg-slate-50" aria-pressed={raw} onClick={() => setRaw(!raw)}>
            {raw ? "Markdown" : "Raw text"}
          </button>
          <CopyButton text={text} />
        </>
      }
    >
      {raw ? (
        <TextBlock text={text} />
      ) : (
        <div className="rounded border border-slate-200 bg-white p-2">
          <Suspense fallback={<pre className="whitespace-pre-wrap font-mono text-xs">{text.slice(0, 2000)}</pre>}>
            <Markdown text={text} />
          </Suspense>
        </div>
      )}
    </Field>
  );
}

function fullTextHref(jobId: string, seq: number, path: string): string {
  return `/api/jobs/${jobId}/spans/${seq}?path=${encodeURIComponent(path)}`;
}

export function SpanFields({ jobId, span, truncated }: { jobId: string; span: Span; truncated: Truncation[] }) {
  const hasTokens = span.InputTokens != null || span.OutputTokens != null || span.OutputThoughtsTokens != null;
  return (
    <div className="space-y-4">
      {span.Error && (
        <Field label="Error" actions={<CopyButton text={span.Error} />}>
          <div className="rounded border-l-4 border-red-500" data-testid="span-error">
            <TextBlock text={span.Error} tone="error" />
          </div>
        </Field>
      )}
      {truncated.length > 0 && (
        <div className="rounded border border-amber-300 bg-amber-50 p-2 text-xs text-amber-900" data-testid="truncated">
          Long texts are cut here to keep the page fast:
          <ul className="mt-1 space-y-0.5">
            {truncated.map((t) => (
              <li key={t.path}>
                <span className="font-mono">{t.path}</span> ({formatCount(t.length)} characters) —{" "}
                <a className="font-medium text-sky-700 underline" href={fullTextHref(jobId, span.Seq, t.path)} target="_blank" rel="noopener">
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
            {[
              ["input", span.InputTokens],
              ["output", span.OutputTokens],
              ["thoughts", span.OutputThoughtsTokens],
            ].map(([k, v]) => (
              <div key={k as string}>
                <dt className="inline text-slate-500">{k}: </dt>
                <dd className="inline">{formatCount((v as number | undefined) ?? 0)}</dd>
              </div>
            ))}
          </dl>
        </Field>
      )}
      {span.Args !== undefined && (
        <Field label="Args" actions={<CopyButton text={JSON.stringify(span.Args, null, 2)} label="Copy JSON" />}>
          {printedText(span.Args) !== null ? <PrintedText text={printedText(span.Args)!} /> : <JsonView value={span.Args} name="Args" />}
        </Field>
      )}
      {span.Results !== undefined && (
        <Field label="Results" actions={<CopyButton text={JSON.stringify(span.Results, null, 2)} label="Copy JSON" />}>
          {printedText(span.Results) !== null ? <PrintedText text={printedText(span.Results)!} /> : <JsonView value={span.Results} name="Results" />}
        </Field>
      )}
      {(["Instruction", "Prompt", "Reply"] as const).map(
        (f) =>
          span[f] && (
            <Field key={f} label={f} actions={<CopyButton text={span[f]} />}>
              <TextBlock text={span[f]} />
            </Field>
          ),
      )}
      {span.Thoughts && <Thoughts text={span.Thoughts} />}
    </div>
  );
}
