// Starting an experiment: the runs a history filter (or the ticked runs) picks are rerun with a changed agent setup.
// The preview says how many and what it may cost; start queues the reruns (lib/runs/rerun.ts) and audits, in one
// transaction, or writes nothing.
import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit, type Actor } from "@/lib/audit/log";
import { queueReruns } from "@/lib/runs/rerun";
import { FILTER_KEYS, parseHistoryQuery, type HistoryFilters } from "@/lib/history/query";
import { isJobId } from "@/lib/trajectory/job-id";
import { badRequest, tooManyRequests } from "@/lib/http/errors";
import { appConfig } from "@/lib/config";
import type { Prisma } from "@/lib/generated/prisma/client";
import { checkModelEndpoint } from "@/lib/outbound/model-endpoint";
import { priceAt, type ModelPriceRow } from "@/lib/costs/prices";
import type { Cost } from "@/lib/costs/money";
import { EXPERIMENT_MAX_NAME_CHARS, EXPERIMENT_MAX_NOTE_CHARS, EXPERIMENT_MAX_RUNS } from "@/lib/limits";
import { estimateBasis, setupSchema, type EstimateBasis, type Setup } from "@/lib/experiments/setup";
import {
  countSelection,
  insertExperiment,
  originalTotals,
  selectedRunIds,
  type OriginalTotals,
  type Selection,
} from "@/lib/experiments/queries";

const runId = z.string().refine(isJobId, "not a run id (expected a UUID)");

/** The runs to rerun: the history's filters as URL parameters (`workflow=patch-triage&verdict=yes`), or ticked run ids. */
export const selectionInputSchema = z.union([
  z.object({ filters: z.string().max(4000) }).strict(),
  z
    .object({ ids: z.array(runId).min(1, "tick at least one run").max(EXPERIMENT_MAX_RUNS, `at most ${EXPERIMENT_MAX_RUNS} runs`) })
    .strict(),
]);

export const previewInputSchema = z.object({
  selection: selectionInputSchema,
  setup: setupSchema,
  /** rerun only the newest `limit` runs of the selection; without it, a selection over the cap is refused */
  limit: z.number().int().min(1).max(EXPERIMENT_MAX_RUNS).optional(),
});

export const startInputSchema = previewInputSchema.extend({
  name: z.string().trim().min(1, "give the experiment a name").max(EXPERIMENT_MAX_NAME_CHARS),
  note: z.string().max(EXPERIMENT_MAX_NOTE_CHARS).default(""),
});

export type PreviewInput = z.input<typeof previewInputSchema>;
export type StartInput = z.input<typeof startInputSchema>;

/** The selection with its filters checked as the history checks its URL; throws BadRequest naming the parameter. */
function toSelection(input: z.infer<typeof selectionInputSchema>): Selection {
  if ("ids" in input) return { ids: [...new Set(input.ids.map((id) => id.toLowerCase()))] };
  const parsed = parseHistoryQuery(new URLSearchParams(input.filters));
  if (!parsed.ok) throw badRequest(`selection.filters: ${parsed.error}`);
  const filters: HistoryFilters = {};
  for (const k of FILTER_KEYS) if (parsed.query[k] !== undefined) (filters as Record<string, unknown>)[k] = parsed.query[k];
  return { filters };
}

/** The run ids an experiment takes, newest first; throws BadRequest when there are none or too many without a limit. */
async function resolveRuns(db: Db, selection: Selection, limit: number | undefined) {
  const count = await countSelection(db, selection, EXPERIMENT_MAX_RUNS);
  if (count.runs === 0) {
    throw badRequest(
      count.notEnded
        ? "the selected runs are all still pending or running: rerun them once they have ended"
        : "no runs match the selection",
    );
  }
  if (limit === undefined && count.runs > EXPERIMENT_MAX_RUNS) {
    throw badRequest(
      `the selection matches more than ${EXPERIMENT_MAX_RUNS.toLocaleString("en-US")} runs, the most one experiment reruns: narrow the filter or take the newest ${EXPERIMENT_MAX_RUNS.toLocaleString("en-US")} (limit)`,
    );
  }
  const ids = await selectedRunIds(db, selection, Math.min(limit ?? EXPERIMENT_MAX_RUNS, EXPERIMENT_MAX_RUNS));
  return { ids, matched: count.runs > EXPERIMENT_MAX_RUNS ? null : count.runs, notEnded: count.notEnded };
}

