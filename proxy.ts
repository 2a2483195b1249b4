// Next.js proxy (the renamed middleware), run for every request but the build's static files: the Host must be this app's, a write from another
// origin is refused before any route or server action runs, and every page answer gets a Content-Security-Policy with
// a fresh script nonce.
import { NextResponse, type NextRequest } from "next/server";
import { hostAllowed, isWrite, misdirectedRequest, writeSource } from "@/lib/auth/request-origin";
import { CLIENT_ADDRESS_HEADER, clientAddress } from "@/lib/auth/client-address";
import { errorResponse, forbidden, type HttpError } from "@/lib/http/errors";
import { appConfig } from "@/lib/config";

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

// The proxy's own refusals are data, like every API answer (next.config.js gives /api/* the same policy).
const REFUSAL_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox";

function refuse(error: HttpError): Response {
  const response = errorResponse(error);
  response.headers.set("Content-Security-Policy", REFUSAL_CSP);
  return response;
}

const isApi = (pathname: string) => pathname === "/api" || pathname.startsWith("/api/");

export function proxy(request: NextRequest) {
  const host = request.headers.get("host");
  if (!hostAllowed(host)) return refuse(misdirectedRequest(host));
  if (isWrite(request.method)) {
    const source = writeSource(request.headers);
    if (typeof source === "object") return refuse(forbidden(`forbidden: ${source.refused}`));
  }

  const requestHeaders = new Headers(request.headers);
  // The one address sign-in limits and better-auth count by; whatever a client sent under this name is replaced.
  requestHeaders.set(CLIENT_ADDRESS_HEADER, clientAddress(request.headers));
  if (isApi(request.nextUrl.pathname)) return NextResponse.next({ request: { headers: requestHeaders } });

  // Every other answer may be HTML — pages, the 404 and error pages, and prefetches (a prefetched document is shown
  // later as it was fetched) — so each gets the page policy.
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(18))));
  const csp = pageCsp(nonce, appConfig().NODE_ENV === "development");
  // Next.js takes the nonce for its scripts from the request's CSP header; x-nonce is for our own server components.
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  // Every request but the build's own hashed files (public code, the same for everyone, no data, never HTML): pages,
  // APIs, prefetches and RSC requests all pass the Host and write checks and get their policy. The two upload routes
  // are the exceptions (POST /v1/traces, OTLP, is served by the app's own server before Next: lib/server/machine-routes.ts): Next.js holds the whole body of a request it runs the proxy for in memory (twice) and cuts it
  // at 10 MB, while an agent request may be 16 MB (POST /api: a failed job's error log, read before the key is checked
  // otherwise) and an import upload 200 MB (POST /api/import, streamed to disk). Both routes check the Host and the
  // write themselves (route() with outsideProxy); neither answers HTML.
  matcher: "/((?!_next/static/|api/import$|api$).*)",
};
