-- CreateTable
CREATE TABLE "span_notes" (
    "id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "author_id" TEXT,
    "author_label" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "span_notes_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "span_notes_job_id_seq_idx" ON "span_notes"("job_id", "seq");

-- AddForeignKey
ALTER TABLE "span_notes" ADD CONSTRAINT "span_notes_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "span_notes" ADD CONSTRAINT "span_notes_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
