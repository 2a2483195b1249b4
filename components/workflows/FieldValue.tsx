// One result or input field of a workflow shown for what it is (lib/workflows/fields): code highlighted, a diff as a
// diff, crash reports and configs folded, recipients as To:/Cc: lines, e-mail tags as tag lines. A value whose shape
// is not what the field should hold is shown as JSON, never guessed at.
import { CopyButton } from "@/components/run/CopyButton";
import { DiffView } from "@/components/run/DiffView";
import { TextBlock } from "@/components/run/TextBlock";
import { CodeBlock } from "@/components/workflows/CodeBlock";
import { PrintedText } from "@/components/workflows/PrintedText";
import { printedText } from "@/lib/trajectory/printed";
import type { FieldSpec } from "@/lib/workflows/fields";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");
const str = (v: unknown) => (typeof v === "string" ? v : "");

export function YesNo({ value }: { value: boolean }) {
  return (
    <span
      className={`inline-flex rounded px-2 py-0.5 text-sm font-semibold ${value ? "bg-emerald-600 text-white" : "bg-slate-600 text-white"}`}
      data-verdict={value ? "yes" : "no"}
    >
      {value ? "yes" : "no"}
    </span>
  );
}

function None() {
  return <span className="text-sm text-slate-400">none</span>;
}

function Chips({ values, prefix = "" }: { values: string[]; prefix?: string }) {
  if (values.length === 0) return <None />;
  return (
    <ul className="flex flex-wrap gap-1">
      {values.map((v, i) => (
        <li key={i} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800 ring-1 ring-slate-200">
          {prefix && <span className="text-slate-400">{prefix}</span>}
          {v}
        </li>
      ))}
    </ul>
  );
}

