// Imports uploaded files end to end in one PostgreSQL transaction: each file is parsed, checked and streamed into the
// database in turn (so memory holds one file's spans at a time), and any bad file rolls the whole request back.
import "server-only";
import { inTransaction } from "@/lib/db/pool";
import { RunConflictError, prepareRun, storePreparedRun, type SavedRun } from "@/lib/ingest/save-run";
import type { Actor } from "@/lib/audit/log";
import { ImportError } from "./errors";
import { parseRunFile } from "./detect";

export interface UploadedFile {
  name: string;
  content: Buffer;
}

export interface FileProblem {
  file: string;
  reason: string;
  /** TooLarge when the file passed a limit, Conflict when its run ID is stored with other content */
  code: "BadRequest" | "TooLarge" | "Conflict";
}

export type ImportOutcome = { ok: true; jobs: (SavedRun & { file: string })[] } | { ok: false; errors: FileProblem[] };

// Thrown inside the transaction to roll it back once every file's problems are known.
class Refused extends Error {
  constructor(readonly errors: FileProblem[]) {
    super("import refused");
  }
}

/** An array is emptied as it is read, so each file's bytes can be freed once it is stored. */
async function* oneByOne(files: UploadedFile[] | AsyncIterable<UploadedFile>): AsyncIterable<UploadedFile> {
  if (!Array.isArray(files)) return yield* files;
  while (files.length) yield files.shift()!;
}

/**
 * All or nothing per request: if any file is bad nothing is written, and every bad file is named, so a user can fix
 * them and send the same batch again. Runs already stored with the same content are reported with created: false;
 * a run ID stored with other content is a Conflict (history is append-only). Each stored run is audited under `actor`.
 * `files` is read one file at a time: an array is emptied as it goes, an async iterable (the import worker reading
 * the upload from disk, lib/import/offload.ts) is asked for the next file only once the last is stored, so memory
 * holds one file's bytes and spans at a time.
 */
export async function importFiles(files: UploadedFile[] | AsyncIterable<UploadedFile>, actor: Actor): Promise<ImportOutcome> {
  try {
    const jobs = await inTransaction(
      async (sql) => {
        const errors: FileProblem[] = [];
        const out: (SavedRun & { file: string })[] = [];
        for await (const f of oneByOne(files)) {
          let runs;
          try {
            runs = parseRunFile(f.name, f.content);
          } catch (e) {
            if (!(e instanceof ImportError)) throw e;
            errors.push({ file: e.file, reason: e.reason, code: e.code });
            continue;
          }
          // After a bad file the rest are still parsed, to name every problem, but no longer stored.
          for (const run of runs) {
            const prepared = prepareRun(run);
            if (errors.length) continue;
            try {
              out.push({ file: f.name, ...(await storePreparedRun(sql, prepared, actor)) });
            } catch (e) {
              if (!(e instanceof RunConflictError)) throw e;
              errors.push({ file: f.name, reason: e.message, code: "Conflict" });
            }
          }
        }
        if (errors.length) throw new Refused(errors);
        return out;
        // Files are consumed as they are stored: a second run of this transaction would find none.
      },
      { retry: false },
    );
    return { ok: true, jobs };
  } catch (e) {
    if (e instanceof Refused) return { ok: false, errors: e.errors };
    throw e;
  }
}
