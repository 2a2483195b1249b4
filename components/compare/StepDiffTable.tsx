// The two trajectories aligned step by step; a changed step opens, under its row and across the table's width, to the
// line diff of its Args, Results and Error (multi-line strings line by line), saying when only line endings or
// trailing whitespace differ. Long lines wrap: nothing runs off the page sideways.
import { COMPARE_ALIGN_MS, type Alignment, type StepRow } from "@/lib/compare/align";
import type { ComparedRun } from "@/lib/compare/runs";
import type { PayloadDiff } from "@/lib/compare/payload";
import { differenceCounts, type FactDiff } from "@/lib/compare/step-facts";
import { VisibleName } from "@/components/run/VisibleName";
import { outlineHead } from "@/lib/trajectory/outline";
import { trimEnd } from "@/lib/text/trim";

type Step = ComparedRun["spans"][number];
type Row = StepRow<Step> & { facts?: FactDiff[] };

const STATUS_STYLE = {
  same: "",
  changed: "bg-amber-50",
  "only-a": "bg-red-50",
  "only-b": "bg-emerald-50",
} as const;

function Cell({ s }: { s: Step | null }) {
  if (!s) return <td className="px-2 py-1 text-slate-300">—</td>;
  return (
    <td className="min-w-0 wrap-anywhere px-2 py-1">
      <span className="font-mono text-xs text-slate-400">{s.seq} </span>
      {/* Heads of long types and names, as the run's tree shows them (outlineHead): 250 rows of two 1,000-character
          names of quotes made a 5.4 MB page, 10 at once held the server 343 ms (attack7 C1). The run's page has them whole. */}
      <span className="text-xs text-slate-500">{outlineHead(s.type)} </span>
      <VisibleName text={outlineHead(s.name)} className="font-medium" />
      {s.error && <span className="ml-1 rounded bg-red-100 px-1 text-xs text-red-800">error</span>}
    </td>
  );
}

/** What kind of difference, in words. */
export function diffSummary(d: PayloadDiff): string {
  if (d.kind === "line-endings") return `payload differs only in line endings (${d.endings ?? "CR placement"})`;
  if (d.kind === "trailing-whitespace") return "payload differs only in trailing whitespace";
  if (d.kind === "key-order") return "payload differs only in key order: the same values";
  const whole = d.whole ? " (too different to diff line by line in time: both shown whole)" : "";
  return (d.endings ? `payload differs; ${d.endings}` : "payload differs") + whole;
}

/** A line as shown in the diff: carriage returns and trailing blanks made visible where they are the difference. */
function showLine(line: string, visibleBlanks: boolean): string {
  const text = line.replace(/\r$/, "␍").replace(/\r/g, "␍");
  if (!visibleBlanks) return text;
  const kept = trimEnd(text, " \t");
  return kept + text.slice(kept.length).replace(/ /g, "·").replace(/\t/g, "→");
}

function Diff({ diff }: { diff: PayloadDiff }) {
  const blanks = diff.kind !== "content";
  return (
    <pre
      className="max-h-[32rem] max-w-full overflow-auto whitespace-pre-wrap break-all rounded border border-slate-200 bg-white p-2 font-mono text-xs"
      data-testid="step-diff"
    >
      {diff.parts.map((p, j) => (
        <span key={j} className={p.added ? "bg-emerald-100 text-emerald-900" : p.removed ? "bg-red-100 text-red-900" : "text-slate-600"}>
          {p.value
            .replace(/\n$/, "")
            .split("\n")
            .map((l) => `${p.added ? "+" : p.removed ? "-" : " "} ${showLine(l, blanks && (p.added || p.removed) === true)}`)
            .join("\n") + "\n"}
        </span>
      ))}
    </pre>
  );
}

/** A changed step shown without its diff: why, and where to read both sides. */
function Undiffed({ row, runs }: { row: Row; runs: { a: string; b: string } }) {
  const why =
    row.undiffed === "too-long"
      ? `payload differs; too long to compare here (${Math.max(row.a?.tooLong ?? 0, row.b?.tooLong ?? 0).toLocaleString("en-US")} characters)`
      : "payload differs; not diffed: this page's diff budget is spent";
  return (
    <span className="text-amber-800" data-testid="diff-summary">
      {why} — open it in{" "}
      <a className="text-sky-700 hover:underline" href={`/jobs/${runs.a}#span-${row.a!.seq}`}>
        A
      </a>{" "}
      and{" "}
      <a className="text-sky-700 hover:underline" href={`/jobs/${runs.b}#span-${row.b!.seq}`}>
        B
      </a>
    </span>
  );
}

/** Model, tokens, thoughts and duration where two aligned steps differ in them (lib/compare/step-facts.ts). */
function Facts({ facts }: { facts: FactDiff[] }) {
  return (
    <ul className="mt-0.5 space-y-0.5 text-amber-800" data-testid="fact-diffs">
      {facts.map((f) => (
        <li key={f.field} data-field={f.field}>
          {f.field}: {f.a} → <strong>{f.b}</strong>
        </li>
      ))}
    </ul>
  );
}

