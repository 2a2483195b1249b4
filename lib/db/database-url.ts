// Decides which PostgreSQL the process uses: DATABASE_URL when set, otherwise an embedded server started on demand.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { appConfig } from "@/lib/config";
import { defaultDataDir, startEmbeddedPostgres, type EmbeddedPostgresOptions } from "./embedded-postgres";

export interface ResolvedDatabase {
  url: string;
  /** Stops the embedded server (removing a throwaway one's files); a no-op for DATABASE_URL. */
  stop(): Promise<void>;
  /** Where the database came from, for log lines. */
  source: "DATABASE_URL" | "embedded" | "embedded-throwaway";
}

export interface ResolveOptions {
  /** Without DATABASE_URL: a fresh cluster in a temp dir instead of the persistent one in .data/postgres. */
  throwaway?: boolean;
  /** Also bypass DATABASE_URL (for checks that must never touch a real database). */
  ignoreDatabaseUrl?: boolean;
  onLog?: EmbeddedPostgresOptions["onLog"];
}

export async function resolveDatabase(options: ResolveOptions = {}): Promise<ResolvedDatabase> {
  const fromEnv = appConfig().DATABASE_URL;
  if (fromEnv && !options.ignoreDatabaseUrl) return { url: fromEnv, stop: async () => {}, source: "DATABASE_URL" };
  if (options.throwaway) {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), "trajectory-pg-"));
    try {
      // Non-persistent: its stop() deletes dataDir.
      const server = await startEmbeddedPostgres({ dataDir, persistent: false, onLog: options.onLog });
      return { url: server.url, stop: server.stop, source: "embedded-throwaway" };
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }
  const server = await startEmbeddedPostgres({ dataDir: defaultDataDir(), persistent: true, onLog: options.onLog });
  return { url: server.url, stop: server.stop, source: "embedded" };
}
