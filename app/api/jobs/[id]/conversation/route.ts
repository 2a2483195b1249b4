// GET /api/jobs/<id>/conversation?from=<seq>&to=<seq>: a page of the run's spans with their payloads (texts cut) for
// the conversation view (lib/runs/conversation.ts); `next` continues the range.
import { z } from "zod";
import { route } from "@/lib/api/route";
import { runParams, spanSeq } from "@/lib/api/params";
import { db } from "@/lib/db/client";
import { getConversationPage } from "@/lib/runs/conversation";
import { noSuchRun } from "@/lib/http/errors";
import { MAX_URL_SEQ } from "@/lib/limits";

const query = z.object({ from: spanSeq.default(0), to: spanSeq.optional() });

export const GET = route({ access: "viewer", params: runParams, query }, async ({ params: { id }, query: { from, to } }) => {
  const page = await getConversationPage(db(), id, from, to ?? MAX_URL_SEQ);
  if (!page) throw noSuchRun(id);
  return Response.json(page, { headers: { "Cache-Control": "no-store" } });
});
