-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "redacted_hash" TEXT;

-- CreateTable
CREATE TABLE "mirror_dashboards" (
    "id" SERIAL NOT NULL,
    "base_url" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "follow" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_sync_started_at" TIMESTAMPTZ(6),
    "last_sync_finished_at" TIMESTAMPTZ(6),
    "last_sync_error" TEXT,
    "seen" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "failures" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "mirror_dashboards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "mirror_jobs" (
    "dashboard_id" INTEGER NOT NULL,
    "remote_id" TEXT NOT NULL,
    "job_id" UUID NOT NULL,
    "list_hash" TEXT NOT NULL,
    "page_hash" TEXT NOT NULL,
    "settled" BOOLEAN NOT NULL,
    "fetched_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mirror_jobs_pkey" PRIMARY KEY ("dashboard_id","remote_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "mirror_dashboards_base_url_namespace_key" ON "mirror_dashboards"("base_url", "namespace");

-- AddForeignKey
ALTER TABLE "mirror_jobs" ADD CONSTRAINT "mirror_jobs_dashboard_id_fkey" FOREIGN KEY ("dashboard_id") REFERENCES "mirror_dashboards"("id") ON DELETE CASCADE ON UPDATE CASCADE;
