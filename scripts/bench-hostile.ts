// `npm run bench:hostile`: what one hostile request costs the process that serves it (issue 21), per kind: its wall
// time, its CPU and the longest time it held the event loop (a 5 ms probe timer: every other request of the process
// waits at least that long), against a tiny request (a poll offering no workflow). The requests go through the real
// route handlers and library entry points in this process, on a throwaway PostgreSQL, so the figures are the app's own
// work without Next's. The kinds live in scripts/bench-hostile/ by what they call: agent.ts (POST /api), import.ts,
// otlp.ts (POST /v1/traces), reads.ts (spans, compare, outline, conversation), results.ts (a run's Results read by
// its page, Compare and experiments), exports.ts (whole-run exports and whole spans of fat spans) and live.ts (live
// watchers' catch-up); harness.ts has what they share.
import { parseArgs } from "node:util";
import { loadavg } from "node:os";
import { resolveDatabase } from "@/lib/db/database-url";
import { applyMigrations } from "@/lib/db/schema-engine";
import { measureHold } from "@/lib/load/hold";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// A full collection after each prepare, so the garbage of building a request's payload (hundreds of MB for the
// largest OTLP one) is not collected during, and charged to, the request. --expose-gc cannot be a flag of the
// process: the worker threads inherit its flags and refuse that one.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

const { values: flags } = parseArgs({
  options: { repeat: { type: "string", default: "3" }, only: { type: "string" }, help: { type: "boolean", default: false } },
});
if (flags.help) {
  console.log(`npm run bench:hostile -- [--repeat N] [--only words[,words…]]
  --repeat N   requests per kind; the median by event-loop hold is shown (default 3)
  --only …     only the kinds whose names contain one of the words (the tiny yardstick always runs)`);
  process.exit(0);
}
const repeat = Number(flags.repeat);
/** `--only <words>[,<words>…]`: the kinds whose names contain one of them (and the tiny one, the yardstick) */
const only = flags.only?.toLowerCase().split(",");

console.log("Starting a throwaway PostgreSQL…");
const database = await resolveDatabase({ throwaway: true });
await applyMigrations(database.url);
process.env.DATABASE_URL = database.url;

// Loaded once DATABASE_URL names the throwaway database.
const { disconnectDb } = await import("@/lib/db/client");
const { benchAgent } = await import("./bench-hostile/harness");
const { agentKinds, tinyKind } = await import("./bench-hostile/agent");
const { importKinds } = await import("./bench-hostile/import");
const { otlpKinds } = await import("./bench-hostile/otlp");
const { readKinds } = await import("./bench-hostile/reads");
const { resultsKinds } = await import("./bench-hostile/results");
const { exportKinds } = await import("./bench-hostile/exports");
const { liveKinds } = await import("./bench-hostile/live");

const agent = await benchAgent();
/** The yardstick first: every other kind is compared with it. */
const KINDS = [
  tinyKind(agent),
  ...agentKinds(agent),
  ...importKinds(),
  ...otlpKinds(agent),
  ...(await readKinds()),
  ...(await resultsKinds()),
  ...exportKinds(agent),
  ...liveKinds(),
];

interface Row {
  name: string;
  answer: string;
  ms: number;
  cpuMs: number;
  holdMs: number;
  /** median time (ms) from due to answer of tiny requests sent every 20 ms while the request ran */
  tinyP50: number;
}

/** Tiny requests (a poll offering no workflow) one every 20 ms until `done` settles: their times from due to answer, ms. */
async function tinyMeanwhile(done: Promise<unknown>): Promise<number[]> {
  let over = false;
  void done.finally(() => (over = true));
  const times: number[] = [];
  while (!over) {
    // From when it was due: a tiny request that waits for the held event loop to start counts its wait.
    const due = performance.now() + 20;
    await new Promise((r) => setTimeout(r, 20));
    await KINDS[0]!.run();
    times.push(performance.now() - due);
  }
  return times.sort((a, b) => a - b);
}

const rows: Row[] = [];
try {
  for (const kind of KINDS) {
    if (only && kind !== KINDS[0] && !only.some((w) => kind.name.toLowerCase().includes(w))) continue;
    const samples: Row[] = [];
    for (let i = 0; i < repeat; i++) {
      await kind.prepare?.();
      collectGarbage();
      const cpu0 = process.cpuUsage();
      let tinyTimes: Promise<number[]> = Promise.resolve([]);
      const { result, holdMs, ms } = await measureHold(() => {
        const request = kind.run().catch((e: unknown) => `threw: ${e instanceof Error ? e.message.slice(0, 60) : String(e)}`);
        if (kind !== KINDS[0]) tinyTimes = tinyMeanwhile(request);
        return request;
      });
      const cpu = process.cpuUsage(cpu0);
      const tiny = await tinyTimes;
      const tinyP50 = tiny.length ? tiny[Math.floor(tiny.length / 2)]! : NaN;
      samples.push({ name: kind.name, answer: result, ms, cpuMs: (cpu.user + cpu.system) / 1000, holdMs, tinyP50 });
    }
    samples.sort((x, y) => x.holdMs - y.holdMs);
    const median = samples[Math.floor(samples.length / 2)]!;
    rows.push(median);
    console.log(
      `${kind.name}: ${median.answer}, ${median.ms.toFixed(0)} ms, CPU ${median.cpuMs.toFixed(0)} ms, held ${median.holdMs.toFixed(0)} ms, tiny p50 ${median.tinyP50.toFixed(0)} ms`,
    );
  }
  const tiny = rows[0]!;
  console.log(
    `\n${"kind".padEnd(46)} ${"answer".padEnd(22)} ${"wall ms".padStart(8)} ${"CPU ms".padStart(8)} ${"held ms".padStart(8)} ${"tiny p50".padStart(8)}  held vs tiny`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(46)} ${r.answer.slice(0, 22).padEnd(22)} ${r.ms.toFixed(0).padStart(8)} ${r.cpuMs.toFixed(0).padStart(8)} ${r.holdMs.toFixed(0).padStart(8)} ${r.tinyP50.toFixed(0).padStart(8)}  ${(r.holdMs / Math.max(1, tiny.holdMs)).toFixed(1)}×`,
    );
  }
  console.log(
    `\nmedian of ${repeat} by event-loop hold; CPU is this process's (user + system) during the request (its worker threads' included), the database's excluded; tiny p50: the median time from due to answer of tiny requests due every 20 ms meanwhile; the machine is shared (load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}).`,
  );
} finally {
  await disconnectDb();
  await database.stop();
}
// The pools' idle timers would keep the process alive.
process.exit(0);
