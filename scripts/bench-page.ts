// Benchmark of the run page (`npm run bench:page`): a 10,000-span run with ~40 MB of payloads and a 100,000-span run,
// each opened in Chromium in the viewer and in a static page of the original style, side by side; prints both and the ratios.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, get } from "node:http";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type Browser } from "@playwright/test";
import { resolveDatabase } from "@/lib/db/database-url";
import { applyMigrations } from "@/lib/db/schema-engine";
import { db, disconnectDb } from "@/lib/db/client";
import { saveImportedRun } from "@/lib/db/save-run";
import { prng } from "@/lib/demo/trajectory-builder";
import type { ImportedRun, Span } from "@/lib/trajectory/span";
import { formatBytes } from "@/lib/format";

const ROOT = path.resolve(import.meta.dirname, "..");
const APP_PORT = Number(process.env.BENCH_PORT ?? 3130);
const STATIC_PORT = APP_PORT + 1;
/** A step that takes longer than this is reported as "> N s" instead of holding the bench up. */
const STEP_TIMEOUT = 60_000;
const WORDS = "struct inode file page folio ext4 iomap dio write read lock unlock mutex spin rcu buffer block offset len pos err ret flags map blk size count kiocb iter sb sbi journal handle extent bio".split(" ");

/** Code-like lines from a fixed pool: compresses about as well as real source does. */
function textMaker(seed: number) {
  const rnd = prng(seed);
  const word = () => WORDS[Math.floor(rnd() * WORDS.length)]!;
  const pool = Array.from({ length: 6000 }, () => {
    const n = 2 + Math.floor(rnd() * 6);
    return "\t".repeat(1 + Math.floor(rnd() * 3)) + Array.from({ length: n }, word).join(rnd() < 0.5 ? "_" : " ") + (rnd() < 0.6 ? ";" : " {");
  });
  return (bytes: number) => {
    const out: string[] = [];
    for (let size = 0; size < bytes; ) {
      const line = pool[Math.floor(rnd() * pool.length)]!;
      out.push(line);
      size += line.length + 1;
    }
    return out.join("\n");
  };
}

