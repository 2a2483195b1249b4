// One whole value of a span for reading or copying (GET /api/jobs/<id>/spans/<seq>?path=): found by scanning the
// stored text and indented (lib/trajectory/truncate.ts textAtPath), on a worker thread when the span is large. Indenting
// is a pass over every value: a dense Args of a million numbers held the event loop 0.7-2 s per request.
import "server-only";
import { textAtPathOf, type SpanFields, type SpanPayload } from "@/lib/trajectory/truncate";
import { defineTask, runTask } from "@/lib/workers/pool";

export const TEXT_AT_PATH_TASK = defineTask("lib/trajectory/truncate.ts", "textAtPathOf", textAtPathOf);

/**
 * The text at `path` of a span ("Results.PatchDiff", "Args"), as textAtPath gives it; undefined when there is none.
 * Off the main thread when the span's texts pass OFF_THREAD_MIN_BYTES (UTF-16 units counted); throws HttpError
 * TooManyRequests when every thread is busy and the queue is full.
 */
export function spanTextAtPath(span: SpanFields, json: SpanPayload["json"], path: string): Promise<string | undefined> {
  let size = 0;
  for (const text of Object.values(json)) size += text?.length ?? 0;
  for (const value of Object.values(span)) if (typeof value === "string") size += value.length;
  return runTask(TEXT_AT_PATH_TASK, { span, json, path }, size);
}
