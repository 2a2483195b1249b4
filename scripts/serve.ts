// The app's server process (lib/server/server.ts): `npm run dev` runs it with --dev; `npm start` and the end-to-end
// tests run it through scripts/start.ts (which first prepares the database and the build).
import { parseArgs } from "node:util";
import path from "node:path";

const { values: flags } = parseArgs({ options: { dev: { type: "boolean", default: false } } });
// Next reads NODE_ENV as it loads: set before the server module (and so Next) is imported.
(process.env as Record<string, string | undefined>).NODE_ENV ??= flags.dev ? "development" : "production";
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const { appConfig } = await import("@/lib/config");
const { startServer } = await import("@/lib/server/server");
const { PORT: port, HOST: hostname } = appConfig();
const server = await startServer({ dev: flags.dev, dir: path.resolve(import.meta.dirname, ".."), hostname, port });
console.log(`Serving on http://${hostname}:${port}${flags.dev ? " (development)" : ""}`);

// SIGTERM/SIGINT: stop taking connections, let requests in flight finish (an acknowledged span is committed), then exit.
for (const sig of ["SIGTERM", "SIGINT"] as const)
  process.once(sig, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  });
