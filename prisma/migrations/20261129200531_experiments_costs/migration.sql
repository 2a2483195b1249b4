-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "cost_unpriced" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "cost_usd" DOUBLE PRECISION DEFAULT 0,
ADD COLUMN     "experiment_id" UUID;

-- CreateTable
CREATE TABLE "experiments" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "setup" TEXT NOT NULL,
    "setup_kind" TEXT NOT NULL,
    "selection" JSONB NOT NULL,
    "run_count" INTEGER NOT NULL,
    "estimate_usd" DOUBLE PRECISION,
    "estimate_partial" BOOLEAN NOT NULL DEFAULT false,
    "created_by_id" TEXT,
    "created_by_label" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "experiments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_prices" (
    "id" SERIAL NOT NULL,
    "model" TEXT NOT NULL,
    "input_per_mtok" DOUBLE PRECISION NOT NULL,
    "output_per_mtok" DOUBLE PRECISION NOT NULL,
    "thinking_per_mtok" DOUBLE PRECISION NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "effective_from" TIMESTAMPTZ(6) NOT NULL,
    "source" TEXT NOT NULL DEFAULT '',
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_prices_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "experiments_created_at_id_idx" ON "experiments"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "model_prices_model_effective_from_key" ON "model_prices"("model", "effective_from");

-- CreateIndex
CREATE INDEX "jobs_experiment_id_status_idx" ON "jobs"("experiment_id", "status");

-- CreateIndex
CREATE INDEX "jobs_cost_usd_id_idx" ON "jobs"("cost_usd", "id");

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_experiment_id_fkey" FOREIGN KEY ("experiment_id") REFERENCES "experiments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "experiments" ADD CONSTRAINT "experiments_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- ---- Hand-written: prices, the cost rule, and the job's kept cost.

-- Currency is USD only: totals add prices up, and no exchange rates are kept.
ALTER TABLE "model_prices" ADD CONSTRAINT "model_prices_usd" CHECK ("currency" = 'USD');
ALTER TABLE "model_prices" ADD CONSTRAINT "model_prices_not_negative"
  CHECK ("input_per_mtok" >= 0 AND "output_per_mtok" >= 0 AND "thinking_per_mtok" >= 0);

-- The price of model `m` at time `at`: among rows naming it exactly or by a prefix pattern (`claude-sonnet-4-5*`)
-- and in effect by then, an exact name wins, then the longest prefix, then the newest effective date. The one place
-- this rule is written (lib/costs/ calls it); NULL when no price applies.
CREATE FUNCTION model_price_id(m text, at timestamptz) RETURNS integer LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT p.id FROM model_prices p
  WHERE p.effective_from <= at
    AND (p.model = m OR (right(p.model, 1) = '*' AND starts_with(m, left(p.model, -1))))
  ORDER BY (p.model = m) DESC, length(p.model) DESC, p.effective_from DESC
  LIMIT 1
$$;

-- One span's cost in USD: its tokens × the price in effect at its start. 0 when it spent no tokens (a replay, a tool),
-- NULL when it spent tokens and its model has no price. Tokens are counted as the job's totals count them (all spans).
CREATE FUNCTION span_cost_usd(m text, at timestamptz, input_tokens bigint, output_tokens bigint, thoughts_tokens bigint)
RETURNS double precision LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN coalesce(input_tokens, 0) + coalesce(output_tokens, 0) + coalesce(thoughts_tokens, 0) = 0 THEN 0::double precision
    ELSE (SELECT (coalesce(input_tokens, 0) * p.input_per_mtok + coalesce(output_tokens, 0) * p.output_per_mtok
                  + coalesce(thoughts_tokens, 0) * p.thinking_per_mtok) / 1e6
          FROM model_prices p WHERE p.id = model_price_id(m, at))
  END
$$;

-- A job's cost: the sum over its priced spans, and how many spans spent tokens without a price. usd is NULL when
-- spans spent tokens and none of them had a price ("no price", never 0).
CREATE FUNCTION job_cost(job uuid, OUT usd double precision, OUT unpriced integer) LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN count(c) = 0 AND count(*) > 0 THEN NULL ELSE coalesce(sum(c), 0) END, (count(*) - count(c))::integer
  FROM (SELECT span_cost_usd(s.model, s.started_at, s.input_tokens, s.output_tokens, s.output_thoughts_tokens) AS c
        FROM spans s
        WHERE s.job_id = job
          AND coalesce(s.input_tokens, 0) + coalesce(s.output_tokens, 0) + coalesce(s.output_thoughts_tokens, 0) > 0) AS priced
$$;

-- The job's kept cost follows its token totals, whatever wrote them (an import, an agent's ai_job_done, a late span):
-- a deferred trigger computes it at commit, when every span of the transaction is in. Writing cost_* changes no
-- totals, so the trigger does not fire on its own update.
CREATE FUNCTION jobs_refresh_cost() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE jobs j SET cost_usd = c.usd, cost_unpriced = c.unpriced
  FROM job_cost(NEW.id) c
  WHERE j.id = NEW.id AND (j.cost_usd IS DISTINCT FROM c.usd OR j.cost_unpriced IS DISTINCT FROM c.unpriced);
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER jobs_cost_insert AFTER INSERT ON jobs DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (NEW.total_tokens > 0) EXECUTE FUNCTION jobs_refresh_cost();
CREATE CONSTRAINT TRIGGER jobs_cost_update AFTER UPDATE OF input_tokens, output_tokens, thoughts_tokens, total_tokens, models ON jobs
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (OLD.total_tokens IS DISTINCT FROM NEW.total_tokens OR OLD.input_tokens IS DISTINCT FROM NEW.input_tokens
    OR OLD.output_tokens IS DISTINCT FROM NEW.output_tokens OR OLD.thoughts_tokens IS DISTINCT FROM NEW.thoughts_tokens
    OR OLD.models IS DISTINCT FROM NEW.models)
  EXECUTE FUNCTION jobs_refresh_cost();

