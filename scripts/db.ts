// `npm run db:*`: migrations and client generation that work offline (Prisma's WASM schema engine, embedded PostgreSQL).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

const USAGE = `usage: tsx scripts/db.ts <command>
  migrate           apply pending migrations to DATABASE_URL, or to the embedded PostgreSQL in .data/postgres
  check             fail (printing the SQL) when prisma/schema.prisma and prisma/migrations disagree
  migration <name>  write prisma/migrations/<stamp>_<name>/migration.sql bringing the migrations up to schema.prisma
                    (--empty: an empty one, for hand-written SQL)
  generate [args]   prisma generate, without the schema-engine download it would attempt`;

type Cleanup = () => Promise<void>;
let cleanup: Cleanup = async () => {};

// Stop our PostgreSQL before dying, also when only this process is signalled (not the whole terminal group).
for (const [signal, code] of [
  ["SIGINT", 130],
  ["SIGTERM", 143],
] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(code)));
}

// A schema-engine panic surfaces as an uncaught exception; still remove the scratch database.
process.once("uncaughtException", (error) => {
  console.error(error);
  void cleanup().finally(() => process.exit(1));
});

/** The URL with its password masked, for log lines. */
function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable DATABASE_URL)";
  }
}

async function migrate(): Promise<number> {
  const { resolveDatabase } = await import("../lib/db/database-url");
  const { applyMigrations } = await import("../lib/db/schema-engine");
  const database = await resolveDatabase();
  cleanup = database.stop;
  console.log(`Migrating ${displayUrl(database.url)} (${database.source})`);
  const applied = await applyMigrations(database.url);
  console.log(applied.length > 0 ? `Applied ${applied.length}: ${applied.join(", ")}` : "No pending migrations");
  return 0;
}

/** A scratch database, whatever DATABASE_URL says: these commands apply every migration and must not touch real data. */
async function scratchDatabase(): Promise<string> {
  const { resolveDatabase } = await import("../lib/db/database-url");
  const database = await resolveDatabase({ throwaway: true, ignoreDatabaseUrl: true });
  cleanup = database.stop;
  return database.url;
}

async function check(): Promise<number> {
  const { createMigrationSql } = await import("../lib/db/schema-engine");
  const sql = await createMigrationSql(await scratchDatabase());
  if (sql === "") {
    console.log("schema and migrations agree");
    return 0;
  }
  console.error("prisma/schema.prisma and prisma/migrations disagree; the migrations lack:\n");
  console.error(sql);
  console.error("Create a migration with: npm run db:migration -- <name>");
  return 1;
}

async function migration(args: string[]): Promise<number> {
  const empty = args.includes("--empty");
  const name = args.find((arg) => !arg.startsWith("--"));
  if (!name) {
    console.error("usage: npm run db:migration -- <name> [--empty]");
    return 2;
  }
  const { createMigrationSql, writeMigration } = await import("../lib/db/schema-engine");
  const sql = empty ? "-- This is an empty migration.\n" : await createMigrationSql(await scratchDatabase());
  if (sql === "") {
    console.log("schema and migrations agree: no migration needed (use --empty for a hand-written one)");
    return 0;
  }
  console.log(`Created ${await writeMigration(name, sql)}/migration.sql`);
  return 0;
}

/** Any existing executable makes the Prisma CLI skip its engine download; generate does not run it. */
function generate(args: string[]): number {
  const require = createRequire(import.meta.url);
  const standIn = ["/bin/true", "/usr/bin/true"].find((file) => existsSync(file)) ?? process.execPath;
  const result = spawnSync(process.execPath, [require.resolve("prisma/build/index.js"), "generate", ...args], {
    stdio: "inherit",
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || standIn,
      // No update check: it only waits for a network that may not be there.
      CHECKPOINT_DISABLE: "1",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    },
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case "migrate":
      return migrate();
    case "check":
      return check();
    case "migration":
      return migration(args);
    case "generate":
      return generate(args);
    default:
      console.error(USAGE);
      return 2;
  }
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
} finally {
  await cleanup().catch((error: unknown) => console.error("stopping PostgreSQL:", error));
}
// Explicit: the schema engine may leave timers behind, and a CLI should not linger on them.
process.exit(code);
