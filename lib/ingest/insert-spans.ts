// Bulk insert of span rows: one INSERT … SELECT FROM unnest per batch, far fewer round trips than row-by-row ORMs.
import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { SpanRowInput } from "@/lib/trajectory/span-rows";

type Tx = Prisma.TransactionClient;

// Arrays are one bind parameter each, so a batch is bounded by memory, not PostgreSQL's 65,535 parameters.
const BATCH = 5000;

function json(v: unknown): string | null {
  return v === undefined || v === null ? null : JSON.stringify(v);
}

function iso(d: Date | string | null | undefined): string | null {
  return d == null ? null : new Date(d).toISOString();
}

export async function insertSpans(tx: Tx, rows: SpanRowInput[]): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) {
    const b = rows.slice(i, i + BATCH);
    const col = <T>(f: (r: SpanRowInput) => T) => b.map(f);
    await tx.$executeRaw`
      INSERT INTO spans (job_id, seq, nesting, parent_seq, type, name, model, started_at, finished_at, error,
        args, results, instruction, prompt, reply, thoughts, input_tokens, output_tokens, output_thoughts_tokens, search_text)
      SELECT u.job_id, u.seq, u.nesting, u.parent_seq, u.type, u.name, u.model, u.started_at, u.finished_at, u.error,
        u.args::jsonb, u.results::jsonb, u.instruction, u.prompt, u.reply, u.thoughts, u.input_tokens, u.output_tokens, u.output_thoughts_tokens,
        u.search_text
      FROM unnest(
        ${col((r) => r.jobId)}::uuid[], ${col((r) => r.seq)}::int[], ${col((r) => r.nesting)}::int[],
        ${col((r) => r.parentSeq ?? null)}::int[], ${col((r) => r.type)}::text[], ${col((r) => r.name)}::text[],
        ${col((r) => r.model ?? null)}::text[], ${col((r) => iso(r.startedAt))}::timestamptz[],
        ${col((r) => iso(r.finishedAt))}::timestamptz[], ${col((r) => r.error ?? null)}::text[],
        ${col((r) => json(r.args))}::text[], ${col((r) => json(r.results))}::text[],
        ${col((r) => r.instruction ?? null)}::text[], ${col((r) => r.prompt ?? null)}::text[],
        ${col((r) => r.reply ?? null)}::text[], ${col((r) => r.thoughts ?? null)}::text[],
        ${col((r) => r.inputTokens ?? null)}::int[], ${col((r) => r.outputTokens ?? null)}::int[],
        ${col((r) => r.outputThoughtsTokens ?? null)}::int[], ${col((r) => r.searchText ?? null)}::text[]
      ) AS u(job_id, seq, nesting, parent_seq, type, name, model, started_at, finished_at, error,
        args, results, instruction, prompt, reply, thoughts, input_tokens, output_tokens, output_thoughts_tokens, search_text)`;
  }
}
