// What a watcher of a live run needs to know changed: status and how many spans exist and have finished.
import "server-only";
import type { Db } from "@/lib/db/client";
export { isLive } from "./status";

export interface LiveState {
  status: string;
  agentName: string | null;
  spans: number;
  finishedSpans: number;
}

export async function liveState(db: Db, jobId: string): Promise<LiveState | null> {
  const rows = await db.$queryRaw<{ status: string; agent_name: string | null; spans: bigint; finished: bigint }[]>`
    SELECT j.status::text, j.agent_name,
      (SELECT count(*) FROM spans s WHERE s.job_id = j.id) AS spans,
      (SELECT count(s.finished_at) FROM spans s WHERE s.job_id = j.id) AS finished
    FROM jobs j WHERE j.id = ${jobId}::uuid`;
  const r = rows[0];
  return r ? { status: r.status, agentName: r.agent_name, spans: Number(r.spans), finishedSpans: Number(r.finished) } : null;
}

