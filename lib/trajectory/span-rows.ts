// Converts between the wire span (formats doc §1, Go field names) and the stored span row.
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Span } from "@/lib/trajectory/span";
import { spanSearchText } from "@/lib/text/search";

export type SpanRowInput = Prisma.SpanCreateManyInput;

/** Absent and null JSON both stay out of the row, as the engine omits empty Args/Results. */
function json(v: unknown): Prisma.InputJsonValue | undefined {
  return v === undefined || v === null ? undefined : (v as Prisma.InputJsonValue);
}

export function spanToRow(jobId: string, span: Span, parentSeq: number | null): SpanRowInput {
  return {
    jobId,
    seq: span.Seq,
    nesting: span.Nesting,
    parentSeq,
    type: span.Type,
    name: span.Name,
    model: span.Model || null,
    startedAt: new Date(span.Started),
    finishedAt: span.Finished ? new Date(span.Finished) : null,
    error: span.Error || null,
    args: json(span.Args),
    results: json(span.Results),
    instruction: span.Instruction || null,
    prompt: span.Prompt || null,
    reply: span.Reply || null,
    thoughts: span.Thoughts || null,
    inputTokens: span.InputTokens ?? null,
    outputTokens: span.OutputTokens ?? null,
    outputThoughtsTokens: span.OutputThoughtsTokens ?? null,
    searchText: spanSearchText(span),
  };
}

/** The stored row fields a wire span is made from. */
export interface StoredSpan {
  seq: number;
  nesting: number;
  type: string;
  name: string;
  model: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  args: unknown;
  results: unknown;
  instruction: string | null;
  prompt: string | null;
  reply: string | null;
  thoughts: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  outputThoughtsTokens: number | null;
}

/** Back to the wire shape, leaving out empty keys exactly as the engine does. */
export function rowToSpan(r: StoredSpan): Span {
  const span: Span = { Seq: r.seq, Nesting: r.nesting, Type: r.type, Name: r.name, Started: r.startedAt.toISOString() };
  if (r.model) span.Model = r.model;
  if (r.finishedAt) span.Finished = r.finishedAt.toISOString();
  if (r.error) span.Error = r.error;
  if (r.args != null) span.Args = r.args;
  if (r.results != null) span.Results = r.results;
  if (r.instruction) span.Instruction = r.instruction;
  if (r.prompt) span.Prompt = r.prompt;
  if (r.reply) span.Reply = r.reply;
  if (r.thoughts) span.Thoughts = r.thoughts;
  if (r.inputTokens) span.InputTokens = r.inputTokens;
  if (r.outputTokens) span.OutputTokens = r.outputTokens;
  if (r.outputThoughtsTokens) span.OutputThoughtsTokens = r.outputThoughtsTokens;
  return span;
}
