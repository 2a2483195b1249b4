// The history's query (filters, sort, page) as URL parameters: one zod schema for the page at / and GET /api/jobs.
import "@/lib/zod-jitless";
import { z } from "zod";
import { MAX_QUERY_TEXT_CHARS, MAX_TIMESTAMP, MIN_TIMESTAMP } from "@/lib/limits";
import { isCalendarDay } from "@/lib/trajectory/time";

// In the browser zod must not compile parsers with Function(): the page's CSP forbids eval, and zod's probe for it
// alone reports a violation. The server keeps the faster compiled parsers.
if (typeof window !== "undefined") z.config({ jitless: true });

/** Columns the history can sort by; each has an index ending in id (prisma/schema.prisma). */
export const SORT_KEYS = [
  "created",
  "duration",
  "tokens",
  "llmCalls",
  "toolCalls",
  "toolErrors",
  "worker",
  "workflow",
  "status",
  "verdict",
  "cost",
] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const STATUSES = ["pending", "running", "finished", "failed", "aborted", "incomplete"] as const;
export const PAGE_SIZES = [25, 50, 100, 200] as const;

const yesNo = z.enum(["yes", "no"]);
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "expected a day as YYYY-MM-DD")
  .refine(isCalendarDay, `not a calendar day from ${MIN_TIMESTAMP.slice(0, 10)} to ${MAX_TIMESTAMP.slice(0, 10)}`);
const name = z.string().trim().min(1).max(MAX_QUERY_TEXT_CHARS);

export const historyQuerySchema = z
  .object({
    /** full-text search: every word must match (prefixes too) */
    q: z.string().trim().max(MAX_QUERY_TEXT_CHARS).optional(),
    workflow: name.optional(),
    status: z.enum(STATUSES).optional(),
    /** the run's main yes/no (WorthFuzzing for patch-triage); none = no verdict */
    verdict: z.enum(["yes", "no", "none"]).optional(),
    /** a concrete model of the run's llm calls */
    model: name.optional(),
    /** an agent of the run's trajectory (patch-evaluator, …) */
    agent: name.optional(),
    /** the worker that ran the job (the job's AgentName) */
    worker: name.optional(),
    /** created on or after this day (UTC) */
    from: day.optional(),
    /** created on or before this day (UTC) */
    to: day.optional(),
    /** yes = the run failed or a tool call returned an error */
    errors: yesNo.optional(),
    /** yes = the run is a rerun of another */
    rerun: yesNo.optional(),
    /** an operator's mark: correct, incorrect, or not marked yet */
    review: z.enum(["correct", "incorrect", "unreviewed"]).optional(),
    /** the experiment whose reruns to list (lib/experiments) */
    experiment: z
      .string()
      .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "expected an experiment id")
      .transform((s) => s.toLowerCase())
      .optional(),
    /** yes = an operator left a note on a step of the run (lib/notes) */
    notes: yesNo.optional(),
    sort: z.enum(SORT_KEYS).default("created"),
    dir: z.enum(["asc", "desc"]).default("desc"),
    size: z.coerce
      .number()
      .int()
      .refine((n) => (PAGE_SIZES as readonly number[]).includes(n), `page size must be one of ${PAGE_SIZES.join(", ")}`)
      .default(50),
    /** opaque cursor: the page after this row */
    after: z.string().max(500).optional(),
    /** opaque cursor: the page before this row */
    before: z.string().max(500).optional(),
    /** columns the reader hid (the page only) */
    hide: z.string().max(500).optional(),
  })
  .strict()
  .refine((v) => !(v.after && v.before), { message: "give either after or before, not both" })
  .refine((v) => !(v.from && v.to && v.from > v.to), { message: "from is after to" });

export type HistoryQuery = z.infer<typeof historyQuerySchema>;
export type HistoryFilters = Omit<HistoryQuery, "sort" | "dir" | "size" | "after" | "before" | "hide">;
export const DEFAULT_QUERY: HistoryQuery = historyQuerySchema.parse({});

/** Filter keys in the order the page shows them as chips. */
export const FILTER_KEYS = [
  "q",
  "workflow",
  "status",
  "verdict",
  "model",
  "agent",
  "worker",
  "from",
  "to",
  "errors",
  "rerun",
  "review",
  "experiment",
  "notes",
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

type RawParams = URLSearchParams | Record<string, string | string[] | undefined>;

export type ParsedQuery = { ok: true; query: HistoryQuery } | { ok: false; error: string };

/** Validates URL parameters; empty values count as absent so that a cleared form field is no filter. */
export function parseHistoryQuery(params: RawParams): ParsedQuery {
  const entries: [string, string | string[]][] =
    params instanceof URLSearchParams
      ? [...new Set(params.keys())].map((k) => {
          const all = params.getAll(k);
          return [k, all.length === 1 ? all[0]! : all];
        })
      : Object.entries(params).filter((e): e is [string, string | string[]] => e[1] !== undefined);
  const input: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (Array.isArray(value)) return { ok: false, error: `${key}: give it once` };
    // PostgreSQL cannot compare text with U+0000; no real filter holds one.
    if (value.includes("\u0000")) return { ok: false, error: `${key}: contains a NUL character` };
    if (value.trim() !== "") input[key] = value;
  }
  const parsed = historyQuerySchema.safeParse(input);
  if (parsed.success) return { ok: true, query: parsed.data };
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
  return { ok: false, error: `${where}${issue.message}` };
}

