// GET /api/jobs/<id>/notes: the run's notes on its steps, a page at a time ({notes, next}). POST {seq, body}: an operator adds one (lib/notes).
import { z } from "zod";
import { route } from "@/lib/api/route";
import { readDb } from "@/lib/db/read-your-writes";
import { runParams } from "@/lib/api/params";
import { db } from "@/lib/db/client";
import { actorOf } from "@/lib/audit/log";
import { addNote, addNoteSchema, listNotes } from "@/lib/notes/notes";
import { noSuchRun } from "@/lib/http/errors";
import { MAX_NOTE_CHARS, MAX_URL_SEQ } from "@/lib/limits";

// ?after=<seq>: the page after the one that gave it (its `next`); a page holds NOTES_PAGE_SIZE notes and whole steps.
const query = z.object({ after: z.coerce.number().int().min(0).max(MAX_URL_SEQ).optional() });

export const GET = route({ access: "viewer", params: runParams, query }, async ({ params: { id }, query: { after } }) => {
  const page = await listNotes(await readDb(), id, after);
  if (!page) throw noSuchRun(id);
  return Response.json(page, { headers: { "Cache-Control": "no-store" } });
});

export const POST = route(
  { access: "operator", params: runParams, body: { schema: addNoteSchema, maxBytes: 4 * MAX_NOTE_CHARS + 1000 } },
  async ({ params: { id }, body, user }) => {
    const note = await addNote(db(), id, body, actorOf(user!));
    if (!note) throw noSuchRun(id);
    return Response.json({ note }, { status: 201 });
  },
);
