// Notes on a step: an operator's markdown on one span of a run, kept with who wrote it and when, audited, and editable
// by its author only. Read by the run page (tree, conversation, details) and matched by the run's search.
import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit, type Actor } from "@/lib/audit/log";
import { isJobId } from "@/lib/trajectory/job-id";
import { MAX_NOTE_CHARS, MAX_URL_SEQ } from "@/lib/limits";
import { forbidden, notFound } from "@/lib/http/errors";

const body = z
  .string()
  .trim()
  .min(1, "write something")
  .max(MAX_NOTE_CHARS, `at most ${MAX_NOTE_CHARS.toLocaleString("en-US")} characters`)
  // PostgreSQL text cannot hold U+0000.
  .refine((s) => !s.includes("\u0000"), "contains a NUL character");

export const addNoteSchema = z.object({ seq: z.number().int().min(0).max(MAX_URL_SEQ), body }).strict();
export const editNoteSchema = z.object({ body }).strict();

/** A note as the page shows it (times as ISO strings). */
export interface Note {
  id: string;
  seq: number;
  body: string;
  authorId: string | null;
  author: string;
  createdAt: string;
  updatedAt: string;
}

const SELECT = { id: true, seq: true, body: true, authorId: true, authorLabel: true, createdAt: true, updatedAt: true } as const;

function toNote(n: {
  id: string;
  seq: number;
  body: string;
  authorId: string | null;
  authorLabel: string;
  createdAt: Date;
  updatedAt: Date;
}): Note {
  return {
    id: n.id,
    seq: n.seq,
    body: n.body,
    authorId: n.authorId,
    author: n.authorLabel,
    createdAt: n.createdAt.toISOString(),
    updatedAt: n.updatedAt.toISOString(),
  };
}

/** The run's notes in seq order, oldest first per step; null when there is no such run. */
export async function listNotes(db: Db, jobId: string): Promise<Note[] | null> {
  if (!isJobId(jobId)) return null;
  const job = await db.job.findUnique({ where: { id: jobId }, select: { id: true } });
  if (!job) return null;
  const rows = await db.spanNote.findMany({ where: { jobId }, orderBy: [{ seq: "asc" }, { createdAt: "asc" }], select: SELECT });
  return rows.map(toNote);
}

/** Adds a note on step `seq` of run `jobId` by `actor`, audited in the same transaction. Null when there is no such run. */
export async function addNote(db: Db, jobId: string, input: z.infer<typeof addNoteSchema>, actor: Actor): Promise<Note | null> {
  return db.$transaction(async (tx) => {
    const job = await tx.job.findUnique({ where: { id: jobId }, select: { id: true } });
    if (!job) return null;
    const note = await tx.spanNote.create({
      data: { jobId, seq: input.seq, body: input.body, authorId: actor.id, authorLabel: actor.label },
      select: SELECT,
    });
    await recordAudit(tx, actor, "note", jobId, { note: note.id, seq: input.seq, op: "add" });
    return toNote(note);
  });
}

/** Replaces the body of a note; only its author may. Throws NotFound (no such note in this run) or Forbidden. */
export async function editNote(db: Db, jobId: string, noteId: string, text: string, actor: Actor): Promise<Note> {
  return db.$transaction(async (tx) => {
    const found = isJobId(noteId)
      ? await tx.spanNote.findUnique({ where: { id: noteId }, select: { jobId: true, authorId: true, body: true } })
      : null;
    if (!found || found.jobId !== jobId) throw notFound(`no note ${noteId.slice(0, 64)} in run ${jobId}`);
    if (actor.id === null || found.authorId !== actor.id) throw forbidden("only the note's author may edit it");
    const note = await tx.spanNote.update({ where: { id: noteId }, data: { body: text }, select: SELECT });
    await recordAudit(tx, actor, "note", jobId, { note: noteId, seq: note.seq, op: "edit", from: found.body.slice(0, 1000) });
    return toNote(note);
  });
}
