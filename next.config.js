// Next.js configuration: build folder, and the security headers of every answer (pages add their CSP in proxy.ts).
import { readFileSync } from "node:fs";

// The headers are one file, shared with the machine routes' server (lib/server/), which answers POST /api without Next.
const ANSWER_HEADERS = JSON.parse(readFileSync(new URL("./lib/http/answer-headers.json", import.meta.url), "utf8"));
const asList = (headers) => Object.entries(headers).map(([key, value]) => ({ key, value }));

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Separate build folders let two checkouts or test runs build side by side.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  // The worker-thread pool (lib/workers) loads its threads' entry from the sources; its package stays unbundled.
  serverExternalPackages: ["piscina"],
  // `npm test` type-checks the whole project first (npm run typecheck); checking again in every build only costs time.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    // Every answer, static files included. Pages get their Content-Security-Policy (with a script nonce) from proxy.ts.
    const common = asList(ANSWER_HEADERS.every);
    return [
      { source: "/:path*", headers: common },
      {
        // JSON, text and event streams are data, never documents: if one is opened in a tab, nothing in it may load or
        // run, and the sandbox gives it an opaque origin. The pattern matches the agent endpoint /api itself too.
        source: "/api/:path*",
        headers: asList(ANSWER_HEADERS.api),
      },
    ];
  },
};

export default nextConfig;
