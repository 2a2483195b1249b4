"use client";
// The run's notes for the page: loaded once with the trajectory, kept by seq, refreshed after the reader writes one.
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { Note } from "@/lib/notes/notes";

export type NotesBySeq = ReadonlyMap<number, readonly Note[]>;

export interface NotesState {
  jobId: string;
  bySeq: NotesBySeq;
  /** the reader's user id, and whether they may write notes (operators) */
  me: { id: string; canWrite: boolean } | null;
  reload: () => void;
}

export const NotesContext = createContext<NotesState | null>(null);

export function useNotesContext(): NotesState | null {
  return useContext(NotesContext);
}

/** Loads `/api/jobs/<id>/notes` page by page; a failure leaves the notes empty (the trajectory still reads). */
export function useNotes(jobId: string, me: NotesState["me"]): NotesState {
  const [notes, setNotes] = useState<Note[]>([]);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    // A page at a time (NOTES_PAGE_SIZE notes, whole steps), each shown as it comes.
    void (async () => {
      let all: Note[] = [];
      for (let after: number | null | undefined = undefined; after !== null && live;) {
        const r = await fetch(`/api/jobs/${jobId}/notes${after === undefined ? "" : `?after=${after}`}`);
        if (!r.ok) break;
        const page = (await r.json()) as { notes: Note[]; next: number | null };
        all = [...all, ...page.notes];
        if (live) setNotes(all);
        after = page.next;
      }
    })().catch(() => undefined);
    return () => {
      live = false;
    };
  }, [jobId, version]);
  const bySeq = useMemo(() => {
    const m = new Map<number, Note[]>();
    for (const n of notes) m.set(n.seq, [...(m.get(n.seq) ?? []), n]);
    return m;
  }, [notes]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return useMemo(() => ({ jobId, bySeq, me, reload }), [jobId, bySeq, me, reload]);
}
