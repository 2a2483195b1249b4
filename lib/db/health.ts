// Liveness and readiness of an app process for a proxy, Docker and Kubernetes: live = the process answers; ready = the
// primary answers and every migration this build ships (prisma/migrations) is applied, so a new version's instances
// take traffic only once `npm run db:migrate` has run. Answers carry no detail an anonymous caller could use.
import "server-only";
import { readdir } from "node:fs/promises";
import { prismaPaths } from "./schema-engine";
import { pool } from "./pool";

/** How long a readiness check waits for the database before saying "not ready". */
const CHECK_MS = 2000;

let shipped: Promise<string[]> | null = null;

/** The migrations this build ships (folder names), read once. */
function shippedMigrations(): Promise<string[]> {
  shipped ??= readdir(prismaPaths().migrationsDir, { withFileTypes: true }).then((es) =>
    es.filter((e) => e.isDirectory()).map((e) => e.name),
  );
  return shipped;
}

export type Readiness = { ready: true } | { ready: false; reason: "database unreachable" | "migrations pending" };

/** Whether this process can serve: the primary answers within 2 s and has every shipped migration applied. */
export async function readiness(): Promise<Readiness> {
  const check = (async (): Promise<Readiness> => {
    const want = await shippedMigrations();
    let applied: Set<string>;
    try {
      const { rows } = await pool().query<{ name: string }>(
        `SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      );
      applied = new Set(rows.map((r) => r.name));
    } catch (e) {
      // No migrations table yet is "pending", anything else "unreachable".
      if ((e as { code?: string }).code === "42P01") return { ready: false, reason: "migrations pending" };
      return { ready: false, reason: "database unreachable" };
    }
    return want.every((m) => applied.has(m)) ? { ready: true } : { ready: false, reason: "migrations pending" };
  })();
  const timeout = new Promise<Readiness>((resolve) =>
    setTimeout(() => resolve({ ready: false, reason: "database unreachable" }), CHECK_MS).unref(),
  );
  return Promise.race([check.catch((): Readiness => ({ ready: false, reason: "database unreachable" })), timeout]);
}
