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
  /** the most expensive COST_ROWS_SHOWN groups */
  rows: RunCostRow[];
  /** the other groups summed (a run can call many models from many agents), or null when all are in rows */
  rest: (Omit<RunCostRow, "agent" | "model"> & { groups: number }) | null;
  /** over every group, shown or not */
  total: Cost;
}

/** Groups shown one by one; the others are summed into one line (a run of 100,000 steps named apart gave 18 MB). */
export const COST_ROWS_SHOWN = 100;

/** Spans that spent tokens, grouped by agent and model, most expensive first: at most COST_ROWS_SHOWN, then the rest summed. */
export async function runCost(db: Db, jobId: string): Promise<RunCost> {
  const rows = await db.$queryRaw<(RunCostRow & { groups: number; rank: bigint })[]>`
    WITH groups AS (
      SELECT name AS agent, model, count(*)::int AS calls,
        coalesce(sum(input_tokens), 0)::float8 AS "inputTokens", coalesce(sum(output_tokens), 0)::float8 AS "outputTokens",
        coalesce(sum(output_thoughts_tokens), 0)::float8 AS "thoughtsTokens",
        CASE WHEN count(c) = 0 THEN NULL ELSE sum(c) END AS usd, (count(*) - count(c))::int AS unpriced
      FROM (SELECT name, model, input_tokens, output_tokens, output_thoughts_tokens,
              span_cost_usd(model, started_at, input_tokens, output_tokens, output_thoughts_tokens) AS c
            FROM spans WHERE job_id = ${jobId}::uuid
              AND coalesce(input_tokens, 0) + coalesce(output_tokens, 0) + coalesce(output_thoughts_tokens, 0) > 0) AS priced
      GROUP BY name, model
    ), ranked AS (
      SELECT *, row_number() OVER (ORDER BY usd DESC NULLS LAST, agent, model) AS rank FROM groups
    )
    SELECT agent, model, calls, "inputTokens", "outputTokens", "thoughtsTokens", usd, unpriced, 1 AS groups, rank
      FROM ranked WHERE rank <= ${COST_ROWS_SHOWN}
    UNION ALL
    SELECT NULL, NULL, sum(calls)::int, sum("inputTokens"), sum("outputTokens"), sum("thoughtsTokens"), sum(usd), sum(unpriced)::int,
        count(*)::int, ${COST_ROWS_SHOWN + 1}
      FROM ranked WHERE rank > ${COST_ROWS_SHOWN} HAVING count(*) > 0
    ORDER BY rank`;
  // Span names are never null: the row without an agent is the summed rest.
  const [shown, rest] = [rows.filter((r) => r.agent !== null), rows.find((r) => r.agent === null)];
  const row = ({ groups: _, rank: __, ...r }: (typeof rows)[number]): RunCostRow => r;
  const restRow = rest ? (({ agent: _, model: __, rank: ___, ...r }) => r)(rest) : null;
  return { rows: shown.map(row), rest: restRow, total: sumCosts(restRow ? [...shown, restRow] : shown) };
}
