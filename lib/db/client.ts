// The primary's Prisma client (class "write": everything that writes, sign-in, the queue). Readers' clients come from
// readDb() (lib/db/read-your-writes.ts); lib/db/pools.ts decides which database and which time limit each class gets.
import "server-only";
import { closeListener } from "./listen";
import { closePools, dbFor, type Db } from "./pools";

export type { Db };

/** The client of class "write" on DATABASE_URL, created once per process (and kept across dev hot reloads). */
export function db(): Db {
  return dbFor("write");
}

/** Closes every client and pool and the LISTEN connection (CLI tools and tests call it before exiting). */
export async function disconnectDb(): Promise<void> {
  await closePools();
  await closeListener();
}
