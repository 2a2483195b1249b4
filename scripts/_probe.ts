import { performance, monitorEventLoopDelay } from "node:perf_hooks";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { withDatabase } from "@/lib/db/with-database";
import { importFiles } from "@/lib/import/import-files";
import { importInWorker, withImportFolder } from "@/lib/import/offload";
import { patchTriageRun } from "@/lib/demo/patch-triage";
import { COMMAND_LINE } from "@/lib/audit/log";
function traj(wf: string, steps: number) {
  const run = patchTriageRun({ seed: 3, start: new Date("2026-11-03T00:00:00Z"), description: wf, subsystem: "ext4", files: ["a"], symbols: ["b"], configs: ["C"], worthFuzzing: true, needsKmsan: false, steps });
  run.spans[0]!.Name = wf; for (const s of run.spans) delete s.InputTokens;
  return Buffer.from(JSON.stringify(run.spans));
}
await withDatabase(async () => {
  for (const steps of [20, 1700, 3400]) {
    const a = traj(`in-${steps}`, steps), b = traj(`ch-${steps}`, steps);
    const loop = monitorEventLoopDelay({ resolution: 5 }); loop.enable();
    let t = performance.now();
    await importFiles([{ name: "a", content: a }], COMMAND_LINE);
    const inl = performance.now() - t; loop.disable();
    const loop2 = monitorEventLoopDelay({ resolution: 5 }); loop2.enable();
    t = performance.now();
    await withImportFolder(async (f) => { await writeFile(path.join(f, "0"), b); return importInWorker(f, [{ name: "b", file: "0" }], COMMAND_LINE); });
    const ch = performance.now() - t; loop2.disable();
    console.log(`${(a.length/1e6).toFixed(2)} MB inline ${inl.toFixed(0)} ms (blocked max ${(loop.max/1e6).toFixed(0)} ms)  child ${ch.toFixed(0)} ms (blocked max ${(loop2.max/1e6).toFixed(0)} ms)`);
  }
}, { throwaway: true, ignoreDatabaseUrl: true });
