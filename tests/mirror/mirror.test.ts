// The mirror against a stand-in dashboard of 1,000 jobs (tests/mirror/stand-in-dashboard.ts: upstream's shapes, Go-printed
// values, errors redacted for a reader who is not an admin, 300 jobs a list page): the command killed (SIGKILL) in
// the middle and run again stores every job once and fetches no stored page again; a 429 in the middle is waited out;
// a job that finished between two syncs is updated, and only it is fetched again.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { EXT4_SCENARIO, patchTriageRun } from "@/lib/demo/patch-triage";
import { HIDDEN_ERROR_NOTE } from "@/lib/trajectory/redaction";
import { db, disconnectDb } from "@/lib/db/client";
import { allowOutbound } from "@/lib/outbound/allow-list";
import { StandInDashboard, type StandInJob } from "./stand-in-dashboard";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const JOBS = 1000;
const CONCURRENCY = 4;
const RUNNING = 7; // the job still running at the first sync
const failing = (i: number) => i % 97 === 3;

function runOf(i: number, running: boolean) {
  return patchTriageRun({
    ...EXT4_SCENARIO,
    seed: 50_000 + i,
    start: new Date(Date.UTC(2026, 7, 1, 0, 0) + i * 60_000),
    description: `mirrored ${i}`,
    steps: 1,
    running,
    failWith: failing(i) ? `SYZFAIL: job ${i} broke: <kasan> & friends` : undefined,
  });
}

let client: pg.Client;
let dash: StandInDashboard;
let ids: string[];
beforeAll(async () => {
  client = new pg.Client({ connectionString: inject("databaseUrl") });
  await client.connect();
  ids = Array.from({ length: JOBS }, () => randomUUID());
  const jobs: StandInJob[] = ids.map((id, i) => ({ id, run: runOf(i, i === RUNNING) }));
  dash = new StandInDashboard(`ns-${randomUUID().slice(0, 6)}`, jobs);
  await dash.start();
  // The stand-in is on loopback: allowed as an admin allows a dashboard host (lib/outbound), or the mirror refuses it.
  await allowOutbound(db(), new URL(dash.base).host, { id: null, label: "test admin" });
});
afterAll(async () => {
  await disconnectDb();
  await client?.end();
  await dash?.close();
});