/** flow › read-patch-diff, then agents looping llm › tool calls, as a patch-triage run does at scale. */
function makeRun(spanCount: number, toolBytes: number, seed: number): ImportedRun {
  const text = textMaker(seed);
  const t0 = Date.UTC(2026, 5, 29, 12, 0, 0);
  const spans: Span[] = [];
  const at = (ms: number) => new Date(t0 + ms).toISOString();
  let clock = 0;
  const add = (s: Omit<Span, "Seq" | "Started">, ms: number): Span => {
    const span = { Seq: spans.length, Started: at(clock), Finished: at(clock + ms), ...s } as Span;
    spans.push(span);
    clock += ms;
    return span;
  };
  const flow = add({ Nesting: 0, Type: "flow", Name: "patch-triage", Args: { KernelSrc: "/src/linux", TargetArch: "amd64" } }, 0);
  add({ Nesting: 1, Type: "action", Name: "read-patch-diff", Results: { PatchDiff: `commit ${"ab".repeat(20)}\n\ndiff --git a/fs/ext4/file.c b/fs/ext4/file.c\n--- a/fs/ext4/file.c\n+++ b/fs/ext4/file.c\n@@ -1,3 +1,3 @@\n-${text(200)}\n+${text(200)}\n` } }, 500);
  let agentNo = 0;
  while (spans.length < spanCount) {
    const agent = add({ Nesting: 1, Type: "agent", Name: `evaluator-${agentNo % 4}`, Model: "best-expensive", Instruction: text(600), Prompt: text(400) }, 0);
    const agentStart = clock;
    for (let step = 0; step < 48 && spans.length < spanCount - 1; step++) {
      add({ Nesting: 2, Type: "llm", Name: agent.Name, Model: "gemini-3.1-pro-preview", Thoughts: text(Math.min(400, toolBytes / 4)), InputTokens: 5000 + step * 300, OutputTokens: 40, OutputThoughtsTokens: 300 }, 3000);
      add({ Nesting: 2, Type: "tool", Name: step % 3 ? "read-file" : "grepper", Args: { File: `fs/ext4/f${step}.c` }, Results: { Contents: text(toolBytes) }, ...(step % 17 === 5 ? { Error: "no matches" } : {}) }, 200);
    }
    agent.Finished = at(clock);
    agent.Started = at(agentStart);
    agentNo++;
  }
  flow.Finished = at(clock);
  flow.Results = { WorthFuzzing: true, NeedsKMSAN: false, FocusSymbols: ["ext4_dio_write_checks"], EnableConfigs: ["EXT4_FS"], Reasoning: "bench" };
  return { job: { Workflow: "patch-triage", Description: `bench ${spanCount} spans` }, spans: spans.slice(0, spanCount), source: "trajectory-file", minutePrecision: false };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The original page's style: one table, every span a row, every payload inlined in a collapsed <details>. */
function originalPage(run: ImportedRun): string {
  const rows = run.spans.map((s) => {
    const fields = (["Model", "Error", "Args", "Results", "Instruction", "Prompt", "Reply", "Thoughts"] as const)
      .filter((f) => s[f] !== undefined)
      .map((f) => `${f}:\n${esc(typeof s[f] === "string" ? (s[f] as string) : JSON.stringify(s[f], null, 2))}`)
      .join("\n\n");
    const dur = s.Finished ? `${Math.round((Date.parse(s.Finished) - Date.parse(s.Started)) / 60000)}m` : "";
    return `<tr id="span-${s.Seq}"><td>${s.Seq}/${s.Nesting}</td><td>${s.Started.slice(0, 16)}</td><td>${s.Type}</td><td style="padding-left:${s.Nesting * 16}px"><details><summary>${esc(s.Name)} ${dur}</summary><pre>${fields}</pre></details></td></tr>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>AI Trajectory</title></head><body><h1>AI Trajectory</h1><button onclick="document.querySelectorAll('details').forEach(d=>d.open=!d.open)">Expand/Collapse All</button><table><tr><th>Seq</th><th>Timestamp</th><th>Type</th><th>Name</th></tr>${rows.join("\n")}</table></body></html>`;
}

interface Figures {
  /** null when the page did not finish loading and its bytes could not be counted apart */
  bytes: number | null;
  usableMs: number;
  /** until the whole outline is drawn (the viewer first shows the head the server rendered) */
  wholeMs: number;
  expandMs: number;
  jumpMs: number;
}

async function timed<T>(step: () => Promise<T>): Promise<number> {
  const t = Date.now();
  try {
    await step();
    return Date.now() - t;
  } catch {
    return Infinity;
  }
}

async function measure(browser: Browser, url: string, viewer: boolean, lastSeq: number): Promise<Figures> {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  if (process.env.BENCH_DETAIL) {
    await ctx.addInitScript(() => {
      const w = window as unknown as { __longTasks: PerformanceEntry[] };
      w.__longTasks = [];
      new PerformanceObserver((l) => w.__longTasks.push(...l.getEntries())).observe({ type: "longtask", buffered: true });
    });
  }
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send("Network.enable");
  // Bytes as they arrive (a page still loading counts what it has received so far), or a response's total when larger.
  const received = new Map<string, number>();
  cdp.on("Network.dataReceived", (e) => received.set(e.requestId, (received.get(e.requestId) ?? 0) + e.encodedDataLength));
  cdp.on("Network.loadingFinished", (e) => received.set(e.requestId, Math.max(received.get(e.requestId) ?? 0, e.encodedDataLength)));
  const bytesNow = () => [...received.values()].reduce((a, b) => a + b, 0);
  const first = page.locator(viewer ? '[data-span-row="0"]' : "#span-0 summary");
  // usable = the whole tree is there (every span reachable) and its first row answers a click. The viewer has
  // the whole tree once the outline is drawn; a static page once its document is parsed (it paints rows earlier,
  // but a reader cannot reach, search or expand the rest until then).
  const start = Date.now();
  const usableMs = await timed(async () => {
    await page.goto(url, { waitUntil: viewer ? "commit" : "domcontentloaded", timeout: STEP_TIMEOUT });
    await first.click({ timeout: STEP_TIMEOUT });
    if (viewer) await page.locator('[data-span-row="0"][aria-selected="true"]').waitFor({ timeout: STEP_TIMEOUT });
  });
  let wholeMs = usableMs;
  // A viewer without a head (data-outline) draws the whole outline at once: whole tree = usable tree.
  if (viewer && usableMs !== Infinity && (await page.locator("[data-outline]").count()) > 0) {
    wholeMs = await page
      .locator('[data-testid="trajectory"][data-outline="whole"]')
      .waitFor({ timeout: STEP_TIMEOUT })
      .then(() => Date.now() - start, () => Infinity);
  }
  // BENCH_DETAIL=1: where the viewer's time went (navigation and resource timings, ms from navigation start).
  if (viewer && process.env.BENCH_DETAIL) {
    const detail = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const res = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
      const outline = res.find((r) => r.name.includes("/outline"));
      const scripts = res.filter((r) => r.initiatorType === "script" || r.name.endsWith(".js"));
      const longTasks = ((window as unknown as { __longTasks?: PerformanceEntry[] }).__longTasks ?? []).map((t) => `${Math.round(t.startTime)}+${Math.round(t.duration)}`);
      return {
                // (no helper functions here: the bench's transpiler would name them with a helper the page does not have)
        htmlFirstByte: Math.round(nav.responseStart), htmlEnd: Math.round(nav.responseEnd), domInteractive: Math.round(nav.domInteractive), dcl: Math.round(nav.domContentLoadedEventEnd),
        scriptsEnd: Math.round(Math.max(0, ...scripts.map((r) => r.responseEnd))), scriptBytes: scripts.reduce((n, r) => n + r.decodedBodySize, 0),
        outlineStart: Math.round(outline?.startTime ?? -1), outlineFirstByte: Math.round(outline?.responseStart ?? -1), outlineEnd: Math.round(outline?.responseEnd ?? -1), outlineBytes: outline?.decodedBodySize,
        longTasks,
      };
    });
    console.log(`  viewer ${lastSeq + 1} spans: ${JSON.stringify(detail)}`);
  }
  // BENCH_SCREENSHOT=<folder>: how the viewer looks once usable and once whole, to look at (not measured).
  if (viewer && process.env.BENCH_SCREENSHOT) await page.screenshot({ path: path.join(process.env.BENCH_SCREENSHOT, `viewer-${lastSeq + 1}.png`) });
  const loaded = await page.waitForLoadState(viewer ? "networkidle" : "load", { timeout: STEP_TIMEOUT }).then(() => true, () => false);
  // A page still loading when its step timed out has reported few or none of its bytes (Chromium gives a response's
  // encoded length when it finishes): count the static page's bytes apart, over plain HTTP, instead.
  const transferred = loaded || viewer ? bytesNow() : await wireBytes(url).catch(() => null);
  const expandMs = await Promise.race([
    page.evaluate(async (isViewer) => {
      const t = performance.now();
      if (isViewer) [...document.querySelectorAll("button")].find((b) => b.textContent === "Expand all")!.click();
      else document.querySelectorAll("details").forEach((d) => (d.open = true));
      await Promise.resolve();
      void document.body.scrollHeight; // layout now, so its cost is counted
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t;
    }, viewer),
    new Promise<number>((r) => setTimeout(() => r(Infinity), STEP_TIMEOUT)),
  ]);
  await ctx.close();

  const ctx2 = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page2 = await ctx2.newPage();
  const jumpMs = await timed(async () => {
    await page2.goto(`${url}#span-${lastSeq}`, { waitUntil: "commit", timeout: STEP_TIMEOUT });
    await page2.waitForFunction(
      ([seq, isViewer]) => {
        const el = document.querySelector(isViewer ? `[data-span-row="${seq}"][aria-selected="true"]` : `#span-${seq}`);
        const r = el?.getBoundingClientRect();
        return !!r && r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
      },
      [lastSeq, viewer] as const,
      { polling: "raf", timeout: STEP_TIMEOUT },
    );
  });
  await ctx2.close();
  return { bytes: transferred, usableMs, wholeMs, expandMs, jumpMs };
}

/** Bytes of one response as sent (compressed, not decoded). */
function wireBytes(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { "Accept-Encoding": "gzip" } }, (res) => {
      let n = 0;
      res.on("data", (chunk: Buffer) => (n += chunk.length));
      res.on("end", () => resolve(n));
      res.on("error", reject);
    }).on("error", reject);
  });
}

