// Imports uploaded files end to end: parse every file first, then store each run in its own transaction.
import "server-only";
import type { Db } from "@/lib/db/client";
import { InvalidRunError, saveImportedRun, type SavedRun } from "@/lib/db/save-run";
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
      errors.push({ file: e.file, reason: e.reason });
    }
  }
  return { runs, errors };
}

/**
 * All or nothing per request: if any file is bad nothing is written, so a user can fix it and
 * send the same batch again. Each run is still its own transaction.
 */
export async function importFiles(db: Db, files: UploadedFile[]): Promise<ImportOutcome> {
  const { runs, errors } = parseFiles(files);
  if (errors.length) return { ok: false, errors };
  const jobs: (SavedRun & { file: string })[] = [];
  for (const { file, run } of runs) {
    try {
      jobs.push({ file, ...(await saveImportedRun(db, run)) });
    } catch (e) {
      if (!(e instanceof InvalidRunError)) throw e;
      errors.push({ file, reason: e.message });
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, jobs };
}
