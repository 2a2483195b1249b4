// Stand-in for a syzkaller dashboard (which the tests cannot reach), serving on loopback what dashboard/app/ai.go
// serves for AI jobs, in its shapes: the job list `/{ns}/ai?json=1` (uiAIJobsPage through GetJSONDescrFor:
// MarshalIndent with tabs; 300 jobs a page, newest first, cursor_time/cursor_id of the last job shown, HasNextPage),
// each job's page `/ai_job?id=…&json=1` (uiAIJobDetails, tests/import/dashboard-page.ts: Go-printed Args/Results,
// errors hidden from readers who are not admins) and its inputs `/ai_job?id=…&export=1` (dashapi.AIJobPollResp
// through json.Encoder: compact, one trailing newline). Checked against upstream's ai_test.go (TestAIJob…: json=1
// holds "Trajectory", export=1 decodes to AIJobPollResp; TestAIJobsFiltering: the list's "Workflow": …).
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ImportedRun } from "@/lib/trajectory/span";
import { formatTimestampNs, parseTimestampNs } from "@/lib/trajectory/time";
import { dashboardJobPage } from "../import/dashboard-page";

/** A JSON value with every object's keys sorted, as encoding/json writes a map[string]any. */
function sortedMaps(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedMaps);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortedMaps((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

export interface StandInJob {
  id: string;
  run: ImportedRun;
}

/** json.MarshalIndent's HTML escaping. */
function goJson(v: unknown, indent: string): string {
  return JSON.stringify(v, null, indent).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export class StandInDashboard {
  /** every request's path and query, in order */
  readonly requests: string[] = [];
  /** job page (json=1) requests by job id */
  readonly pageRequests = new Map<string, number>();
  /** the job page request number (1-based, over the stand-in's life) answered once with 429 and Retry-After */
  throttleAt: { pageRequest: number; retryAfterSeconds: number } | null = null;
  throttled = 0;
  /** dashboard admins see errors; the mirror reads as anyone else */
  admin = false;
  /** job pages served as given instead of the job's (a broken page, say); the list still shows the job */
  readonly pageBodies = new Map<string, string>();
  pageSize = 300;
  private pageCount = 0;
  private server: http.Server | null = null;
  private jobs = new Map<string, StandInJob>();
  private cache = new Map<string, string>();
  base = "";

  constructor(
    readonly namespace: string,
    jobs: StandInJob[],
  ) {
    for (const j of jobs) this.jobs.set(j.id, j);
  }

  /** Replaces a job's run (it finished, say): its list entry and page change. */
  setRun(id: string, run: ImportedRun): void {
    this.jobs.get(id)!.run = run;
    this.cache.delete(id);
  }

  private pageOf(j: StandInJob): string {
    let page = this.cache.get(j.id);
    if (!page) {
      page = dashboardJobPage(j.run, { id: j.id, admin: this.admin });
      this.cache.set(j.id, page);
    }
    return page;
  }

  /** The list's uiAIJob entries: the same makeUIAIJob (and sanitizeUIJobs) as the job page's Job. */
  private listEntry(j: StandInJob): Record<string, unknown> {
    return (JSON.parse(this.pageOf(j)) as { Job: Record<string, unknown> }).Job;
  }

  /** Jobs newest first (Created, then ID, descending: aidb's order). */
  private ordered(): { job: StandInJob; created: bigint; entry: Record<string, unknown> }[] {
    return [...this.jobs.values()]
      .map((job) => {
        const entry = this.listEntry(job);
        return { job, entry, created: parseTimestampNs(entry.Created as string)! };
      })
      .sort((a, b) => (a.created !== b.created ? (a.created > b.created ? -1 : 1) : a.job.id > b.job.id ? -1 : 1));
  }

  private list(q: URLSearchParams): string {
    const cursorTime = q.get("cursor_time");
    const cursorId = q.get("cursor_id") ?? "";
    let all = this.ordered();
    if (cursorTime) {
      const t = parseTimestampNs(cursorTime)!;
      all = all.filter((x) => x.created < t || (x.created === t && x.job.id < cursorId));
    }
    const page = all.slice(0, this.pageSize);
    const last = page.at(-1);
    const first = page[0];
    return goJson(
      {
        Header: { Admin: this.admin, Namespace: this.namespace, AIActions: false },
        Jobs: page.map((x) => x.entry),
        Workflows: ["All", "Needs moderation", "patch-triage"],
        CurrentWorkflow: "All",
        ShowAborted: q.has("show_aborted"),
        ManualWorkflows: null,
        Managers: null,
        HasNextPage: all.length > this.pageSize,
        NextCursorTime: last ? formatTimestampNs(last.created) : "",
        NextCursorID: last?.job.id ?? "",
        HasPrevPage: Boolean(cursorTime),
        PrevCursorTime: first ? formatTimestampNs(first.created) : "",
        PrevCursorID: first?.job.id ?? "",
      },
      "\t",
    );
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://stand-in");
    this.requests.push(`${url.pathname}${url.search}`);
    const q = url.searchParams;
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(body);
    };
    if (url.pathname === `/${this.namespace}/ai` && q.get("json") === "1") return send(200, this.list(q));
    if (url.pathname === "/ai_job") {
      const job = this.jobs.get(q.get("id") ?? "");
      if (!job) return send(404, "no such job");
      if (q.get("json") === "1") {
        this.pageCount++;
        if (this.throttleAt && this.pageCount === this.throttleAt.pageRequest) {
          this.throttled++;
          return send(429, "too many requests", { "retry-after": String(this.throttleAt.retryAfterSeconds) });
        }
        this.pageRequests.set(job.id, (this.pageRequests.get(job.id) ?? 0) + 1);
        return send(200, this.pageBodies.get(job.id) ?? this.pageOf(job));
      }
      if (q.get("export") === "1") {
        // json.Encoder: compact, HTML-escaped, a trailing newline; Args is a Go map, so its keys come sorted.
        const args = job.run.job.Args === undefined ? null : sortedMaps(job.run.job.Args);
        return send(200, `${goJson({ ID: job.id, Workflow: job.run.job.Workflow ?? "", Args: args }, "")}\n`);
      }
    }
    send(404, "not found");
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.base;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
