// Bulk-loads the history benchmark's runs in SQL (INSERT … SELECT generate_series), with realistic distributions.
import type pg from "pg";

/** One batch of runs g = lo..hi; every value derives from random() after setseed, so a load is repeatable. */
export const INSERT_RUNS = `
WITH base AS (
  SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6, random() r7, random() r8, random() r9, random() r10
  FROM generate_series($1::int, $2::int) g
), shaped AS (
  SELECT *,
    CASE WHEN r1 < .70 THEN 'patch-triage' WHEN r1 < .82 THEN 'moderation' WHEN r1 < .90 THEN 'repro' WHEN r1 < .96 THEN 'patching' ELSE 'assessment' END AS wf,
    CASE WHEN r2 < .88 THEN 'finished' WHEN r2 < .95 THEN 'failed' WHEN r2 < .97 THEN 'aborted' WHEN r2 < .99 THEN 'running' ELSE 'pending' END AS st,
    -- a year of runs, denser lately (the service grew): age = 365 d * (1 - sqrt(g / n)), in insertion order as a
    -- live service appends them, with a few minutes of jitter
    now() - (365 * (1 - sqrt(g::float8 / $3::int))) * interval '1 day' - r3 * interval '10 minutes' AS created,
    (ARRAY['ext4','net','mm','io_uring','bpf','usb','drm','btrfs','xfs','sched','kvm','sound'])[1 + floor(r4 * 12)::int] AS sub,
    (ARRAY['fix','handle','rework','avoid','add','remove','refactor','check'])[1 + floor(r5 * 8)::int] AS verb,
    (ARRAY['race in','overflow in','leak in','NULL deref in','lock ordering in','error path of','bounds check in','refcount of'])[1 + floor(r6 * 8)::int] AS noun,
    (ARRAY['open','release','ioctl','write_iter','read_iter','mmap','setattr','alloc'])[1 + floor(r7 * 8)::int] AS fn,
    1 + floor(-ln(1 - r9) * 10)::int AS llm
  FROM base
), judged AS (
  SELECT *,
    CASE WHEN st = 'finished' THEN r8 < (CASE WHEN wf = 'patch-triage' THEN .35 ELSE .5 END) END AS verdict,
    format('%s_%s_%s', sub, fn, g % 997) AS func,
    llm - 1 + floor(r10 * 3)::int AS tools,
    CASE WHEN r7 < .55 THEN ARRAY['gemini-3.1-pro-preview'] WHEN r7 < .85 THEN ARRAY['gemini-3.6-flash']
         WHEN r7 < .95 THEN ARRAY['gemini-3.1-pro-preview','gemini-3.6-flash'] ELSE ARRAY['gemini-2.5-pro'] END AS models
  FROM shaped
), texts AS (
  SELECT *,
    format('[PATCH] %s: %s %s %s', sub, verb, noun, func) AS description,
    format('https://lore.kernel.org/all/2026%s-bench@kernel.example.org/', g) AS link,
    CASE WHEN verdict THEN format('The patch changes reachable %s logic (%s); fuzzing can exercise it from syscalls.', sub, func)
         WHEN verdict = false THEN format('The patch only touches %s comments and build glue; nothing reachable from fuzzing.', sub) END AS reasoning,
    CASE WHEN st = 'failed' THEN (ARRAY['LLM call failed: 429 RESOURCE_EXHAUSTED (quota exceeded for gemini-3.1-pro-preview)',
      'context deadline exceeded', 'agent patch-evaluator: too many iterations (50)', 'LLM call failed: 500 INTERNAL',
      'tool read-file: no such file'])[1 + floor(r10 * 5)::int] END AS err,
    CASE wf WHEN 'patch-triage' THEN (CASE WHEN verdict THEN ARRAY['kmsan-evaluator','patch-evaluator'] ELSE ARRAY['patch-evaluator'] END)
      WHEN 'moderation' THEN ARRAY['moderator'] WHEN 'repro' THEN ARRAY['repro-writer'] WHEN 'patching' THEN ARRAY['patch-writer','reviewer']
      ELSE ARRAY['assessor'] END AS agents,
    CASE WHEN r10 < .3 THEN floor(r9 * 4)::int ELSE 0 END AS terr,
    llm * (3000 + floor(r4 * 9000)::int) AS inp, llm * (60 + floor(r5 * 200)::int) AS outp, llm * (200 + floor(r8 * 800)::int) AS thk,
    llm * (2000 + floor(r10 * 8000)::int) + floor(r3 * 500)::int AS dur
  FROM judged
)
INSERT INTO jobs (id, workflow, workflow_type, status, description, link, results, error, agent_name, code_revision, created_at, started_at,
  finished_at, rerun_of_id, source, verdict, span_count, llm_calls, tool_calls, tool_errors, input_tokens, output_tokens, thoughts_tokens,
  total_tokens, duration_ms, models, agents, search_vector)
SELECT md5('bench' || g)::uuid, wf, wf, st::"JobStatus", description, link,
  CASE WHEN verdict IS NOT NULL THEN jsonb_build_object(CASE WHEN wf = 'patch-triage' THEN 'WorthFuzzing' ELSE 'Actionable' END, verdict, 'Reasoning', reasoning) END,
  err, 'syz-agent-' || (1 + floor(r8 * 8)::int), 'a1b2c3d4', created, CASE WHEN st <> 'pending' THEN created + interval '2 seconds' END,
  CASE WHEN st IN ('finished', 'failed', 'aborted') THEN created + dur * interval '1 millisecond' END,
  CASE WHEN g > 100 AND r8 < .02 THEN md5('bench' || (g - 1 - floor(r9 * 50)::int))::uuid END,
  'bench', verdict, 3 + llm + tools, llm, tools, terr, inp, outp, thk, inp + outp + thk,
  CASE WHEN st IN ('finished', 'failed', 'aborted') THEN dur END, models, agents,
  to_tsvector('simple', concat_ws(' ', wf, description, link, reasoning, err, array_to_string(agents, ' '),
    'read-patch-diff grepper read-file codesearch-dir-index set-results', CASE WHEN terr > 0 THEN 'no matches for ' || func END))
FROM texts`;