function Json({ value }: { value: unknown }) {
  return (
    <pre className="max-h-80 overflow-auto whitespace-pre-wrap wrap-anywhere rounded bg-slate-50 p-2 font-mono text-xs">
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** "Name <email>", or the address alone, as git writes a person. */
function person(name: string, email: string): string {
  return name && email ? `${name} <${email}>` : name || email;
}

interface Recipient {
  Name: string;
  Email: string;
  To: boolean;
}
function isRecipients(v: unknown): v is Recipient[] {
  return (
    Array.isArray(v) &&
    v.every(
      (r) =>
        isRecord(r) &&
        typeof r.Email === "string" &&
        (r.Name === undefined || typeof r.Name === "string") &&
        (r.To === undefined || typeof r.To === "boolean"),
    )
  );
}

function Recipients({ list }: { list: Recipient[] }) {
  if (list.length === 0) return <None />;
  const line = (to: boolean) => list.filter((r) => Boolean(r.To) === to).map((r) => person(str(r.Name), r.Email));
  const to = line(true);
  const cc = line(false);
  return (
    <div className="space-y-0.5 font-mono text-xs" data-recipients>
      {[
        ["To", to],
        ["Cc", cc],
      ].map(
        ([label, people]) =>
          (people as string[]).length > 0 && (
            <div key={label as string} data-line={label}>
              <span className="font-semibold text-slate-500">{label as string}: </span>
              {(people as string[]).join(", ")}
            </div>
          ),
      )}
    </div>
  );
}

function Fixes({ fix }: { fix: Record<string, unknown> }) {
  const hash = str(fix.Hash);
  if (!hash) return <None />;
  const title = str(fix.Title);
  const author = person(str(fix.AuthorName), str(fix.AuthorEmail));
  return (
    <div className="font-mono text-xs">
      Fixes: {hash.slice(0, 12)}
      {title && ` ("${title}")`}
      {author && <div className="text-slate-500">by {author}</div>}
    </div>
  );
}

function Tags({ tag, values }: { tag: string; values: string[] }) {
  if (values.length === 0) return <None />;
  return (
    <div className="font-mono text-xs">
      {values.map((v, i) => (
        <div key={i}>
          <span className="text-slate-500">{tag}: </span>
          {v}
        </div>
      ))}
    </div>
  );
}

function Replies({ replies }: { replies: Record<string, unknown>[] }) {
  if (replies.length === 0) return <None />;
  return (
    <ol className="space-y-2">
      {replies.map((r, i) => (
        <li key={i} className="rounded border border-slate-200 p-2 text-sm">
          {str(r.ReplyTo) && <div className="mb-1 font-mono text-[11px] text-slate-400">in reply to {str(r.ReplyTo)}</div>}
          {str(r.Quote) && (
            <blockquote className="mb-1 whitespace-pre-wrap wrap-anywhere border-l-4 border-slate-300 pl-2 font-mono text-xs text-slate-600">
              {str(r.Quote)}
            </blockquote>
          )}
          <p className="whitespace-pre-wrap wrap-anywhere text-slate-800">{str(r.Text)}</p>
        </li>
      ))}
    </ol>
  );
}

function PatchHistory({ versions }: { versions: Record<string, unknown>[] }) {
  if (versions.length === 0) return <None />;
  return (
    <ol className="space-y-1">
      {versions.map((v, i) => (
        <li key={i}>
          <details className="rounded border border-slate-200 p-2 text-sm">
            <summary className="cursor-pointer">
              v{typeof v.Version === "number" ? v.Version : i + 1}
              {str(v.ChangeLog) && <span className="ml-2 text-slate-500">{str(v.ChangeLog).split("\n")[0]}</span>}
              {Array.isArray(v.Comments) && v.Comments.length > 0 && (
                <span className="ml-2 text-xs text-slate-400">{v.Comments.length} comments</span>
              )}
            </summary>
            <div className="mt-2 space-y-2">
              {str(v.Description) && <TextBlock text={str(v.Description)} />}
              {str(v.Diff) && <DiffView text={str(v.Diff)} />}
              {Array.isArray(v.Comments) && v.Comments.length > 0 && <Json value={v.Comments} />}
            </div>
          </details>
        </li>
      ))}
    </ol>
  );
}

/** The value of one field, shown by its kind; `spec` comes from lib/workflows (fieldSpec). */
export function FieldValue({ spec, value }: { spec: FieldSpec; value: unknown }) {
  const printed = printedText(value);
  if (printed !== null) return <PrintedText text={printed} />;
  if (value === null || value === undefined) return <None />;
  switch (spec.kind) {
    case "bool":
      if (typeof value === "boolean") return <YesNo value={value} />;
      break;
    case "text":
      if (typeof value === "string")
        return value === "" ? <None /> : <p className="whitespace-pre-wrap wrap-anywhere text-sm leading-6 text-slate-800">{value}</p>;
      break;
    case "line":
      if (typeof value === "string") return value === "" ? <None /> : <span className="wrap-anywhere font-mono text-xs">{value}</span>;
      break;
    case "code":
      if (typeof value === "string") return value === "" ? <None /> : <CodeBlock code={value} lang={spec.lang ?? "c"} />;
      break;
    case "diff":
      if (typeof value === "string") return value.trim() === "" ? <None /> : <DiffView text={value} />;
      break;
    case "folded":
      if (typeof value === "string") return value === "" ? <None /> : <TextBlock text={value} />;
      break;
    case "list":
      if (isStrings(value)) return <Chips values={value} />;
      break;
    case "configs":
      // Kernel configs come without their CONFIG_ prefix; a reader pastes them with it.
      if (isStrings(value))
        return (
          <div className="flex flex-wrap items-center gap-2">
            <Chips values={value} prefix="CONFIG_" />
            {value.length > 0 && <CopyButton text={value.map((c) => `CONFIG_${c}=y`).join("\n")} label="Copy as .config" />}
          </div>
        );
      break;
    case "folded-list":
      if (isStrings(value))
        return value.length === 0 ? (
          <None />
        ) : (
          <ol className="space-y-1">
            {value.map((t, i) => (
              <li key={i}>
                <div className="text-[11px] text-slate-400">#{i + 1}</div>
                <TextBlock text={t} />
              </li>
            ))}
          </ol>
        );
      break;
    case "recipients":
      if (isRecipients(value)) return <Recipients list={value} />;
      break;
    case "fixes":
      if (isRecord(value)) return <Fixes fix={value} />;
      break;
    case "tags":
      if (isStrings(value)) return <Tags tag={spec.tag ?? spec.name} values={value} />;
      break;
    case "replies":
      if (Array.isArray(value) && value.every(isRecord)) return <Replies replies={value} />;
      break;
    case "patch-history":
      if (Array.isArray(value) && value.every(isRecord)) return <PatchHistory versions={value} />;
      break;
    case "json":
      break;
  }
  if (typeof value === "string") return <TextBlock text={value} />;
  return <Json value={value} />;
}
