// The agent setup a job asks for: an experiment's reruns carry it in their inputs as Args.AgentSetup (lib/experiments),
// and an agent may honour it (the built-in agent reads it as its model spec, lib/triage-agent/job-model.ts).

/** The Args key of the setup; upstream's workflows have no such input, so it never collides with a real one. */
export const AGENT_SETUP_ARG = "AgentSetup";

/** The job's setup, or null when its Args name none (a non-string value counts as none: it is not ours). */
export function agentSetupOf(args: unknown): string | null {
  if (!args || typeof args !== "object" || Array.isArray(args)) return null;
  const v = (args as Record<string, unknown>)[AGENT_SETUP_ARG];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}