-- List prices per million tokens, as the providers' public price pages gave them (standard tier, prompts up to 200k
-- tokens where the price has tiers; thinking tokens are billed as output). Written from the author's knowledge of
-- those pages as of late 2025, without browsing: check them before trusting a figure, and correct them at /admin.
-- Effective from each model's public release. gemini-3.1-pro-preview is assumed to cost what gemini-3-pro-preview
-- does. The demo's gemini-3.6-flash is made up and has no price on purpose (its runs say "no price").
INSERT INTO model_prices (model, input_per_mtok, output_per_mtok, thinking_per_mtok, effective_from, source) VALUES
  ('gemini-3.1-pro-preview*', 2.00, 12.00, 12.00, '2025-11-18', 'assumed equal to gemini-3-pro-preview (ai.google.dev/gemini-api/docs/pricing, ≤200k prompt), not read from a page'),
  ('gemini-3-pro-preview*',   2.00, 12.00, 12.00, '2025-11-18', 'ai.google.dev/gemini-api/docs/pricing, ≤200k prompt, as known in late 2025'),
  ('gemini-3-flash-preview*', 0.50,  3.00,  3.00, '2025-12-17', 'ai.google.dev/gemini-api/docs/pricing, as known in late 2025'),
  ('gemini-2.5-pro*',         1.25, 10.00, 10.00, '2025-03-25', 'ai.google.dev/gemini-api/docs/pricing, ≤200k prompt, as known in late 2025'),
  ('gemini-2.5-flash*',       0.30,  2.50,  2.50, '2025-04-17', 'ai.google.dev/gemini-api/docs/pricing (text input), as known in late 2025'),
  ('gemini-2.5-flash-lite*',  0.10,  0.40,  0.40, '2025-06-17', 'ai.google.dev/gemini-api/docs/pricing (text input), as known in late 2025'),
  ('claude-sonnet-4-5*',      3.00, 15.00, 15.00, '2025-09-29', 'anthropic.com/pricing, ≤200k prompt, as known in late 2025'),
  ('claude-opus-4-5*',        5.00, 25.00, 25.00, '2025-11-24', 'anthropic.com/pricing, as known in late 2025'),
  ('claude-haiku-4-5*',       1.00,  5.00,  5.00, '2025-10-15', 'anthropic.com/pricing, as known in late 2025'),
  ('gpt-5*',                  1.25, 10.00, 10.00, '2025-08-07', 'openai.com/api/pricing, as known in late 2025'),
  ('gpt-5-mini*',             0.25,  2.00,  2.00, '2025-08-07', 'openai.com/api/pricing, as known in late 2025'),
  ('gpt-5-nano*',             0.05,  0.40,  0.40, '2025-08-07', 'openai.com/api/pricing, as known in late 2025');

-- Runs stored before this migration get their cost now.
UPDATE jobs SET (cost_usd, cost_unpriced) = (SELECT c.usd, c.unpriced FROM job_cost(jobs.id) c) WHERE total_tokens > 0;
