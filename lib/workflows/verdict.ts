// A run's verdict read through its workflow's description: the main yes/no with its field and wording, and the
// results and inputs as typed fields in the workflow's order.
import { printedText } from "@/lib/trajectory/printed";
import { workflowSpec, type MainVerdictSpec, type WorkflowSpec } from "./catalog";
import { fieldSpec, type FieldSpec } from "./fields";
import { setOwn } from "@/lib/text/own-key";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Results (or Args) as an object. A job page gives Results as display items [{Name, IsBool, Value}] and Args as
 * [{Key, Value, Large}] (dashboard/app/ai.go uiAIResult, uiAIJobArg); both become objects. Null, a text the dashboard
 * printed, or anything else: null.
 */
export function resultsObject(results: unknown): Record<string, unknown> | null {
  if (isRecord(results)) return printedText(results) === null ? results : null;
  if (Array.isArray(results)) {
    const out: Record<string, unknown> = {};
    for (const item of results) {
      if (!isRecord(item)) continue;
      const name = typeof item.Name === "string" ? item.Name : typeof item.Key === "string" ? item.Key : null;
      if (name !== null) setOwn(out, name, item.Value);
    }
    return Object.keys(out).length ? out : null;
  }
  return null;
}

/** The main verdict of a run, in the workflow's words. */
export interface MainVerdict {
  /** the Results field it comes from (WorthFuzzing, PatchDiff) */
  field: string;
  value: boolean;
  /** the answer in words: "worth fuzzing", "not reproduced", "patch produced" */
  text: string;
  /** a yes the workflow hopes for is good (green), a yes on Exploitable bad (red); a no is neutral */
  tone: "good" | "bad" | "neutral";
}

/** A boolean result named like a verdict: WorthFuzzing, IsValid, Reproduced, Success, Exploitable… */
const VERDICT_NAME =
  /^(?:Is|Has|Can|Should|Needs?|Worth|Was|Were|Did|Does)[A-Z]|^(?:Success|Successful|Ok|Found|Valid|Correct|Confirmed|Relevant|Vulnerable)$|[a-z](?:ed|able|ible)$/;

/** "WorthFuzzing" → "worth fuzzing". */
function words(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

/**
 * The main verdict of a workflow nobody described, inferred from its results: the first boolean result (in the
 * results' own order) named like a verdict, worded from its name ("worth fuzzing" / "not worth fuzzing"). Null when
 * no result qualifies.
 */
export function inferredMain(results: Record<string, unknown>): MainVerdictSpec | null {
  const field = Object.keys(results).find((k) => typeof results[k] === "boolean" && VERDICT_NAME.test(k));
  if (!field) return null;
  const w = words(field);
  return { field, yes: w, no: `not ${w}`, yesMeans: "good" };
}

/** The workflow's description, or for an unknown workflow one inferred from its results (no inputs order, main first). */
function specFor(workflow: string, r: Record<string, unknown> | null, type?: string | null): WorkflowSpec | null {
  const known = workflowSpec(workflow, type);
  if (known || !r) return known;
  const main = inferredMain(r);
  return main ? { type: workflow, summary: "", main, outputs: [main.field], inputs: [], source: "inferred from the results" } : null;
}

function readMain(spec: WorkflowSpec, r: Record<string, unknown>): boolean | null {
  if (spec.main.read) return spec.main.read(r);
  const v = r[spec.main.field];
  return typeof v === "boolean" ? v : null;
}

/** The words of a verdict value for a workflow; null when the workflow has no main verdict (unknown workflows). */
export function verdictWords(workflow: string, value: boolean, type?: string | null): MainVerdict | null {
  const spec = workflowSpec(workflow, type);
  if (!spec) return null;
  const { field, yes, no, yesMeans } = spec.main;
  return { field, value, text: value ? yes : no, tone: value ? yesMeans : "neutral" };
}

/**
 * The run's main verdict: the workflow's own field read its own way (pkg/aflow/ai/ai.go), or null when the
 * workflow is unknown, the results are missing (the flow failed) or hold no such value (partial results).
 */
export function mainVerdict(workflow: string, results: unknown, type?: string | null): MainVerdict | null {
  const r = resultsObject(results);
  const spec = specFor(workflow, r, type);
  if (!spec || !r) return null;
  const value = readMain(spec, r);
  if (value === null) return null;
  const { field, yes, no, yesMeans } = spec.main;
  return { field, value, text: value ? yes : no, tone: value ? yesMeans : "neutral" };
}

/**
 * All a verdict reads of Results (mainVerdict, every workflow's `read`): its top-level keys in order, the booleans,
 * numbers and nulls among their values, and of the other values their kind and whether a string is blank. The rest
 * is replaced by a stand-in of its kind ("" or "x", [], {}), so a large Results decoded on a worker thread is not
 * copied back for its verdict (lib/agents/payload.ts). verdictOf gives the same for both (a test checks it).
 */
export function verdictInput(results: Record<string, unknown> | null): Record<string, unknown> | null {
  if (results === null) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(results)) {
    const kept =
      v === null || typeof v === "boolean" || typeof v === "number"
        ? v
        : typeof v === "string"
          ? v.trim() === ""
            ? ""
            : "x"
          : Array.isArray(v)
            ? []
            : typeof v === "object"
              ? {}
              : null;
    setOwn(out, k, kept);
  }
  return out;
}

/** The boolean stored on the job for lists and filters (jobs.verdict). */
export function verdictOf(workflow: string, results: unknown, type?: string | null): boolean | null {
  return mainVerdict(workflow, results, type)?.value ?? null;
}

/** One field of a run's results or inputs, with what it is. */
export interface ShownField {
  spec: FieldSpec;
  value: unknown;
}

export interface FieldList {
  /** present fields: the workflow's in its order, then others alphabetically */
  fields: ShownField[];
  /** fields the workflow always writes that these results lack (partial results) */
  missing: string[];
}

function ordered(order: readonly string[], values: Record<string, unknown>, expectAll: boolean): FieldList {
  const known = new Set(order);
  const fields: ShownField[] = [];
  const missing: string[] = [];
  for (const name of order) {
    if (Object.hasOwn(values, name)) fields.push({ spec: fieldSpec(name, values[name]), value: values[name] });
    else if (expectAll) missing.push(name);
  }
  for (const name of Object.keys(values)
    .filter((k) => !known.has(k))
    .sort())
    fields.push({ spec: fieldSpec(name, values[name]), value: values[name] });
  return { fields, missing };
}

/**
 * A run's results as fields in the workflow's order. Every output of an upstream workflow is always written
 * (convertToMap emits each struct field), so absent ones are listed as missing; unknown workflows keep the
 * results' own fields, alphabetically.
 */
export function resultFields(workflow: string, results: unknown, type?: string | null): FieldList {
  const r = resultsObject(results);
  if (!r) return { fields: [], missing: [] };
  const known = workflowSpec(workflow, type);
  if (known) return ordered(known.outputs, r, true);
  // An unknown workflow's results in their own names' order, the inferred verdict first; nothing is "missing".
  return ordered(specFor(workflow, r, type)?.outputs ?? [], r, false);
}

/** A run's inputs as fields in the workflow's reading order; args it does not list follow alphabetically. */
export function inputFields(workflow: string, args: unknown, type?: string | null): ShownField[] {
  const a = resultsObject(args);
  if (!a) return [];
  return ordered(workflowSpec(workflow, type)?.inputs ?? [], a, false).fields;
}
