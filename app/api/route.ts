// POST /api: the agent protocol real agents already speak (formats doc §4).
import { db } from "@/lib/db/client";
import { handleAgentRequest } from "@/lib/agent-api/dispatch";
import { databaseUnavailableResponse, isDatabaseUnavailable } from "@/lib/db/unavailable";

export async function POST(req: Request) {
  try {
    return await handleAgentRequest(db(), req);
  } catch (e) {
    // A database restart is not the agent's fault: 503 tells it to retry the (idempotent) call instead of a bare 500.
    if (isDatabaseUnavailable(e)) return databaseUnavailableResponse();
    throw e;
  }
}
