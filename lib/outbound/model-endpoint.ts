// The built-in agent's model endpoint as a rerun or an experiment would make it call: checked against the outbound
// allow-list (./allow-list.ts) before anything is queued, so an operator's `openai-compatible:<model>@<url>` (or a
// stored run's Args.AgentSetup, which a plain rerun carries over) cannot make the agent post to an internal service.
import "server-only";
import type { Db } from "@/lib/db/client";
import { tryParseModelSpec } from "@/lib/triage-agent/model-spec";
import { checkOutboundUrl, type Resolver } from "./allow-list";

/**
 * Throws HttpError BadRequest (400) naming the host when `setup` (an agent setup: a model spec, a label, or null) is
 * an `openai-compatible` spec whose URL the admins have not allowed. Other specs name the providers' own endpoints,
 * which the AI SDK builds in; labels are for other agents, and a label the built-in agent would read as a spec is
 * checked like one.
 */
export async function checkModelEndpoint(db: Db, setup: string | null, resolve?: Resolver): Promise<void> {
  if (setup === null) return;
  const spec = tryParseModelSpec(setup);
  if (spec?.provider === "openai-compatible") await checkOutboundUrl(db, spec.baseURL, "the model endpoint", resolve);
}
