// Pure pieces of an experiment's analysis, export, setup and money, on small hand-made inputs.
import { describe, expect, it } from "vitest";
import { compareMetrics, histogram, jaccard, progress, quantile, type Pair, type RunFacts } from "@/lib/experiments/analysis";
import { csvField } from "@/lib/experiments/export";
import { estimateBasis, setupSchema } from "@/lib/experiments/setup";
import { formatCost, formatUsd, sumCosts } from "@/lib/costs/money";
import { agentSetupOf } from "@/lib/trajectory/agent-setup";

function facts(over: Partial<RunFacts>): RunFacts {
  return {
    id: "x",
    status: "finished",
    verdict: true,
    lists: {},
    totalTokens: 0,
    costUsd: 0,
    costUnpriced: 0,
    durationMs: null,
    startedAt: null,
    finishedAt: null,
    ...over,
  };
}
const pair = (o: Partial<RunFacts>, r: Partial<RunFacts>): Pair => ({
  workflow: "w",
  description: "d",
  listJaccard: {},
  originalCorrect: null,
  rerunCorrect: null,
  original: facts(o),
  rerun: facts(r),
});

describe("analysis", () => {
  it("quantiles interpolate between ranks", () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([5], 0.9)).toBe(5);
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
  });

  it("Jaccard over distinct elements; two empty lists agree", () => {
    expect(jaccard([], [])).toBe(1);
    expect(jaccard(["a"], [])).toBe(0);
    expect(jaccard(["a", "b", "b"], ["b", "c"])).toBeCloseTo(1 / 3);
  });

  it("ETA from the pace since the first rerun started", () => {
    const t = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();
    const pairs = [
      pair({}, { status: "finished", startedAt: t(0), finishedAt: t(2) }),
      pair({}, { status: "failed", startedAt: t(2), finishedAt: t(4) }),
      pair({}, { status: "running", startedAt: t(4) }),
      pair({}, { status: "pending" }),
    ];
    const p = progress(pairs, Date.UTC(2026, 0, 1, 0, 4));
    expect(p).toMatchObject({ total: 4, queued: 1, running: 1, done: 1, failed: 1, medianDurationMs: 120_000 });
    // 2 ended in 4 minutes: 2 more take 4 minutes.
    expect(p.etaMs).toBe(240_000);
    expect(progress([pair({}, { status: "pending" })], 0).etaMs).toBeNull();
  });

  it("compares medians, p90 and sums over the ended pairs only; cost counts partial runs", () => {
    const m = compareMetrics([
      pair({ totalTokens: 100, costUsd: 1 }, { totalTokens: 50, costUsd: 0.5, status: "finished" }),
      pair({ totalTokens: 300, costUsd: null, costUnpriced: 2 }, { totalTokens: 100, costUsd: 0.25, status: "finished" }),
      pair({ totalTokens: 1000, costUsd: 9 }, { totalTokens: 0, status: "pending" }),
    ]);
    const tokens = m.find((x) => x.metric === "tokens")!;
    expect(tokens.original).toEqual({ count: 2, median: 200, p90: 280, sum: 400 });
    expect(tokens.rerun.sum).toBe(150);
    expect(tokens).toMatchObject({ medianDelta: -125, sumDelta: -250 });
    const cost = m.find((x) => x.metric === "cost")!;
    expect(cost.original).toMatchObject({ count: 1, sum: 1 });
    expect(cost.partial).toEqual({ original: 1, rerun: 0 });
  });

  it("histograms share one range for both sides", () => {
    const h = histogram([0, 5, 10], [10], 2);
    expect(h).toEqual([
      { from: 0, to: 5, original: 1, rerun: 0 },
      { from: 5, to: 10, original: 2, rerun: 1 },
    ]);
    expect(histogram([3], [3])).toEqual([{ from: 3, to: 4, original: 1, rerun: 1 }]);
  });
});

describe("export, setup and money", () => {
  it("CSV fields are quoted when needed and never start a formula", () => {
    expect(csvField('a "b", c')).toBe('"a ""b"", c"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField(-3)).toBe("-3");
    expect(csvField(null)).toBe("");
    // A spreadsheet that splits on ";" or tabs sees one cell, which starts with no formula.
    expect(csvField("triage;=1+1;-2+3;@SUM(1;1)")).toBe('"triage;=1+1;-2+3;@SUM(1;1)"');
    expect(csvField("a\t=1+1")).toBe('"a\t=1+1"');
  });

  it("a built-in setup must be a model spec; a label is free text", () => {
    expect(setupSchema.safeParse({ kind: "builtin", value: "gemini-3.1-pro-preview" }).success).toBe(false);
    expect(estimateBasis(setupSchema.parse({ kind: "builtin", value: "google:gemini-3.1-pro-preview" }))).toEqual({
      kind: "model",
      model: "gemini-3.1-pro-preview",
    });
    expect(estimateBasis(setupSchema.parse({ kind: "builtin", value: "replay" }))).toEqual({ kind: "replay" });
    expect(estimateBasis(setupSchema.parse({ kind: "label", value: "prompt v7" }))).toEqual({ kind: "originals" });
    expect(setupSchema.safeParse({ kind: "label", value: "a\nb" }).success).toBe(false);
    expect(agentSetupOf({ AgentSetup: " replay " })).toBe("replay");
    expect(agentSetupOf({ AgentSetup: 3 })).toBeNull();
  });

  it("money says no price and partial rather than 0", () => {
    expect(formatUsd(1234.5)).toBe("$1,234.50");
    expect(formatUsd(0.0042)).toBe("$0.0042");
    expect(formatCost({ usd: null, unpriced: 3 })).toBe("no price");
    expect(formatCost({ usd: 2, unpriced: 1 })).toBe("$2.00 (partial)");
    expect(
      sumCosts([
        { usd: 1, unpriced: 0 },
        { usd: null, unpriced: 2 },
      ]),
    ).toEqual({ usd: 1, unpriced: 2 });
    expect(sumCosts([{ usd: null, unpriced: 1 }])).toEqual({ usd: null, unpriced: 1 });
    expect(sumCosts([])).toEqual({ usd: 0, unpriced: 0 });
  });
});
