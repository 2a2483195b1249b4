// Runs one agent-protocol request (POST /api: served by the app's server, lib/server/, and by the Next route
// app/api/route.ts when Next runs alone): authenticate (before anything is decompressed or parsed), inflate and parse
// the payload with its nesting bounded, validate it for its method, call it, shape the reply.
import "server-only";
import { authenticate } from "./keys";
import type { ProtocolMethod } from "./client";
import { inflatePayload, readCall } from "./decode";
import { badRequest } from "@/lib/http/errors";
import { finishJob, logSpan, pollJob, type PollReply } from "./methods";
import type { BodySource } from "@/lib/http/multipart";
import { decodePayloadForHandOver, joinHandedOver, type DecodedPayload } from "./payload";
import { defineTask, runTask } from "@/lib/workers/pool";

const METHODS = new Set<string>(["ai_job_poll", "ai_trajectory_log", "ai_job_done"] satisfies ProtocolMethod[]);

/** Decoding a payload, inline or on a worker thread (lib/workers). */
export const DECODE_PAYLOAD_TASK = defineTask("lib/agents/payload.ts", "decodePayloadForHandOver", decodePayloadForHandOver);

/**
 * The call's payload as a checked request: inflated, then decoded inline or, when large, on a worker thread shared
 * fairly between agent clients (`client`: one client's large payloads do not hold every thread from another's).
 */
async function decode(method: DecodedPayload["method"], raw: Buffer | undefined, client: string): Promise<DecodedPayload> {
  if (raw === undefined) throw badRequest(`${method} needs a payload`);
  const bytes = await inflatePayload(raw);
  // A large payload's memory is moved to the thread, not copied (lib/workers runTask): it is not read here after.
  return joinHandedOver(await runTask(DECODE_PAYLOAD_TASK, { method, bytes }, bytes.length, [bytes], client));
}

/**
 * Runs one call from a request (a web Request in the Next route, a BodySource in the machine routes' server):
 * the poll's reply (sent as JSON with 200), or null for a call answered 200 with an empty body. Throws HttpError for
 * any failure (answered as plain text).
 */
export async function runAgentCall(req: Request | BodySource): Promise<PollReply | null> {
  const call = await readCall(req, authenticate);
  if (!METHODS.has(call.method)) throw badRequest(`unknown method "${call.method.slice(0, 100)}"`);
  const decoded = await decode(call.method as DecodedPayload["method"], call.payload, call.client);
  switch (decoded.method) {
    case "ai_job_poll":
      return pollJob(call.client, decoded.data);
    case "ai_trajectory_log":
      await logSpan(call.client, decoded.data);
      return null;
    default:
      await finishJob(call.client, decoded.data, decoded.resultsJson);
      return null;
  }
}

/** The reply as a web Response: 200 with JSON (poll) or an empty body; throws HttpError for any failure. */
export async function handleAgentRequest(req: Request): Promise<Response> {
  const reply = await runAgentCall(req);
  return reply ? Response.json(reply) : new Response(null, { status: 200 });
}
