// One result or input field of a workflow shown for what it is (lib/workflows/fields): code highlighted, a diff as a
// diff, crash reports and configs folded, recipients as To:/Cc: lines, e-mail tags as tag lines. A value whose shape
// is not what the field should hold is shown as JSON, never guessed at.
// Every list, text and JSON value is shown within its display budget (lib/limits.ts DISPLAY_*, lib/text/budget.ts):
// the first items or characters, then "N more" and a link to the whole value, so a page's size never follows what an
// agent stored.
import { CopyButton } from "@/components/run/CopyButton";
import { DiffView } from "@/components/run/DiffView";
import { TextBlock } from "@/components/run/TextBlock";
import { CodeBlock } from "@/components/workflows/CodeBlock";
import { PrintedText } from "@/components/workflows/PrintedText";
import { printedText } from "@/lib/trajectory/printed";
import { headItems, headText, headTexts, jsonHead, storedCount } from "@/lib/text/budget";
import { DISPLAY_MAX_CHARS, DISPLAY_MAX_ITEMS, DISPLAY_MAX_ITEM_CHARS, DISPLAY_MAX_JSON_CHARS } from "@/lib/limits";
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

/** "N more …" after a cut value, with a link to the whole value when the page has one. */
export function More({ count, unit, rawHref }: { count: number; unit: string; rawHref?: string }) {
  if (count <= 0) return null;
  return (
    <div className="mt-1 text-xs text-slate-500" data-more={count}>
      {count.toLocaleString("en-US")} more {unit} not shown
      {rawHref && (
        <>
          {" "}
          —{" "}
          <a className="text-sky-700 hover:underline" href={rawHref} rel="nofollow">
            the whole value
          </a>
        </>
      )}
    </div>
  );
}

/** One list item within its budget: a symbol or config is short; a longer one is cut and says so. */
const item = (v: string) => {
  const h = headText(v, DISPLAY_MAX_ITEM_CHARS);
  return h.more ? `${h.text}… (${h.more.toLocaleString("en-US")} more characters)` : h.text;
};

/**
 * A cut shared by the texts of one value (replies, versions): together they show at most `max` characters, the first
 * ones whole; a cut text ends with "…".
 */
function sharedCut(max: number) {
  let left = max;
  return (s: string) => {
    const h = headText(s, Math.max(left, 0));
    left -= h.text.length;
    return h.more ? `${h.text}…` : h.text;
  };
}

function None() {
  return <span className="text-sm text-slate-400">none</span>;
}

function Chips({ values, prefix = "", rawHref }: { values: string[]; prefix?: string; rawHref?: string }) {
  if (storedCount(values) === 0) return <None />;
  const { items, more } = headItems(values, DISPLAY_MAX_ITEMS);
  return (
    <div>
      <ul className="flex flex-wrap gap-1">
        {items.map((v, i) => (
          <li key={i} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800 ring-1 ring-slate-200">
            {prefix && <span className="text-slate-400">{prefix}</span>}
            {item(v)}
          </li>
        ))}
      </ul>
      <More count={more} unit="items" rawHref={rawHref} />
    </div>
  );
}

function Json({ value, rawHref, max = DISPLAY_MAX_JSON_CHARS }: { value: unknown; rawHref?: string; max?: number }) {
  const { text, cut } = jsonHead(value, max);
  return (
    <div>
      <pre className="max-h-80 overflow-auto whitespace-pre-wrap wrap-anywhere rounded bg-slate-50 p-2 font-mono text-xs">{text}</pre>
      {cut && (
        <div className="mt-1 text-xs text-slate-500" data-more="json">
          shown up to {max.toLocaleString("en-US")} characters
          {rawHref && (
            <>
              {" "}
              —{" "}
              <a className="text-sky-700 hover:underline" href={rawHref} rel="nofollow">
                the whole value
              </a>
            </>
          )}
        </div>
      )}
    </div>
  );
}

