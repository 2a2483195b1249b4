// The checks of `npm run test:deploy` that go through nginx to the app instances: health, a session both instances
// honour, a large streamed import (read-your-writes), a live run's unbuffered event stream and the agent protocol,
// OTLP, the built-in agent finishing a rerun, and sign-in limits counting the client's address behind the proxy.
// Each check reports through check() and returns nothing to the next but what the shared `Run` records.
import { randomBytes } from "node:crypto";
import https from "node:https";
import pg from "pg";
import { encodeCall, postCall } from "@/lib/agents/client";
import { queueJobs } from "@/lib/load/queue";
import { makeTrajectory } from "@/lib/load/trajectory";
import { assert, check, sleep } from "./check";
import { call, cookiesOf } from "./http";
import { sql } from "./postgres";
import type { Topology } from "./topology";

/** What the checks share: the topology, the operator's session cookies, the run the large import stored. */
export interface Run {
  topo: Topology;
  session: string[];
  importedId: string;
}

/** Headers of a request made by the signed-in operator from the proxy's own origin (CSRF). */
export const asOperator = (run: Run) => ({ cookie: run.session.join("; "), origin: run.topo.proxy });

/** The agent credentials the checks use (client "deploy-check"). */
export const checkCreds = (topo: Topology) => ({ client: "deploy-check", key: topo.checkKey });

const signIn = (topo: Topology, email: string, password: string, from?: string) =>
  call(`${topo.proxy}/api/auth/sign-in/email`, {
    method: "POST",
    from,
    headers: { "content-type": "application/json", origin: topo.proxy },
    body: JSON.stringify({ email, password }),
  });

/** /api/health answers live and ready through nginx, without details. */
export const checkHealth = ({ topo }: Run) =>
  check("health: live and ready through nginx, no details", async () => {
    const live = await call(`${topo.proxy}/api/health`);
    const ready = await call(`${topo.proxy}/api/health?ready=1`);
    assert(live.status === 200 && JSON.parse(live.body).status === "live", `live: ${live.status} ${live.body}`);
    assert(ready.status === 200 && JSON.parse(ready.body).status === "ready", `ready: ${ready.status} ${ready.body}`);
    return `${live.body} ${ready.body}`;
  });

/** The operator signs in through nginx (run.session is set) and both instances honour the session. */
export const checkSession = (run: Run) =>
  check("sign-in through nginx; the session is honoured by both instances", async () => {
    const { topo } = run;
    const r = await signIn(topo, "ops@deploy.test", topo.password);
    assert(r.status === 200, `sign-in: ${r.status} ${r.body.slice(0, 200)}`);
    run.session = cookiesOf(r);
    assert(run.session.length > 0, "no session cookie");
    const served = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const a = await call(`${topo.proxy}/api/auth/get-session`, { headers: { cookie: run.session.join("; ") } });
      assert(a.status === 200 && a.body.includes("ops@deploy.test"), `get-session: ${a.status} ${a.body.slice(0, 100)}`);
      served.add(String(a.headers["x-upstream"]));
    }
    assert(served.size === 2, `served by ${[...served].join(", ")} only`);
    return `8 reads, served by ${[...served].join(" and ")}`;
  });

