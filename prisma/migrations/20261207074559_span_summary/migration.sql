-- AlterTable
ALTER TABLE "spans" ADD COLUMN     "summary" TEXT;
