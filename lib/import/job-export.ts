// A job's inputs as the dashboard exports them: `/ai_job?id=…&export=1` writes dashapi.AIJobPollResp {ID, Workflow,
// Args} with json.Encoder (dashboard/app/ai.go handleAIJobPageJSON) — what an agent's poll would get. It is no run (no
// spans, no results): importing it stores nothing; an operator may start a job from it (lib/runs/start-from-export.ts).
import { z } from "zod";
import { MAX_SHORT_FIELD_CHARS } from "@/lib/limits";

export const jobExportSchema = z.strictObject({
  ID: z.string().max(MAX_SHORT_FIELD_CHARS),
  Workflow: z.string().min(1, "the export names no workflow").max(MAX_SHORT_FIELD_CHARS),
  Args: z.record(z.string(), z.unknown()).nullable(),
});

export type JobExport = z.infer<typeof jobExportSchema>;

/** True for a parsed JSON value with exactly the export's keys (ID, Workflow, Args). */
export function isJobExport(v: unknown): boolean {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v).sort().join(",");
  return keys === "Args,ID,Workflow";
}

/** What an import of an export answers: nothing is stored, and how to start a job from it instead. */
export const JOB_EXPORT_NOT_A_RUN =
  "a job's inputs export (/ai_job?id=…&export=1: ID, Workflow, Args), not a run: it has no trajectory, so nothing is imported; an operator can start a job from it (POST /api/jobs/from-export)";
