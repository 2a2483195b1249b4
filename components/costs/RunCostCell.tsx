// A run's cost in a list: USD, "partial" when some spans had no price, "no price" when none had.
import { formatCost, formatUsd } from "@/lib/costs/money";

export function RunCostCell({ usd, unpriced }: { usd: number | null; unpriced: number }) {
  if (usd === null)
    return (
      <span className="text-xs text-amber-700" title="this run's models have no price (admins add prices at /admin)">
        no price
      </span>
    );
  if (unpriced > 0) {
    return (
      <span title={`${formatCost({ usd, unpriced })}: ${unpriced} calls of models without a price are not counted`}>
        {formatUsd(usd)}
        <span className="text-amber-700">*</span>
      </span>
    );
  }
  return <span>{formatUsd(usd)}</span>;
}
