// `npm run bench:import`: time to import a 10,000-span trajectory file (parse, then store), on a throwaway PostgreSQL.
// `npm run bench:import -- --max`: the documented maximum import as a user meets it — four files of 500,000 span
// entries each, within the 50 MB file cap, in one multipart POST /api/import to the app started as `npm start` does
// (so a child process imports it, lib/import/offload.ts) — while readers GET /api/jobs and a run page every 100 ms;
// prints the time, the app's and the child's peak RSS, and the readers' latency beside a baseline without an import.
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import { withDatabase } from "@/lib/db/with-database";
import { db, disconnectDb } from "@/lib/db/client";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { parseRunFile } from "@/lib/import/detect";
import { IMPORT_WORKER_SCRIPT } from "@/lib/import/offload";
import { patchTriageRun } from "@/lib/demo/patch-triage";
import { addUser } from "@/lib/auth/users";
import { COMMAND_LINE } from "@/lib/audit/log";
import { startApp, type AppProcess } from "@/lib/load/app";
import { LoadStats, type RequestKind } from "@/lib/load/stats";
import { IMPORT_MAX_FILE_BYTES, IMPORT_MAX_SPAN_ENTRIES } from "@/lib/limits";

const { values: flags, positionals } = parseArgs({ options: { max: { type: "boolean", default: false } }, allowPositionals: true });
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
/** How long the readers run without an import, for the baseline. */
const BASELINE_MS = 20_000;

