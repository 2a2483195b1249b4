// An agent-protocol payload from its inflated bytes to a checked request: strict UTF-8, JSON parsed with its values,
// keys and nesting counted first (lib/trajectory/raw-json.ts), made storable, validated for its method, held to the
// span and Results caps. Pure and synchronous: the dispatcher runs it inline for a small payload and on a worker
// thread (lib/workers) for a large one, where a logged span's payload is also turned into its row's text.
import type { z } from "zod";
import { badRequest, tooLarge } from "@/lib/http/errors";
import { AGENT_MAX_RESULTS_BYTES, MAX_SPAN_BYTES } from "@/lib/limits";
import { formatBytes } from "@/lib/format";
import { oversizeSpan } from "@/lib/trajectory/span";
import { parseJson } from "@/lib/trajectory/raw-json";
import { describeProblem, makeStorable } from "@/lib/trajectory/storable";
import { packTexts, splitPayload, withPreparedRow, type PreparedRow } from "@/lib/trajectory/span-rows";
import { verdictInput } from "@/lib/workflows/verdict";
import { movedWith } from "@/lib/workers/moved";
import {
  jobDoneRequestSchema,
  pollRequestSchema,
  trajectoryLogRequestSchema,
  type JobDoneRequest,
  type PollRequest,
  type TrajectoryLogRequest,
} from "./schemas";

/** A checked request of one of the protocol's methods. */
export type DecodedPayload =
  | { method: "ai_job_poll"; data: PollRequest }
  | { method: "ai_trajectory_log"; data: TrajectoryLogRequest }
  | {
      method: "ai_job_done";
      /** Results as a verdict reads them (verdictInput) when decoded on a worker thread; the whole of it inline */
      data: JobDoneRequest;
      /** Results as stored: its JSON text in UTF-8 (the text checked against AGENT_MAX_RESULTS_BYTES), null for none */
      resultsJson: Uint8Array | null;
    };

/**
 * What a worker thread hands back: a logged span without its payload values, its row's text beside it; a done's
 * Results as its JSON bytes (moved, not copied: lib/workers/moved.ts) and what its verdict reads.
 */
export type HandedOverPayload =
  | Exclude<DecodedPayload, { method: "ai_trajectory_log" }>
  | {
      method: "ai_trajectory_log";
      data: TrajectoryLogRequest;
      row: PreparedRow;
    };

function parse<T extends z.ZodType>(schema: T, bytes: Uint8Array, method: string): { data: z.infer<T>; chars: number } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw badRequest("payload is not valid UTF-8");
  }
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

/** The done, and its Results as stored (UTF-8 JSON in a buffer of its own); 413 past AGENT_MAX_RESULTS_BYTES. */
function checkResultsSize({ data: req }: { data: JobDoneRequest }): Extract<DecodedPayload, { method: "ai_job_done" }> {
  const json = JSON.stringify(req.Results);
  const size = Buffer.byteLength(json);
  if (size > AGENT_MAX_RESULTS_BYTES) {
    throw tooLarge(`ai_job_done: Results is ${formatBytes(size)} as JSON, the limit is ${formatBytes(AGENT_MAX_RESULTS_BYTES)}`);
  }
  return { method: "ai_job_done", data: req, resultsJson: req.Results === null ? null : packTexts([json]).views[0]! };
}

/**
 * The payload (inflated bytes, UTF-8 JSON) of a call of `method` (one of the three the dispatcher knows) as a checked
 * request. Throws HttpError: 400 for bytes that are not UTF-8 or JSON, nesting past MAX_JSON_DEPTH, a shape the method
 * does not take; 413 past MAX_JSON_VALUES / MAX_JSON_KEYS_PER_OBJECT, MAX_SPAN_BYTES or AGENT_MAX_RESULTS_BYTES.
 */
export function decodePayload(method: DecodedPayload["method"], bytes: Uint8Array): DecodedPayload {
  switch (method) {
    case "ai_job_poll":
      return { method, data: parse(pollRequestSchema, bytes, method).data };
    case "ai_trajectory_log":
      return { method, data: checkSpanSize(parse(trajectoryLogRequestSchema, bytes, method)) };
    case "ai_job_done":
      return checkResultsSize(parse(jobDoneRequestSchema, bytes, method));
  }
}

/** decodePayload on a worker thread: a logged span's payload goes back as its row's text (splitPayload), not as values. */
export function decodePayloadForHandOver(input: { method: DecodedPayload["method"]; bytes: Uint8Array }): HandedOverPayload {
  const decoded = decodePayload(input.method, input.bytes);
  if (decoded.method === "ai_job_done") {
    // Results go back as their JSON bytes, moved; of the values, only what the job's verdict reads.
    const handed = { ...decoded, data: { ...decoded.data, Results: verdictInput(decoded.data.Results) } };
    return decoded.resultsJson ? movedWith(handed, [decoded.resultsJson.buffer as ArrayBuffer]) : handed;
  }
  if (decoded.method !== "ai_trajectory_log") return decoded;
  const { span, row } = splitPayload(decoded.data.Span);
  return { method: decoded.method, data: { ...decoded.data, Span: span }, row };
}

/** Back on the main thread: the request as decodePayload gives it, a logged span carrying its row (withPreparedRow). */
export function joinHandedOver(handed: HandedOverPayload): DecodedPayload {
  if (handed.method !== "ai_trajectory_log") return handed;
  return { method: handed.method, data: { ...handed.data, Span: withPreparedRow(handed.data.Span, handed.row) } };
}
