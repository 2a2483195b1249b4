// Benchmark of the run page (`npm run bench:page`): a 10,000-span run with ~40 MB of payloads and a 100,000-span run,
// each opened in Chromium in the viewer and in a static page of the original style, side by side; prints both and the ratios.
// Then the viewer's two ways of reading a run, the tree and the conversation, side by side (scripts/bench-page-views.ts).
import { CHROMIUM_ARGS, chromiumPath, toolConfig } from "@/lib/config";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, get } from "node:http";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium, type Browser, type Page } from "@playwright/test";
import { resolveDatabase } from "@/lib/db/database-url";
import { applyMigrations } from "@/lib/db/schema-engine";
import { disconnectDb } from "@/lib/db/client";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { makeRun, originalPage } from "./bench-page-data";
import { measureView, STEP_TIMEOUT, timed } from "./bench-page-views";
import { formatBytes } from "@/lib/format";

const ROOT = path.resolve(import.meta.dirname, "..");
const bench = toolConfig();
const APP_PORT = bench.BENCH_PORT;
const STATIC_PORT = APP_PORT + 1;
interface Figures {
  /** null when the page did not finish loading and its bytes could not be counted apart */
  bytes: number | null;
  usableMs: number;
  /** usable again on a second visit in the same browser: scripts and styles come from its caches */
  againMs: number;
  /** until the whole outline is drawn (the viewer first shows the head the server rendered) */
  wholeMs: number;
  expandMs: number;
  jumpMs: number;
}

/** Opens the page and clicks its first row: done once the row answers (the viewer marks it selected). */
async function openAndClick(page: Page, url: string, viewer: boolean): Promise<number> {
  return timed(async () => {
    await page.goto(url, { waitUntil: viewer ? "commit" : "domcontentloaded", timeout: STEP_TIMEOUT });
    await page.locator(viewer ? '[data-span-row="0"]' : "#span-0 summary").click({ timeout: STEP_TIMEOUT });
    if (viewer) await page.locator('[data-span-row="0"][aria-selected="true"]').waitFor({ timeout: STEP_TIMEOUT });
  });
}

/** `nextUrl` is another run of the same size, the one a reader opens next in the same browser. */
async function measure(browser: Browser, url: string, nextUrl: string, viewer: boolean, lastSeq: number): Promise<Figures> {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  if (bench.BENCH_DETAIL) {
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
  // usable = the whole tree is there (every span reachable) and its first row answers a click. The viewer has
  // the whole tree once the outline is drawn; a static page once its document is parsed (it paints rows earlier,
  // but a reader cannot reach, search or expand the rest until then).
  const start = Date.now();
  const usableMs = await openAndClick(page, url, viewer);
  let wholeMs = usableMs;
  // A viewer without a head (data-outline) draws the whole outline at once: whole tree = usable tree.
  if (viewer && usableMs !== Infinity && (await page.locator("[data-outline]").count()) > 0) {
    wholeMs = await page
      .locator('[data-testid="trajectory"][data-outline="whole"]')
      .waitFor({ timeout: STEP_TIMEOUT })
      .then(
        () => Date.now() - start,
        () => Infinity,
      );
  }
  // BENCH_DETAIL=1: where the viewer's time went (navigation and resource timings, ms from navigation start).
  if (viewer && bench.BENCH_DETAIL) {
    const detail = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      const res = performance.getEntriesByType("resource") as PerformanceResourceTiming[];
      const outline = res.find((r) => r.name.includes("/outline"));
      const scripts = res.filter((r) => r.initiatorType === "script" || r.name.endsWith(".js"));
      const longTasks = ((window as unknown as { __longTasks?: PerformanceEntry[] }).__longTasks ?? []).map(
        (t) => `${Math.round(t.startTime)}+${Math.round(t.duration)}`,
      );
      return {
        // (no helper functions here: the bench's transpiler would name them with a helper the page does not have)
        htmlFirstByte: Math.round(nav.responseStart),
        htmlEnd: Math.round(nav.responseEnd),
        domInteractive: Math.round(nav.domInteractive),
        dcl: Math.round(nav.domContentLoadedEventEnd),
        scriptsEnd: Math.round(Math.max(0, ...scripts.map((r) => r.responseEnd))),
        scriptBytes: scripts.reduce((n, r) => n + r.decodedBodySize, 0),
        outlineStart: Math.round(outline?.startTime ?? -1),
        outlineFirstByte: Math.round(outline?.responseStart ?? -1),
        outlineEnd: Math.round(outline?.responseEnd ?? -1),
        outlineBytes: outline?.decodedBodySize,
        longTasks,
      };
    });
    console.log(`  viewer ${lastSeq + 1} spans: ${JSON.stringify(detail)}`);
  }
  // BENCH_SCREENSHOT=<folder>: how the viewer looks once usable and once whole, to look at (not measured).
  if (viewer && bench.BENCH_SCREENSHOT) await page.screenshot({ path: path.join(bench.BENCH_SCREENSHOT, `viewer-${lastSeq + 1}.png`) });
  const loaded = await page.waitForLoadState(viewer ? "networkidle" : "load", { timeout: STEP_TIMEOUT }).then(
    () => true,
    () => false,
  );
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
  // A reader's next run: same browser (its caches warm), a new tab, a run the app has not outlined yet.
  const again = await ctx.newPage();
  const againMs = await openAndClick(again, nextUrl, viewer);
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
  return { bytes: transferred, usableMs, againMs, wholeMs, expandMs, jumpMs };
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
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the app did not start in 5 minutes");
}

