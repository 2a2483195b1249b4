// The checks of `npm run test:deploy` about several instances and the database behind them: an instance killed under
// load loses nothing acknowledged, readers use the replica and fall back to the primary when it lags or stops, the
// primary's CPU with and without the replica, a hostile in-run search bounded by the expensive queries' time limit
// without holding the history's readers, and a pg_dump that restores the same runs. Figures go to `figures`.
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { queueJobs } from "@/lib/load/queue";
import { assert, check, figures, sleep } from "./check";
import { asOperator, type Run } from "./checks-proxy";
import { call } from "./http";
import { load, READERS, type LoadResult } from "./load";
import { clusterCpu, pgUrl, sql } from "./postgres";

/** App instance 2 is killed 4 s into a 12 s load: no read fails (nginx retries), no acknowledged span is lost or doubled. Then it is started again. */
export const checkInstanceKilled = async ({ topo }: Run) => {
  await check("one app instance killed mid-run: readers and agents go on through nginx, nothing acknowledged is lost", async () => {
    const { verdict, agentStats, readStats } = await load(topo, 12, async () => {
      await sleep(4000);
      process.kill(-topo.apps[1]!.pid!, "SIGKILL");
    });
    figures.push(
      `instance killed: ${readStats.count()} reads, ${readStats.errorSummary()} failed; ${agentStats.count()} agent calls, failed before retry: ${agentStats.errorSummary()}; ${verdict.acknowledged} spans acknowledged, ${verdict.lost} lost, ${verdict.duplicates} duplicated`,
    );
    // A request nginx had not begun answering is sent to the other instance (proxy_next_upstream): none may fail. An
    // answer the killed instance was sending when it died is cut ("… mid-response"): nginx cannot send it again, and
    // at most one a reader can be in flight at that instant.
    const cut = [...readStats.errors].filter(([k]) => String(k).endsWith("mid-response")).reduce((n, [, c]) => n + c, 0);
    const failed = [...readStats.errors].filter(([k]) => !String(k).endsWith("mid-response"));
    assert(failed.length === 0, `reads failed: ${readStats.errorSummary()} (of ${readStats.count()})`);
    assert(cut <= READERS, `${cut} answers cut mid-response, more than the ${READERS} readers could have had in flight at the kill`);
    assert(verdict.lost === 0 && verdict.duplicates === 0 && verdict.wrongFields === 0, `ledger: ${JSON.stringify(verdict)}`);
    assert(verdict.acknowledged > 0, "no span acknowledged");
    return `${readStats.count()} reads, 0 failed, ${cut} cut mid-response by the kill; ${verdict.acknowledged} spans acknowledged, all stored once; agent calls retried: ${agentStats.errorSummary()}`;
  });
  // Instance 2 comes back for the rest.
  topo.restartApp(2);
};

/** Reads reach the replica; a run written while replay is paused becomes readable; with the replica stopped every read still answers. Leaves the replica stopped. */
export const checkReplica = ({ topo, importedId }: Run) =>
  check(
    "readers use the replica; a lagging replica is skipped (replay paused), then readers fall back to the primary when it stops",
    async () => {
      const { proxy, replica } = topo;
      // Reads reach the replica: its connections carry the reader pool's application_name.
      for (let i = 0; i < 6; i++) await call(`${proxy}/api/jobs`);
      const onReplica = await sql<{ n: number }>(
        replica,
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE 'trajectory-viewer read%'",
      );
      assert(onReplica[0]!.n > 0, "no reader connection on the replica");
      // Lag: replay paused, a new run on the primary; an anonymous reader (no read-your-writes cookie) sees it once the
      // apps notice the replica is more than DB_REPLICA_MAX_LAG_SECONDS behind and read the primary instead.
      await sql(replica, "SELECT pg_wal_replay_pause()");
      const db = new pg.Pool({ connectionString: topo.primary, max: 1 });
      const [fresh] = await queueJobs(db, "deploy-lag", 1);
      await db.end();
      const t = Date.now();
      let seen = 0;
      for (let i = 0; i < 100 && !seen; i++) {
        const r = await call(`${proxy}/api/jobs/${fresh}`);
        if (r.status === 200) seen = Date.now() - t;
        else await sleep(200);
      }
      await sql(replica, "SELECT pg_wal_replay_resume()");
      assert(seen, "a run written while the replica lagged never became readable");
      // Stopped replica: every read still answers, from the primary.
      topo.pg.cmd("pg_ctl", ["-D", topo.replicaData, "-m", "fast", "-w", "stop"]);
      const failed: string[] = [];
      for (let i = 0; i < 20; i++) {
        const r = await call(i % 2 ? `${proxy}/api/jobs` : `${proxy}/api/jobs/${importedId}/outline`);
        if (r.status !== 200) failed.push(`${r.status} ${r.body.slice(0, 120)}`);
      }
      assert(failed.length === 0, `${failed.length} of 20 reads failed after the replica stopped: ${failed.slice(0, 3).join(" | ")}`);
      return `reader connections on the replica: ${onReplica[0]!.n}; a run written during lag readable after ${seen} ms; 20 reads after the replica stopped, 0 failed`;
    },
  );

