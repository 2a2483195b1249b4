import { afterAll, beforeAll } from "vitest";
import { closeWorkers, startWorkers } from "@/lib/workers/pool";
import { disconnectDb } from "@/lib/db/client";

/**
 * Starts the worker pool before a file's tests (its threads take up to a minute on a loaded machine) and, after them,
 * closes it and the database connection: for tests of work that runs off the main thread past a size.
 */
export function withWorkersAndDb(): void {
  beforeAll(async () => {
    await startWorkers();
  }, 60_000);
  afterAll(async () => {
    await closeWorkers();
    await disconnectDb();
  });
}
