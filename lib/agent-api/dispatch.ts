// Runs one agent-protocol request: authenticate, validate the payload for its method, call it, shape the reply.
import "server-only";
import type { z } from "zod";
import type { Db } from "@/lib/db/client";
import { authenticate } from "./clients";
import { decodeRequest } from "./decode";
import { ProtocolError } from "./errors";
import { finishJob, logSpan, pollJob } from "./methods";
import { jobDoneRequestSchema, pollRequestSchema, trajectoryLogRequestSchema } from "./schemas";

function parse<T extends z.ZodType>(schema: T, payload: unknown, method: string): z.infer<T> {
  if (payload === undefined) throw new ProtocolError(400, `${method} needs a payload`);
  const r = schema.safeParse(payload);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.length ? issue.path.join(".") : "payload";
    throw new ProtocolError(400, `${method}: ${where}: ${issue.message}`);
  }
  return r.data;
}

/** The reply: 200 with JSON (poll) or an empty body; any failure a non-200 with a plain-text reason. */
export async function handleAgentRequest(db: Db, req: Request): Promise<Response> {
  try {
    const call = await decodeRequest(req);
    await authenticate(db, call.client, call.key);
    switch (call.method) {
      case "ai_job_poll":
        return Response.json(await pollJob(db, parse(pollRequestSchema, call.payload, call.method)));
      case "ai_trajectory_log":
        await logSpan(db, parse(trajectoryLogRequestSchema, call.payload, call.method));
        return new Response(null, { status: 200 });
      case "ai_job_done":
        await finishJob(db, parse(jobDoneRequestSchema, call.payload, call.method));
        return new Response(null, { status: 200 });
      default:
        throw new ProtocolError(400, `unknown method "${call.method.slice(0, 100)}"`);
    }
  } catch (e) {
    if (e instanceof ProtocolError) {
      return new Response(e.message, { status: e.status, headers: { "content-type": "text/plain; charset=utf-8" } });
    }
    throw e;
  }
}
