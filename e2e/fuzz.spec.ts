// Fuzz: 10,000+ malformed requests each to POST /api and POST /api/import over real HTTP; every answer is a 4xx with a reason, and the database is unchanged.
import { toolConfig } from "@/lib/config";
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { TestAgent } from "./agent-client";
import { withDb } from "./db";
import { agentApiClient, importClient, type Poster, type RawRequest, type Reply } from "./fuzz-http";
import { agentCase } from "./fuzz-agent-inputs";
import { importCase } from "./fuzz-import-inputs";

const BASE = `http://127.0.0.1:${toolConfig().E2E_PORT}`;
const CASES = toolConfig().FUZZ_CASES;
const CONCURRENCY = 8;
// FUZZ_SEED=<n> replays a run; otherwise each run explores new inputs, and prints its seed.
const SEED = toolConfig().FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31);

/** Row counts and a hash of every row of the tables malformed input must never touch. */
async function fingerprint(): Promise<Record<string, string>> {
  return withDb(async (c) => {
    const out: Record<string, string> = {};
    for (const [table, order] of [
      ["jobs", "id"],
      ["spans", "job_id, seq"],
      ["agent_clients", "name"],
    ] as const) {
      const r = await c.query(
        `SELECT count(*)::text AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY ${order}), '')) AS h FROM ${table} t`,
      );
      out[table] = `${r.rows[0].n} rows, md5 ${r.rows[0].h}`;
    }
    return out;
  });
}

interface Failure {
  index: number;
  req: RawRequest;
  problem: string;
}

function preview(req: RawRequest): string {
  const head = req.body
    .subarray(0, 300)
    .toString("latin1")
    .replace(/[^\x20-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, "0")}`);
  const source = req.source ? `\n    payload before gzip: ${req.source.slice(0, 300)}${req.source.length > 300 ? "…" : ""}` : "";
  return `${JSON.stringify(req.headers)} ${req.query ?? ""} ${req.body.length} bytes: ${head}${req.body.length > 300 ? "…" : ""}${source}`;
}

/** What is wrong with an answer to a malformed request, or null when it is a 4xx with a reason. */
function judge(reply: Reply, kind: "text" | "json"): string | null {
  if (reply.status < 400 || reply.status >= 500) return `status ${reply.status}`;
  if (kind === "text") {
    if (!reply.contentType.startsWith("text/plain")) return `content-type ${reply.contentType}`;
    return reply.text.trim() ? null : "empty reason";
  }
  try {
    const body = JSON.parse(reply.text) as { error?: unknown; errors?: { file?: unknown; reason?: unknown }[] };
    if (typeof body.error !== "string" || !body.error.trim()) return "no error text";
    if (!Array.isArray(body.errors) || !body.errors.length) return "no errors list";
    if (!body.errors.every((e) => typeof e.file === "string" && typeof e.reason === "string" && e.reason.trim()))
      return "an errors item without file and reason";
    return null;
  } catch {
    return `not JSON: ${reply.text.slice(0, 100)}`;
  }
}

async function run(name: string, client: Poster, make: (i: number) => RawRequest, kind: "text" | "json") {
  const counts = new Map<string, { sent: number; statuses: Map<number, number> }>();
  const failures: Failure[] = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CASES) {
        const index = next++;
        const req = make(index);
        let problem: string | null;
        let reply: Reply | undefined;
        try {
          reply = await client.post(req);
          problem = judge(reply, kind);
        } catch (e) {
          problem = `request failed: ${(e as Error).message}`;
        }
        const c = counts.get(req.category) ?? { sent: 0, statuses: new Map() };
        c.sent++;
        if (reply) c.statuses.set(reply.status, (c.statuses.get(reply.status) ?? 0) + 1);
        counts.set(req.category, c);
        if (problem) failures.push({ index, req, problem: `${problem}${reply ? `: ${reply.text.slice(0, 300)}` : ""}` });
      }
    }),
  );
  client.close();
  const lines = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([cat, c]) =>
        `  ${cat.padEnd(18)} ${String(c.sent).padStart(5)}  ${[...c.statuses.entries()]
          .sort()
          .map(([s, n]) => `${s}×${n}`)
          .join(" ")}`,
    );
  console.log(`${name}: ${CASES} malformed requests in ${((Date.now() - started) / 1000).toFixed(1)} s, seed ${SEED}\n${lines.join("\n")}`);
  const report = failures
    .slice(0, 10)
    .map((f) => `#${f.index} [${f.req.category}] ${f.req.what}\n    → ${f.problem}\n    input: ${preview(f.req)}`)
    .join("\n");
  expect(
    failures.length,
    `${failures.length} of ${CASES} malformed requests were not answered with a 4xx and a reason (replay with FUZZ_SEED=${SEED}):\n${report}`,
  ).toBe(0);
  return counts;
}