/**
 * The least time any page of this app takes to answer: the sign-in page (a form, no data, the framework's scripts
 * and little else) until React has hydrated it, from navigation start; the median of five fresh browsers.
 */
async function frameworkFloor(browser: Browser, base: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    // React marks each element it has hydrated with a __reactFiber$… key: watch for it from the page's start.
    // (no named functions inside: the bench's transpiler would wrap them in a helper the page does not have)
    await ctx.addInitScript(() => {
      const w = window as unknown as { __hydratedAt?: number };
      const timer = setInterval(() => {
        const form = document.querySelector("form");
        if (!form || !Object.keys(form).some((k) => k.startsWith("__reactFiber"))) return;
        w.__hydratedAt = performance.now();
        clearInterval(timer);
      }, 5);
    });
    const page = await ctx.newPage();
    await page.goto(`${base}/sign-in`, { waitUntil: "commit", timeout: STEP_TIMEOUT });
    const ms = await page
      .waitForFunction(() => (window as unknown as { __hydratedAt?: number }).__hydratedAt, null, { timeout: STEP_TIMEOUT })
      .then((h) => h.jsonValue() as Promise<number>);
    times.push(ms);
    await ctx.close();
  }
  return times.sort((a, b) => a - b)[2]!;
}

/** Opens each stored run in the viewer and in the original-style page and prints the figures side by side. */
async function measureAll(base: string, stored: StoredRun[]): Promise<void> {
  const executablePath = chromiumPath(existsSync);
  const browser = await chromium.launch({
    executablePath,
    args: CHROMIUM_ARGS,
  });
  const table: string[] = [];
  const pad = (s: string, n: number) => s.padEnd(n);
  table.push("usable tree = the first row answers a real click (selected); whole tree = every span reachable (the viewer first shows the");
  table.push("first spans rendered with the page); times from navigation start, fresh browser context each. The outline of a finished");
  table.push("run is cached by the app: usable, whole and bytes are the first (cold) reader's; jump to last span is a second reader's;");
  table.push("2nd visit = usable on opening another run of the same size in a new tab of the same browser (its caches warm).");
  const floor = await frameworkFloor(browser, base);
  table.push(
    `framework floor: the sign-in page (a form, no data) is hydrated ${secs(floor)} after navigation (median of 5); no page of this app answers sooner`,
  );
  const row = (label: string, page: string, bytes: string, f: Record<"usableMs" | "againMs" | "wholeMs" | "expandMs" | "jumpMs", string>) =>
    [
      pad(label, 15),
      pad(page, 16),
      pad(bytes, 11),
      pad(f.usableMs, 13),
      pad(f.againMs, 11),
      pad(f.wholeMs, 12),
      pad(f.expandMs, 12),
      f.jumpMs,
    ].join("");
  const figures = (f: Figures) => ({
    usableMs: secs(f.usableMs),
    againMs: secs(f.againMs),
    wholeMs: secs(f.wholeMs),
    expandMs: secs(f.expandMs),
    jumpMs: secs(f.jumpMs),
  });
  table.push(
    row("run", "page", "bytes", {
      usableMs: "usable tree",
      againMs: "2nd visit",
      wholeMs: "whole tree",
      expandMs: "Expand all",
      jumpMs: "jump to last span",
    }),
  );
  for (const s of stored) {
    // one warm-up visit: the server's first request loads modules, which no later reader pays for; the outline route
    // is warmed on a job that does not exist, so the measured reader finds no cached outline
    await fetch(`${base}/jobs/${s.id}`);
    await fetch(`${base}/api/jobs/00000000-0000-4000-8000-000000000000/outline`);
    // The machine is shared: wait (up to BENCH_MAX_WAIT s) for the 1-minute load to fall below BENCH_QUIET_LOAD.
    const quiet = bench.BENCH_QUIET_LOAD ?? Infinity;
    for (const until = Date.now() + bench.BENCH_MAX_WAIT * 1000; loadavg()[0]! >= quiet && Date.now() < until;) {
      await new Promise((r) => setTimeout(r, 10_000));
    }
    const load = loadavg()[0]!.toFixed(1);
    console.log(`measuring ${s.label} (1-minute load ${load})…`);
    table.push(`${s.label}: measured at a 1-minute load average of ${load}`);
    const ours = await measure(browser, `${base}/jobs/${s.id}`, `${base}/jobs/${s.nextId}`, true, s.last);
    // BENCH_VIEWER_ONLY=1 skips the original-style page (minutes at 100,000 spans) when only the viewer's breakdown is wanted.
    const bytes = (b: number | null) => (b == null ? "n/a (timed out)" : formatBytes(b));
    table.push(row(s.label, "viewer", bytes(ours.bytes), figures(ours)));
    if (bench.BENCH_VIEWER_ONLY) continue;
    const orig = await measure(
      browser,
      `http://127.0.0.1:${STATIC_PORT}/${s.id}.html`,
      `http://127.0.0.1:${STATIC_PORT}/${s.nextId}.html`,
      false,
      s.last,
    );
    table.push(row(s.label, "original style", bytes(orig.bytes), figures(orig)));
    const share = ours.bytes != null && orig.bytes ? ours.bytes / orig.bytes : null;
    const ratios = {
      usableMs: ratio(ours.usableMs, orig.usableMs),
      againMs: ratio(ours.againMs, orig.againMs),
      wholeMs: ratio(ours.wholeMs, orig.wholeMs),
      expandMs: ratio(ours.expandMs, orig.expandMs),
      jumpMs: ratio(ours.jumpMs, orig.jumpMs),
    };
    table.push(row("", "ratio", share == null ? "n/a" : `${(share * 100).toFixed(1)}%`, ratios));
    const bytesTarget = share == null ? "n/a" : share < 0.05 ? "met" : "MISSED";
    const tenfold = orig.usableMs / 10;
    table.push(
      `${pad("", 15)}targets: bytes < 5% ${bytesTarget}, usable ≥ 10x faster ${ours.usableMs <= tenfold ? "met" : "MISSED"} (needs ≤ ${secs(tenfold)}; floor ${secs(floor)})${s.label.startsWith("100,000") ? `, usable < 3 s ${ours.usableMs < 3000 ? "met" : "MISSED"}` : ""}`,
    );
  }
  table.push("");
  table.push("the viewer's two views of the same run (fresh browser context each; times from navigation start):");
  table.push(
    [
      pad("run", 15),
      pad("view", 14),
      pad("first content", 15),
      pad("interactive", 13),
      pad("HTML", 11),
      pad("JS heap", 10),
      pad("elements", 10),
      "jump to last span",
    ].join(""),
  );
  for (const s of stored) {
    const load = loadavg()[0]!.toFixed(1);
    console.log(`measuring the tree and the conversation of ${s.label} (1-minute load ${load})…`);
    for (const view of ["tree", "conversation"] as const) {
      const f = await measureView(browser, `${base}/jobs/${s.id}`, view, s.last);
      table.push(
        [
          pad(s.label, 15),
          pad(view, 14),
          pad(secs(f.firstMs), 15),
          pad(secs(f.interactiveMs), 13),
          pad(formatBytes(f.htmlBytes), 11),
          pad(formatBytes(f.heapBytes), 10),
          pad(f.domNodes.toLocaleString("en-US"), 10),
          `${secs(f.jumpMs)}   (1-minute load ${load})`,
        ].join(""),
      );
    }
  }
  await browser.close();
  console.log(`\n${table.join("\n")}\n`);
}

