// GET /api/jobs/<id>/spans?q=text: seqs of the spans whose name, error or payloads contain the text.
import { z } from "zod";
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { db } from "@/lib/db/client";
import { searchSpans } from "@/lib/runs/queries";
import { MAX_SPAN_SEARCH_CHARS } from "@/lib/limits";

const query = z.object({
  // Longer text is cut, not refused: the search box sends what was typed.
  q: z
    .string()
    .default("")
    .transform((q) => q.slice(0, MAX_SPAN_SEARCH_CHARS))
    // PostgreSQL cannot compare text with U+0000, so no span can contain one.
    .refine((q) => !q.includes("\u0000"), "contains a NUL character"),
});

export const GET = route({ access: "viewer", params: runParams, query }, async ({ params: { id }, query: { q } }) => {
  const seqs = await searchSpans(db(), id, { q });
  return Response.json({ q, seqs }, { headers: { "Cache-Control": "no-store" } });
});
