// `npm run bench:import`: time to import a 10,000-span trajectory file (parse, then store), on a throwaway PostgreSQL.
import { performance } from "node:perf_hooks";
import { withDatabase } from "@/lib/db/with-database";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { parseRunFile } from "@/lib/import/detect";
import { patchTriageRun } from "@/lib/demo/patch-triage";

const steps = Number(process.argv[2] ?? 4998); // two spans a step plus the fixed ones: ~10,000 spans
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

await withDatabase(async (db) => {
  const t0 = performance.now();
  const [parsed] = parseRunFile("bench.json", file);
  const t1 = performance.now();
  await saveImportedRun(parsed!);
  const t2 = performance.now();
  await saveImportedRun(parsed!); // a re-import finds the run and writes nothing
  const t3 = performance.now();
  console.log(`spans            ${parsed!.spans.length} (file holds ${copies.length} copies, ${(file.length / 1e6).toFixed(1)} MB)`);
  console.log(`parse + merge    ${(t1 - t0).toFixed(0)} ms`);
  console.log(`store (1 tx)     ${(t2 - t1).toFixed(0)} ms`);
  console.log(`total import     ${(t2 - t0).toFixed(0)} ms`);
  console.log(`re-import (noop) ${(t3 - t2).toFixed(0)} ms`);
}, { throwaway: true, ignoreDatabaseUrl: true });