interface StoredRun {
  label: string;
  id: string;
  /** a run of the same size, opened next */
  nextId: string;
  last: number;
}

/** Stores the run and serves its original-style page; returns the run's id. */
async function storeRun(label: string, run: ReturnType<typeof makeRun>): Promise<string> {
  const payloadBytes = run.spans.reduce((n, s) => n + JSON.stringify(s).length, 0);
  const t = Date.now();
  const saved = await saveImportedRun(run);
  console.log(`stored ${label} (${formatBytes(payloadBytes)} of spans) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  const html = gzipSync(originalPage(run));
  staticPages.set(`/${saved.id}.html`, html);
  console.log(`  original-style page: ${formatBytes(html.length)} gzipped`);
  return saved.id;
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
  // Each size twice (another seed): the second is the run a reader opens next, for "2nd visit".
  const sizes = [
    { label: "10,000 spans", spans: 10_000, toolBytes: 8_000, seed: 1 },
    { label: "100,000 spans", spans: 100_000, toolBytes: 600, seed: 2 },
  ];
  const stored: StoredRun[] = [];
  for (const { label, spans, toolBytes, seed } of sizes) {
    const [id, nextId] = [
      await storeRun(label, makeRun(spans, toolBytes, seed)),
      await storeRun(`${label} (next run)`, makeRun(spans, toolBytes, seed + 10)),
    ];
    stored.push({ label, id, nextId, last: spans - 1 });
  }
  await disconnectDb();
  await new Promise<void>((r) => server.listen(STATIC_PORT, "127.0.0.1", r));
  app = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "scripts/start.ts", "--no-demo"], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    // Readers come without signing in (a throwaway database): what is measured is the page, not the sign-in.
    env: {
      ...process.env,
      ANONYMOUS_READ: "on",
      DATABASE_URL: database.url,
      PORT: String(APP_PORT),
      HOST: "127.0.0.1",
      NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next-run",
    },
  });
  const base = `http://127.0.0.1:${APP_PORT}`;
  await waitForApp(`${base}/`, app);
  // BENCH_HOLD=1: keep the app and its runs up for a profiler instead of measuring; stop with Ctrl-C.
  if (bench.BENCH_HOLD) {
    for (const s of stored) console.log(`${s.label}: ${base}/jobs/${s.id} (original style: http://127.0.0.1:${STATIC_PORT}/${s.id}.html)`);
    await new Promise<void>((r) => process.once("SIGINT", () => r()).once("SIGTERM", () => r()));
  } else {
    await measureAll(base, stored);
  }
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
