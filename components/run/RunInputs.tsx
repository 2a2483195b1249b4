// The job's inputs (Args) in its workflow's reading order (lib/workflows), each shown for what it is: crash reports
// and kernel configs folded, programs highlighted. Inputs from a dashboard job page are its printed text.
import { More } from "@/components/workflows/FieldValue";
import { FieldList } from "@/components/workflows/FieldList";
import { headItems, unreadCount } from "@/lib/text/budget";
import { DISPLAY_MAX_FIELDS } from "@/lib/limits";
import { inputFields } from "@/lib/workflows/verdict";

interface Props {
  args: unknown;
  workflow: string;
  workflowType?: string | null;
  /** the inputs came from a dashboard job page, which prints each arg with Go's fmt (jobs.values_printed) */
  printed?: boolean;
  /** where the whole stored inputs can be read, linked from every cut value */
  rawHref?: string;
}

export function RunInputs({ args, workflow, workflowType, printed = false, rawHref }: Props) {
  const { items: fields, more: moreShown } = headItems(inputFields(workflow, args, workflowType), DISPLAY_MAX_FIELDS);
  // Inputs not read (lib/runs/stored-json.ts reads an object's first members) are counted too.
  const more = moreShown + unreadCount(args);
  return (
    // Folded until asked for; opened, it takes the page's full width (lg:open:col-span-full), so a crash report or a
    // kernel config unfolds in a readable column, not the verdict's narrow neighbour.
    <details className="min-w-0 self-start rounded border border-slate-200 bg-white lg:open:col-span-full" data-testid="inputs">
      <summary className="flex cursor-pointer items-baseline gap-2 px-4 py-2" data-testid="inputs-toggle">
        <span aria-hidden className="chevron inline-block text-[10px] text-slate-500 transition-transform">
          ▶
        </span>
        <h2 className="font-semibold">Inputs</h2>
        <span className="truncate text-xs text-slate-500">{fields.map((f) => f.spec.name).join(", ") || "none"}</span>
      </summary>
      <div className="px-4 pb-3">
        {printed && fields.length > 0 && (
          <p className="mb-2 text-[11px] italic text-slate-500" data-testid="inputs-printed">
            as the dashboard printed them (Go&apos;s fmt): text inputs are exact, others were read from that text
          </p>
        )}
        {fields.length === 0 ? (
          <p className="text-sm text-slate-500">No inputs recorded.</p>
        ) : (
          <FieldList fields={fields} kind="inputs" rawHref={rawHref} />
        )}
        <More count={more} unit="inputs" rawHref={rawHref} />
      </div>
    </details>
  );
}
