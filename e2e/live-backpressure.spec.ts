// Issue 21, finding 3, over real HTTP: watchers of a live run that stop reading are cut once their queue is full
// instead of the server keeping every change for them (50 stalled watchers + 2,000 spans once held 1.6 GB), and the
// app keeps answering meanwhile.
import { readFileSync } from "node:fs";
import http from "node:http";
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { withDb } from "./db";
import { OPERATOR_STATE } from "./users";

const cookie = () =>
  (JSON.parse(readFileSync(OPERATOR_STATE, "utf8")) as { cookies: { name: string; value: string }[] }).cookies
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");

/** A watcher that reads the response headers and then nothing: its socket fills and stays full. */
function stalledWatcher(
  baseURL: string,
  id: string,
): Promise<{ res: http.IncomingMessage; ended: Promise<{ bytes: number; how: string }> }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseURL}/api/jobs/${id}/events?after=-1`, { headers: { cookie: cookie() } }, (res) => {
      res.pause();
      let bytes = 0;
      const ended = new Promise<{ bytes: number; how: string }>((done) => {
        res.on("data", (c: Buffer) => (bytes += c.length));
        res.on("end", () => done({ bytes, how: "end" }));
        res.on("error", () => done({ bytes, how: "cut" }));
        res.on("aborted", () => done({ bytes, how: "cut" }));
      });
      resolve({ res, ended });
    });
    req.on("error", reject);
  });
}

test("watchers that stop reading are cut, not buffered for; the app answers meanwhile", async ({ baseURL, request }) => {
  test.setTimeout(120_000);
  const id = randomUUID();
  await withDb((c) =>
    c.query(
      `INSERT INTO jobs (id, workflow, status, agent_name, source, created_at) VALUES ($1, 'patch-triage', 'running', 'a', 'agent', now())`,
      [id],
    ),
  );
  const watchers = await Promise.all(Array.from({ length: 10 }, () => stalledWatcher(baseURL!, id)));
  for (const w of watchers) expect(w.res.statusCode).toBe(200);
  // 10,000 spans with 1,000-character names: ~10 MB of changes for each watcher, far past its 1 MB queue and the
  // socket's buffers.
  for (let from = 0; from < 10_000; from += 1000) {
    await withDb((c) =>
      c.query(
        `INSERT INTO spans (job_id, seq, nesting, type, name, started_at, finished_at)
         SELECT $1::uuid, s, CASE WHEN s = 0 THEN 0 ELSE 1 END, 'tool', 'grepper-' || s || repeat('x', 990), now(), now()
         FROM generate_series($2::int, $3::int) AS s`,
        [id, from, from + 999],
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
  }
  const t = performance.now();
  expect((await request.get("/api/jobs")).status()).toBe(200);
  console.log(`GET /api/jobs while 10 watchers stalled: ${(performance.now() - t).toFixed(0)} ms`);
  await withDb((c) => c.query(`UPDATE jobs SET status = 'finished', finished_at = now() WHERE id = $1`, [id]));
  for (const w of watchers) w.res.resume();
  const ends = await Promise.all(watchers.map((w) => w.ended));
  // Each was cut with what it had queued and what the sockets held: far less than the run's ~10 MB of changes.
  console.log(`stalled watchers got ${ends.map((e) => `${e.bytes} B (${e.how})`).join(", ")}`);
  for (const e of ends) expect(e.bytes).toBeLessThan(6_000_000);
});
