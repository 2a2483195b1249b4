// Loads two runs for the compare page: job fields, totals and the span fields a step comparison reads (Args and
// Results as the JSON text stored, so the comparison sees the agent's key order and number text).
import { jobNumbers } from "@/lib/db/sql";
import "server-only";
import type { Db } from "@/lib/db/client";
import { isJobId } from "@/lib/trajectory/job-id";
import { COMPARE_PAGE_DIFF_CHARS, type ComparableSpan } from "@/lib/compare/align";
import type { StepFacts } from "@/lib/compare/step-facts";
import { workflowSpec } from "@/lib/workflows/catalog";
import { displayBudget, readJobJson } from "@/lib/runs/stored-json";
import { COMPARE_LOAD_PAGE_ROWS, DISPLAY_MAX_ITEMS } from "@/lib/limits";
import { nextTurn } from "@/lib/turn";

/** Beyond this many steps a comparison is cut, so two huge runs cannot stall the page. */
export const MAX_COMPARED_SPANS = 5000;
/**
 * A step's payload field (Args, Results, Error) longer than this many characters is not loaded for the page: the
 * steps are compared by digest and the step says where to read them (each may be 8 MB; two runs of ten 7 MB steps
 * made a 428 MB page and 3.4 GB of server memory).
 */
export const COMPARE_FIELD_CHARS = 200_000;
/**
 * Characters of payload one side of a comparison loads in all (steps in order); later steps are compared by digest
 * and, when they differ, listed without a diff (`unloaded`): 150 steps of 199K characters took 120-180 MB per request.
 * Half the page's diff budget (lib/compare/align.ts COMPARE_PAGE_DIFF_CHARS), as the two sides share it.
 */
export const COMPARE_LOAD_CHARS = COMPARE_PAGE_DIFF_CHARS / 2;

export async function loadForCompare(db: Db, id: string) {
  if (!isJobId(id)) return null;
  const job = await db.job.findUnique({
    where: { id },
    select: {
      id: true,
      workflow: true,
      workflowType: true,
      status: true,
      source: true,
      description: true,
      error: true,
      verdict: true,
      createdAt: true,
      startedAt: true,
      agentName: true,
      rerunOfId: true,
      spanCount: true,
      inputTokens: true,
      outputTokens: true,
      thoughtsTokens: true,
      llmCalls: true,
      toolCalls: true,
      toolErrors: true,
      durationMs: true,
    },
  });
  if (!job) return null;
  // Results as the page shows them (lib/runs/stored-json.ts: cut to the display budget before parsing; 990,000 strings
  // parsed whole held the event loop up to 381 ms), with a digest of each shown field's whole value, so a field that
  // differs past what is shown still differs. A JSON null is no value, as an absent field.
  const spec = workflowSpec(job.workflow, job.workflowType);
  const keep = spec?.outputs ?? [];
  const [[stored], [results]] = await Promise.all([
    db.$queryRaw<{ digests: Record<string, string> | null }[]>`
    SELECT CASE WHEN json_typeof(results) = 'object' THEN (
        SELECT json_object_agg(key, md5(value::text)) FROM json_each(results) WITH ORDINALITY AS f(key, value, i)
        WHERE json_typeof(value) <> 'null' AND (i <= ${DISPLAY_MAX_ITEMS} OR key = ANY(${keep}::text[]))) END AS digests
    FROM jobs WHERE id = ${id}::uuid`,
    readJobJson(id, ["results"], [displayBudget(keep)], "expensive"),
  ]);
  // The digest covers the whole fields; a field over the cap is left out (null) and its length kept; so are the fields of
  // every step once the steps before it loaded COMPARE_LOAD_CHARS (`unloaded`): memory per request stays bounded.
  // Model, tokens, thoughts (by digest) and duration: what a step differs in besides its payload (./step-facts.ts).
  // In pages of COMPARE_LOAD_PAGE_ROWS steps (by seq), each page's loaded characters counted on from the last: the
  // rows of one query are turned into objects in one piece of the event loop (5,000 steps: tens of ms, more under load).
  const spans: (ComparableSpan & StepFacts)[] = [];
  let after = -1;
  let loadedBefore = 0;
  while (spans.length < MAX_COMPARED_SPANS) {
    const rows = await db.$queryRaw<(ComparableSpan & StepFacts & { loaded: number })[]>`
    SELECT seq, nesting, type, name,
      CASE WHEN p.chars > ${COMPARE_FIELD_CHARS} OR p.loaded > ${COMPARE_LOAD_CHARS} THEN NULL ELSE p.error END AS error,
      CASE WHEN p.chars > ${COMPARE_FIELD_CHARS} OR p.loaded > ${COMPARE_LOAD_CHARS} THEN NULL ELSE p.args END AS args,
      CASE WHEN p.chars > ${COMPARE_FIELD_CHARS} OR p.loaded > ${COMPARE_LOAD_CHARS} THEN NULL ELSE p.results END AS results,
      md5(concat_ws(E'\x01', coalesce(p.error, E'\x02'), coalesce(p.args, E'\x02'), coalesce(p.results, E'\x02'))) AS digest,
      CASE WHEN p.chars > ${COMPARE_FIELD_CHARS} THEN p.chars END AS "tooLong",
      p.chars <= ${COMPARE_FIELD_CHARS} AND p.loaded > ${COMPARE_LOAD_CHARS} AS unloaded,
      model, input_tokens AS "inputTokens", output_tokens AS "outputTokens", output_thoughts_tokens AS "thoughtsTokens",
      CASE WHEN thoughts IS NULL OR thoughts = '' THEN NULL ELSE md5(thoughts) END AS "thoughtsDigest",
      CASE WHEN finished_at >= started_at AND started_at > '1971-01-01' THEN (extract(epoch FROM finished_at - started_at) * 1000000)::float8 END AS "durationUs",
      p.loaded::float8 AS loaded
    FROM (
      SELECT q.*, ${loadedBefore}::bigint + sum(CASE WHEN q.chars > ${COMPARE_FIELD_CHARS} THEN 0 ELSE q.total END) OVER (ORDER BY q.seq) AS loaded
      FROM (
        SELECT seq, nesting, type, name, error, nullif(args::text, 'null') AS args, nullif(results::text, 'null') AS results,
          model, input_tokens, output_tokens, output_thoughts_tokens, thoughts, started_at, finished_at,
          greatest(coalesce(length(error), 0), coalesce(length(args::text), 0), coalesce(length(results::text), 0)) AS chars,
          coalesce(length(error), 0) + coalesce(length(args::text), 0) + coalesce(length(results::text), 0) AS total
        FROM spans WHERE job_id = ${id}::uuid AND seq > ${after}
        ORDER BY seq LIMIT ${Math.min(COMPARE_LOAD_PAGE_ROWS, MAX_COMPARED_SPANS - spans.length)}
      ) q
    ) p ORDER BY seq`;
    for (const { loaded: _loaded, ...span } of rows) spans.push(span);
    if (rows.length < COMPARE_LOAD_PAGE_ROWS) break;
    after = rows[rows.length - 1]!.seq;
    loadedBefore = rows[rows.length - 1]!.loaded;
    await nextTurn(); // the next page's rows become objects in another piece of the event loop
  }
  return { ...jobNumbers(job), results, resultDigests: stored?.digests ?? {}, spans };
}

export type ComparedRun = NonNullable<Awaited<ReturnType<typeof loadForCompare>>>;
