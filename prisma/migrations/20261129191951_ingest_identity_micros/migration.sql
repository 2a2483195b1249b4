-- Identity by key (agent_client), the AgentName spans come with, error truncation mark, 64-bit token totals,
-- and span Args/Results as json (text kept as received: key order, number text) instead of jsonb.
-- AlterEnum
ALTER TYPE "JobStatus" ADD VALUE 'incomplete';

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "agent_client" TEXT,
ADD COLUMN     "error_truncated" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "span_agent_name" TEXT,
ALTER COLUMN "input_tokens" SET DATA TYPE BIGINT,
ALTER COLUMN "output_tokens" SET DATA TYPE BIGINT,
ALTER COLUMN "thoughts_tokens" SET DATA TYPE BIGINT,
ALTER COLUMN "total_tokens" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "spans" ALTER COLUMN "args" SET DATA TYPE JSON,
ALTER COLUMN "results" SET DATA TYPE JSON;
