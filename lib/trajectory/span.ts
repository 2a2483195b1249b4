// The span as the formats doc defines it (Go field names), validated with zod at every edge.
import "@/lib/zod-jitless";
import { z } from "zod";
import {
  MAX_NESTING,
  MAX_SEQ,
  MAX_SPAN_BYTES,
  MAX_SHORT_FIELD_CHARS,
  MAX_SPAN_NAME_CHARS,
  MAX_TEXT_FIELD_CHARS,
  MAX_TIMESTAMP,
  MAX_TOKENS_PER_SPAN,
  MIN_TIMESTAMP,
} from "@/lib/limits";
import { isZeroTime, parseTimestampNs } from "@/lib/trajectory/time";
import { formatBytes } from "@/lib/format";
import { setOwn } from "@/lib/text/own-key";

/** Span types the viewer knows; any other string is accepted, stored and shown neutrally. */
export const KNOWN_SPAN_TYPES = ["flow", "action", "agent", "llm", "tool", "agent-candidates", "loop", "iteration"] as const;

const tokenCount = z.number().int().nonnegative().max(MAX_TOKENS_PER_SPAN);
const text = z.string().max(MAX_TEXT_FIELD_CHARS);

const MIN_NS = parseTimestampNs(MIN_TIMESTAMP)!;
const MAX_NS = parseTimestampNs(MAX_TIMESTAMP)!;

/**
 * True for an RFC 3339 timestamp in years 0001-9999 UTC that Date also reads (stored times go through
 * Date). Date.parse alone takes "1" or "March 7" and years PostgreSQL cannot store.
 */
export function isStorableTimestamp(s: string): boolean {
  const ns = parseTimestampNs(s);
  return ns !== null && ns >= MIN_NS && ns <= MAX_NS && !Number.isNaN(Date.parse(s));
}

/** An RFC 3339 timestamp; Go's zero time (year 1) is valid test data. */
export const timestampSchema = z
  .string()
  .max(64)
  .refine(isStorableTimestamp, { message: `not an RFC 3339 timestamp from ${MIN_TIMESTAMP} to ${MAX_TIMESTAMP}` });

const knownSpanSchema = z.object({
  Seq: z.number().int().nonnegative().max(MAX_SEQ),
  Nesting: z.number().int().nonnegative().max(MAX_NESTING),
  Type: z.string().min(1).max(MAX_SHORT_FIELD_CHARS),
  Name: z.string().max(MAX_SPAN_NAME_CHARS),
  Model: z.string().max(MAX_SPAN_NAME_CHARS).optional(),
  Started: timestampSchema,
  // Go's zero time means "not finished": Go before 1.24 (no omitzero) writes it in every start copy.
  Finished: timestampSchema.transform((v) => (isZeroTime(v) ? undefined : v)).optional(),
  Error: text.optional(),
  // Objects in the engine; older exports hold other JSON values, kept as they are. Passed through as the same value, so
  // the source text lib/trajectory/raw-json.ts attached to it is what gets stored.
  Args: z.unknown().optional(),
  Results: z.unknown().optional(),
  Instruction: text.optional(),
  Prompt: text.optional(),
  Reply: text.optional(),
  Thoughts: text.optional(),
  InputTokens: tokenCount.optional(),
  OutputTokens: tokenCount.optional(),
  OutputThoughtsTokens: tokenCount.optional(),
});

/** The span fields this viewer models, in Go's field order (lib/trajectory/span-rows.ts writes them in this order). */
export const SPAN_FIELDS = Object.keys(knownSpanSchema.shape) as readonly (keyof typeof knownSpanSchema.shape)[];

/**
 * A span: the modelled fields, plus `Extra`, every other key the producer sent, as it came (a field upstream added
 * after this viewer was written, say). Nothing is dropped: Extra is stored (spans.extra), shown under the span and
 * written back as top-level keys by every export. OTLP spans keep their unread attributes and events there.
 */
export const spanSchema = knownSpanSchema.catchall(z.unknown()).transform((raw) => {
  const known: Record<string, unknown> = {};
  let extra: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(raw)) {
    if (Object.hasOwn(knownSpanSchema.shape, k)) known[k] = v;
    else if (v !== undefined) setOwn((extra ??= {}), k, v);
  }
  const span = known as z.infer<typeof knownSpanSchema> & { Extra?: Record<string, unknown> };
  if (extra) span.Extra = extra;
  return span;
});

export type Span = z.output<typeof spanSchema>;

/** Where a run came from. */
export type RunSource = "trajectory-file" | "job-page" | "html-report" | "page-copy" | "agent" | "demo" | "otlp" | "otlp-file" | "mirror";

/**
 * Job fields a file may carry (formats doc §2, and the dashboard's job page: dashboard/app/ai.go uiAIJob); everything
 * is optional except what importers derive. `Link` is the job's own link (a bug page: the page's DescriptionLink),
 * `DashboardLink` the job page itself (the page's Link, /ai_job?id=…). `Error` of a job whose error the dashboard
 * hid holds the importer's note and `ErrorRedacted` is set. `ValuesPrinted`: span Args/Results and job Args were read
 * from Go-printed text (lib/import/go-printed.ts).
 */
export const importedJobSchema = z.object({
  ID: z.string().max(MAX_SHORT_FIELD_CHARS).optional(),
  Workflow: z.string().max(MAX_SHORT_FIELD_CHARS).optional(),
  Type: z.string().max(MAX_SHORT_FIELD_CHARS).optional(),
  Description: text.optional(),
  Link: text.optional(),
  Created: timestampSchema.optional(),
  Started: timestampSchema.optional(),
  Finished: timestampSchema.optional(),
  AgentName: z.string().max(MAX_SPAN_NAME_CHARS).optional(),
  CodeRevision: z.string().max(MAX_SPAN_NAME_CHARS).optional(),
  Error: text.optional(),
  Args: z.unknown().optional(),
  Results: z.unknown().optional(),
  Correct: z.boolean().nullable().optional(),
  ExternalBugID: z.string().max(MAX_SPAN_NAME_CHARS).optional(),
  DashboardLink: text.optional(),
  CodeRevisionLink: text.optional(),
  ErrorRedacted: z.boolean().optional(),
  ValuesPrinted: z.boolean().optional(),
});

export type ImportedJobFields = z.infer<typeof importedJobSchema>;

/** The job columns of the dashboard's own fields (prisma/schema.prisma), as an import stores them. */
export function dashboardJobColumns(job: ImportedJobFields) {
  return {
    externalBugId: job.ExternalBugID || null,
    dashboardLink: job.DashboardLink || null,
    codeRevisionLink: job.CodeRevisionLink || null,
    errorRedacted: job.ErrorRedacted ?? false,
    valuesPrinted: job.ValuesPrinted ?? false,
  };
}

/** What every importer produces: one job and its spans, merged by Seq (finished copy wins). */
export interface ImportedRun {
  job: ImportedJobFields;
  spans: Span[];
  source: RunSource;
  /** true when the source only had minute-precision timestamps */
  minutePrecision: boolean;
}

/** "is 9.1 MB as JSON, the limit is 8 MB" for a span over the size cap (either edge), or null. */
export function oversizeSpan(span: Span): string | null {
  const size = Buffer.byteLength(JSON.stringify(span));
  return size > MAX_SPAN_BYTES ? `is ${formatBytes(size)} as JSON, the limit is ${formatBytes(MAX_SPAN_BYTES)}` : null;
}
