// Workflows described without code: a JSON file (WORKFLOWS_FILE, lib/config.ts) names each workflow's main verdict
// field and its words, its field order, and the kinds of its fields. Its entries are checked here (zod) and turned into
// catalog entries; a bad file is refused as a whole with the entry and field named.
import "@/lib/zod-jitless";
import { z } from "zod";
import type { WorkflowSpec } from "./catalog";
import type { FieldKind, FieldSpec } from "./fields";

const FIELD_KINDS = [
  "bool",
  "text",
  "line",
  "code",
  "diff",
  "folded",
  "list",
  "configs",
  "folded-list",
  "recipients",
  "fixes",
  "tags",
  "replies",
  "patch-history",
  "json",
] as const satisfies readonly FieldKind[];

const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, "a Go field name (letters, digits, underscores)");
const wordsSchema = z.string().min(1).max(100);

export const extraWorkflowSchema = z.strictObject({
  type: z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/, "a workflow type: lowercase letters, digits and dashes"),
  summary: z.string().max(300).default(""),
  main: z.strictObject({
    field: name,
    yes: wordsSchema,
    no: wordsSchema,
    /** "bool": the field is a boolean (the default); "non-empty": a non-empty text is yes (PatchDiff) */
    read: z.enum(["bool", "non-empty"]).default("bool"),
    yesMeans: z.enum(["good", "bad"]).default("good"),
  }),
  outputs: z.array(name).max(200).default([]),
  inputs: z.array(name).max(200).default([]),
  fields: z
    .array(
      z.strictObject({
        name,
        kind: z.enum(FIELD_KINDS),
        lang: z.enum(["syz", "c", "json"]).optional(),
        hint: z.string().max(300).optional(),
      }),
    )
    .max(400)
    .default([]),
  source: z.string().max(300).optional(),
});

export const extraWorkflowsSchema = z.array(extraWorkflowSchema).max(200);
export type ExtraWorkflow = z.infer<typeof extraWorkflowSchema>;

/** A text is yes when non-empty; anything but a string says nothing. */
function nonEmpty(field: string) {
  return (r: Record<string, unknown>) => {
    const v = r[field];
    return typeof v === "string" ? v.trim() !== "" : null;
  };
}

/** A checked entry as a catalog entry and its field descriptions; the main field leads the outputs. */
export function toCatalog(e: ExtraWorkflow): { spec: WorkflowSpec; fields: FieldSpec[] } {
  const { field, yes, no, read, yesMeans } = e.main;
  return {
    spec: {
      type: e.type,
      summary: e.summary,
      main: { field, yes, no, yesMeans, ...(read === "non-empty" ? { read: nonEmpty(field) } : {}) },
      outputs: [field, ...e.outputs.filter((o) => o !== field)],
      inputs: e.inputs,
      source: e.source ?? "a workflow file",
    },
    fields: e.fields,
  };
}

/** Reads a workflow file's text; throws an Error naming the file, the entry and the field for anything wrong. */
export function parseExtraWorkflows(file: string, text: string): ExtraWorkflow[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`, { cause: e });
  }
  const parsed = extraWorkflowsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [index, ...rest] = issue.path;
    const where = typeof index === "number" ? `entry ${index + 1}${rest.length ? `, "${rest.join(".")}"` : ""}` : "the file";
    throw new Error(`${file}: ${where}: ${issue.message} (expected a list of workflow descriptions)`);
  }
  return parsed.data;
}
