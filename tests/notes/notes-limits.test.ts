// Notes on a run are capped (per run, per author per day) and read a page at a time: 2,999 notes of 10,000 characters
// on one run made GET /api/jobs/<id>/notes answer 30 MB at once and hold the event loop 2 s. Pages over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { COMMAND_LINE } from "@/lib/audit/log";
import { importFiles } from "@/lib/import/import-files";
import { addUser } from "@/lib/auth/users";
import { addNote } from "@/lib/notes/notes";
import { HttpError } from "@/lib/http/errors";
import { NOTES_MAX_PER_AUTHOR_PER_DAY, NOTES_MAX_PER_RUN, NOTES_PAGE_SIZE } from "@/lib/limits";
import { GET as notesGET } from "@/app/api/jobs/[id]/notes/route";
import { serveRoutes } from "../helpers/route-server";

let base = "";
let close = async () => {};
beforeAll(async () => {
  ({ base, close } = await serveRoutes([{ path: /^\/api\/jobs\/(?<id>[^/]+)\/notes$/, handlers: { GET: notesGET } }]));
});
afterAll(async () => {
  await close();
  await disconnectDb();
});

async function run(): Promise<string> {
  const outcome = await importFiles(
    [
      {
        name: "n.json",
        content: Buffer.from(
          JSON.stringify([
            { Seq: 0, Nesting: 0, Type: "flow", Name: `notes-${randomUUID().slice(0, 8)}`, Started: "2026-03-01T10:00:00Z" },
          ]),
        ),
      },
    ],
    COMMAND_LINE,
  );
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  return outcome.jobs[0]!.id;
}

/** `n` notes on run `id`, spread over steps 0..n/3 (three a step), stored in bulk as test data. */
async function seedNotes(id: string, n: number, authorId: string | null = null): Promise<void> {
  await db().$executeRaw`
    INSERT INTO span_notes (id, job_id, seq, author_id, author_label, body, created_at, updated_at)
    SELECT gen_random_uuid(), ${id}::uuid, g / 3, ${authorId}, 'seed', 'note ' || g, now() + g * interval '1 ms', now()
    FROM generate_series(0, ${n - 1}) g`;
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as HttpError,
  );

describe("notes", () => {
  it("are read a page at a time, whole steps in order, until next is null", async () => {
    const id = await run();
    await seedNotes(id, NOTES_PAGE_SIZE * 2 + 50);
    const seen: string[] = [];
    let pages = 0;
    for (let after: number | null | undefined = undefined; after !== null; pages++) {
      const res = await fetch(`${base}/api/jobs/${id}/notes${after === undefined ? "" : `?after=${after}`}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as { notes: { seq: number; body: string }[]; next: number | null };
      expect(page.notes.length).toBeLessThanOrEqual(NOTES_PAGE_SIZE + 3);
      if (page.next !== null) expect(page.notes.at(-1)!.seq).toBe(page.next);
      seen.push(...page.notes.map((n) => n.body));
      after = page.next;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: NOTES_PAGE_SIZE * 2 + 50 }, (_, g) => `note ${g}`));
    expect((await fetch(`${base}/api/jobs/${id}/notes?after=x`)).status).toBe(400);
  });

  it("a run holds at most NOTES_MAX_PER_RUN notes: the next is refused 409 naming the limit", async () => {
    const id = await run();
    await seedNotes(id, NOTES_MAX_PER_RUN);
    const e = await refusal(addNote(db(), id, { seq: 1, body: "one more" }, COMMAND_LINE));
    expect(e?.status).toBe(409);
    expect(e?.message).toMatch(/NOTES_MAX_PER_RUN 1000/);
  });

  it("an author adds at most NOTES_MAX_PER_AUTHOR_PER_DAY notes a day: the next is refused 429 with Retry-After", async () => {
    const user = await addUser(
      db(),
      { email: `n-${randomUUID().slice(0, 8)}@example.com`, role: "operator", password: "long enough pw" },
      COMMAND_LINE,
    );
    const actor = { id: user.id, label: user.email };
    await seedNotes(await run(), NOTES_MAX_PER_AUTHOR_PER_DAY, user.id);
    const e = await refusal(addNote(db(), await run(), { seq: 0, body: "one more" }, actor));
    expect(e?.status).toBe(429);
    expect(e?.headers?.["retry-after"]).toBeDefined();
    expect(e?.message).toMatch(/NOTES_MAX_PER_AUTHOR_PER_DAY 500/);
    // Another author is not affected.
    expect(await addNote(db(), await run(), { seq: 0, body: "fine" }, COMMAND_LINE)).toMatchObject({ body: "fine" });
  });
});
