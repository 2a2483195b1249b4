// The dashboard's job list as JSON: `/{ns}/ai?json=1` (dashboard/app/ai.go handleAIJobsPage → uiAIJobsPage, written by
// public_json_api.go GetJSONDescrFor as MarshalIndent with tabs), 300 jobs a page, newest first, paged by the cursor
// of the last job shown (cursor_time = its Created as RFC 3339 with ns, cursor_id = its ID; HasNextPage says more).
import { createHash } from "node:crypto";
import { z } from "zod";
import { MIRROR_MAX_LIST_BYTES, MIRROR_MAX_LIST_PAGES } from "@/lib/limits";
import { parseTimestampNs } from "@/lib/trajectory/time";
import { MirrorFetchError, type DashboardClient } from "./client";
import { jobListUrl } from "./url";

/** One job as the list shows it (uiAIJob); other fields are kept for the fingerprint, never interpreted. */
const listedJobSchema = z.looseObject({
  ID: z.string().min(1).max(200),
  Workflow: z.string().max(200).optional(),
  Created: z.string().max(100).optional(),
  Finished: z.string().max(100).optional(),
  Error: z.string().optional(),
});

const listPageSchema = z.looseObject({
  Jobs: z.array(listedJobSchema).nullable().optional(),
  HasNextPage: z.boolean().optional(),
  NextCursorTime: z.string().max(100).optional(),
  NextCursorID: z.string().max(200).optional(),
});

export type ListedJob = z.infer<typeof listedJobSchema>;

/** Go's zero time, which the list writes for a job not finished yet. */
const GO_ZERO = "0001-01-01T00:00:00Z";

/** True when the list says the job is done (finished or failed): its page will not change but for a review mark. */
export function listedSettled(job: ListedJob): boolean {
  return (Boolean(job.Finished) && job.Finished !== GO_ZERO) || Boolean(job.Error);
}

/** sha256 of a list entry as sent: any change the dashboard shows in the list (status, results, mark) changes it. */
export function listEntryHash(job: ListedJob): string {
  return createHash("sha256").update(JSON.stringify(job)).digest("hex");
}

/**
 * Every job of the namespace, page by page (newest first), stopping at the first job created before `sinceNs`.
 * Throws MirrorFetchError when a page cannot be read or is not the list's shape.
 */
export async function* listJobs(client: DashboardClient, namespace: string, sinceNs?: bigint): AsyncGenerator<ListedJob[]> {
  let cursor: { time: string; id: string } | undefined;
  for (let page = 0; page < MIRROR_MAX_LIST_PAGES; page++) {
    const url = jobListUrl(client.base, namespace, cursor);
    const text = await client.getText(url, MIRROR_MAX_LIST_BYTES);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new MirrorFetchError(url, "the job list is not JSON (is this a syzkaller dashboard with AI jobs, and the namespace right?)");
    }
    const parsed = listPageSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new MirrorFetchError(url, `the job list is not uiAIJobsPage: "${issue?.path.join(".")}": ${issue?.message}`);
    }
    const jobs = parsed.data.Jobs ?? [];
    const kept = sinceNs === undefined ? jobs : jobs.filter((j) => (parseTimestampNs(j.Created ?? "") ?? 0n) >= sinceNs);
    if (kept.length) yield kept;
    if (kept.length < jobs.length || !parsed.data.HasNextPage || !parsed.data.NextCursorTime || !parsed.data.NextCursorID) return;
    const next = { time: parsed.data.NextCursorTime, id: parsed.data.NextCursorID };
    if (cursor && next.time === cursor.time && next.id === cursor.id)
      throw new MirrorFetchError(url, "the list's next cursor does not move");
    cursor = next;
  }
  throw new MirrorFetchError(client.base, `more than ${MIRROR_MAX_LIST_PAGES} list pages`);
}
