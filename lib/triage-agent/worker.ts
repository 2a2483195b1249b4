// The worker loop: poll for a patch-triage job, run it, report it done or failed; never let one job stop the worker.
import path from "node:path";
import { describeModel, type AgentConfig } from "./config";
import { mb, memoryCapSupport } from "./git";
import { Budget, JobError } from "./limits";
import { jobModel } from "./job-model";
import { createModels } from "./models";
import { AppError, ProtocolClient, type PolledJob } from "./protocol";
import { loadRecording } from "./replay";
import { SpanRecorder } from "./spans";
import { runPatchTriage } from "./workflow";

const MIN_WAIT_MS = 500;
const MAX_WAIT_MS = 5000;

export interface WorkerLog {
  info(line: string): void;
  error(line: string): void;
}

/** Runs one job to its end and reports it; returns the error it failed with, or "" when it finished. */
export async function runJob(config: AgentConfig, client: ProtocolClient, job: PolledJob, stop: AbortSignal): Promise<string> {
  const budget = new Budget(config.limits, stop);
  const rec = new SpanRecorder((span) => client.log(job.ID, span));
  let error = "";
  let results: Record<string, unknown> | null = null;
  try {
    const model = jobModel(config, job.Args);
    const recording = model.spec.provider === "replay" ? await loadRecording(client, job.ID) : null;
    const models = createModels(model.spec, model.apiKey, recording, model.origin);
    results = await runPatchTriage(job.Args, models, rec, budget, config.checkouts);
  } catch (e) {
    error = e instanceof JobError ? e.message : `agent error: ${e instanceof Error ? e.message : String(e)}`;
    // What the run may not show (a remote server's text) is for the operators, in this process's log.
    if (e instanceof JobError && e.detail) console.error(`job ${job.ID}: ${e.detail}`);
  } finally {
    budget.dispose();
  }
  await client.done(job.ID, error ? null : results, error);
  return error;
}

export class Worker {
  private readonly client: ProtocolClient;

  constructor(
    private readonly config: AgentConfig,
    codeRevision: string,
    private readonly log: WorkerLog,
  ) {
    this.client = new ProtocolClient(config.baseURL, config.client, config.key, config.agentName, codeRevision);
  }

  /** Polls until stop is aborted; waits longer while there is no work or the app is unreachable. */
  async loop(stop: AbortSignal): Promise<void> {
    this.log.info(
      `agent ${this.config.agentName} (${describeModel(this.config.model)}) polling ${this.config.baseURL} for patch-triage jobs`,
    );
    const { roots, caps } = this.config.checkouts;
    this.log.info(`kernel checkouts only under ${roots.join(path.delimiter)} (AGENT_KERNEL_ROOTS)`);
    const memory = memoryCapSupport();
    if (memory.available) {
      this.log.info(
        `each tool call: at most ${caps.seconds} s (AGENT_TOOL_SECONDS), each git at most ${mb(caps.memoryBytes)} of address space (${memory.how}, AGENT_TOOL_MEMORY_MB)`,
      );
    } else {
      this.log.error(`git runs WITHOUT a memory cap: ${memory.why}; tool calls still stop after ${caps.seconds} s (AGENT_TOOL_SECONDS)`);
    }
    let wait = MIN_WAIT_MS;
    while (!stop.aborted) {
      let job: PolledJob | null = null;
      try {
        job = await this.client.poll();
      } catch (e) {
        // 401 means wrong credentials: polling again cannot help, and silence would hide it.
        if (e instanceof AppError && e.status === 401) throw e;
        this.log.error(`poll failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (job) {
        wait = MIN_WAIT_MS;
        const started = Date.now();
        this.log.info(`job ${job.ID}: started`);
        try {
          const error = await runJob(this.config, this.client, job, stop);
          const took = ((Date.now() - started) / 1000).toFixed(1);
          this.log.info(error ? `job ${job.ID}: failed after ${took} s: ${error}` : `job ${job.ID}: finished in ${took} s`);
        } catch (e) {
          this.log.error(`job ${job.ID}: could not report to the app: ${e instanceof Error ? e.message : String(e)}`);
        }
        continue;
      }
      await new Promise<void>((resolve) => {
        const wake = () => (clearTimeout(t), resolve());
        const t = setTimeout(() => (stop.removeEventListener("abort", wake), resolve()), wait);
        stop.addEventListener("abort", wake, { once: true });
      });
      wait = Math.min(Math.round(wait * 1.5), MAX_WAIT_MS);
    }
  }
}