/**
 * Aligned steps drawn on one page of the comparison: the counts cover every step, the table a page of them, so the
 * page's HTML and its render stay bounded (two runs of 5,000 steps drew 10 MB and held the server 4.6 s).
 */
export const COMPARE_ROWS_PER_PAGE = 250;

/** Links to the other pages of the steps; `from` is the first row shown (0-based). */
function Pages({ from, total, runs }: { from: number; total: number; runs: { a: string; b: string } }) {
  if (total <= COMPARE_ROWS_PER_PAGE) return null;
  const to = Math.min(total, from + COMPARE_ROWS_PER_PAGE);
  const link = (start: number, label: string) => (
    <a
      className="text-sky-700 hover:underline"
      href={`/compare?${new URLSearchParams({ a: runs.a, b: runs.b, from: String(start) })}#steps`}
    >
      {label}
    </a>
  );
  return (
    <p className="my-2 flex flex-wrap gap-3 text-xs text-slate-600" data-testid="compare-pages">
      <span>
        Rows {(from + 1).toLocaleString("en-US")}–{to.toLocaleString("en-US")} of {total.toLocaleString("en-US")}
      </span>
      {from > 0 && link(Math.max(0, from - COMPARE_ROWS_PER_PAGE), `← previous ${COMPARE_ROWS_PER_PAGE}`)}
      {to < total && link(to, `next ${Math.min(COMPARE_ROWS_PER_PAGE, total - to)} →`)}
    </p>
  );
}

/** Why steps are listed one run after the other instead of lined up, or nothing when they were lined up. */
function NotAligned({ alignment }: { alignment: Alignment }) {
  if (alignment === "aligned") return null;
  const why =
    alignment === "busy"
      ? "the server is busy aligning other comparisons"
      : `they differ too much to line up within ${COMPARE_ALIGN_MS} ms`;
  return (
    <p className="my-2 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="compare-unaligned">
      Steps are not lined up one by one: {why}. Past their common beginning and end, the steps of A are listed, then those of B
      {alignment === "busy" ? "; reload to try again" : ""}.
    </p>
  );
}

export function StepDiffTable({
  steps,
  runs,
  from = 0,
  alignment = "aligned",
}: {
  steps: Row[];
  runs: { a: string; b: string };
  from?: number;
  alignment?: Alignment;
}) {
  const { any: changed, payload, factsOnly, unaligned } = differenceCounts(steps);
  const start = Math.min(Math.max(0, from), Math.max(0, steps.length - 1));
  const shown = steps.slice(start, start + COMPARE_ROWS_PER_PAGE);
  return (
    <section className="scroll-mt-2 rounded border border-slate-200 bg-white p-4" id="steps">
      <h2 className="mb-2 font-semibold">
        Steps{" "}
        <span className="text-sm font-normal text-slate-500">
          <span data-testid="steps-differ">
            ({changed} of {steps.length} differ: {payload} in payload, {factsOnly} only in model, tokens, thoughts or duration
            {unaligned > 0 ? `, ${unaligned} in one run only` : ""})
          </span>
        </span>
      </h2>
      <NotAligned alignment={alignment} />
      <Pages from={start} total={steps.length} runs={runs} />
      <table className="w-full table-fixed text-sm" data-testid="compare-steps">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="px-2 py-1">A</th>
            <th className="px-2 py-1">B</th>
            <th className="w-24 px-2 py-1 sm:w-56">change</th>
          </tr>
        </thead>
        {shown.map((row, i) => (
          <tbody
            key={start + i}
            className="border-t border-slate-100 align-top"
            data-status={row.status}
            data-diff-kind={row.diff?.kind}
            data-facts={row.facts?.length ? "differ" : undefined}
          >
            <tr className={row.status === "same" && row.facts?.length ? STATUS_STYLE.changed : STATUS_STYLE[row.status]}>
              <Cell s={row.a} />
              <Cell s={row.b} />
              <td className="px-2 py-1 text-xs">
                {row.status === "changed" && row.diff ? (
                  <span className={row.diff.kind === "content" ? "text-amber-800" : "text-slate-600"} data-testid="diff-summary">
                    {diffSummary(row.diff)}
                  </span>
                ) : row.status === "changed" && row.undiffed ? (
                  <Undiffed row={row} runs={runs} />
                ) : (
                  <span className="text-slate-400">{row.status === "same" ? "" : row.status === "only-a" ? "only in A" : "only in B"}</span>
                )}
                {row.facts && row.facts.length > 0 && <Facts facts={row.facts} />}
              </td>
            </tr>
            {row.status === "changed" && row.diff && (
              <tr className={STATUS_STYLE[row.status]}>
                <td colSpan={3} className="px-2 pb-2">
                  <details open={row.diff.kind === "content"}>
                    <summary className="cursor-pointer text-xs text-slate-600">
                      {row.diff.kind === "content" ? "the lines that differ" : "show the raw difference"}
                    </summary>
                    <Diff diff={row.diff} />
                  </details>
                </td>
              </tr>
            )}
          </tbody>
        ))}
      </table>
      <Pages from={start} total={steps.length} runs={runs} />
    </section>
  );
}
