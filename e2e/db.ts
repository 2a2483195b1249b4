// Direct access to the app's test database, for preparing data (pending jobs) and checking what was stored.
import { readFileSync } from "node:fs";
import pg from "pg";

export function databaseUrl(): string {
  const file = process.env.TRAJECTORY_URL_FILE;
  if (!file) throw new Error("TRAJECTORY_URL_FILE is not set (see playwright.config.ts)");
  return readFileSync(file, "utf8").trim();
}

export async function withDb<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
