// The span as the formats doc defines it (Go field names), validated with zod at every edge.
import { z } from "zod";

/** Span types the viewer knows; any other string is accepted, stored and shown neutrally. */
export const KNOWN_SPAN_TYPES = [
  "flow",
  "action",
  "agent",
  "llm",
  "tool",
  "agent-candidates",
  "loop",
  "iteration",
] as const;

// No single model call comes near 100M tokens; the cap keeps per-run sums within the job's Int columns.
const tokenCount = z.number().int().nonnegative().max(100_000_000);
const jsonObject = z.record(z.string(), z.unknown());

/** An RFC 3339 timestamp; Go's zero time (year 1) is valid test data. */
export const timestampSchema = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: "not an RFC 3339 timestamp" });

export const spanSchema = z.object({
  Seq: z.number().int().nonnegative().max(100_000_000),
  Nesting: z.number().int().nonnegative().max(10_000),
  Type: z.string().min(1).max(200),
  Name: z.string().max(1000),
  Model: z.string().max(1000).optional(),
  Started: timestampSchema,
  Finished: timestampSchema.optional(),
  Error: z.string().optional(),
  // Args/Results are objects in the engine; older exports hold other JSON values, kept as they are.
  Args: z.union([jsonObject, z.unknown()]).optional(),
  Results: z.union([jsonObject, z.unknown()]).optional(),
  Instruction: z.string().optional(),
  Prompt: z.string().optional(),
  Reply: z.string().optional(),
  Thoughts: z.string().optional(),
  InputTokens: tokenCount.optional(),
  OutputTokens: tokenCount.optional(),
  OutputThoughtsTokens: tokenCount.optional(),
});

export type Span = z.infer<typeof spanSchema>;

/** Where a run came from. */
export type RunSource = "trajectory-file" | "job-page" | "html-report" | "page-copy" | "agent" | "demo";

/** Job fields a file may carry (formats doc §2); everything is optional except what importers derive. */
export const importedJobSchema = z.object({
  ID: z.string().max(200).optional(),
  Workflow: z.string().max(200).optional(),
  Type: z.string().max(200).optional(),
  Description: z.string().optional(),
  Link: z.string().optional(),
  Created: timestampSchema.optional(),
  Started: timestampSchema.optional(),
  Finished: timestampSchema.optional(),
  AgentName: z.string().optional(),
  CodeRevision: z.string().optional(),
  Error: z.string().optional(),
  Args: z.unknown().optional(),
  Results: z.unknown().optional(),
  Correct: z.boolean().nullable().optional(),
});

export type ImportedJobFields = z.infer<typeof importedJobSchema>;

/** What every importer produces: one job and its spans, merged by Seq (finished copy wins). */
export interface ImportedRun {
  job: ImportedJobFields;
  spans: Span[];
  source: RunSource;
  /** true when the source only had minute-precision timestamps */
  minutePrecision: boolean;
}
