-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "code_revision_link" TEXT,
ADD COLUMN     "dashboard_link" TEXT,
ADD COLUMN     "error_redacted" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "external_bug_id" TEXT,
ADD COLUMN     "values_printed" BOOLEAN NOT NULL DEFAULT false;
