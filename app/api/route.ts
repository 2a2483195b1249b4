// POST /api: the agent protocol real agents already speak (formats doc §4).
import { db } from "@/lib/db/client";
import { handleAgentRequest } from "@/lib/agent-api/dispatch";

export async function POST(req: Request) {
  return handleAgentRequest(db(), req);
}
