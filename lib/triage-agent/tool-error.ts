// The errors a tool call ends with when the model (or the job) should read why: never a crash of the agent.

/** A failure the model (or the job) should read: shown as the span's Error, never as a crash. */
export class ToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

/** A tool error because a cap stopped the call; tools add how to narrow the call down. */
export class CapError extends ToolError {
  constructor(
    readonly cap: "time" | "memory" | "output",
    message: string,
  ) {
    super(message);
    this.name = "CapError";
  }
}
