// POST /api: the agent protocol real agents already speak (formats doc §4); failures answer plain text, as upstream's.
import { postOnly, route } from "@/lib/api/route";
import { handleAgentRequest } from "@/lib/agents/dispatch";

// "public": the protocol authenticates with its own client and key fields (lib/agents/keys.ts). outsideProxy: proxy.ts
// does not run for this route (it would buffer and cut the body), so route() checks the Host.
export const POST = route({ access: "public", errors: "text", outsideProxy: true }, ({ req }) => handleAgentRequest(req));
export const { GET, HEAD, PUT, PATCH, DELETE, OPTIONS } = postOnly("text");