// 10,000 requests per endpoint; on a two-core machine shared with builds and browsers that can take many minutes.
test.describe.configure({ timeout: 30 * 60_000 });

test("POST /api answers every malformed agent request with a 4xx and a plain-text reason, and writes nothing", async () => {
  // A client with a real key and a job running for it, so inputs get past authentication to the deepest checks.
  const agent = await TestAgent.create(BASE, `fuzz-${randomUUID().slice(0, 8)}`);
  const workflow = `fuzz-${randomUUID().slice(0, 8)}`;
  const jobId = randomUUID();
  const foreignJobId = randomUUID();
  const foreignWorkflow = `${workflow}-other`;
  await withDb((c) =>
    c.query(`INSERT INTO jobs (id, workflow, status, created_at) VALUES ($1, $2, 'pending', now()), ($3, $4, 'pending', now())`, [
      jobId,
      workflow,
      foreignJobId,
      foreignWorkflow,
    ]),
  );
  try {
    expect((await agent.poll([workflow])).ID).toBe(jobId);
    const other = await TestAgent.create(BASE, `fuzz-other-${randomUUID().slice(0, 8)}`);
    expect((await other.poll([foreignWorkflow])).ID).toBe(foreignJobId);
    const before = await fingerprint();
    const ctx = { client: agent.client, key: agent.key, agentName: agent.agentName, jobId, foreignJobId };
    const counts = await run("POST /api", agentApiClient(BASE), (i) => agentCase(ctx, SEED, i), "text");
    expect(counts.size, "every category was generated").toBeGreaterThanOrEqual(20);
    expect(await fingerprint()).toEqual(before);
  } finally {
    await withDb((c) => c.query("DELETE FROM jobs WHERE id = ANY($1::uuid[])", [[jobId, foreignJobId]]));
  }
});

test("POST /api/import answers every malformed upload with a 4xx and {error, errors[{file, reason}]}, and writes nothing", async () => {
  const before = await fingerprint();
  const counts = await run("POST /api/import", importClient(BASE), (i) => importCase(SEED, i), "json");
  expect(counts.size, "every category was generated").toBeGreaterThanOrEqual(20);
  expect(await fingerprint()).toEqual(before);
});

test("GET /api/jobs… answers bad query parameters and ids with a 4xx and a reason, never a database error", async ({ request }) => {
  const cursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const id = randomUUID();
  const urls = [
    "/api/jobs?q=%00",
    "/api/jobs?workflow=a%00b",
    `/api/jobs?q=${"x".repeat(201)}`,
    "/api/jobs?size=1e400",
    "/api/jobs?size=-1",
    "/api/jobs?sort=nope",
    "/api/jobs?unknown=1",
    `/api/jobs?after=${cursor(["not a time", id])}`,
    `/api/jobs?sort=tokens&after=${cursor(["99999999999", id])}`,
    `/api/jobs?sort=status&before=${cursor(["nope", id])}`,
    `/api/jobs?sort=duration&after=${cursor([null, "-".repeat(36)])}`,
    `/api/jobs?sort=worker&after=${cursor(["a\u0000", id])}`,
    "/api/jobs?after=%%%",
    "/api/jobs/not-a-uuid",
    "/api/jobs/not-a-uuid/trajectory",
    "/api/jobs/not-a-uuid/events",
    `/api/jobs/${id}/spans/99999999999`,
    `/api/jobs/${id}/spans/-1`,
    `/api/jobs/${id}/spans/1e400`,
    `/api/jobs/${id}/spans?q=%00`,
    `/api/jobs/${id}/outline`,
  ];
  const wrong: string[] = [];
  for (const url of urls) {
    const res = await request.get(url);
    const text = await res.text();
    let error = "";
    try {
      error = String((JSON.parse(text) as { error?: unknown }).error ?? "");
    } catch {
      // not JSON: the check below reports the answer as it is
    }
    if (res.status() < 400 || res.status() >= 500 || !error.trim()) wrong.push(`${url} → ${res.status()} ${text.slice(0, 200)}`);
  }
  expect(wrong, "each answer is a 4xx with an error").toEqual([]);
});
