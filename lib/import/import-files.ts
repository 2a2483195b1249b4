// Imports uploaded files end to end: parse and check every file first, then store all runs in one transaction.
import "server-only";
import type { Db } from "@/lib/db/client";
import { IMPORT_TRANSACTION, InvalidRunError, prepareRun, storePreparedRun, type PreparedRun, type SavedRun } from "@/lib/ingest/save-run";
import type { ImportedRun } from "@/lib/trajectory/span";
import { ImportError } from "./errors";
import { parseRunFile } from "./detect";

export interface UploadedFile {
  name: string;
  content: Buffer;
}

export interface FileProblem {
  file: string;
  reason: string;
  /** TooLarge when the file passed a limit */
  code: "BadRequest" | "TooLarge";
}

export type ImportOutcome = { ok: true; jobs: (SavedRun & { file: string })[] } | { ok: false; errors: FileProblem[] };

/** Parses files without touching the database; problems name the file and what is wrong. */
export function parseFiles(files: UploadedFile[]): { runs: { file: string; run: ImportedRun }[]; errors: FileProblem[] } {
  const runs: { file: string; run: ImportedRun }[] = [];
  const errors: FileProblem[] = [];
  for (const f of files) {
    try {
      for (const run of parseRunFile(f.name, f.content)) runs.push({ file: f.name, run });
    } catch (e) {
      if (!(e instanceof ImportError)) throw e;
      errors.push({ file: e.file, reason: e.reason, code: e.code });
    }
  }
  return { runs, errors };
}

/**
 * All or nothing per request: if any file is bad nothing is written, so a user can fix it and
 * send the same batch again. Every check runs before the one transaction that stores every run.
 */
export async function importFiles(db: Db, files: UploadedFile[]): Promise<ImportOutcome> {
  const { runs, errors } = parseFiles(files);
  if (errors.length) return { ok: false, errors };
  const prepared: { file: string; run: PreparedRun }[] = [];
  for (const { file, run } of runs) {
    try {
      prepared.push({ file, run: prepareRun(run) });
    } catch (e) {
      if (!(e instanceof InvalidRunError)) throw e;
      errors.push({ file, reason: e.message, code: "BadRequest" });
    }
  }
  if (errors.length) return { ok: false, errors };
  const jobs = await db.$transaction(async (tx) => {
    const out: (SavedRun & { file: string })[] = [];
    for (const { file, run } of prepared) out.push({ file, ...(await storePreparedRun(tx, run)) });
    return out;
  }, IMPORT_TRANSACTION);
  return { ok: true, jobs };
}
