// `npm start`: database (DATABASE_URL or embedded PostgreSQL), migrations, demo runs, build, then the app and one built-in agent.
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { appConfig } from "@/lib/config";
import { resolveDatabase } from "@/lib/db/database-url";
import { applyMigrations } from "@/lib/db/schema-engine";
import { db, disconnectDb } from "@/lib/db/client";
import { seedDemoIfEmpty } from "@/lib/demo/seed";
import { recordToolOutputs } from "@/lib/triage-agent/record-outputs";
import { toolCaps } from "@/lib/triage-agent/config";
import { demoKernelRoot, ensureDemoKernels } from "@/lib/demo/git-repo";
import { addClient } from "@/lib/agents/keys";
import { buildIfStale } from "./build-if-stale";
import { startMirrorSchedule } from "@/lib/mirror/schedule";

const { values: flags } = parseArgs({
  options: {
    // a fresh database in a temp folder, removed on exit (end-to-end tests)
    throwaway: { type: "boolean", default: false },
    "no-demo": { type: "boolean", default: false },
    // no built-in agent (end-to-end tests run their own agents)
    "no-agent": { type: "boolean", default: false },
    // no scheduled sync of the dashboards an admin follows (lib/mirror/schedule.ts)
    "no-mirror": { type: "boolean", default: false },
  },
});

const ROOT = path.resolve(import.meta.dirname, "..");
const { PORT: port, HOST: host } = appConfig();

const AGENT_CLIENT = "builtin-agent";

// The embedded demo is for looking around: anyone who reaches it may read (an admin can turn that off at /admin).
if (!process.env.DATABASE_URL) process.env.ANONYMOUS_READ ??= "on";
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
const running = (p: ChildProcess | null): p is ChildProcess => p !== null && p.exitCode === null && p.signalCode === null;
function exited(p: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (!running(p)) return resolve();
    const t = setTimeout(resolve, ms);
    p.once("exit", () => (clearTimeout(t), resolve()));
  });
}

// Ctrl-C and SIGTERM: stop the agent first (it reports its job while the app still answers), then the app,
// then PostgreSQL, so no data is cut mid-write.
let app: ChildProcess | null = null;
let stopMirror = () => {};
let agent: ChildProcess | null = null;
async function stop(code: number): Promise<void> {
  stopMirror();
  if (running(agent)) {
    agent.kill("SIGTERM");
    await exited(agent, 15_000);
  }
  if (running(app)) app.kill("SIGTERM");
  else await shutdown(code);
}
for (const [sig, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const)
  process.on(sig, () => void stop(code));

let agentKey = "";
try {
  await applyMigrations(database.url);
  process.env.DATABASE_URL = database.url;
  // End-to-end tests read the throwaway database's URL from here to prepare and check data.
  if (process.env.TRAJECTORY_URL_FILE) writeFileSync(process.env.TRAJECTORY_URL_FILE, database.url);
  if (!flags["no-demo"]) {
    // The demo triage runs' tool outputs are what the built-in agent's tools give on the demo checkouts, so a
    // replay (Rerun on the demo) reproduces them.
    const caps = toolCaps();
    const seeded = await seedDemoIfEmpty(db(), ensureDemoKernels(demoKernelRoot()), (run) => recordToolOutputs(run, caps));
    if (seeded) console.log(`Empty database: added ${seeded} demo runs.`);
  }
  // The built-in agent gets a fresh key on every start: keys are stored hashed, so the old one cannot be read back.
  if (!flags["no-agent"]) agentKey = await addClient(db(), AGENT_CLIENT);
  if ((await db().user.count()) === 0) {
    console.log("No users yet: to rerun and mark runs, add an admin with  npm run user:add -- --admin you@example.com");
  }
  await disconnectDb();
  buildIfStale();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  await shutdown(1);
}

// The app's own server (lib/server/server.ts): POST /api answered without Next's router, everything else by Next.
app = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(ROOT, "scripts", "serve.ts")], {
  cwd: ROOT,
  stdio: "inherit",
  env: { ...process.env, DATABASE_URL: database.url, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", PORT: String(port), HOST: host },
});
console.log(`Trajectory viewer on http://${host}:${port}`);
// The dashboards an admin follows at /admin are synced from here, beside the app; across several `npm start`s one
// at a time (an advisory lock, lib/mirror/schedule.ts).
if (!flags["no-mirror"]) stopMirror = startMirrorSchedule();
app.on("exit", (code) => {
  if (running(agent)) agent.kill("SIGTERM");
  void (agent ? exited(agent, 15_000) : Promise.resolve()).then(() => shutdown(code ?? 0));
});

const appUrl = `http://${host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host}:${port}`;
/** Waits until the app answers, so the agent's first polls do not fail while Next starts. */
async function appReady(): Promise<boolean> {
  for (let i = 0; i < 600 && running(app); i++) {
    const ok = await fetch(`${appUrl}/api/jobs/00000000-0000-0000-0000-000000000000`).then(
      () => true,
      () => false,
    );
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

if (agentKey && (await appReady())) {
  agent = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "agent.ts")], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, TRAJECTORY_URL: appUrl, AGENT_CLIENT, AGENT_KEY: agentKey },
  });
  agent.on("exit", (code, signal) => {
    if (!stopping && code !== 0)
      console.error(`The built-in agent stopped (${signal ?? `exit code ${code}`}); Rerun jobs wait for another agent.`);
  });
}
