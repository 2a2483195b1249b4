// Request shapes of the agent protocol (formats doc §4), with the Go field names real agents send.
import { z } from "zod";
import { spanSchema } from "@/lib/trajectory/span";
import { AGENT_MAX_NAME_CHARS, AGENT_MAX_WORKFLOWS } from "@/lib/limits";

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
  // syz-agent sends its dashboard client name here, not the poll's AgentName; upstream lets it be empty.
  AgentName: name.default(""),
  JobID: z.string().uuid(),
  Span: spanSchema,
});

export const jobDoneRequestSchema = z.object({
  ID: z.string().uuid(),
  // Any length the payload cap lets through: past AGENT_JOB_ERROR_KEEP_BYTES it is kept truncated, not refused.
  Error: z.string().default(""),
  Results: z.record(z.string(), z.unknown()).nullable().default(null),
});

export type PollRequest = z.infer<typeof pollRequestSchema>;
export type TrajectoryLogRequest = z.infer<typeof trajectoryLogRequestSchema>;
export type JobDoneRequest = z.infer<typeof jobDoneRequestSchema>;
