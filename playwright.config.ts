// End-to-end tests: the built app on a throwaway PostgreSQL, driven in Chromium (Debian's, when present).
import { defineConfig } from "@playwright/test";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { OPERATOR_STATE } from "./e2e/users";
import { CHROMIUM_ARGS, chromiumPath, toolConfig } from "./lib/config";

const PORT = toolConfig().E2E_PORT;
// The app writes its throwaway database URL here; tests that prepare or check data read it (e2e/db.ts).
process.env.TRAJECTORY_URL_FILE ??= path.join(os.tmpdir(), `trajectory-e2e-${PORT}.url`);
const chromium = chromiumPath(existsSync);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "off",
    launchOptions: {
      executablePath: chromium,
      args: CHROMIUM_ARGS,
    },
  },
  // Tests start signed in as an operator (they import and rerun runs); auth.spec.ts signs in as others or not at all.
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    { name: "chromium", dependencies: ["setup"], testIgnore: /auth\.setup\.ts/, use: { storageState: OPERATOR_STATE } },
  ],
  webServer: {
    // --no-agent: tests that need an agent start their own (e2e/agent-client.ts, scripts/agent.ts).
    // --no-mirror: the mirror's schedule would sync a dashboard a test follows at a moment of its own choosing, racing
    // the test's own `npm run mirror` (e2e/mirror.spec.ts); the schedule is tested by tests/mirror (mirrorTick).
    command: "node --conditions=react-server --import tsx scripts/start.ts --throwaway --no-agent --no-mirror",
    url: `http://127.0.0.1:${PORT}/`,
    env: { PORT: String(PORT), HOST: "127.0.0.1", TRAJECTORY_URL_FILE: process.env.TRAJECTORY_URL_FILE },
    timeout: 300_000,
    reuseExistingServer: false,
    // SIGTERM lets start.ts stop PostgreSQL and remove the throwaway database.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
    stderr: "pipe",
  },
});
