// Runs one agent-protocol request (POST /api: served by the app's server, lib/server/, and by the Next route
// app/api/route.ts when Next runs alone): authenticate (before anything is decompressed or parsed), inflate and parse
// the payload with its nesting bounded, validate it for its method, call it, shape the reply.
import "server-only";
import type { z } from "zod";
import { authenticate } from "./keys";
import type { ProtocolMethod } from "./client";
import { inflatePayload, readCall } from "./decode";
import { badRequest, tooLarge } from "@/lib/http/errors";
import { finishJob, logSpan, pollJob, type PollReply } from "./methods";
import type { BodySource } from "@/lib/http/multipart";
import {
  jobDoneRequestSchema,
  pollRequestSchema,
  trajectoryLogRequestSchema,
  type JobDoneRequest,
  type TrajectoryLogRequest,
} from "./schemas";
import { AGENT_MAX_RESULTS_BYTES, MAX_SPAN_BYTES } from "@/lib/limits";
import { oversizeSpan } from "@/lib/trajectory/span";
import { formatBytes } from "@/lib/format";
import { parseJson } from "@/lib/trajectory/raw-json";
import { describeProblem, makeStorable } from "@/lib/trajectory/storable";

const METHODS = new Set<string>(["ai_job_poll", "ai_trajectory_log", "ai_job_done"] satisfies ProtocolMethod[]);

async function parse<T extends z.ZodType>(
  schema: T,
  raw: Buffer | undefined,
  method: string,
): Promise<{ data: z.infer<T>; chars: number }> {
  if (raw === undefined) throw badRequest(`${method} needs a payload`);
  const text = await inflatePayload(raw);
  // The nesting cap is checked while scanning, before JSON.parse builds anything; Args/Results keep their source text.
  const parsed = parseJson(text, { per: "per request" });
  if (!parsed.ok) {
    if (parsed.syntax) throw badRequest(`payload is not valid JSON: ${parsed.problem.reason.slice(0, 200)}`);
    if (parsed.tooLarge) throw tooLarge(`${method}: ${describeProblem(parsed.problem)}`);
    throw badRequest(`${method}: ${describeProblem(parsed.problem)}`);
  }
  // NUL characters and lone surrogates become U+FFFD (PostgreSQL cannot hold them); the source text is made the same.
  const storable = makeStorable(parsed.value);
  if (!storable.ok) throw badRequest(`${method}: ${describeProblem(storable.problem)}`);
  const r = schema.safeParse(storable.value);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.length ? issue.path.join(".") : "payload";
    throw badRequest(`${method}: ${where}: ${issue.message}`);
  }
  return { data: r.data, chars: text.length };
}

function checkSpanSize({ data: req, chars }: { data: TrajectoryLogRequest; chars: number }): TrajectoryLogRequest {
  // Serialized again, a span is never more than ~5× its payload text (1e20 → 100000000000000000000), and is 3 bytes
  // a character at most: a payload under a 24th of the cap cannot pass it, and is not serialized again to check.
  if (chars * 24 < MAX_SPAN_BYTES) return req;
  const oversize = oversizeSpan(req.Span);
  if (oversize) throw tooLarge(`ai_trajectory_log: span Seq ${req.Span.Seq} ${oversize}`);
  return req;
}

function checkResultsSize({ data: req }: { data: JobDoneRequest }): JobDoneRequest {
  const size = Buffer.byteLength(JSON.stringify(req.Results));
  if (size > AGENT_MAX_RESULTS_BYTES) {
    throw tooLarge(`ai_job_done: Results is ${formatBytes(size)} as JSON, the limit is ${formatBytes(AGENT_MAX_RESULTS_BYTES)}`);
  }
  return req;
}

/**
 * Runs one call from a request (a web Request in the Next route, a BodySource in the machine routes' server):
 * the poll's reply (sent as JSON with 200), or null for a call answered 200 with an empty body. Throws HttpError for
 * any failure (answered as plain text).
 */
export async function runAgentCall(req: Request | BodySource): Promise<PollReply | null> {
  const call = await readCall(req, authenticate);
  if (!METHODS.has(call.method)) throw badRequest(`unknown method "${call.method.slice(0, 100)}"`);
  switch (call.method) {
    case "ai_job_poll":
      return pollJob(call.client, (await parse(pollRequestSchema, call.payload, call.method)).data);
    case "ai_trajectory_log":
      await logSpan(call.client, checkSpanSize(await parse(trajectoryLogRequestSchema, call.payload, call.method)));
      return null;
    default:
      await finishJob(call.client, checkResultsSize(await parse(jobDoneRequestSchema, call.payload, call.method)));
      return null;
  }
}

/** The reply as a web Response: 200 with JSON (poll) or an empty body; throws HttpError for any failure. */
export async function handleAgentRequest(req: Request): Promise<Response> {
  const reply = await runAgentCall(req);
  return reply ? Response.json(reply) : new Response(null, { status: 200 });
}
