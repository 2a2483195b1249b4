// Integration: the database global setup migrated matches prisma/migrations and schema.prisma.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { diffSchemaAgainstDatabase, prismaPaths, readMigrations } from "@/lib/db/schema-engine";

const url = inject("databaseUrl");
const client = new pg.Client({ connectionString: url });
beforeAll(() => client.connect());
afterAll(() => client.end());

describe("migrated database", () => {
  it("is the one the workers see as DATABASE_URL", () => {
    expect(process.env.DATABASE_URL).toBe(url);
  });

  it("has the jobs and spans tables", async () => {
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(rows.map((row) => row.table_name)).toEqual(expect.arrayContaining(["jobs", "spans", "_prisma_migrations"]));
  });

  it("records every migration, init first, as prisma migrate deploy would (name, checksum, finished)", async () => {
    const { migrationDirectories } = await readMigrations();
    expect(migrationDirectories[0]?.path).toMatch(/^\d{14}_init$/);
    const { rows } = await client.query<{ migration_name: string; checksum: string; done: boolean; rolled_back: boolean }>(
      `SELECT migration_name, checksum, finished_at IS NOT NULL AS done, rolled_back_at IS NOT NULL AS rolled_back
         FROM _prisma_migrations ORDER BY migration_name`,
    );
    const expected = await Promise.all(
      migrationDirectories.map(async ({ path: name }) => ({
        migration_name: name,
        // Prisma's checksum is the SHA-256 of migration.sql; a mismatch would make `prisma migrate deploy` object.
        checksum: createHash("sha256")
          .update(await readFile(path.join(prismaPaths().migrationsDir, name, "migration.sql")))
          .digest("hex"),
        done: true,
        rolled_back: false,
      })),
    );
    expect(rows).toEqual(expected);
  });

  it("agrees with schema.prisma", async () => {
    expect(await diffSchemaAgainstDatabase(url)).toBe("");
  });
});
