// Vitest global setup: one migrated database for the whole run — DATABASE_URL when set, else a throwaway embedded PostgreSQL.
import type { TestProject } from "vitest/node";
import { resolveDatabase } from "../lib/db/database-url";
import { applyMigrations } from "../lib/db/schema-engine";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const previousUrl = process.env.DATABASE_URL;
  const database = await resolveDatabase({ throwaway: true });
  try {
    await applyMigrations(database.url);
  } catch (error) {
    await database.stop();
    throw error;
  }
  // Workers are started after global setup and inherit this, so code reading DATABASE_URL (lib/db/client) just works;
  // `inject("databaseUrl")` is the explicit route.
  process.env.DATABASE_URL = database.url;
  project.provide("databaseUrl", database.url);
  return async () => {
    await database.stop();
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
  };
}