/** The primary's CPU (%) over 15 s of load alone, then with the replica started again and taking the reads. */
export const checkPrimaryCpu = ({ topo }: Run) =>
  check("primary CPU while readers and agents run: with the replica, and with the primary alone", async () => {
    // The replica is stopped now: the "primary alone" phase first, then the replica comes back and catches up.
    const cpu0 = clusterCpu(topo.primaryData);
    const alone = await load(topo, 15);
    const cpuAlone = clusterCpu(topo.primaryData) - cpu0;
    topo.pg.start(topo.replicaData, topo.replicaPort);
    await sleep(3000);
    const cpu1 = clusterCpu(topo.primaryData);
    const rcpu1 = clusterCpu(topo.replicaData);
    const withReplica = await load(topo, 15);
    const cpuWith = clusterCpu(topo.primaryData) - cpu1;
    const cpuReplica = clusterCpu(topo.replicaData) - rcpu1;
    const line = (label: string, cpu: number, r: LoadResult) =>
      `${label}: primary ${((cpu / 15) * 100).toFixed(0)} % CPU, ${r.readStats.count()} reads, ${r.verdict.acknowledged} spans`;
    figures.push(
      line("primary alone", cpuAlone, alone),
      `${line("with replica", cpuWith, withReplica)}, replica ${((cpuReplica / 15) * 100).toFixed(0)} % CPU`,
    );
    assert(alone.verdict.lost === 0 && withReplica.verdict.lost === 0, "spans lost");
    return `${figures.at(-2)}; ${figures.at(-1)}`;
  });

/** Ten searches at once of a 4 MB run for a string that is not there: each stops at its budget or answers 503 with the reason; the history keeps answering. */
export const checkHostileSearch = (run: Run) =>
  check("a hostile in-run search is bounded and does not hold the history's readers", async () => {
    const { proxy } = run.topo;
    const spans = [
      { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: new Date().toISOString(), Finished: new Date().toISOString() },
      ...[1, 2, 3, 4].map((Seq) => ({
        Seq,
        Nesting: 1,
        Type: "action",
        Name: "read-file",
        Started: new Date().toISOString(),
        Results: { Output: "a".repeat(1_000_000) },
      })),
    ];
    const boundary = "----hostile";
    const body = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.json"\r\n\r\n${JSON.stringify(spans)}\r\n--${boundary}--\r\n`;
    const imp = await call(`${proxy}/api/import`, {
      method: "POST",
      headers: { ...asOperator(run), "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    assert(imp.status === 200, `import: ${imp.status} ${imp.body.slice(0, 200)}`);
    const id = (JSON.parse(imp.body) as { jobs: { id: string }[] }).jobs[0]!.id;
    const q = encodeURIComponent("a".repeat(499) + "b");
    const t = Date.now();
    const history: number[] = [];
    let stop = false;
    const historyFailed: string[] = [];
    const reader = (async () => {
      while (!stop) {
        const s = Date.now();
        const r = await call(`${proxy}/api/jobs`).catch((e: Error) => ({ status: 0, body: e.message }));
        if (r.status !== 200) historyFailed.push(`${r.status} ${r.body.slice(0, 100)}`);
        history.push(Date.now() - s);
      }
    })();
    const searches = await Promise.all(Array.from({ length: 10 }, () => call(`${proxy}/api/jobs/${id}/spans?q=${q}`)));
    const wall = Date.now() - t;
    stop = true;
    await reader;
    assert(historyFailed.length === 0, `history reads failed during the searches: ${historyFailed.slice(0, 3).join(" | ")}`);
    const statuses = searches.map((s) => s.status);
    assert(
      statuses.every((s) => s === 200 || s === 503),
      `search statuses ${statuses.join(",")}`,
    );
    const stopped = searches.filter((s) => s.status === 200 && JSON.parse(s.body).stopped).length;
    const reasons = searches.filter((s) => s.status === 503).map((s) => JSON.parse(s.body).error as string);
    assert(
      searches.every((s) => s.status === 503 || JSON.parse(s.body).stopped),
      "a search of a 4 MB run did not say where it stopped",
    );
    assert(
      reasons.some((r) => /time limit/.test(r)),
      `no search met the 0.5 s limit of expensive queries (answers: ${statuses.join(",")}); the 503 path was not exercised`,
    );
    assert(
      reasons.every((r) => /time limit|busy/.test(r)),
      `a 503 without its reason: ${reasons.join(" | ")}`,
    );
    history.sort((a, b) => a - b);
    const p50 = history[Math.floor(history.length / 2)] ?? 0;
    figures.push(`10 hostile searches at once: ${wall} ms wall; history p50 ${p50} ms, max ${history.at(-1)} ms meanwhile`);
    return `10 at once in ${wall} ms: ${stopped} stopped at their budget, ${reasons.length} refused (${[...new Set(reasons)].join("; ") || "—"}); history p50 ${p50} ms over ${history.length} reads meanwhile`;
  });

/** pg_dump -Fc of the primary restored into a new database holds as many runs and spans. */
export const checkBackup = ({ topo }: Run) =>
  check("pg_dump of the primary restores into a fresh database with the same runs and spans", async () => {
    const port = String(topo.primaryPort);
    const dump = path.join(topo.pg.run, "backup.dump");
    topo.pg.cmd("pg_dump", ["-h", "127.0.0.1", "-p", port, "-U", "postgres", "-Fc", "-f", dump, "trajectories"]);
    await sql(pgUrl(topo.primaryPort, "postgres"), "CREATE DATABASE restored");
    topo.pg.cmd("pg_restore", ["-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "restored", "--no-owner", dump]);
    const count = async (url: string) =>
      (
        await sql<{ j: string; s: string }>(url, "SELECT (SELECT count(*) FROM jobs)::text AS j, (SELECT count(*) FROM spans)::text AS s")
      )[0]!;
    const [a, b] = [await count(topo.primary), await count(pgUrl(topo.primaryPort, "restored"))];
    assert(a.j === b.j && a.s === b.s, `original ${JSON.stringify(a)}, restored ${JSON.stringify(b)}`);
    return `${a.j} runs, ${a.s} spans in both (${(readFileSync(dump).length / 2 ** 20).toFixed(1)} MB dump)`;
  });