/** One file of IMPORT_MAX_SPAN_ENTRIES small span entries (every 4th a finish copy of the one before), under the file cap. */
function maxFile(n: number): Buffer {
  const parts: string[] = [];
  let seq = 0;
  for (let i = 0; parts.length < IMPORT_MAX_SPAN_ENTRIES; i++) {
    const started = `2026-11-0${1 + n}T00:00:${String(i % 60).padStart(2, "0")}Z`;
    const s = `{"Seq":${seq},"Nesting":${seq === 0 ? 0 : 1},"Type":"${seq === 0 ? "flow" : "tool"}","Name":"f${n}","Started":"${started}"`;
    parts.push(`${s}}`);
    if (i % 3 === 0 && parts.length < IMPORT_MAX_SPAN_ENTRIES) parts.push(`${s},"Finished":"${started}"}`);
    seq++;
  }
  const file = Buffer.from(`[${parts.join(",")}]`);
  if (file.length > IMPORT_MAX_FILE_BYTES) throw new Error(`bench file is ${mb(file.length)}, over the ${mb(IMPORT_MAX_FILE_BYTES)} cap`);
  return file;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A process's children, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) =>
      readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").split(" ").filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}
function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
  } catch {
    return [];
  }
}
/** Peak resident set size of a process so far (VmHWM), bytes; 0 once it is gone. */
function peakRss(pid: number): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return kb ? Number(kb[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** A POST with node:http: fetch would give up waiting for the answer after 300 s, and the import may take longer. */
function post(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { ...headers, "content-length": String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Readers as a user's browser would be: each GETs its URL, waits 100 ms, and again, until stopped. */
function startReaders(baseURL: string, cookie: string, urls: [RequestKind, string][]) {
  const stats = new LoadStats();
  let reading = true;
  const loops = urls.map(async ([kind, url]) => {
    while (reading) {
      const t = performance.now();
      const outcome = await fetch(baseURL + url, { headers: { cookie } }).then(
        async (r) => (await r.arrayBuffer(), r.status),
        // undici says only "fetch failed"; the cause (ECONNRESET, a timeout…) is what tells why.
        (e: Error) => `${e.message}${e.cause instanceof Error ? `: ${(e.cause as NodeJS.ErrnoException).code ?? e.cause.message}` : ""}`,
      );
      stats.record(kind, performance.now() - t, outcome);
      await sleep(100);
    }
  });
  return {
    stats,
    async stop() {
      reading = false;
      await Promise.all(loops);
      return stats;
    },
  };
}

async function benchMax(app: AppProcess, files: { name: string; content: Buffer }[], bytes: number): Promise<void> {
  // An operator, added as `npm run user:add` does, signed in over HTTP as a script would (README "Importing runs").
  process.env.DATABASE_URL = app.databaseUrl;
  const email = `bench-${randomUUID().slice(0, 8)}@bench.test`;
  const password = `pw-${randomUUID()}`;
  await addUser(db(), { email, role: "operator", password }, COMMAND_LINE);
  await disconnectDb();
  const signIn = await fetch(`${app.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url },
    body: JSON.stringify({ email, password }),
  });
  if (signIn.status !== 200) throw new Error(`sign-in answered ${signIn.status}: ${await signIn.text()}`);
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const history = (await (await fetch(`${app.url}/api/jobs`, { headers: { cookie } })).json()) as { jobs: { id: string }[] };
  const runId = history.jobs[0]?.id;
  if (!runId) throw new Error("no demo run to read");
  const urls: [RequestKind, string][] = [
    ["history", "/api/jobs"],
    ["page", `/jobs/${runId}`],
  ];
  // The Next server is start.ts's child; the import worker is the Next server's.
  const appPid = childrenOf(app.pid).find((p) => cmdline(p).some((a) => a.includes("next")));
  if (!appPid) throw new Error("the app's Next server process was not found");

  // Warm-up (each route's code loads on its first request), then the baseline: the same readers, no import.
  const warm = startReaders(app.url, cookie, urls);
  await sleep(2000);
  await warm.stop();
  const baseline = startReaders(app.url, cookie, urls);
  await sleep(BASELINE_MS);
  const base = await baseline.stop();
  const appRssBefore = peakRss(appPid);

  const form = new FormData();
  for (const f of files) form.append("file", new Blob([new Uint8Array(f.content)]), f.name);
  const encoded = new Response(form);
  const type = encoded.headers.get("content-type")!;
  const body = Buffer.from(await encoded.arrayBuffer());
  let childPid = 0;
  let childPeak = 0;
  let appPeakDuring = 0;
  let watching = true;
  const watch = (async () => {
    while (watching) {
      childPid ||= childrenOf(appPid).find((p) => cmdline(p).some((a) => a.endsWith(IMPORT_WORKER_SCRIPT))) ?? 0;
      if (childPid) childPeak = Math.max(childPeak, peakRss(childPid));
      appPeakDuring = Math.max(appPeakDuring, peakRss(appPid));
      await sleep(100);
    }
  })();
  const during = startReaders(app.url, cookie, urls);
  const t0 = performance.now();
  const res = await post(`${app.url}/api/import`, { cookie, origin: app.url, "content-type": type }, body);
  const answer = JSON.parse(res.text) as { jobs?: { spans: number }[]; error?: string };
  const took = performance.now() - t0;
  const load = await during.stop();
  watching = false;
  await watch;
  if (res.status !== 200 || !answer.jobs) throw new Error(`the import answered ${res.status}: ${answer.error}`);
  const spans = answer.jobs.reduce((a, j) => a + j.spans, 0);

  const ms = (v: number | undefined) => (v === undefined ? "-" : `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`);
  console.log(
    `files            4 × ${IMPORT_MAX_SPAN_ENTRIES.toLocaleString("en-US")} span entries, ${mb(bytes)} in one multipart request`,
  );
  console.log(`runs / spans     ${answer.jobs.length} / ${spans.toLocaleString("en-US")} stored in one transaction (by the child process)`);
  console.log(
    `total import     ${(took / 1000).toFixed(1)} s, request to answer (${Math.round(spans / (took / 1000)).toLocaleString("en-US")} spans/s)`,
  );
  console.log(`app peak RSS     ${mb(appPeakDuring)} (${mb(appRssBefore)} before the import; /proc VmHWM of the Next server)`);
  console.log(`child peak RSS   ${childPid ? mb(childPeak) : "no child process seen"} (VmHWM, sampled every 100 ms)`);
  console.log("");
  const col = (s: string) => s.padStart(14);
  console.log(`${"readers (GET every 100 ms)".padEnd(30)}${col("baseline")}${col("importing")}${col("ratio")}`);
  for (const [kind, url] of urls) {
    console.log(`${url.length > 28 ? `${url.slice(0, 27)}…` : url}  (${base.count(kind)} / ${load.count(kind)} requests)`);
    for (const [label, q] of [
      ["p50", 0.5],
      ["p99", 0.99],
      ["max", 1],
    ] as const) {
      const b = base.quantile(kind, q);
      const l = load.quantile(kind, q);
      console.log(`  ${label.padEnd(28)}${col(ms(b))}${col(ms(l))}${col(b && l ? `${(l / b).toFixed(1)}×` : "-")}`);
    }
  }
  const errors = [base.errorSummary(), load.errorSummary()];
  console.log(`reader errors    baseline ${errors[0]}, importing ${errors[1]}`);
}

if (flags.max) {
  const files = [0, 1, 2, 3].map((n) => ({ name: `max-${n}.json`, content: maxFile(n) }));
  const bytes = files.reduce((a, f) => a + f.content.length, 0);
  console.log("Starting the app on a throwaway PostgreSQL (builds first when stale)…");
  const app = await startApp();
  try {
    await benchMax(app, files, bytes);
  } finally {
    await app.stop();
  }
} else {
  const steps = Number(positionals[0] ?? 4998); // two spans a step plus the fixed ones: ~10,000 spans
  const run = patchTriageRun({
    seed: 42,
    start: new Date("2026-11-01T00:00:00Z"),
    description: "bench",
    subsystem: "ext4",
    files: ["fs/ext4/file.c"],
    symbols: ["ext4_dio_write_checks", "ext4_iomap_alloc"],
    configs: ["EXT4_FS"],
    worthFuzzing: true,
    needsKmsan: true,
    steps,
  });
  // A trajectory file holds both copies of each span, as the engine's local runner writes it.
  const copies = run.spans.flatMap((s) => {
    const start: Partial<typeof s> = { ...s };
    for (const k of ["Finished", "Results", "Error", "InputTokens", "OutputTokens", "OutputThoughtsTokens", "Reply"] as const)
      delete start[k];
    return [start, s];
  });
  const file = Buffer.from(JSON.stringify(copies));

  await withDatabase(
    async () => {
      const t0 = performance.now();
      const [parsed] = parseRunFile("bench.json", file);
      const t1 = performance.now();
      await saveImportedRun(parsed!);
      const t2 = performance.now();
      await saveImportedRun(parsed!); // a re-import finds the run and writes nothing
      const t3 = performance.now();
      console.log(`spans            ${parsed!.spans.length} (file holds ${copies.length} copies, ${mb(file.length)})`);
      console.log(`parse + merge    ${(t1 - t0).toFixed(0)} ms`);
      console.log(`store (1 tx)     ${(t2 - t1).toFixed(0)} ms`);
      console.log(`total import     ${(t2 - t0).toFixed(0)} ms`);
      console.log(`re-import (noop) ${(t3 - t2).toFixed(0)} ms`);
    },
    { throwaway: true, ignoreDatabaseUrl: true },
  );
}
