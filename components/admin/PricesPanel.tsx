"use client";
// Model prices: USD per million input, output and thinking tokens, from a day on (UTC). Costs of runs, per-model tables,
// trends and experiments are computed from these; a model without a price shows "no price".
import { useActionState } from "react";
import { removePriceAction, setPriceAction } from "@/lib/admin/price-actions";
import { ActionResult, SubmitButton, useAdminAction } from "./ActionResult";

export interface PriceRow {
  id: number;
  model: string;
  inputPerMtok: number;
  outputPerMtok: number;
  thinkingPerMtok: number;
  effectiveFrom: Date;
  source: string;
}

const input = "rounded border border-slate-300 px-2 py-1 text-sm";

/** The three per-million-token prices a price row has: form field and the token kind it prices. */
const PER_MTOK = [
  ["inputPerMtok", "input"],
  ["outputPerMtok", "output"],
  ["thinkingPerMtok", "thinking"],
] as const;

export function PricesPanel({ prices }: { prices: PriceRow[] }) {
  const [saved, saveAction, saving] = useActionState(setPriceAction, null);
  const { result, pending, run } = useAdminAction();
  return (
    <section className="space-y-3 rounded border border-slate-200 bg-white p-4" data-testid="prices-panel">
      <h2 className="font-semibold">Model prices</h2>
      <p className="text-sm text-slate-600">
        USD per million tokens. A span is priced by its model: an exact name wins over a prefix ending in <code>*</code>, the longest prefix
        over shorter ones, and the newest price in effect at the span&apos;s start applies. Saving the same model and day replaces that
        price. The pre-filled list prices were written from memory of the providers&apos; pages (late 2025): check them.
      </p>
      <form action={saveAction} className="flex flex-wrap items-end gap-2" aria-label="Set a price">
        <input name="model" required placeholder="gemini-2.5-pro or claude-sonnet-4-5*" aria-label="Model" className={`${input} w-56`} />
        {PER_MTOK.map(([name, kind]) => (
          <input
            key={name}
            name={name}
            required
            type="number"
            min={0}
            step="any"
            placeholder={kind}
            aria-label={`${kind[0]!.toUpperCase()}${kind.slice(1)} USD per million`}
            className={`${input} w-24`}
          />
        ))}
        <input name="effectiveFrom" required type="date" aria-label="Effective from" className={input} />
        <input name="source" placeholder="source (price page, date read)" aria-label="Source" className={`${input} w-64`} />
        <SubmitButton pending={saving}>Save price</SubmitButton>
      </form>
      <ActionResult result={saved} />
      <ActionResult result={result} />
      <table className="w-full text-sm">
        <thead className="text-left text-[11px] uppercase tracking-wide text-slate-500">
          <tr>
            <th>Model</th>
            <th className="text-right">Input</th>
            <th className="text-right">Output</th>
            <th className="text-right">Thinking</th>
            <th className="pl-3">From</th>
            <th>Source</th>
            <th />
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {prices.map((p) => (
            <tr key={p.id} data-testid="price-row">
              <td className="py-1 font-mono text-xs">{p.model}</td>
              <td className="text-right tabular-nums">${p.inputPerMtok}</td>
              <td className="text-right tabular-nums">${p.outputPerMtok}</td>
              <td className="text-right tabular-nums">${p.thinkingPerMtok}</td>
              <td className="pl-3 tabular-nums">{p.effectiveFrom.toISOString().slice(0, 10)}</td>
              <td className="max-w-xs truncate text-xs text-slate-500" title={p.source}>
                {p.source}
              </td>
              <td className="text-right">
                <button
                  type="button"
                  disabled={pending}
                  className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs text-red-700 hover:bg-slate-50"
                  onClick={() =>
                    window.confirm(`Remove the price of ${p.model} from ${p.effectiveFrom.toISOString().slice(0, 10)}?`) &&
                    run(() => removePriceAction(p.id))
                  }
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
