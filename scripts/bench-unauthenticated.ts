// `npm run bench:unauthenticated`: what anonymous agent-protocol requests cost the server (issue 13, finding 3). The
// same app and readers (GET /api/jobs, the first page of the history, every 50 ms), first alone (the baseline), then beside loops sending POST /api
// with an unknown client and a payload built to be expensive once parsed: a gzip bomb (64 MB of zeros, 64 KB sent)
// and a deeply nested JSON array. The app must answer 401 before it inflates or parses anything, so each such request
// costs it about as much as any small request. Prints per phase: requests, answers by status, the app's CPU ms per
// anonymous request, and the readers' p50/p99.
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { encodeCall, postCall } from "@/lib/agents/client";
import { startApp } from "@/lib/load/app";
import { cpuSeconds } from "@/lib/load/cpu";
import { get } from "@/lib/load/http";

const { values: flags } = parseArgs({
  options: {
    seconds: { type: "string", default: "15" },
    loops: { type: "string", default: "4" },
    readers: { type: "string", default: "2" },
  },
});
const seconds = Number(flags.seconds);
const loops = Number(flags.loops);
const readers = Number(flags.readers);

const PAYLOADS: Record<string, Buffer> = {
  "gzip bomb (64 MB of zeros)": gzipSync(Buffer.alloc(64 * 1024 * 1024)),
  "nesting 1,000,000 deep": gzipSync(Buffer.from("[".repeat(1_000_000) + "]".repeat(1_000_000))),
};

function quantile(sorted: number[], q: number): string {
  if (!sorted.length) return "-";
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!.toFixed(1);
}

interface Phase {
  name: string;
  anonymous: number;
  statuses: Map<string, number>;
  appCpuMs: number;
  readerMs: number[];
  /** readers' answers other than 200, by status: a reader that is refused measures nothing */
  readerErrors: Map<string, number>;
}

async function phase(name: string, url: string, pid: number, payload: Buffer | null): Promise<Phase> {
  const stopAt = Date.now() + seconds * 1000;
  const readerMs: number[] = [];
  const readerErrors = new Map<string, number>();
  const statuses = new Map<string, number>();
  let anonymous = 0;
  const cpu0 = cpuSeconds(pid);
  const reader = async () => {
    while (Date.now() < stopAt) {
      const r = await get(`${url}/api/jobs`);
      readerMs.push(r.ms);
      if (r.outcome !== 200) readerErrors.set(String(r.outcome), (readerErrors.get(String(r.outcome)) ?? 0) + 1);
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  const attacker = async () => {
    // Encoded once per loop: the bench's own CPU stays out of the server's way.
    const call = encodeCall({ client: "nobody", key: "guess", method: "ai_trajectory_log", payload: undefined, rawPayload: payload! });
    while (Date.now() < stopAt) {
      const r = await postCall(url, call, 30_000);
      anonymous++;
      const k = String(r.outcome);
      statuses.set(k, (statuses.get(k) ?? 0) + 1);
    }
  };
  await Promise.all([...Array.from({ length: readers }, reader), ...(payload ? Array.from({ length: loops }, attacker) : [])]);
  const appCpuMs = (cpuSeconds(pid) - cpu0) * 1000;
  readerMs.sort((a, b) => a - b);
  return { name, anonymous, statuses, appCpuMs, readerMs, readerErrors };
}

console.log("Starting the app on a throwaway PostgreSQL (builds first when stale)…");
const app = await startApp();
try {
  // Warm-up: the first requests of a fresh server compile and load routes.
  for (let i = 0; i < 20; i++) await get(`${app.url}/api/jobs`);
  const results: Phase[] = [await phase("baseline: readers alone", app.url, app.pid, null)];
  for (const [name, payload] of Object.entries(PAYLOADS)) {
    console.log(`${name}: ${payload.length.toLocaleString("en-US")} bytes sent per request, ${loops} loops for ${seconds} s…`);
    results.push(await phase(name, app.url, app.pid, payload));
  }
  const base = results[0]!;
  console.log(
    `\n${"phase".padEnd(30)} ${"anon. requests".padStart(14)}  ${"answers".padEnd(12)} ${"CPU ms/req".padStart(14)}  ${"reader p50".padStart(10)} ${"p99 ms".padStart(7)}  p99 vs baseline`,
  );
  for (const r of results) {
    const answers = [...r.statuses].map(([k, n]) => `${k}×${n}`).join(" ") || "-";
    // Both phases last as long and run the same readers: what is above the baseline's CPU is the anonymous requests'.
    const perRequest = r.anonymous ? (Math.max(0, r.appCpuMs - base.appCpuMs) / r.anonymous).toFixed(2) : "-";
    const p99 = Number(quantile(r.readerMs, 0.99));
    const ratio = r === base ? "1.00×" : `${(p99 / Number(quantile(base.readerMs, 0.99))).toFixed(2)}×`;
    const readerErrors = [...r.readerErrors].map(([k, n]) => `${k}×${n}`).join(" ");
    console.log(
      `${r.name.padEnd(30)} ${String(r.anonymous).padStart(14)}  ${answers.padEnd(12)} ${perRequest.padStart(14)}  ${quantile(r.readerMs, 0.5).padStart(10)} ${quantile(r.readerMs, 0.99).padStart(7)}  ${ratio}${readerErrors ? `  readers answered ${readerErrors}` : ""}`,
    );
  }
  console.log(
    `\nserver CPU ms/req: the CPU of the app's process tree (Next server and its PostgreSQL) over the phase, less the baseline's (readers alone: ${base.appCpuMs.toFixed(0)} ms), per anonymous request. The bench shares the machine.`,
  );
} finally {
  await app.stop();
}
