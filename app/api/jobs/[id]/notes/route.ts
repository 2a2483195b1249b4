// GET /api/jobs/<id>/notes: the run's notes on its steps. POST {seq, body}: an operator adds one (lib/notes).
import { route } from "@/lib/api/route";
import { runParams } from "@/lib/api/params";
import { db } from "@/lib/db/client";
import { actorOf } from "@/lib/audit/log";
import { addNote, addNoteSchema, listNotes } from "@/lib/notes/notes";
import { noSuchRun } from "@/lib/http/errors";
import { MAX_NOTE_CHARS } from "@/lib/limits";

export const GET = route({ access: "viewer", params: runParams }, async ({ params: { id } }) => {
  const notes = await listNotes(db(), id);
  if (!notes) throw noSuchRun(id);
  return Response.json({ notes }, { headers: { "Cache-Control": "no-store" } });
});

export const POST = route(
  { access: "operator", params: runParams, body: { schema: addNoteSchema, maxBytes: 4 * MAX_NOTE_CHARS + 1000 } },
  async ({ params: { id }, body, user }) => {
    const note = await addNote(db(), id, body, actorOf(user!));
    if (!note) throw noSuchRun(id);
    return Response.json({ note }, { status: 201 });
  },
);
