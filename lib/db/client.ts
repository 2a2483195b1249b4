// The one Prisma client of the process, on PostgreSQL through the pg driver adapter (no native engine).
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { appConfig } from "@/lib/config";
import { closeListener } from "./listen";
import { closePool } from "./pool";

export type Db = InstanceType<typeof PrismaClient>;

const globalForDb = globalThis as unknown as { trajectoryDb?: Db; trajectoryDbUrl?: string };

/** Client for DATABASE_URL, created once per process (and kept across dev hot reloads). */
export function db(): Db {
  const url = appConfig().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start the app with `npm start`, or set it to a PostgreSQL URL");
  if (!globalForDb.trajectoryDb || globalForDb.trajectoryDbUrl !== url) {
    globalForDb.trajectoryDb = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 10 }) });
    globalForDb.trajectoryDbUrl = url;
  }
  return globalForDb.trajectoryDb;
}

/** Closes the client, the write path's pg pool and the LISTEN connection (CLI tools and tests call it before exiting). */
export async function disconnectDb(): Promise<void> {
  await closePool();
  await closeListener();
  await globalForDb.trajectoryDb?.$disconnect();
  globalForDb.trajectoryDb = undefined;
}
