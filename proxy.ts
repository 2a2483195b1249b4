// Next.js proxy (the renamed middleware): a Content-Security-Policy with a fresh script nonce for every page answer.
import { NextResponse, type NextRequest } from "next/server";

/**
 * The page policy. Scripts run only with this request's nonce (Next.js puts it on its own scripts, read from the
 * request's CSP header) or when loaded by such a script ('strict-dynamic': the chunks Next loads on demand).
 * Styles allow 'unsafe-inline' because React, shiki tokens, the virtualized tree and recharts set style attributes,
 * which nonces cannot cover; untrusted text never becomes markup, so no attacker controls a style.
 */
export function pageCsp(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    // React in development reconstructs server error stacks with eval; production never needs it.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    // The outline preload (fetch), span payloads, and the live run's server-sent events are same-origin.
    "connect-src 'self'",
    "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function proxy(request: NextRequest) {
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18))));
  const csp = pageCsp(nonce, process.env.NODE_ENV === "development");
  // Next.js takes the nonce for its scripts from the request's CSP header; x-nonce is for our own server components.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      // API answers get a fixed, stricter policy from next.config.js, without a trip through the proxy;
      // build output and static files need none.
      source: "/((?!api/|api$|_next/static|_next/image|favicon.ico).*)",
      // Prefetches of client navigation are RSC payloads, never rendered as documents.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
