// Per-job limits (LLM calls, tokens, wall time) that end a runaway run with a clear error instead of burning money.

/** An error that ends the job; its message becomes the job's Error as it is. */
export class JobError extends Error {
  /** `detail`: more for the agent's log only (a remote server's own error text), never reported into the run */
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "JobError";
  }
}

export interface Limits {
  maxLlmCalls: number;
  maxTokens: number;
  maxSeconds: number;
}

export class Budget {
  llmCalls = 0;
  tokens = 0;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly limits: Limits,
    /** aborts the run from outside (the worker is stopping) */
    outside?: AbortSignal,
  ) {
    this.timer = setTimeout(
      () => this.controller.abort(new JobError(`limit reached: the run took longer than AGENT_MAX_SECONDS=${limits.maxSeconds}`)),
      limits.maxSeconds * 1000,
    );
    outside?.addEventListener("abort", () => this.controller.abort(outside.reason), { once: true });
  }

  /** Aborted when the wall time is up or the worker stops; passed to the model and to git. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Throws the abort reason as a JobError, so every way a run ends reads the same. */
  check(): void {
    if (this.signal.aborted) throw asJobError(this.signal.reason);
  }

  beforeLlmCall(): void {
    this.check();
    if (this.llmCalls >= this.limits.maxLlmCalls) {
      throw new JobError(`limit reached: ${this.llmCalls} LLM calls (AGENT_MAX_LLM_CALLS=${this.limits.maxLlmCalls})`);
    }
    if (this.tokens >= this.limits.maxTokens) {
      throw new JobError(`limit reached: ${this.tokens} tokens used (AGENT_MAX_TOKENS=${this.limits.maxTokens})`);
    }
    this.llmCalls++;
  }

  addTokens(n: number): void {
    this.tokens += n;
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}

export function asJobError(reason: unknown): JobError {
  if (reason instanceof JobError) return reason;
  return new JobError(reason instanceof Error ? reason.message : String(reason));
}

/**
 * The signal of one tool call (or of the read-patch-diff action): aborted with `outer`'s reason when the job ends, or
 * with `late()` once `seconds` have passed (AGENT_TOOL_SECONDS); git runs under it are killed with their process group.
 * `race` settles a call's promise at the abort too, for work no signal reaches (a slow file read).
 */
export function callDeadline(outer: AbortSignal, seconds: number, late: () => Error) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(late()), seconds * 1000);
  const signal = AbortSignal.any([outer, controller.signal]);
  return {
    signal,
    race<T>(work: Promise<T>): Promise<T> {
      return Promise.race([
        work,
        new Promise<never>((_, reject) => {
          if (signal.aborted) return reject(signal.reason);
          signal.addEventListener("abort", () => reject(signal.reason), { once: true });
        }),
      ]);
    },
    dispose: () => clearTimeout(timer),
  };
}
