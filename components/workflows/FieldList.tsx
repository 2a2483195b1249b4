// A workflow's fields as a name/value list, each value shown for what it is (FieldValue): the one rendering of a
// run's inputs (RunInputs) and of its results (VerdictCard), so both read and test the same way.
import { FieldValue } from "@/components/workflows/FieldValue";
import type { ShownField } from "@/lib/workflows/verdict";

const LOOK = {
  // Inputs: small text throughout, tight rows.
  inputs: { list: "gap-y-1.5 text-sm", name: "font-medium text-slate-600" },
  // Results: values at the body size, names small and aligned with the value's first line.
  results: { list: "gap-y-2", name: "pt-0.5 text-sm font-medium text-slate-600" },
} as const;

/**
 * `fields` in their given order as a <dl>; each row carries `data-input` (kind "inputs") or `data-result` (kind
 * "results") with the field's name and `data-kind` with its kind; a name's title is its hint. `rawHref` is linked from
 * every value that was cut.
 */
export function FieldList({ fields, kind, rawHref }: { fields: ShownField[]; kind: keyof typeof LOOK; rawHref?: string }) {
  const look = LOOK[kind];
  return (
    <dl className={`grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 ${look.list}`}>
      {fields.map((f) => (
        <div
          key={f.spec.name}
          className="contents"
          data-input={kind === "inputs" ? f.spec.name : undefined}
          data-result={kind === "results" ? f.spec.name : undefined}
          data-kind={f.spec.kind}
        >
          <dt className={look.name} title={f.spec.hint}>
            {f.spec.name}
          </dt>
          <dd className="min-w-0">
            <FieldValue spec={f.spec} value={f.value} rawHref={rawHref} />
          </dd>
        </div>
      ))}
    </dl>
  );
}
