// Next.js configuration: build folder, and the security headers of every answer (pages add their CSP in proxy.ts).
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox";

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Separate build folders let two checkouts or test runs build side by side.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  // `npm test` type-checks the whole project first (npm run typecheck); checking again in every build only costs time.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    // Every answer, static files included. Pages get their Content-Security-Policy (with a script nonce) from proxy.ts.
    const common = [
      { key: "X-Content-Type-Options", value: "nosniff" },
      { key: "Referrer-Policy", value: "no-referrer" },
      { key: "X-Frame-Options", value: "DENY" },
    ];
    return [
      { source: "/:path*", headers: common },
      {
        // JSON, text and event streams are data, never documents: if one is opened in a tab, nothing in it may load or
        // run, and the sandbox gives it an opaque origin. The pattern matches the agent endpoint /api itself too.
        source: "/api/:path*",
        headers: [{ key: "Content-Security-Policy", value: API_CSP }],
      },
    ];
  },
};

export default nextConfig;
