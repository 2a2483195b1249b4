// `npm run mirror -- <dashboard base URL> [--namespace ns] [--since date] [--concurrency n] [--delay ms]`: copies a
// syzkaller dashboard's AI jobs into the viewer (lib/mirror), with a progress bar; run again to fetch what changed.
// Exit status: 0 when every job is stored, 1 when some failed or the sync stopped early, 2 for bad arguments.
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { withDatabase } from "@/lib/db/with-database";
import { COMMAND_LINE } from "@/lib/audit/log";
import { appConfig } from "@/lib/config";
import { addDashboard } from "@/lib/mirror/dashboards";
import { syncDashboard, type SyncProgress } from "@/lib/mirror/sync";
import { MirrorUrlError } from "@/lib/mirror/url";
import { parseTimestampNs } from "@/lib/trajectory/time";

const USAGE = "usage: npm run mirror -- <dashboard base URL> [--namespace ns] [--since 2026-01-31] [--concurrency n] [--delay ms]";

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      namespace: { type: "string", default: "upstream" },
      since: { type: "string" },
      concurrency: { type: "string" },
      delay: { type: "string" },
    },
  });
} catch (e) {
  console.error(`${(e as Error).message}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (positionals.length !== 1) {
  console.error(USAGE);
  process.exit(2);
}
let sinceNs: bigint | undefined;
if (values.since) {
  const s = /^\d{4}-\d{2}-\d{2}$/.test(values.since) ? `${values.since}T00:00:00Z` : values.since;
  sinceNs = parseTimestampNs(s) ?? undefined;
  if (sinceNs === undefined) {
    console.error(`--since: "${values.since}" is not a date (2026-01-31) or an RFC 3339 time`);
    process.exit(2);
  }
}
const number = (flag: string, v: string | undefined, fallback: number, min: number) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    console.error(`--${flag}: expected a whole number of at least ${min}, got "${v}"`);
    process.exit(2);
  }
  return n;
};
const config = appConfig();
const concurrency = number("concurrency", values.concurrency, config.MIRROR_CONCURRENCY, 1);
const delayMs = number("delay", values.delay, config.MIRROR_DELAY_MS, 0);

const code = await withDatabase(async (db) => {
  let id: number;
  try {
    // A dashboard named on the command line is kept (for the next run and the admin page) but not followed.
    id = await addDashboard(db, { baseUrl: positionals[0]!, namespace: values.namespace, follow: false }, COMMAND_LINE);
  } catch (e) {
    if (e instanceof MirrorUrlError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  const bar = new cliProgress.SingleBar(
    {
      format:
        "{phase} [{bar}] {value}/{total} job pages | {seen} listed, {created} new, {updated} updated, {unchanged} unchanged, {failed} failed | {requests} requests",
      noTTYOutput: true,
      notTTYSchedule: 5000,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (p: SyncProgress) => ({ ...p, phase: p.phase === "list" ? "listing" : p.phase === "pages" ? "fetching" : "done" });
  bar.start(0, 0, payload({ phase: "list", seen: 0, total: 0, fetched: 0, created: 0, updated: 0, unchanged: 0, failed: 0, requests: 0 }));
  const report = await syncDashboard(id, {
    actor: COMMAND_LINE,
    concurrency,
    delayMs,
    sinceNs,
    onProgress: (p) => {
      bar.setTotal(p.total);
      bar.update(p.fetched, payload(p));
    },
  });
  bar.stop();
  for (const f of report.failures) console.error(`failed  ${f.id}: ${f.reason}`);
  if (report.error) console.error(`stopped: ${report.error}`);
  const secs = report.ms / 1000;
  console.log(
    `${report.seen} jobs listed: ${report.created} new, ${report.updated} updated, ${report.unchanged} unchanged, ${report.failed} failed; ` +
      `${report.requests} requests in ${secs.toFixed(1)} s (${((report.created + report.updated) / Math.max(secs, 0.001)).toFixed(1)} jobs/s stored)`,
  );
  return report.failed || report.error ? 1 : 0;
});
process.exit(code);
