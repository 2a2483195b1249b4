// Axis ticks people read at a glance: evenly spaced at 1, 2 or 5 times a power of ten, from zero past the largest
// value (0/5/10/15/20, never 0/5/10/20 as a chart library's own rounding may give).

/**
 * About `count` ticks from 0 to a round top ≥ `max`, evenly spaced; `integer` keeps the step ≥ 1 (counts of runs).
 * [0, 1] when there is nothing above zero.
 */
export function niceTicks(max: number, { count = 4, integer = false }: { count?: number; integer?: boolean } = {}): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  if (integer) step = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  // Multiplying (not adding) keeps 0.1 + 0.2 noise out of the labels.
  for (let i = 0; i === 0 || ticks[i - 1]! < max; i++) ticks.push(+(i * step).toPrecision(12));
  return ticks;
}
