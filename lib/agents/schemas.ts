// Request shapes of the agent protocol (formats doc §4), with the Go field names real agents send.
import { z } from "zod";
import { spanSchema } from "@/lib/trajectory/span";
import { AGENT_MAX_JOB_ERROR_CHARS, AGENT_MAX_NAME_CHARS, AGENT_MAX_WORKFLOWS } from "@/lib/limits";

const name = z.string().max(AGENT_MAX_NAME_CHARS);

export const pollRequestSchema = z.object({
  AgentName: name.min(1),
  CodeRevision: name.default(""),
  Workflows: z
    .array(z.object({ Type: name.default(""), Name: name.min(1) }))
    .max(AGENT_MAX_WORKFLOWS)
    .default([]),
});

export const trajectoryLogRequestSchema = z.object({
  AgentName: name.min(1),
  JobID: z.string().uuid(),
  Span: spanSchema,
});

export const jobDoneRequestSchema = z.object({
  ID: z.string().uuid(),
  Error: z.string().max(AGENT_MAX_JOB_ERROR_CHARS).default(""),
  Results: z.record(z.string(), z.unknown()).nullable().default(null),
});

export type PollRequest = z.infer<typeof pollRequestSchema>;
export type TrajectoryLogRequest = z.infer<typeof trajectoryLogRequestSchema>;
export type JobDoneRequest = z.infer<typeof jobDoneRequestSchema>;

export const METHODS = ["ai_job_poll", "ai_trajectory_log", "ai_job_done"] as const;
export type Method = (typeof METHODS)[number];
