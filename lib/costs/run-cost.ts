// One run's cost per agent and model: its llm spans' tokens × the price in effect at each span's start (the SQL rule
// span_cost_usd), for the run page's cost tab.
import "server-only";
import type { Db } from "@/lib/db/client";
import { sumCosts, type Cost } from "@/lib/costs/money";

export interface RunCostRow {
  /** the span's Name: the agent that called the model (upstream names llm spans after their agent) */
  agent: string;
  model: string | null;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  thoughtsTokens: number;
  /** USD of the priced calls; null when calls spent tokens and none had a price */
  usd: number | null;
  /** calls that spent tokens without a price */
  unpriced: number;
}

export interface RunCost {
  rows: RunCostRow[];
  total: Cost;
}

/** Spans that spent tokens, grouped by agent and model, most expensive first. */
export async function runCost(db: Db, jobId: string): Promise<RunCost> {
  const rows = await db.$queryRaw<RunCostRow[]>`
    SELECT name AS agent, model, count(*)::int AS calls,
      coalesce(sum(input_tokens), 0)::float8 AS "inputTokens", coalesce(sum(output_tokens), 0)::float8 AS "outputTokens",
      coalesce(sum(output_thoughts_tokens), 0)::float8 AS "thoughtsTokens",
      CASE WHEN count(c) = 0 THEN NULL ELSE sum(c) END AS usd, (count(*) - count(c))::int AS unpriced
    FROM (SELECT name, model, input_tokens, output_tokens, output_thoughts_tokens,
            span_cost_usd(model, started_at, input_tokens, output_tokens, output_thoughts_tokens) AS c
          FROM spans WHERE job_id = ${jobId}::uuid
            AND coalesce(input_tokens, 0) + coalesce(output_tokens, 0) + coalesce(output_thoughts_tokens, 0) > 0) AS priced
    GROUP BY name, model
    ORDER BY sum(c) DESC NULLS LAST, name, model`;
  return { rows, total: sumCosts(rows) };
}
