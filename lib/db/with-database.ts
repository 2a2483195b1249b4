// Runs a command-line task against a migrated database (DATABASE_URL or embedded), then closes and stops it.
import "server-only";
import { db, disconnectDb, type Db } from "@/lib/db/client";
import { resolveDatabase, type ResolveOptions } from "@/lib/db/database-url";
import { applyMigrations } from "@/lib/db/schema-engine";

export async function withDatabase<T>(task: (db: Db, url: string) => Promise<T>, options: ResolveOptions = {}): Promise<T> {
  const database = await resolveDatabase(options);
  try {
    await applyMigrations(database.url);
    process.env.DATABASE_URL = database.url;
    return await task(db(), database.url);
  } finally {
    await disconnectDb();
    await database.stop();
  }
}
