// Notes on a step: an operator's markdown on one span of a run, kept with who wrote it and when, audited, and editable
// by its author only. Read by the run page (tree, conversation, details) and matched by the run's search.
import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit, type Actor } from "@/lib/audit/log";
import { isJobId } from "@/lib/trajectory/job-id";
import { MAX_NOTE_CHARS, MAX_URL_SEQ, NOTES_MAX_PER_AUTHOR_PER_DAY, NOTES_MAX_PER_RUN, NOTES_PAGE_SIZE } from "@/lib/limits";
import { conflict, forbidden, notFound, tooManyRequests } from "@/lib/http/errors";

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

/** A page of a run's notes and the cursor of the next page (the last step's seq; null: this was the last page). */
export interface NotesPage {
  notes: Note[];
  next: number | null;
}

/**
 * One page of the run's notes in seq order, oldest first per step, on steps after seq `after` (the `next` of the page
 * before; undefined: the first page): NOTES_PAGE_SIZE notes, and the rest of the last step's (a step's notes are
 * never split; a run holds at most NOTES_MAX_PER_RUN). Null when there is no such run.
 */
export async function listNotes(db: Db, jobId: string, after?: number): Promise<NotesPage | null> {
  if (!isJobId(jobId)) return null;
  const job = await db.job.findUnique({ where: { id: jobId }, select: { id: true } });
  if (!job) return null;
  const order = [{ seq: "asc" as const }, { createdAt: "asc" as const }, { id: "asc" as const }];
  const rows = await db.spanNote.findMany({
    where: { jobId, ...(after === undefined ? {} : { seq: { gt: after } }) },
    orderBy: order,
    take: NOTES_PAGE_SIZE + 1,
    select: SELECT,
  });
  if (rows.length <= NOTES_PAGE_SIZE) return { notes: rows.map(toNote), next: null };
  const lastSeq = rows[NOTES_PAGE_SIZE - 1]!.seq;
  const lastStep = await db.spanNote.findMany({ where: { jobId, seq: lastSeq }, orderBy: order, select: SELECT });
  const page = [...rows.filter((r) => r.seq < lastSeq), ...lastStep];
  const more = rows.some((r) => r.seq > lastSeq) || (await db.spanNote.count({ where: { jobId, seq: { gt: lastSeq } }, take: 1 })) > 0;
  return { notes: page.map(toNote), next: more ? lastSeq : null };
}

/**
 * Adds a note on step `seq` of run `jobId` by `actor`, audited in the same transaction. Null when there is no such run.
 * Throws Conflict (409) when the run has NOTES_MAX_PER_RUN notes, TooManyRequests (429) when the author added
 * NOTES_MAX_PER_AUTHOR_PER_DAY in the last 24 hours.
 */
export async function addNote(db: Db, jobId: string, input: z.infer<typeof addNoteSchema>, actor: Actor): Promise<Note | null> {
  return db.$transaction(async (tx) => {
    const job = await tx.job.findUnique({ where: { id: jobId }, select: { id: true } });
    if (!job) return null;
    // One writer of a run's notes at a time, so two adds cannot both pass the count.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`notes:${jobId}`}))`;
    const onRun = await tx.spanNote.count({ where: { jobId } });
    if (onRun >= NOTES_MAX_PER_RUN)
      throw conflict(`run ${jobId} has ${onRun} notes, the limit (NOTES_MAX_PER_RUN ${NOTES_MAX_PER_RUN}); edit one instead`);
    if (actor.id !== null) {
      const today = await tx.spanNote.count({ where: { authorId: actor.id, createdAt: { gt: new Date(Date.now() - DAY_MS) } } });
      if (today >= NOTES_MAX_PER_AUTHOR_PER_DAY)
        throw tooManyRequests(
          `you added ${today} notes in the last 24 hours, the limit (NOTES_MAX_PER_AUTHOR_PER_DAY ${NOTES_MAX_PER_AUTHOR_PER_DAY}); try again later`,
          3600,
        );
    }
    const note = await tx.spanNote.create({
      data: { jobId, seq: input.seq, body: input.body, authorId: actor.id, authorLabel: actor.label },
      select: SELECT,
    });
    await recordAudit(tx, actor, "note", jobId, { note: note.id, seq: input.seq, op: "add" });
    return toNote(note);
  });
}

const DAY_MS = 24 * 60 * 60 * 1000;

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
