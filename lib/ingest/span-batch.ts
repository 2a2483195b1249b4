// Group commit of span writes: spans that arrive while a write is in flight are stored together, in one statement,
// and each caller is answered only after the statement that holds its spans has committed (acknowledged = stored).
// The rules are those of one span (lib/ingest/log-span.ts), applied to a batch in one statement: the job's owner and
// state checked per span, a late start copy never overwrites a finished one, the job's heartbeat, and — new with
// batches — several copies of one span in a batch are folded as if sent one after another (the later finished copy wins).
import "server-only";
import { pool, inTransaction, type Sql } from "@/lib/db/pool";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { appConfig } from "@/lib/config";
import { AGENT_SPAN_GRACE_SECONDS } from "@/lib/limits";
import type { Span } from "@/lib/trajectory/span";
import { spanToRow } from "@/lib/trajectory/span-rows";
import { recomputeJob } from "@/lib/ingest/recompute";
import { logSpanQuery, SPAN_UPSERT, type LogRefusal } from "./log-span";

/** One span to store: for the job `jobId`, from the agent client `client` (the job's owner, checked), noting `agentName`. */
export interface SpanWrite {
  client: string;
  agentName: string;
  jobId: string;
  span: Span;
}

// The one-span statement's rules over a batch. The spans come as one JSON parameter (json_to_recordset): one value to
// send and one plan. Copies of a span (job, seq) in a batch are folded as if applied in order under the upsert's
// rule: the last finished copy, else the last copy (ON CONFLICT cannot touch a row twice in one statement). Rows are
// written in (job, seq) order and jobs' heartbeats in id order, so two concurrent batches take locks in one order.
const LOG_SPANS_SQL = `
WITH w AS (
  SELECT * FROM json_to_recordset($1::json) AS w(ord int, job_id uuid, client text, agent_name text, seq int, nesting int,
    type text, name text, model text, started_at timestamptz, finished_at timestamptz, error text, args text, results text,
    instruction text, prompt text, reply text, thoughts text, input_tokens int, output_tokens int,
    output_thoughts_tokens int, search_text text, extra text, summary text)
), j AS (
  SELECT id, status::text AS status, error, agent_client,
    status = 'running' OR (status IN ('finished', 'failed') AND finished_at > now() - make_interval(secs => ${AGENT_SPAN_GRACE_SECONDS})) AS open
  FROM jobs WHERE id IN (SELECT job_id FROM w)
), ok AS (
  SELECT w.* FROM w JOIN j ON j.id = w.job_id WHERE j.agent_client = w.client AND j.open
), win AS (
  SELECT DISTINCT ON (job_id, seq) * FROM ok ORDER BY job_id, seq, (finished_at IS NOT NULL) DESC, ord DESC
), up AS (
  INSERT INTO spans (job_id, seq, nesting, type, name, model, started_at, finished_at, error, args, results,
    instruction, prompt, reply, thoughts, input_tokens, output_tokens, output_thoughts_tokens, search_text, extra, summary)
  SELECT job_id, seq, nesting, type, name, model, started_at, finished_at, error, args::json, results::json,
    instruction, prompt, reply, thoughts, input_tokens, output_tokens, output_thoughts_tokens, search_text, extra::json, summary
  FROM win ORDER BY job_id, seq
${SPAN_UPSERT}
  RETURNING 1
), beat AS (
  -- At most one new job row version a second per job: the inactivity timer counts hours.
  UPDATE jobs SET last_seen_at = now(), span_agent_name = b.agent_name
  FROM (SELECT DISTINCT ON (job_id) job_id, agent_name FROM ok ORDER BY job_id, ord DESC) b
  WHERE jobs.id = b.job_id
    AND (jobs.last_seen_at IS NULL OR jobs.last_seen_at < now() - interval '1 second' OR jobs.span_agent_name IS DISTINCT FROM b.agent_name)
  RETURNING 1
)
SELECT w.ord, j.status, j.error, j.agent_client = w.client AS owned, j.open FROM w LEFT JOIN j ON j.id = w.job_id ORDER BY w.ord`;

