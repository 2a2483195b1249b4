-- CreateTable
CREATE TABLE "sign_in_counts" (
    "key" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL,
    "window_end" TIMESTAMPTZ(6) NOT NULL,
    "not_before" TIMESTAMPTZ(6),

    CONSTRAINT "sign_in_counts_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "sign_in_addresses" (
    "email" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "last_sign_in_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "sign_in_addresses_pkey" PRIMARY KEY ("email","address")
);

-- CreateIndex
CREATE INDEX "sign_in_counts_window_end_idx" ON "sign_in_counts"("window_end");

-- CreateIndex
CREATE INDEX "sign_in_addresses_last_sign_in_at_idx" ON "sign_in_addresses"("last_sign_in_at");
