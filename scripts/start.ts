// `npm start`: database (DATABASE_URL or embedded PostgreSQL), migrations, demo runs, build, then the app.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { resolveDatabase } from "@/lib/db/database-url";
import { applyMigrations } from "@/lib/db/schema-engine";
import { db, disconnectDb } from "@/lib/db/client";
import { seedDemoIfEmpty } from "@/lib/demo/seed";
import { buildIfStale } from "./build-if-stale";

const { values: flags } = parseArgs({
  options: {
    // a fresh database in a temp folder, removed on exit (end-to-end tests)
    throwaway: { type: "boolean", default: false },
    "no-demo": { type: "boolean", default: false },
  },
});

const ROOT = path.resolve(import.meta.dirname, "..");
const port = process.env.PORT ?? "3000";
const host = process.env.HOST ?? "127.0.0.1";

const database = await resolveDatabase({ throwaway: flags.throwaway });
let stopping = false;
async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    await disconnectDb().catch(() => {});
    await database.stop().catch((e: unknown) => console.error("stopping PostgreSQL:", e));
  }
  process.exit(code);
}
// Ctrl-C and SIGTERM: stop the app first (when it runs), then PostgreSQL, so no data is cut mid-write.
let app: ChildProcess | null = null;
for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  process.on(sig, () => (app && app.exitCode === null ? app.kill("SIGTERM") : void shutdown(code)));
}

try {
  await applyMigrations(database.url);
  process.env.DATABASE_URL = database.url;
  // End-to-end tests read the throwaway database's URL from here to prepare and check data.
  if (process.env.TRAJECTORY_URL_FILE) writeFileSync(process.env.TRAJECTORY_URL_FILE, database.url);
  if (!flags["no-demo"]) {
    const seeded = await seedDemoIfEmpty(db());
    if (seeded) console.log(`Empty database: added ${seeded} demo runs.`);
  }
  await disconnectDb();
  buildIfStale();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  await shutdown(1);
}

app = spawn(process.execPath, [path.join(ROOT, "node_modules", "next", "dist", "bin", "next"), "start", "-p", port, "-H", host], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1" },
});
console.log(`Trajectory viewer on http://${host}:${port}`);
app.on("exit", (code) => void shutdown(code ?? 0));
