// A generated demo kernel checkout in a temp folder, shared by the triage-agent unit tests.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createKernelRepo, DEMO_PATCHES } from "@/lib/demo/git-repo";

export function tempKernel(): { root: string; remove(): void } {
  const parent = mkdtempSync(path.join(os.tmpdir(), "triage-agent-test-"));
  const root = createKernelRepo(path.join(parent, "kernel"), DEMO_PATCHES[0]!);
  return { root, remove: () => rmSync(parent, { recursive: true, force: true }) };
}