/** A link's query with its bad parameters dropped: the valid filters it kept and what was wrong with each dropped one. */
export interface LenientQuery {
  query: HistoryQuery;
  /** "rerun: Invalid option: expected one of \"yes\"|\"no\"", one per dropped parameter */
  problems: string[];
}

// Checks across parameters name no one key; these are the keys each one drops.
const CROSS_CHECKS: { message: string; drop: string[] }[] = [
  { message: "give either after or before, not both", drop: ["after", "before"] },
  { message: "from is after to", drop: ["from", "to"] },
];

/**
 * The page's reading of a link: each invalid parameter is reported and dropped alone, and every valid one stays
 * applied (a typo in one filter must not widen the list to every run). The API stays strict (parseHistoryQuery).
 */
export function parseHistoryQueryLenient(params: RawParams): LenientQuery {
  const input: Record<string, string | string[]> =
    params instanceof URLSearchParams
      ? Object.fromEntries(
          [...new Set(params.keys())].map((k) => {
            const all = params.getAll(k);
            return [k, all.length === 1 ? all[0]! : all];
          }),
        )
      : Object.fromEntries(Object.entries(params).filter((e): e is [string, string | string[]] => e[1] !== undefined));
  const problems: string[] = [];
  // Each round drops at least one key, so this ends within as many rounds as there are keys (plus the cross checks).
  for (let round = 0; round <= Object.keys(input).length + CROSS_CHECKS.length; round++) {
    const parsed = parseHistoryQuery(input);
    if (parsed.ok) return { query: parsed.query, problems };
    problems.push(parsed.error);
    const key = parsed.error.split(":")[0]!;
    const cross = CROSS_CHECKS.find((c) => parsed.error === c.message);
    const drop = cross ? cross.drop : key in input ? [key] : [];
    // An unknown key (strict schema) names itself in the message; any other failure leaves nothing to keep.
    const unknown =
      /^Unrecognized keys?: (.+)$/
        .exec(parsed.error)?.[1]
        ?.match(/"([^"]+)"/g)
        ?.map((k) => k.slice(1, -1)) ?? [];
    const keys = [...drop, ...unknown].filter((k) => k in input);
    if (keys.length === 0) break;
    for (const k of keys) delete input[k];
  }
  return { query: DEFAULT_QUERY, problems };
}

/** The query as URL parameters, leaving out defaults so that links stay short. */
export function toSearchParams(query: Partial<HistoryQuery>): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === "") continue;
    if ((DEFAULT_QUERY as Record<string, unknown>)[key] === value) continue;
    out.set(key, String(value));
  }
  return out;
}

/** A link to the same view with some parameters changed; any change of filter or sort starts at the first page. */
export function hrefWith(query: HistoryQuery, change: Partial<Record<keyof HistoryQuery, string | number | undefined>>): string {
  const next: Record<string, unknown> = { ...query, after: undefined, before: undefined, ...change };
  const s = toSearchParams(next as Partial<HistoryQuery>).toString();
  return s ? `/?${s}` : "/";
}

export function hasFilters(query: HistoryQuery): boolean {
  return FILTER_KEYS.some((k) => query[k] !== undefined);
}

/** Columns hidden by the `hide` parameter: absent = the defaults, "none" = show all. */
export function hiddenColumns(hide: string | undefined, defaults: readonly string[]): string[] {
  if (hide === undefined) return [...defaults];
  return hide === "none" ? [] : hide.split(",").filter(Boolean);
}

/** The same page with other columns hidden (the cursor stays: hiding a column is no new search). */
export function hrefWithHidden(query: HistoryQuery, hidden: string[]): string {
  const s = toSearchParams({ ...query, hide: hidden.length ? hidden.join(",") : "none" }).toString();
  return `/?${s}`;
}

/** "1,234 runs", "≈ 1.2M runs", "10,000+ runs". */
export function formatRunCount(total: { count: number; kind: "exact" | "estimate" | "atLeast" }): string {
  const n = total.count;
  const runs = n === 1 ? "run" : "runs";
  if (total.kind === "exact") return `${n.toLocaleString("en-US")} ${runs}`;
  if (total.kind === "atLeast") return `${n.toLocaleString("en-US")}+ ${runs}`;
  const approx = n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k` : n.toLocaleString("en-US");
  return `≈ ${approx} ${runs}`;
}