export interface Estimate {
  basis: EstimateBasis;
  /** the price the estimate used (basis "model"); null when the model has none */
  price: ModelPriceRow | null;
  /** the reruns' estimated cost: the originals' tokens × the chosen model's price */
  cost: Cost;
  /** what the originals cost */
  originals: Cost;
  tokens: { input: number; output: number; thoughts: number };
}

/** Estimates from the originals' tokens: at the chosen model's price now, 0 for replay, the originals' own cost for a label. */
export async function estimateCost(db: Db, basis: EstimateBasis, t: OriginalTotals, at = new Date()): Promise<Estimate> {
  const originals: Cost = { usd: t.costUsd ?? (t.withTokens ? null : 0), unpriced: t.costPartialRuns };
  const tokens = { input: t.inputTokens, output: t.outputTokens, thoughts: t.thoughtsTokens };
  if (basis.kind === "replay") return { basis, price: null, cost: { usd: 0, unpriced: 0 }, originals, tokens };
  if (basis.kind === "originals") return { basis, price: null, cost: originals, originals, tokens };
  const price = await priceAt(db, basis.model, at);
  const spent = t.inputTokens + t.outputTokens + t.thoughtsTokens > 0;
  const cost: Cost = price
    ? {
        usd: (t.inputTokens * price.inputPerMtok + t.outputTokens * price.outputPerMtok + t.thoughtsTokens * price.thinkingPerMtok) / 1e6,
        unpriced: 0,
      }
    : { usd: spent ? null : 0, unpriced: spent ? t.withTokens : 0 };
  return { basis, price, cost, originals, tokens };
}

export interface Preview {
  /** reruns the experiment would queue */
  runs: number;
  /** rerunnable runs the selection matches; null when more than the cap */
  matched: number | null;
  /** selected runs left out because they are still pending or running (counted up to the cap) */
  notEnded: number;
  cap: number;
  estimate: Estimate;
}

/** What starting would do, for the confirmation dialog. Throws BadRequest for a bad or empty selection. */
export async function previewExperiment(db: Db, raw: PreviewInput): Promise<Preview> {
  const input = previewInputSchema.parse(raw);
  const { ids, matched, notEnded } = await resolveRuns(db, toSelection(input.selection), input.limit);
  const estimate = await estimateCost(db, estimateBasis(input.setup), await originalTotals(db, ids));
  return { runs: ids.length, matched, notEnded, cap: EXPERIMENT_MAX_RUNS, estimate };
}

const usd = (v: number) => `$${v.toFixed(2)}`;

/** Refuses (400, with the estimate) an experiment over EXPERIMENT_BUDGET_USD, or one that cannot be estimated under it. */
function checkExperimentBudget(estimate: Estimate): void {
  const budget = appConfig().EXPERIMENT_BUDGET_USD;
  if (budget === undefined) return;
  const { usd: cost, unpriced } = estimate.cost;
  if (cost === null || unpriced > 0)
    throw badRequest(
      `the cost of this experiment cannot be estimated (${unpriced.toLocaleString("en-US")} runs have no price for their model) and each experiment has a budget of ${usd(budget)} (EXPERIMENT_BUDGET_USD): pick a priced model or ask an admin to add its price`,
    );
  if (cost > budget)
    throw badRequest(
      `this experiment is estimated at ${usd(cost)}, over the budget of ${usd(budget)} per experiment (EXPERIMENT_BUDGET_USD): take fewer runs (limit) or a cheaper model`,
    );
}

/**
 * Refuses a user's experiment past EXPERIMENTS_PER_DAY_PER_USER in 24 hours (429, saying when the next may start) or
 * past USER_BUDGET_USD_30_DAYS of estimated cost in 30 days (400, with the figures). Under the reruns' advisory lock,
 * so two starts at once are counted one after the other. The command line has no quota.
 */
