// Generated demo kernel checkouts in a temp folder, and the agent's checkout policy over them, for the triage-agent tests.
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createKernelRepo, DEMO_PATCHES } from "@/lib/demo/git-repo";
import { APP_DIR } from "@/lib/triage-agent/config";
import type { CheckoutPolicy } from "@/lib/triage-agent/confinement";

/** A temp folder (real path) holding one demo kernel checkout at `<parent>/kernel`. */
export function tempKernel(): { parent: string; root: string; remove(): void } {
  const parent = realpathSync(mkdtempSync(path.join(os.tmpdir(), "triage-agent-test-")));
  const root = createKernelRepo(path.join(parent, "kernel"), DEMO_PATCHES[0]!);
  return { parent, root, remove: () => rmSync(parent, { recursive: true, force: true }) };
}

/** Checkouts under `roots`; the data folder and caps as given (small caps keep runaway tests short). */
export function policy(roots: string[], over: Partial<CheckoutPolicy> = {}): CheckoutPolicy {
  return {
    roots,
    dataDir: path.join(APP_DIR, ".data", "postgres"),
    appDir: APP_DIR,
    caps: { seconds: 20, memoryBytes: 512 * 1024 * 1024 },
    ...over,
  };
}