/** A 30,000-span import streamed through nginx (run.importedId is set), readable at once by the importer. */
export const checkLargeImport = (run: Run) =>
  check("a large import through nginx (multipart, streamed to the app)", async () => {
    const { topo } = run;
    const spans = makeTrajectory(30_000, 7);
    const file = Buffer.from(JSON.stringify(spans));
    const boundary = `----deploy${randomBytes(8).toString("hex")}`;
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.json"\r\ncontent-type: application/json\r\n\r\n`,
      ),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const r = await call(`${topo.proxy}/api/import`, {
      method: "POST",
      headers: { ...asOperator(run), "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    assert(r.status === 200, `import: ${r.status} ${r.body.slice(0, 300)}`);
    const job = (JSON.parse(r.body) as { jobs: { id: string; spans: number }[] }).jobs[0]!;
    assert(job.spans === spans.length, `${job.spans} spans stored of ${spans.length}`);
    run.importedId = job.id;
    // Read-your-writes: the import's answer pins this browser's reads to the primary for a while.
    const pinned = cookiesOf(r).find((c) => c.startsWith("tv-read-primary="));
    assert(pinned, "no read-your-writes cookie on the import's answer");
    const read = await call(`${topo.proxy}/api/jobs/${job.id}`, { headers: { cookie: [...run.session, pinned].join("; ") } });
    assert(read.status === 200, `reading the new run at once: ${read.status}`);
    return `${(body.length / 2 ** 20).toFixed(1)} MB, ${job.spans} spans, readable at once by the importer (tv-read-primary)`;
  });

/** A live run's event stream arrives through nginx unbuffered; poll, log and done in the Go client's bytes answer 200. */
export const checkLiveStream = ({ topo }: Run) =>
  check("a live run's event stream through nginx arrives unbuffered; the agent protocol (Go client's bytes) through nginx", async () => {
    const protocol = (method: string, payload: unknown) => postCall(topo.proxy, encodeCall({ ...checkCreds(topo), method, payload }));
    const db = new pg.Pool({ connectionString: topo.primary, max: 2 });
    try {
      await queueJobs(db, "deploy-live", 1);
    } finally {
      await db.end();
    }
    const polled = await protocol("ai_job_poll", {
      AgentName: "deploy-check",
      CodeRevision: "t",
      Workflows: [{ Type: "deploy-live", Name: "deploy-live" }],
    });
    assert(polled.outcome === 200, `poll: ${polled.outcome} ${polled.text}`);
    const jobId = (JSON.parse(polled.text) as { ID: string }).ID;
    assert(jobId, "no job polled");
    const now = () => new Date().toISOString();
    const log = (span: object) => protocol("ai_trajectory_log", { AgentName: "deploy-check", JobID: jobId, Span: span });
    assert((await log({ Seq: 0, Nesting: 0, Type: "flow", Name: "deploy-live", Started: now() })).outcome === 200, "log 0");
    // Watch the run through nginx, then log a span: its event must arrive while the stream stays open.
    const events: { at: number; text: string }[] = [];
    const watching = https.get(`${topo.proxy}/api/jobs/${jobId}/events?after=0`, {
      agent: false,
      headers: { accept: "text/event-stream" },
    });
    await new Promise<void>((resolve, reject) => {
      watching.on("response", (res) => {
        if (res.statusCode !== 200) reject(new Error(`events: ${res.statusCode}`));
        res.on("data", (c: Buffer) => events.push({ at: Date.now(), text: c.toString() }));
        resolve();
      });
      watching.on("error", reject);
    });
    await sleep(500);
    const sent = Date.now();
    assert((await log({ Seq: 1, Nesting: 1, Type: "action", Name: "step-through-nginx", Started: now() })).outcome === 200, "log 1");
    let got: { at: number } | undefined;
    for (let i = 0; i < 100 && !got; i++) {
      got = events.find((e) => e.at >= sent && e.text.includes("step-through-nginx"));
      if (!got) await sleep(100);
    }
    const done = await protocol("ai_job_done", { ID: jobId, Error: "", Results: { ok: true } });
    watching.destroy();
    assert(got, `no event for the logged span within 10 s (received: ${events.map((e) => e.text.slice(0, 60)).join(" | ")})`);
    assert(done.outcome === 200, `done: ${done.outcome} ${done.text}`);
    return `event ${got.at - sent} ms after the span was logged; poll, log, done answered 200`;
  });

/** POST /v1/traces reaches the app through nginx. */
export const checkOtlp = ({ topo }: Run) =>
  check("OTLP through nginx", async () => {
    const r = await call(`${topo.proxy}/v1/traces`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer deploy-check:${topo.checkKey}` },
      body: '{"resourceSpans":[]}',
    });
    if (r.status === 404) return "SKIPPED: /v1/traces answers 404 on this build (no OTLP receiver yet)";
    assert(r.status < 500, `POST /v1/traces: ${r.status} ${r.body.slice(0, 200)}`);
    return `POST /v1/traces reached the app: ${r.status}`;
  });

/** A rerun of the imported run is taken and finished (within 60 s) by the built-in agent, which talks to nginx. */
export const checkBuiltinAgent = (run: Run) =>
  check("the built-in agent (pointed at nginx) takes a rerun and finishes it", async () => {
    const { topo } = run;
    const r = await call(`${topo.proxy}/api/jobs/${run.importedId}/rerun`, { method: "POST", headers: asOperator(run) });
    assert(r.status === 201, `rerun: ${r.status} ${r.body}`);
    const rerunId = (JSON.parse(r.body) as { id: string }).id;
    for (let i = 0; i < 120; i++) {
      const [row] = await sql<{ status: string; agent_name: string | null }>(
        topo.primary,
        "SELECT status, agent_name FROM jobs WHERE id = $1",
        [rerunId],
      );
      if (row && !["pending", "running"].includes(row.status)) return `rerun ${row.status} by ${row.agent_name}`;
      await sleep(500);
    }
    throw new Error(`the rerun was not finished in 60 s:\n${topo.tail("agent")}`);
  });

/** Ten wrong passwords from 127.0.0.7 lock that address out (also with a forged x-forwarded-for); 127.0.0.8 still signs in. */
export const checkSignInLimits = ({ topo }: Run) =>
  check("sign-in limits count the client's address behind nginx (TRUSTED_PROXIES)", async () => {
    for (let i = 0; i < 10; i++) {
      const r = await signIn(topo, "guarded@deploy.test", `wrong ${i}`, "127.0.0.7");
      assert(r.status === 401, `guess ${i}: ${r.status}`);
    }
    // A forged x-forwarded-for from the refused client changes nothing: nginx appends the real address.
    const locked = await call(`${topo.proxy}/api/auth/sign-in/email`, {
      method: "POST",
      from: "127.0.0.7",
      headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.9", origin: topo.proxy },
      body: JSON.stringify({ email: "guarded@deploy.test", password: topo.password }),
    });
    assert(locked.status === 429, `after 10 guesses from 127.0.0.7: ${locked.status}`);
    const other = await signIn(topo, "guarded@deploy.test", topo.password, "127.0.0.8");
    assert(other.status === 200, `from 127.0.0.8: ${other.status} ${other.body.slice(0, 100)}`);
    return "127.0.0.7 refused after 10 guesses (429, also with a forged x-forwarded-for); 127.0.0.8 signs in";
  });
