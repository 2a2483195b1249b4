"use client";
// Puts the workflow file's descriptions (WORKFLOWS_FILE, read on the server) into the browser's catalog. Rendered by
// the layout before the page, so the pages' verdicts and field kinds read them on their first render.
import { registerWorkflows } from "@/lib/workflows/catalog";
import { registerFields } from "@/lib/workflows/fields";
import { toCatalog, type ExtraWorkflow } from "@/lib/workflows/extra";

let registered: string | null = null;

export function RegisterWorkflows({ entries }: { entries: ExtraWorkflow[] }) {
  const key = JSON.stringify(entries);
  if (entries.length && registered !== key) {
    const converted = entries.map(toCatalog);
    registerFields(converted.flatMap((c) => c.fields));
    registerWorkflows(converted.map((c) => c.spec));
    registered = key;
  }
  return null;
}
