// Runs one agent-protocol request: authenticate, validate the payload for its method, call it, shape the reply.
import "server-only";
import type { z } from "zod";
import type { Db } from "@/lib/db/client";
import { authenticate } from "./keys";
import { decodeRequest } from "./decode";
import { badRequest, tooLarge } from "@/lib/http/errors";
import { finishJob, logSpan, pollJob } from "./methods";
import { jobDoneRequestSchema, pollRequestSchema, trajectoryLogRequestSchema, type JobDoneRequest, type TrajectoryLogRequest } from "./schemas";
import { AGENT_MAX_RESULTS_BYTES } from "@/lib/limits";
import { oversizeSpan } from "@/lib/trajectory/span";
import { formatBytes } from "@/lib/format";
import { describeProblem, makeStorable } from "@/lib/trajectory/storable";

function parse<T extends z.ZodType>(schema: T, payload: unknown, method: string): z.infer<T> {
  if (payload === undefined) throw badRequest(`${method} needs a payload`);
  // Before zod: deep nesting would fail later in recursion, NUL characters and lone surrogates in PostgreSQL.
  const storable = makeStorable(payload);
  if (!storable.ok) throw badRequest(`${method}: ${describeProblem(storable.problem)}`);
  const r = schema.safeParse(storable.value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.length ? issue.path.join(".") : "payload";
    throw badRequest(`${method}: ${where}: ${issue.message}`);
  }
  return r.data;
}

function checkSpanSize(req: TrajectoryLogRequest): TrajectoryLogRequest {
  const oversize = oversizeSpan(req.Span);
  if (oversize) throw tooLarge(`ai_trajectory_log: span Seq ${req.Span.Seq} ${oversize}`);
  return req;
}

function checkResultsSize(req: JobDoneRequest): JobDoneRequest {
  const size = Buffer.byteLength(JSON.stringify(req.Results));
  if (size > AGENT_MAX_RESULTS_BYTES) {
    throw tooLarge(`ai_job_done: Results is ${formatBytes(size)} as JSON, the limit is ${formatBytes(AGENT_MAX_RESULTS_BYTES)}`);
  }
  return req;
}

/** The reply: 200 with JSON (poll) or an empty body; throws HttpError for any failure (answered as plain text). */
export async function handleAgentRequest(db: Db, req: Request): Promise<Response> {
  const call = await decodeRequest(req);
  await authenticate(db, call.client, call.key);
  switch (call.method) {
    case "ai_job_poll":
      return Response.json(await pollJob(db, parse(pollRequestSchema, call.payload, call.method)));
    case "ai_trajectory_log":
      await logSpan(db, checkSpanSize(parse(trajectoryLogRequestSchema, call.payload, call.method)));
      return new Response(null, { status: 200 });
    case "ai_job_done":
      await finishJob(db, checkResultsSize(parse(jobDoneRequestSchema, call.payload, call.method)));
      return new Response(null, { status: 200 });
    default:
      throw badRequest(`unknown method "${call.method.slice(0, 100)}"`);
  }
}
