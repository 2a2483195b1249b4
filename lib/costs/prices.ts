// The model price table (model_prices): listing, the price in effect for a model at a time, and admins' edits, each
// audited in the same transaction and followed by the kept cost of the runs it changes. The matching rule itself is
// the SQL function model_price_id (prisma/migrations/*_experiments_costs): exact name, then longest prefix pattern,
// then the newest effective date not after the span's start.
import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
import { recordAudit, type Actor } from "@/lib/audit/log";
import { MAX_PRICE_PER_MTOK, MAX_SHORT_FIELD_CHARS } from "@/lib/limits";
import { notFound } from "@/lib/http/errors";
import { isCalendarDay } from "@/lib/trajectory/time";

export interface ModelPriceRow {
  id: number;
  model: string;
  inputPerMtok: number;
  outputPerMtok: number;
  thinkingPerMtok: number;
  currency: string;
  effectiveFrom: Date;
  source: string;
}

/** Every price, by model and then newest first. */
export async function listPrices(db: Db): Promise<ModelPriceRow[]> {
  return db.modelPrice.findMany({ orderBy: [{ model: "asc" }, { effectiveFrom: "desc" }] });
}

/** The price in effect for `model` at `at`, or null ("no price"). */
export async function priceAt(db: Pick<Db, "$queryRaw">, model: string, at: Date): Promise<ModelPriceRow | null> {
  const rows = await db.$queryRaw<ModelPriceRow[]>`
    SELECT id, model, input_per_mtok AS "inputPerMtok", output_per_mtok AS "outputPerMtok", thinking_per_mtok AS "thinkingPerMtok",
      currency, effective_from AS "effectiveFrom", source
    FROM model_prices WHERE id = model_price_id(${model}, ${at})`;
  return rows[0] ?? null;
}

// An empty form field is no price at all, not 0 (z.coerce.number reads "" as 0).
const perMtok = z
  .union([z.number(), z.string().trim().min(1, "give a price in USD per million tokens (0 when free)")])
  .pipe(
    z.coerce
      .number<string | number>("a number of USD per million tokens")
      .min(0, "must not be negative")
      .max(MAX_PRICE_PER_MTOK, `at most ${MAX_PRICE_PER_MTOK} USD per million tokens`),
  );

/** A calendar day written as it is (2026-02-30 is none: Date would roll it to March 2), from 2000 on. */
const isPriceDay = (d: string) => isCalendarDay(d) && d >= "2000-01-01";

/** What an admin enters for a price (USD per million tokens; the day it takes effect, UTC). */
export const priceInputSchema = z.object({
  model: z
    .string()
    .trim()
    .min(1, "give a model name or a prefix ending in *")
    .max(MAX_SHORT_FIELD_CHARS)
    .regex(/^[A-Za-z0-9._:/@-]+\*?$/, "letters, digits and . _ : / @ -, optionally ending in * (a prefix)"),
  inputPerMtok: perMtok,
  outputPerMtok: perMtok,
  thinkingPerMtok: perMtok,
  effectiveFrom: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "a day as YYYY-MM-DD")
    .refine(isPriceDay, "not a calendar day from 2000-01-01 on"),
  source: z.string().trim().max(500).default(""),
});
export type PriceInput = z.infer<typeof priceInputSchema>;

/**
 * Recomputes the kept cost of the runs a price pattern may touch (their models array names a matching model), in the
 * caller's transaction. Returns how many runs were looked at. One statement; on a million runs of one model it takes a while.
 */
async function refreshCosts(tx: Prisma.TransactionClient, pattern: string): Promise<number> {
  const prefix = pattern.endsWith("*") ? pattern.slice(0, -1) : null;
  return tx.$executeRaw`
    UPDATE jobs SET (cost_usd, cost_unpriced) = (SELECT c.usd, c.unpriced FROM job_cost(jobs.id) c)
    WHERE total_tokens > 0 AND EXISTS (
      SELECT 1 FROM unnest(models) m WHERE ${prefix === null ? pattern : null}::text = m OR starts_with(m, ${prefix}::text))`;
}

/** Adds a price, or replaces the one of the same model and day. Audited; the affected runs' costs follow. */
export async function setPrice(db: Db, input: PriceInput, actor: Actor): Promise<{ id: number; runs: number }> {
  const p = priceInputSchema.parse(input);
  const effectiveFrom = new Date(`${p.effectiveFrom}T00:00:00Z`);
  return db.$transaction(
    async (tx) => {
      const data = { inputPerMtok: p.inputPerMtok, outputPerMtok: p.outputPerMtok, thinkingPerMtok: p.thinkingPerMtok, source: p.source };
      const row = await tx.modelPrice.upsert({
        where: { model_effectiveFrom: { model: p.model, effectiveFrom } },
        create: { model: p.model, effectiveFrom, ...data },
        update: data,
      });
      await recordAudit(tx, actor, "price.set", p.model, { ...p });
      return { id: row.id, runs: await refreshCosts(tx, p.model) };
    },
    { timeout: 120_000 },
  );
}

/** Removes a price. Audited; the affected runs' costs follow (to an older price, or "no price"). */
export async function removePrice(db: Db, id: number, actor: Actor): Promise<{ runs: number }> {
  return db.$transaction(
    async (tx) => {
      const row = await tx.modelPrice.findUnique({ where: { id } });
      if (!row) throw notFound(`no price ${id}`);
      await tx.modelPrice.delete({ where: { id } });
      await recordAudit(tx, actor, "price.remove", row.model, {
        effectiveFrom: row.effectiveFrom.toISOString().slice(0, 10),
        inputPerMtok: row.inputPerMtok,
        outputPerMtok: row.outputPerMtok,
        thinkingPerMtok: row.thinkingPerMtok,
      });
      return { runs: await refreshCosts(tx, row.model) };
    },
    { timeout: 120_000 },
  );
}
