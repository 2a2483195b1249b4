// Tells a replayed run from a real one by its agent name, for the run page header and history rows.

/** The suffix a replaying agent adds to its name (`builtin-agent-replay`). */
export const REPLAY_SUFFIX = "-replay";

/** The prefix of the Model of a replayed llm span (`replay:gemini-3.1-pro-preview`). */
export const REPLAY_MODEL_PREFIX = "replay:";

export function isReplay(agentName: string | null | undefined): boolean {
  return Boolean(agentName && agentName.endsWith(REPLAY_SUFFIX));
}
