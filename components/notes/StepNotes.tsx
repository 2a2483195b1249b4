"use client";
// The notes on one step: each as markdown with who and when, editable by its author; operators add one. Shown in the
// details pane and, compact (no form until asked), in the conversation.
import { lazy, Suspense, useState } from "react";
import type { Note } from "@/lib/notes/notes";
import { failureReason } from "@/lib/http/failure-reason";
import { formatTime } from "@/lib/format";
import { useNotesContext } from "@/components/notes/use-notes";
import { MAX_NOTE_CHARS } from "@/lib/limits";

const Markdown = lazy(() => import("@/components/run/Markdown"));

const button = "rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50 disabled:opacity-50";

function NoteForm({
  initial,
  onSave,
  onCancel,
}: {
  initial: string;
  onSave: (body: string) => Promise<string | null>;
  onCancel: () => void;
}) {
  const [text, setText] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="space-y-1"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        const problem = await onSave(text);
        setBusy(false);
        setError(problem);
      }}
    >
      <textarea
        className="block w-full rounded border border-slate-300 bg-white p-1.5 font-mono text-xs"
        rows={3}
        maxLength={MAX_NOTE_CHARS}
        aria-label="Note (markdown)"
        placeholder="A note on this step (markdown)"
        value={text}
        onChange={(e) => setText(e.target.value)}
        data-testid="note-input"
      />
      <div className="flex items-center gap-2">
        <button type="submit" className={button} disabled={busy || !text.trim()} data-testid="note-save">
          Save note
        </button>
        <button type="button" className={button} onClick={onCancel}>
          Cancel
        </button>
        {error && (
          <span className="text-xs text-red-700" role="alert">
            {error}
          </span>
        )}
      </div>
    </form>
  );
}

function NoteView({ note, canEdit, onEdit }: { note: Note; canEdit: boolean; onEdit: () => void }) {
  return (
    <div className="rounded border border-amber-200 bg-amber-50 px-2 py-1" data-note={note.id}>
      <div className="flex items-center gap-2 text-[11px] text-slate-600">
        <span className="font-medium">{note.author}</span>
        <span title={note.createdAt}>{formatTime(new Date(note.createdAt), false)} UTC</span>
        {note.updatedAt !== note.createdAt && <span className="italic">edited</span>}
        {canEdit && (
          <button type="button" className="ml-auto text-sky-700 hover:underline" onClick={onEdit}>
            Edit
          </button>
        )}
      </div>
      <Suspense fallback={<p className="whitespace-pre-wrap text-sm">{note.body}</p>}>
        <Markdown text={note.body} />
      </Suspense>
    </div>
  );
}

export function StepNotes({ seq, compact = false }: { seq: number; compact?: boolean }) {
  const ctx = useNotesContext();
  const [editing, setEditing] = useState<string | "new" | null>(null);
  if (!ctx) return null;
  const notes = ctx.bySeq.get(seq) ?? [];
  const canWrite = ctx.me?.canWrite ?? false;
  if (compact && notes.length === 0) return null;
  const save = async (body: string, note?: Note): Promise<string | null> => {
    const res = await fetch(note ? `/api/jobs/${ctx.jobId}/notes/${note.id}` : `/api/jobs/${ctx.jobId}/notes`, {
      method: note ? "PUT" : "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(note ? { body } : { seq, body }),
    }).catch(() => null);
    if (!res) return "the app did not answer; try again";
    if (!res.ok) return failureReason(res);
    setEditing(null);
    ctx.reload();
    return null;
  };
  return (
    <section className="mt-1 space-y-1" data-testid={`notes-${seq}`} aria-label="Notes">
      {notes.map((n) =>
        editing === n.id ? (
          <NoteForm key={n.id} initial={n.body} onSave={(b) => save(b, n)} onCancel={() => setEditing(null)} />
        ) : (
          <NoteView key={n.id} note={n} canEdit={canWrite && n.authorId === ctx.me?.id} onEdit={() => setEditing(n.id)} />
        ),
      )}
      {canWrite &&
        !compact &&
        (editing === "new" ? (
          <NoteForm initial="" onSave={(b) => save(b)} onCancel={() => setEditing(null)} />
        ) : (
          <button type="button" className={button} onClick={() => setEditing("new")} data-testid="note-add">
            Add a note
          </button>
        ))}
    </section>
  );
}