interface JobState {
  status: string | null;
  error: string | null;
  owned: boolean | null;
  open: boolean | null;
}

function refusalOf(job: JobState | undefined): LogRefusal | null {
  if (!job?.status) return { kind: "no-job" };
  if (!job.owned) return { kind: "not-owner" };
  if (!job.open) return { kind: "ended", status: job.status, error: job.error };
  return null;
}

/** Deadlock or serialization failure: PostgreSQL rolled the statement back; it may run again. */
const RETRYABLE = new Set(["40P01", "40001"]);

/**
 * Stores `writes` in one statement (one span: exactly the one-span statement) and returns, per write in order, null
 * (stored) or why not. Spans that land after their job ended (within the grace period) bring its totals up to date
 * before this returns. Throws what PostgreSQL threw (nothing of the statement is kept then).
 */
export async function storeSpans(writes: SpanWrite[], sql: Sql = pool()): Promise<(LogRefusal | null)[]> {
  let states: JobState[];
  for (let attempt = 1; ; attempt++) {
    try {
      if (writes.length === 1) {
        const w = writes[0]!;
        states = (await sql.query<JobState>(logSpanQuery(w.client, w.agentName, w.jobId, w.span))).rows.slice(0, 1);
        if (states.length === 0) states = [{ status: null, error: null, owned: null, open: null }];
      } else {
        const rows = writes.map((w, ord) => {
          const r = spanToRow(w.jobId, w.span, null);
          return {
            ord,
            job_id: w.jobId,
            client: w.client,
            agent_name: w.agentName,
            seq: r.seq,
            nesting: r.nesting,
            type: r.type,
            name: r.name,
            model: r.model,
            started_at: r.startedAt,
            finished_at: r.finishedAt,
            error: r.error,
            args: r.args,
            results: r.results,
            instruction: r.instruction,
            prompt: r.prompt,
            reply: r.reply,
            thoughts: r.thoughts,
            input_tokens: r.inputTokens,
            output_tokens: r.outputTokens,
            output_thoughts_tokens: r.outputThoughtsTokens,
            search_text: r.searchText,
            extra: r.extra,
            summary: r.summary,
          };
        });
        states = (await sql.query<JobState>({ name: "log_spans", text: LOG_SPANS_SQL, values: [JSON.stringify(rows)] })).rows;
      }
      break;
    } catch (e) {
      if (attempt >= 3 || !RETRYABLE.has((e as { code?: string }).code ?? "")) throw e;
    }
  }
  const refusals = writes.map((_, i) => refusalOf(states[i]));
  // After ai_job_done the totals were already computed: spans stored since must count in them too (once per job).
  const ended = new Set(writes.filter((w, i) => !refusals[i] && states[i]!.status !== "running").map((w) => w.jobId));
  for (const jobId of ended) await inTransaction((tx) => recomputeJob(tx, jobId));
  return refusals;
}

interface Pending {
  writes: SpanWrite[];
  resolve(r: (LogRefusal | null)[]): void;
  reject(e: unknown): void;
}

/** The group-commit queue's settings (lib/config.ts: INGEST_BATCH_MAX_SPANS, INGEST_BATCH_WAIT_MS, INGEST_BATCH_IN_FLIGHT). */
export interface BatcherOptions {
  /** the most spans in one batch (a request with more is one batch of its own) */
  maxSpans: number;
  /** how long a span that arrived while a batch is in flight waits before a batch of its own is sent, ms */
  waitMs: number;
  /** how many batches are written at once */
  inFlight: number;
  /** stores one batch (default storeSpans); tests pass their own */
  store?: (writes: SpanWrite[]) => Promise<(LogRefusal | null)[]>;
}

