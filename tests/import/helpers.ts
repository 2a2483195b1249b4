// Shared bits for the import tests: fixture paths and an assertion that an ImportError names file and problem.
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { ImportError } from "@/lib/import/errors";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
export const fixture = (name: string) => path.join(repoRoot, "tests/fixtures/import", name);
export const readFixture = (name: string) => readFileSync(fixture(name));

/** Runs fn, expects an ImportError for `file` whose message matches `problem`. */
export function expectImportError(fn: () => unknown, file: string, problem: RegExp): ImportError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ImportError);
  const err = caught as ImportError;
  expect(err.file).toBe(file);
  expect(err.message.startsWith(`${file}: `)).toBe(true);
  expect(err.message).toMatch(problem);
  return err;
}
