// `npm run agent`: the built-in triage agent; it talks to the app only through the agent protocol, like any external agent.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { loadConfig } from "@/lib/triage-agent/config";
import { Worker } from "@/lib/triage-agent/worker";

function codeRevision(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short=12", "HEAD"], {
      cwd: path.resolve(import.meta.dirname, ".."),
      encoding: "utf8",
    }).trim();
  } catch {
    return "unknown";
  }
}

let config;
try {
  config = loadConfig();
} catch (e) {
  console.error(`agent: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}

const stop = new AbortController();
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    // A second signal means "now": the job in hand stays running and the app aborts it once the agent is silent.
    if (stop.signal.aborted) process.exit(130);
    console.log(`agent: ${sig}: stopping; a job in progress is reported failed`);
    stop.abort(new Error(`the agent was stopped (${sig}) in the middle of the run`));
  });
}

const worker = new Worker(config, codeRevision(), {
  info: (line) => console.log(`agent: ${line}`),
  error: (line) => console.error(`agent: ${line}`),
});
try {
  await worker.loop(stop.signal);
  process.exit(0);
} catch (e) {
  console.error(`agent: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
