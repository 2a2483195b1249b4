// What the server acknowledged during a load run, and the check that the database holds exactly that afterwards.
import type { Span } from "@/lib/trajectory/span";

interface Expected {
  /** the finished copy when its 200 came back; otherwise the start copy (a finish copy may still have landed) */
  span: Span;
  finishedAcked: boolean;
}

/** Anything with pg's `query(text, values)`: a pg.Client or pg.Pool. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface Verdict {
  /** distinct (job, seq) the server acknowledged at least once */
  acknowledged: number;
  /** acknowledged but not stored */
  lost: number;
  /** (job, seq) stored more than once */
  duplicates: number;
  /** stored, but a finish copy that was acknowledged is not what the row holds (Finished, Error, tokens) */
  wrongFields: number;
  /** rows of these jobs whose seq no agent ever sent */
  unexpected: number;
  /** a few examples of each problem, for the report */
  examples: string[];
}

export class Ledger {
  private readonly acked = new Map<string, Map<number, Expected>>();
  private readonly sent = new Map<string, Set<number>>();
  /** jobs that received at least one acknowledged span, in the order they first did (readers open these) */
  readonly jobs: string[] = [];

  /** Called before each send: a copy whose answer was lost may still be stored, and that is not "unexpected". */
  sending(jobId: string, seq: number): void {
    let s = this.sent.get(jobId);
    if (!s) this.sent.set(jobId, (s = new Set()));
    s.add(seq);
  }

  /** Called on a 200 for `ai_trajectory_log`. */
  acknowledge(jobId: string, span: Span): void {
    let m = this.acked.get(jobId);
    if (!m) {
      this.acked.set(jobId, (m = new Map()));
      this.jobs.push(jobId);
    }
    const prev = m.get(span.Seq);
    if (span.Finished) m.set(span.Seq, { span, finishedAcked: true });
    else if (!prev) m.set(span.Seq, { span, finishedAcked: false });
  }

  /** An acknowledged seq of the job, for readers that open single spans. */
  someSeq(jobId: string, rand: () => number): number | undefined {
    const m = this.acked.get(jobId);
    if (!m || m.size === 0) return undefined;
    const seqs = [...m.keys()];
    return seqs[Math.floor(rand() * seqs.length)];
  }

  get acknowledgedCount(): number {
    let n = 0;
    for (const m of this.acked.values()) n += m.size;
    return n;
  }

  /** Reads every span of the jobs in the ledger and compares. The primary key on (job_id, seq) already forbids
   *  duplicates; they are counted anyway, so a schema change that dropped it would show here. */
  async verify(db: Queryable): Promise<Verdict> {
    const jobIds = [...this.sent.keys()];
    const v: Verdict = { acknowledged: this.acknowledgedCount, lost: 0, duplicates: 0, wrongFields: 0, unexpected: 0, examples: [] };
    const note = (s: string) => void (v.examples.length < 10 && v.examples.push(s));
    const stored = new Map<string, Record<string, unknown>[]>();
    for (let i = 0; i < jobIds.length; i += 500) {
      const { rows } = await db.query(
        `SELECT job_id::text AS job, seq, finished_at, error, output_tokens FROM spans WHERE job_id = ANY($1::uuid[])`,
        [jobIds.slice(i, i + 500)],
      );
      for (const r of rows) {
        const k = `${r.job}:${r.seq}`;
        const list = stored.get(k);
        if (list) list.push(r);
        else stored.set(k, [r]);
      }
    }
    for (const [k, rows] of stored) {
      if (rows.length > 1) {
        v.duplicates++;
        note(`duplicate ${k} ×${rows.length}`);
      }
      const [job, seq] = k.split(":");
      if (!this.sent.get(job!)?.has(Number(seq))) {
        v.unexpected++;
        note(`unexpected ${k}`);
      }
    }
    for (const [job, m] of this.acked) {
      for (const [seq, e] of m) {
        const row = stored.get(`${job}:${seq}`)?.[0];
        if (!row) {
          v.lost++;
          note(`lost ${job}:${seq}`);
          continue;
        }
        if (!e.finishedAcked) continue;
        const finishedAt = row.finished_at instanceof Date ? row.finished_at.getTime() : null;
        const ok =
          finishedAt === Date.parse(e.span.Finished!) &&
          (row.error ?? "") === (e.span.Error ?? "") &&
          (row.output_tokens ?? null) === (e.span.OutputTokens ?? null);
        if (!ok) {
          v.wrongFields++;
          note(`wrong fields ${job}:${seq}: stored finished_at=${String(row.finished_at)} error=${String(row.error)}`);
        }
      }
    }
    return v;
  }
}
