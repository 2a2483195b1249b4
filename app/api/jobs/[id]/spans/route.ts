// GET /api/jobs/<id>/spans?q=text: seqs of the spans whose name, error or payloads contain the text, and where the
// search stopped when the run holds more text than one search may read ({ bytes, atSeq }, else null).
import { z } from "zod";
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { readDb } from "@/lib/db/read-your-writes";
import { searchSpansBounded } from "@/lib/runs/queries";
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
  // An expensive reader's query: its own small pool and time limit (lib/db/pools.ts), and a bounded read of the run.
  const { seqs, stopped } = await searchSpansBounded(await readDb("expensive"), id, { q });
  return Response.json({ q, seqs, stopped }, { headers: { "Cache-Control": "no-store" } });
});
