// Which model one job runs with: the job's own setup (Args.AgentSetup, an experiment's choice) or else AGENT_MODEL.
import { agentSetupOf } from "@/lib/trajectory/agent-setup";
import { keyFor, type AgentConfig } from "./config";
import { JobError } from "./limits";
import { MODEL_SPEC_FORMS, tryParseModelSpec, type ModelSpec } from "./model-spec";

export interface JobModel {
  spec: ModelSpec;
  apiKey: string | undefined;
  /** where the spec came from, for error messages: `AgentSetup=replay` or `AGENT_MODEL=google:…` */
  origin: string;
}

/** Throws JobError (the job fails with it) when the job's AgentSetup is not a model spec. */
export function jobModel(config: Pick<AgentConfig, "model" | "apiKey" | "keys">, args: unknown): JobModel {
  const setup = agentSetupOf(args);
  if (setup === null) return { spec: config.model, apiKey: config.apiKey, origin: "AGENT_MODEL" };
  const spec = tryParseModelSpec(setup);
  if (!spec) throw new JobError(`the job's AgentSetup "${setup.slice(0, 200)}" is not one of ${MODEL_SPEC_FORMS}`);
  return { spec, apiKey: keyFor(spec, config.keys, config.model), origin: "the job's AgentSetup" };
}