function mirror(...extra: string[]) {
  const child = spawn(
    process.execPath,
    [
      "--conditions=react-server",
      "--import",
      "tsx",
      path.join(ROOT, "scripts", "mirror.ts"),
      dash.base,
      "--namespace",
      dash.namespace,
      "--concurrency",
      String(CONCURRENCY),
      "--delay",
      "0",
      ...extra,
    ],
    { cwd: ROOT, env: { ...process.env, DATABASE_URL: inject("databaseUrl") }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout!.on("data", (c: Buffer) => (out += c));
  child.stderr!.on("data", (c: Buffer) => (err += c));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.once("exit", (code, signal) => r({ code, signal })),
  );
  return { child, exit, stdout: () => out, stderr: () => err };
}

async function storedCount(): Promise<number> {
  const { rows } = await client.query(
    `SELECT count(*)::int AS n FROM mirror_jobs m JOIN mirror_dashboards d ON d.id = m.dashboard_id WHERE d.base_url = $1`,
    [dash.base],
  );
  return rows[0].n as number;
}

describe("npm run mirror", () => {
  it(
    "follows 1,000 jobs through a kill, a 429 and a restart: each stored once, no stored page fetched again",
    { timeout: 600_000 },
    async () => {
      // The 429 comes in the second run, in the middle of its pages.
      dash.throttleAt = { pageRequest: 500, retryAfterSeconds: 1 };
      const first = mirror();
      for (;;) {
        if ((await storedCount()) >= 250) break;
        if (first.child.exitCode !== null) throw new Error(`the mirror ended before it could be killed:\n${first.stderr()}`);
        await sleep(20);
      }
      first.child.kill("SIGKILL");
      expect((await first.exit).signal).toBe("SIGKILL");
      const afterKill = await storedCount();
      expect(afterKill).toBeLessThan(JOBS);

      const t0 = Date.now();
      const second = mirror();
      const { code } = await second.exit;
      const secs = (Date.now() - t0) / 1000;
      expect(code, second.stderr()).toBe(0);
      // Progress was shown (cli-progress writes to stderr), and the summary names what happened.
      expect(second.stderr()).toMatch(/fetching \[.*\] \d+\/\d+ job pages/);
      expect(second.stdout()).toMatch(
        new RegExp(`^${JOBS} jobs listed: ${JOBS - afterKill} new, 0 updated, ${afterKill} unchanged, 0 failed`, "m"),
      );
      expect(dash.throttled).toBe(1);

      // Every job stored once, as a mirrored run with its link built from the base URL.
      const { rows } = await client.query(
        `SELECT id::text, status::text, source, dashboard_link, error, error_redacted, values_printed FROM jobs WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      expect(rows).toHaveLength(JOBS);
      expect(await storedCount()).toBe(JOBS);
      const byId = new Map(rows.map((r) => [r.id as string, r]));
      expect(byId.get(ids[0]!)).toMatchObject({
        source: "mirror",
        status: "finished",
        dashboard_link: `${dash.base}/ai_job?id=${ids[0]}`,
        values_printed: true,
      });
      expect(byId.get(ids[RUNNING]!)).toMatchObject({ status: "incomplete" });
      // Redacted stays redacted: the dashboard hid the error from the mirror, so the run keeps our note, not a guess.
      expect(byId.get(ids[3]!)).toMatchObject({ status: "failed", error: HIDDEN_ERROR_NOTE, error_redacted: true });

      // Fetched twice: at most the pages in flight when the process was killed (fetched, not yet committed).
      // (The running job is fetched again by design: an unfinished job's page changes without its list entry.)
      const twice = [...dash.pageRequests].filter(([id, n]) => n > 1 && id !== ids[RUNNING]).length;
      expect(twice).toBeLessThanOrEqual(CONCURRENCY);
      expect([...dash.pageRequests.values()].every((n) => n <= 2)).toBe(true);
      expect(dash.pageRequests.size).toBe(JOBS);
      const pageRequests = [...dash.pageRequests.values()].reduce((a, b) => a + b, 0) + dash.throttled;
      const listRequests = dash.requests.filter((r) => r.includes("/ai?")).length;
      console.log(
        `mirror figures: ${JOBS - afterKill} jobs in ${secs.toFixed(1)} s after the restart (${((JOBS - afterKill) / secs).toFixed(1)} jobs/s, process start included); ` +
          `${pageRequests} job page requests and ${listRequests} list requests over both runs; ${twice} pages fetched twice (in flight at the kill)`,
      );
    },
  );

  it("fetches again only the job that changed, and updates it", { timeout: 120_000 }, async () => {
    const before = new Map(dash.pageRequests);
    dash.setRun(ids[RUNNING]!, runOf(RUNNING, false));
    const again = mirror();
    const { code } = await again.exit;
    expect(code, again.stderr()).toBe(0);
    expect(again.stdout()).toMatch(new RegExp(`^${JOBS} jobs listed: 0 new, 1 updated, ${JOBS - 1} unchanged, 0 failed`, "m"));
    const fetched = [...dash.pageRequests].filter(([id, n]) => n !== before.get(id)).map(([id]) => id);
    expect(fetched).toEqual([ids[RUNNING]]);
    const { rows } = await client.query(`SELECT status::text, span_count FROM jobs WHERE id = $1`, [ids[RUNNING]]);
    expect(rows[0]).toMatchObject({ status: "finished" });
    const audit = await client.query(`SELECT actor_label FROM audit_events WHERE action = 'mirror.update' AND target = $1`, [ids[RUNNING]]);
    expect(audit.rows).toEqual([{ actor_label: "command line" }]);
  });
});
