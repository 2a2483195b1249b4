// `npm run bench:import`: time to import a 10,000-span trajectory file (parse, then store), on a throwaway PostgreSQL.
// `npm run bench:import -- --max`: the documented maximum import instead — four files of 500,000 span entries each,
// within the 50 MB file cap, in one request (lib/import/import-files.ts: one transaction) — with its peak RSS, the
// longest the main thread was blocked, and a reader's query latency on another connection meanwhile.
import { performance, monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { withDatabase } from "@/lib/db/with-database";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { importFiles, type UploadedFile } from "@/lib/import/import-files";
import { parseRunFile } from "@/lib/import/detect";
import { patchTriageRun } from "@/lib/demo/patch-triage";
import { COMMAND_LINE } from "@/lib/audit/log";
import { IMPORT_MAX_FILE_BYTES, IMPORT_MAX_SPAN_ENTRIES } from "@/lib/limits";

const { values: flags, positionals } = parseArgs({ options: { max: { type: "boolean", default: false } }, allowPositionals: true });
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

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

if (flags.max) {
  const files: UploadedFile[] = [0, 1, 2, 3].map((n) => ({ name: `max-${n}.json`, content: maxFile(n) }));
  const bytes = files.reduce((a, f) => a + f.content.length, 0);
  await withDatabase(async (_db, url) => {
    // A reader on its own connection, as the history page would be, timing a query every 100 ms.
    const reader = new pg.Client({ connectionString: url });
    await reader.connect();
    const readerMs: number[] = [];
    let importing = true;
    const reading = (async () => {
      while (importing) {
        const t = performance.now();
        await reader.query("SELECT id, status, span_count FROM jobs ORDER BY created_at DESC LIMIT 50");
        readerMs.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const outcome = await importFiles(files, COMMAND_LINE);
    const took = performance.now() - t0;
    loop.disable();
    importing = false;
    await reading;
    await reader.end();
    if (!outcome.ok) throw new Error(outcome.errors.map((e) => `${e.file}: ${e.reason}`).join("; "));
    readerMs.sort((a, b) => a - b);
    const spans = outcome.jobs.reduce((a, j) => a + j.spanCount, 0);
    console.log(`files            4 × ${IMPORT_MAX_SPAN_ENTRIES.toLocaleString("en-US")} span entries, ${mb(bytes)} in all`);
    console.log(`runs / spans     ${outcome.jobs.length} / ${spans.toLocaleString("en-US")} stored in one transaction`);
    console.log(`total import     ${(took / 1000).toFixed(1)} s (${Math.round(spans / (took / 1000)).toLocaleString("en-US")} spans/s)`);
    console.log(`peak RSS         ${mb(process.resourceUsage().maxRSS * 1024)} (at start ${mb(rss0)}, the four files held in memory as an upload would be)`);
    console.log(`main thread      blocked at most ${(loop.max / 1e6).toFixed(0)} ms at a time (p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms)`);
    console.log(`reader meanwhile ${readerMs.length} queries, p50 ${readerMs[Math.floor(readerMs.length / 2)]!.toFixed(1)} ms, max ${readerMs[readerMs.length - 1]!.toFixed(1)} ms`);
  }, { throwaway: true, ignoreDatabaseUrl: true });
} else {
  const steps = Number(positionals[0] ?? 4998); // two spans a step plus the fixed ones: ~10,000 spans
  const run = patchTriageRun({
    seed: 42, start: new Date("2026-11-01T00:00:00Z"), description: "bench", subsystem: "ext4",
    files: ["fs/ext4/file.c"], symbols: ["ext4_dio_write_checks", "ext4_iomap_alloc"], configs: ["EXT4_FS"],
    worthFuzzing: true, needsKmsan: true, steps,
  });
  // A trajectory file holds both copies of each span, as the engine's local runner writes it.
  const copies = run.spans.flatMap((s) => {
    const start: Partial<typeof s> = { ...s };
    for (const k of ["Finished", "Results", "Error", "InputTokens", "OutputTokens", "OutputThoughtsTokens", "Reply"] as const) delete start[k];
    return [start, s];
  });
  const file = Buffer.from(JSON.stringify(copies));

  await withDatabase(async () => {
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
  }, { throwaway: true, ignoreDatabaseUrl: true });
}
