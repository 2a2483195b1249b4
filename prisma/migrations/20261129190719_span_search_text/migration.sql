-- AlterTable
ALTER TABLE "spans" ADD COLUMN     "search_text" TEXT;
