// Money as the app shows it: USD with cents (or finer below a cent), "no price" for unknown, "partial" when some spans
// had no price. Pure; every cost on a page goes through here.

/** "$1,234.56", "$0.0042", "$0.00". */
export function formatUsd(usd: number): string {
  const abs = Math.abs(usd);
  const digits = abs === 0 || abs >= 1 ? 2 : Math.min(6, Math.max(2, 1 - Math.floor(Math.log10(abs)) + 1));
  return `${usd < 0 ? "−" : ""}$${abs.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: digits })}`;
}

/** A signed difference: "+$1.20", "−$0.35". */
export function formatUsdDelta(usd: number): string {
  return `${usd > 0 ? "+" : ""}${formatUsd(usd)}`;
}

export interface Cost {
  /** USD of the priced spans; null = tokens were spent and nothing had a price */
  usd: number | null;
  /** spans (or runs) that spent tokens without a price */
  unpriced: number;
}

/** "no price", "$1.23 (partial)" or "$1.23". */
export function formatCost(c: Cost): string {
  if (c.usd === null) return "no price";
  return c.unpriced > 0 ? `${formatUsd(c.usd)} (partial)` : formatUsd(c.usd);
}

/** Adds costs up: unknown parts make the total partial, never 0. */
export function sumCosts(costs: Iterable<Cost>): Cost {
  let usd: number | null = null;
  let unpriced = 0;
  for (const c of costs) {
    if (c.usd !== null) usd = (usd ?? 0) + c.usd;
    // A run with no price at all counts as one unpriced part of the total.
    unpriced += c.usd === null ? Math.max(c.unpriced, 1) : c.unpriced;
  }
  return { usd: usd === null && unpriced === 0 ? 0 : usd, unpriced };
}