/** Loads `n` runs unless they are there; secondary indexes are dropped during the load and rebuilt after, as bulk loads do. */
export async function loadRuns(client: pg.Client, n: number, log: (s: string) => void): Promise<void> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE source = 'bench'`);
  if ((rows[0]?.n ?? 0) >= n) {
    log(`${rows[0]!.n.toLocaleString("en-US")} bench runs already loaded`);
    return;
  }
  await client.query(`DELETE FROM jobs WHERE source = 'bench'`);
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = 'jobs' AND indexname NOT IN ('jobs_pkey', 'jobs_source_hash_key')`,
  );
  for (const ix of indexes) await client.query(`DROP INDEX "${ix.name}"`);
  // The per-run cost trigger (a deferred UPDATE of each new run, which fires the statement triggers again: 250,000
  // statements a batch) is off during the load: the bench's runs carry no cost, and the history's queries read the
  // same columns whatever their values.
  await client.query(`ALTER TABLE jobs DISABLE TRIGGER jobs_cost_insert`);
  await client.query(`SELECT setseed(0.42)`);
  const batch = 250_000;
  let t = performance.now();
  for (let lo = 1; lo <= n; lo += batch) {
    await client.query(INSERT_RUNS, [lo, Math.min(n, lo + batch - 1), n]);
    log(`  inserted ${Math.min(n, lo + batch - 1).toLocaleString("en-US")} runs (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
  t = performance.now();
  await client.query(`SET maintenance_work_mem = '512MB'`);
  for (const ix of indexes) await client.query(ix.def);
  await client.query(`ALTER TABLE jobs ENABLE TRIGGER jobs_cost_insert`);
  log(`  rebuilt ${indexes.length} indexes (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  t = performance.now();
  // The triggers appended one delta per key and batch; fold them as a server's timer would (lib/history/rollups.ts).
  await client.query(`SELECT job_days_compact()`);
  await client.query(`VACUUM ANALYZE jobs, job_days, job_day_models, job_day_deltas, job_day_model_deltas`);
  log(`  vacuum analyze (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}