const secs = (ms: number) => (ms === Infinity ? `> ${STEP_TIMEOUT / 1000} s` : `${(ms / 1000).toFixed(2)} s`);
const ratio = (a: number, b: number) => (b === Infinity ? `> ${(STEP_TIMEOUT / a).toFixed(0)}x` : `${(b / a).toFixed(1)}x`);

async function waitForApp(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error("the app exited before it was ready");
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the app did not start in 5 minutes");
}

const database = await resolveDatabase({ throwaway: true, ignoreDatabaseUrl: true });
let app: ChildProcess | null = null;
const staticPages = new Map<string, Buffer>();
const server = createServer((req, res) => {
  const body = staticPages.get((req.url ?? "").split("#")[0]!);
  if (!body) return void res.writeHead(404).end();
  // gzip, as any server of the original page would send it: the comparison is of bytes on the wire.
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip" }).end(body);
});
try {
  await applyMigrations(database.url);
  process.env.DATABASE_URL = database.url;
  const runs = [
    { label: "10,000 spans", run: makeRun(10_000, 8_000, 1) },
    { label: "100,000 spans", run: makeRun(100_000, 600, 2) },
  ];
  const stored: { label: string; id: string; last: number; payloadBytes: number }[] = [];
  for (const { label, run } of runs) {
    const payloadBytes = run.spans.reduce((n, s) => n + JSON.stringify(s).length, 0);
    const t = Date.now();
    const saved = await saveImportedRun(db(), run);
    console.log(`stored ${label} (${formatBytes(payloadBytes)} of spans) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const html = originalPage(run);
    staticPages.set(`/${saved.id}.html`, gzipSync(html));
    console.log(`  original-style page: ${formatBytes(html.length)} (${formatBytes(staticPages.get(`/${saved.id}.html`)!.length)} gzipped)`);
    stored.push({ label, id: saved.id, last: run.spans.at(-1)!.Seq, payloadBytes });
  }
  await disconnectDb();
  await new Promise<void>((r) => server.listen(STATIC_PORT, "127.0.0.1", r));
  app = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/start.ts", "--no-demo"], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    // Readers come without signing in (a throwaway database): what is measured is the page, not the sign-in.
    env: { ...process.env, ANONYMOUS_READ: "on", DATABASE_URL: database.url, PORT: String(APP_PORT), HOST: "127.0.0.1", NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-run" },
  });
  const base = `http://127.0.0.1:${APP_PORT}`;
  await waitForApp(`${base}/`, app);
  const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"] });
  const table: string[] = [];
  const pad = (s: string, n: number) => s.padEnd(n);
  table.push("usable tree = the first row answers a real click (selected); whole tree = every span reachable (the viewer first shows the");
  table.push("first spans rendered with the page); times from navigation start, fresh browser context each. The outline of a finished");
  table.push("run is cached by the app: usable, whole and bytes are the first (cold) reader's; jump to last span is a second reader's.");
  table.push([pad("run", 15), pad("page", 16), pad("bytes", 11), pad("usable tree", 13), pad("whole tree", 12), pad("Expand all", 12), "jump to last span"].join(""));
  for (const s of stored) {
    // one warm-up visit: the server's first request loads modules, which no later reader pays for; the outline route
    // is warmed on a job that does not exist, so the measured reader finds no cached outline
    await fetch(`${base}/jobs/${s.id}`);
    await fetch(`${base}/api/jobs/00000000-0000-4000-8000-000000000000/outline`);
    // The machine is shared: wait (up to BENCH_MAX_WAIT s) for the 1-minute load to fall below BENCH_QUIET_LOAD.
    const quiet = Number(process.env.BENCH_QUIET_LOAD ?? Infinity);
    for (const until = Date.now() + Number(process.env.BENCH_MAX_WAIT ?? 900) * 1000; loadavg()[0]! >= quiet && Date.now() < until; ) {
      await new Promise((r) => setTimeout(r, 10_000));
    }
    const load = loadavg()[0]!.toFixed(1);
    console.log(`measuring ${s.label} (1-minute load ${load})…`);
    table.push(`${s.label}: measured at a 1-minute load average of ${load}`);
    const ours = await measure(browser, `${base}/jobs/${s.id}`, true, s.last);
    // BENCH_VIEWER_ONLY=1 skips the original-style page (minutes at 100,000 spans) when only the viewer's breakdown is wanted.
    if (process.env.BENCH_VIEWER_ONLY) {
      table.push([pad(s.label, 15), pad("viewer", 16), pad(ours.bytes == null ? "n/a" : formatBytes(ours.bytes), 11), pad(secs(ours.usableMs), 13), pad(secs(ours.wholeMs), 12), pad(secs(ours.expandMs), 12), secs(ours.jumpMs)].join(""));
      continue;
    }
    const orig = await measure(browser, `http://127.0.0.1:${STATIC_PORT}/${s.id}.html`, false, s.last);
    const bytes = (b: number | null) => (b == null ? "n/a (timed out)" : formatBytes(b));
    const row = (page: string, f: Figures) => [pad(s.label, 15), pad(page, 16), pad(bytes(f.bytes), 11), pad(secs(f.usableMs), 13), pad(secs(f.wholeMs), 12), pad(secs(f.expandMs), 12), secs(f.jumpMs)].join("");
    table.push(row("viewer", ours), row("original style", orig));
    const share = ours.bytes != null && orig.bytes ? ours.bytes / orig.bytes : null;
    table.push([pad("", 15), pad("ratio", 16), pad(share == null ? "n/a" : `${(share * 100).toFixed(1)}%`, 11), pad(ratio(ours.usableMs, orig.usableMs), 13), pad(ratio(ours.wholeMs, orig.wholeMs), 12), pad(ratio(ours.expandMs, orig.expandMs), 12), ratio(ours.jumpMs, orig.jumpMs)].join(""));
    const bytesTarget = share == null ? "n/a" : share < 0.05 ? "met" : "MISSED";
    table.push(`${pad("", 15)}targets: bytes < 5% ${bytesTarget}, usable ≥ 10x faster ${orig.usableMs / ours.usableMs >= 10 ? "met" : "MISSED"}${s.label.startsWith("100,000") ? `, usable < 3 s ${ours.usableMs < 3000 ? "met" : "MISSED"}` : ""}`);
  }
  await browser.close();
  console.log(`\n${table.join("\n")}\n`);
} finally {
  server.close();
  if (app && app.exitCode === null) {
    const exited = new Promise((r) => app!.once("exit", r));
    app.kill("SIGTERM");
    await exited;
  }
  await disconnectDb().catch(() => {});
  await database.stop();
}