async function checkUserQuotas(tx: Prisma.TransactionClient, actor: Actor, estimate: Estimate): Promise<void> {
  if (actor.id === null) return;
  const { EXPERIMENTS_PER_DAY_PER_USER: perDay, USER_BUDGET_USD_30_DAYS: budget } = appConfig();
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('trajectory-viewer:rerun-quota'))`;
  const [day] = await tx.$queryRaw<{ n: number; first: Date | null }[]>`
    SELECT count(*)::int AS n, min(created_at) AS first FROM experiments
    WHERE created_by_id = ${actor.id} AND created_at > now() - interval '1 day'`;
  if (day!.n >= perDay) {
    const wait = day!.first ? (day!.first.getTime() + 86_400_000 - Date.now()) / 1000 : 3600;
    throw tooManyRequests(
      `you started ${day!.n} experiments in the last 24 hours, the limit is ${perDay} (EXPERIMENTS_PER_DAY_PER_USER): the next may start in ${Math.ceil(wait / 60)} minutes`,
      wait,
    );
  }
  if (budget === undefined) return;
  const [spent] = await tx.$queryRaw<{ usd: number }[]>`
    SELECT coalesce(sum(estimate_usd), 0)::float8 AS usd FROM experiments
    WHERE created_by_id = ${actor.id} AND created_at > now() - interval '30 days'`;
  const cost = estimate.cost.usd;
  if (cost === null || estimate.cost.unpriced > 0)
    throw badRequest(
      `the cost of this experiment cannot be estimated and your experiments have a budget of ${usd(budget)} in 30 days (USER_BUDGET_USD_30_DAYS): pick a priced model`,
    );
  if (spent!.usd + cost > budget)
    throw badRequest(
      `this experiment is estimated at ${usd(cost)}; with the ${usd(spent!.usd)} your experiments of the last 30 days are estimated at, that passes your budget of ${usd(budget)} in 30 days (USER_BUDGET_USD_30_DAYS)`,
    );
}

/**
 * Creates the experiment and queues one rerun per selected run, each linked to its original (rerun_of_id) and to the
 * experiment, asking for the setup (Args.AgentSetup); audited in the same transaction. Returns the experiment's id.
 * Throws BadRequest for a bad selection, one over the cap or over a spend budget, Conflict when a run started
 * meanwhile, TooManyRequests past the experiments-per-day or pending-rerun quotas (lib/config.ts).
 */
export async function startExperiment(db: Db, raw: StartInput, actor: Actor): Promise<{ id: string; runs: number }> {
  const input = startInputSchema.parse(raw);
  const selection = toSelection(input.selection);
  const setup: Setup = input.setup;
  // A model endpoint the admins have not allowed is refused before anything is queued (400 naming the host).
  await checkModelEndpoint(db, setup.value);
  const { ids } = await resolveRuns(db, selection, input.limit);
  const estimate = await estimateCost(db, estimateBasis(setup), await originalTotals(db, ids));
  checkExperimentBudget(estimate);
  const id = randomUUID();
  await db.$transaction(
    async (tx) => {
      await checkUserQuotas(tx, actor, estimate);
      await insertExperiment(tx, {
        id,
        name: input.name,
        note: input.note,
        setup: setup.value,
        setupKind: setup.kind,
        selection: { ...selection, limit: input.limit ?? null },
        runCount: ids.length,
        estimateUsd: estimate.cost.usd,
        estimatePartial: estimate.cost.unpriced > 0,
        createdById: actor.id,
        createdByLabel: actor.label,
      });
      await queueReruns(tx, ids, { experimentId: id, setup: setup.value, requestedBy: actor.id });
      await recordAudit(tx, actor, "experiment", id, {
        name: input.name,
        setup: setup.value,
        setupKind: setup.kind,
        runs: ids.length,
        estimateUsd: estimate.cost.usd,
      });
    },
    { timeout: 60_000 },
  );
  return { id, runs: ids.length };
}
