// The server's side of WORKFLOWS_FILE: read once per process, registered into the catalog before any verdict is read
// (the write path and the pages call ensureExtraWorkflows), and handed to the browser as JSON (app/layout.tsx).
import "server-only";
import { readFileSync } from "node:fs";
import { appConfig } from "@/lib/config";
import { registerWorkflows } from "./catalog";
import { registerFields } from "./fields";
import { parseExtraWorkflows, toCatalog, type ExtraWorkflow } from "./extra";

let loaded: { file: string | undefined; entries: ExtraWorkflow[] } | null = null;

/**
 * The workflow file's entries, registered in this process's catalog (once per file). Throws an Error naming the file
 * and the entry when it cannot be read or is not valid: a wrong file stops the app rather than hiding verdicts.
 */
export function ensureExtraWorkflows(): ExtraWorkflow[] {
  const file = appConfig().WORKFLOWS_FILE;
  if (loaded && loaded.file === file) return loaded.entries;
  let entries: ExtraWorkflow[] = [];
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw new Error(`WORKFLOWS_FILE ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
    }
    entries = parseExtraWorkflows(file, text);
    applyExtraWorkflows(entries);
  }
  loaded = { file, entries };
  return entries;
}

/** Registers checked entries into the catalog and the field kinds (server and browser alike). */
export function applyExtraWorkflows(entries: readonly ExtraWorkflow[]): void {
  const converted = entries.map(toCatalog);
  registerFields(converted.flatMap((c) => c.fields));
  registerWorkflows(converted.map((c) => c.spec));
}