/** A long text cut to its budget, then shown by `show`, with "N more characters" after it. */
function Cut({ text, rawHref, show }: { text: string; rawHref?: string; show: (text: string) => React.ReactNode }) {
  const h = headText(text, DISPLAY_MAX_CHARS);
  return (
    <>
      {show(h.text)}
      <More count={h.more} unit="characters" rawHref={rawHref} />
    </>
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

function Recipients({ list: all, rawHref }: { list: Recipient[]; rawHref?: string }) {
  if (storedCount(all) === 0) return <None />;
  const { items: list, more } = headItems(all, DISPLAY_MAX_ITEMS);
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
      <More count={more} unit="recipients" rawHref={rawHref} />
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
      {title && ` ("${item(title)}")`}
      {author && <div className="text-slate-500">by {author}</div>}
    </div>
  );
}

function Tags({ tag, values, rawHref }: { tag: string; values: string[]; rawHref?: string }) {
  if (storedCount(values) === 0) return <None />;
  const { items, more } = headItems(values, DISPLAY_MAX_ITEMS);
  return (
    <div className="font-mono text-xs">
      {items.map((v, i) => (
        <div key={i}>
          <span className="text-slate-500">{tag}: </span>
          {item(v)}
        </div>
      ))}
      <More count={more} unit="tags" rawHref={rawHref} />
    </div>
  );
}

function Replies({ replies: all, rawHref }: { replies: Record<string, unknown>[]; rawHref?: string }) {
  if (storedCount(all) === 0) return <None />;
  const { items: replies, more } = headItems(all, DISPLAY_MAX_ITEMS);
  const cut = sharedCut(DISPLAY_MAX_CHARS);
  return (
    <div>
      <ol className="space-y-2">
        {replies.map((r, i) => (
          <li key={i} className="rounded border border-slate-200 p-2 text-sm">
            {str(r.ReplyTo) && <div className="mb-1 font-mono text-[11px] text-slate-400">in reply to {item(str(r.ReplyTo))}</div>}
            {str(r.Quote) && (
              <blockquote className="mb-1 whitespace-pre-wrap wrap-anywhere border-l-4 border-slate-300 pl-2 font-mono text-xs text-slate-600">
                {cut(str(r.Quote))}
              </blockquote>
            )}
            <p className="whitespace-pre-wrap wrap-anywhere text-slate-800">{cut(str(r.Text))}</p>
          </li>
        ))}
      </ol>
      <More count={more} unit="replies" rawHref={rawHref} />
    </div>
  );
}

function PatchHistory({ versions: all, rawHref }: { versions: Record<string, unknown>[]; rawHref?: string }) {
  if (storedCount(all) === 0) return <None />;
  const { items: versions, more } = headItems(all, DISPLAY_MAX_ITEMS);
  const cut = sharedCut(DISPLAY_MAX_CHARS);
  return (
    <div>
      <ol className="space-y-1">
        {versions.map((v, i) => (
          <li key={i}>
            <details className="rounded border border-slate-200 p-2 text-sm">
              <summary className="cursor-pointer">
                v{typeof v.Version === "number" ? v.Version : i + 1}
                {str(v.ChangeLog) && <span className="ml-2 text-slate-500">{item(str(v.ChangeLog).split("\n", 1)[0]!)}</span>}
                {Array.isArray(v.Comments) && storedCount(v.Comments) > 0 && (
                  <span className="ml-2 text-xs text-slate-400">{storedCount(v.Comments).toLocaleString("en-US")} comments</span>
                )}
              </summary>
              <div className="mt-2 space-y-2">
                {str(v.Description) && <TextBlock text={cut(str(v.Description))} />}
                {str(v.Diff) && <DiffView text={cut(str(v.Diff))} />}
                {Array.isArray(v.Comments) && v.Comments.length > 0 && (
                  <Json value={v.Comments} rawHref={rawHref} max={Math.ceil(DISPLAY_MAX_JSON_CHARS / versions.length)} />
                )}
              </div>
            </details>
          </li>
        ))}
      </ol>
      <More count={more} unit="versions" rawHref={rawHref} />
    </div>
  );
}

/**
 * The value of one field, shown by its kind within the display budget; `spec` comes from lib/workflows (fieldSpec).
 * `rawHref` is where the whole stored value can be read (e.g. GET /api/jobs/<id>), linked from every "N more".
 */
export function FieldValue({ spec, value, rawHref }: { spec: FieldSpec; value: unknown; rawHref?: string }) {
  const printed = printedText(value);
  if (printed !== null) return <Cut text={printed} rawHref={rawHref} show={(t) => <PrintedText text={t} />} />;
  if (value === null || value === undefined) return <None />;
  switch (spec.kind) {
    case "bool":
      if (typeof value === "boolean") return <YesNo value={value} />;
      break;
    case "text":
      if (typeof value === "string")
        return value === "" ? (
          <None />
        ) : (
          <Cut
            text={value}
            rawHref={rawHref}
            show={(t) => <p className="whitespace-pre-wrap wrap-anywhere text-sm leading-6 text-slate-800">{t}</p>}
          />
        );
      break;
    case "line":
      if (typeof value === "string")
        return value === "" ? <None /> : <span className="wrap-anywhere font-mono text-xs">{item(value)}</span>;
      break;
    case "code":
      if (typeof value === "string")
        return value === "" ? (
          <None />
        ) : (
          <Cut text={value} rawHref={rawHref} show={(t) => <CodeBlock code={t} lang={spec.lang ?? "c"} />} />
        );
      break;
    case "diff":
      if (typeof value === "string")
        return value.trim() === "" ? <None /> : <Cut text={value} rawHref={rawHref} show={(t) => <DiffView text={t} />} />;
      break;
    case "folded":
      if (typeof value === "string")
        return value === "" ? <None /> : <Cut text={value} rawHref={rawHref} show={(t) => <TextBlock text={t} />} />;
      break;
    case "list":
      if (isStrings(value)) return <Chips values={value} rawHref={rawHref} />;
      break;
    case "configs":
      // Kernel configs come without their CONFIG_ prefix; a reader pastes them with it.
      if (isStrings(value)) {
        const { items: shown, more } = headItems(value, DISPLAY_MAX_ITEMS);
        return (
          <div className="flex flex-wrap items-center gap-2">
            <Chips values={value} prefix="CONFIG_" rawHref={rawHref} />
            {shown.length > 0 && (
              <CopyButton
                text={shown.map((c) => `CONFIG_${c}=y`).join("\n")}
                label={more > 0 ? `Copy the first ${shown.length} as .config` : "Copy as .config"}
              />
            )}
          </div>
        );
      }
      break;
    case "folded-list":
      if (isStrings(value)) {
        if (storedCount(value) === 0) return <None />;
        const { items, more } = headItems(value, DISPLAY_MAX_ITEMS);
        // The texts together stay within one text's budget: the first ones whole, then none.
        const cuts = headTexts(items, DISPLAY_MAX_CHARS);
        return (
          <div>
            <ol className="space-y-1">
              {items.map((t, i) => {
                const h = cuts[i]!;
                return (
                  <li key={i}>
                    <div className="text-[11px] text-slate-400">#{i + 1}</div>
                    {h.text && <TextBlock text={h.text} />}
                    <More count={h.more} unit="characters" rawHref={rawHref} />
                  </li>
                );
              })}
            </ol>
            <More count={more} unit="items" rawHref={rawHref} />
          </div>
        );
      }
      break;
    case "recipients":
      if (isRecipients(value)) return <Recipients list={value} rawHref={rawHref} />;
      break;
    case "fixes":
      if (isRecord(value)) return <Fixes fix={value} />;
      break;
    case "tags":
      if (isStrings(value)) return <Tags tag={spec.tag ?? spec.name} values={value} rawHref={rawHref} />;
      break;
    case "replies":
      if (Array.isArray(value) && value.every(isRecord)) return <Replies replies={value} rawHref={rawHref} />;
      break;
    case "patch-history":
      if (Array.isArray(value) && value.every(isRecord)) return <PatchHistory versions={value} rawHref={rawHref} />;
      break;
    case "json":
      break;
  }
  if (typeof value === "string") return <Cut text={value} rawHref={rawHref} show={(t) => <TextBlock text={t} />} />;
  return <Json value={value} rawHref={rawHref} />;
}