/**
 * A group-commit queue. `submit(writes)` resolves, once the statement holding them has committed, with one result per
 * write (null: stored; else why not), or rejects with the error of its own spans only. A submission is never split:
 * all its spans are in one statement. When nothing is being written, a submission is sent at once (no wait); while
 * `inFlight` batches are being written, submissions gather and are sent together when one finishes, after `waitMs`
 * (if a lane is free) or as soon as `maxSpans` have gathered.
 */
export class SpanBatcher {
  private queue: Pending[] = [];
  private queued = 0;
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Spans and statements so far (the bench prints the mean batch size). */
  readonly stats = { spans: 0, batches: 0 };

  constructor(private readonly o: BatcherOptions) {}

  /** Spans submitted and not yet in a statement. */
  get queuedSpans(): number {
    return this.queued;
  }

  submit(writes: SpanWrite[]): Promise<(LogRefusal | null)[]> {
    if (writes.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.queue.push({ writes, resolve, reject });
      this.queued += writes.length;
      if (this.running === 0 || this.queued >= this.o.maxSpans) this.flush();
      else this.timer ??= setTimeout(() => ((this.timer = null), this.flush()), this.o.waitMs);
    });
  }

  private flush(): void {
    while (this.running < this.o.inFlight && this.queue.length > 0) {
      const batch: Pending[] = [];
      let spans = 0;
      while (this.queue.length > 0 && (batch.length === 0 || spans + this.queue[0]!.writes.length <= this.o.maxSpans)) {
        const p = this.queue.shift()!;
        spans += p.writes.length;
        batch.push(p);
      }
      this.queued -= spans;
      this.running++;
      void this.write(batch).finally(() => {
        this.running--;
        // What arrived while this batch was written goes now, together.
        if (this.queue.length > 0) this.flush();
      });
    }
    if (this.queue.length === 0 && this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private async write(batch: Pending[]): Promise<void> {
    const store = this.o.store ?? ((w: SpanWrite[]) => storeSpans(w));
    const writes = batch.flatMap((p) => p.writes);
    this.stats.spans += writes.length;
    this.stats.batches++;
    let results: (LogRefusal | null)[];
    try {
      results = await store(writes);
    } catch (e) {
      if (batch.length === 1 || isDatabaseUnavailable(e)) return batch.forEach((p) => p.reject(e));
      // One failing span fails only its own request: each submission is stored again on its own.
      await Promise.all(batch.map((p) => store(p.writes).then(p.resolve, p.reject)));
      return;
    }
    let at = 0;
    for (const p of batch) {
      p.resolve(results.slice(at, at + p.writes.length));
      at += p.writes.length;
    }
  }
}

const globalForBatcher = globalThis as unknown as { trajectorySpanBatcher?: SpanBatcher };

/** The process's one batcher (shared across module copies: Next's bundle and the machine routes' server). */
function batcher(): SpanBatcher {
  if (!globalForBatcher.trajectorySpanBatcher) {
    const c = appConfig();
    globalForBatcher.trajectorySpanBatcher = new SpanBatcher({
      maxSpans: c.INGEST_BATCH_MAX_SPANS,
      waitMs: c.INGEST_BATCH_WAIT_MS,
      inFlight: c.INGEST_BATCH_IN_FLIGHT,
    });
  }
  return globalForBatcher.trajectorySpanBatcher;
}

/**
 * Stores spans through the process's group commit: the API of the write path for span streams (the agent protocol's
 * ai_trajectory_log sends one span a request; OTLP sends many). Resolves after the statement holding them committed,
 * with one result per write, in order: null (stored) or why not (no such job, another client's job, the job ended).
 * All of one call's spans are in one statement. Rejects with the database's error when its own spans could not be
 * stored (another call's bad span never fails this one).
 */
export function logSpans(writes: SpanWrite[]): Promise<(LogRefusal | null)[]> {
  return batcher().submit(writes);
}

/** Spans and statements written by this process's batcher so far, and spans waiting for a statement now. */
export function batchStats(): { spans: number; batches: number; queued: number } {
  return { ...batcher().stats, queued: batcher().queuedSpans };
}
