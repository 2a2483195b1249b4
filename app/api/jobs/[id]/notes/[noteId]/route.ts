// PUT /api/jobs/<id>/notes/<noteId> {body}: the note's author edits it (lib/notes).
import { z } from "zod";
import { route } from "@/lib/api/route";
import { runId } from "@/lib/api/params";
import { db } from "@/lib/db/client";
import { actorOf } from "@/lib/audit/log";
import { editNote, editNoteSchema } from "@/lib/notes/notes";
import { MAX_NOTE_CHARS } from "@/lib/limits";

const params = z.object({ id: runId, noteId: z.string().max(64) });

export const PUT = route(
  { access: "operator", params, body: { schema: editNoteSchema, maxBytes: 4 * MAX_NOTE_CHARS + 1000 } },
  async ({ params: { id, noteId }, body, user }) => {
    const note = await editNote(db(), id, noteId, body.body, actorOf(user!));
    return Response.json({ note });
  },
);
