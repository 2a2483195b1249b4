// The address a request comes from, as sign-in limits and better-auth count it: the connection's own address, or,
// when that is a trusted reverse proxy (TRUSTED_PROXIES), the client address the proxies put in x-forwarded-for.
import { getIPFromHeader, normalizeIP } from "@better-auth/core/utils/ip";
import { appConfig } from "@/lib/config";

/** Set by proxy.ts on every request (any value a client sent is replaced); better-auth reads it. */
export const CLIENT_ADDRESS_HEADER = "x-client-address";
/** The connection's address, stamped by the app's server (lib/server/front-door.ts) on every request. */
const PEER_ADDRESS_HEADER = "x-peer-address";
const STAMPED = Symbol.for("trajectory-viewer.peer-address-stamped");

/** True when this process runs the app's server, so the peer header is the connection's and not a client's. */
export function peerAddressStamped(): boolean {
  return (globalThis as Record<symbol, unknown>)[STAMPED] === true;
}

/**
 * The client's address, normalised (IPv4-mapped IPv6 as IPv4; IPv6 collapsed to its /64, which one machine holds),
 * or "unknown".
 * - Under the app's server (`npm start`, `npm run dev`): the connection's address. Only when that is in TRUSTED_PROXIES is
 *   x-forwarded-for read, right to left, skipping trusted hops: the first address a trusted proxy did not vouch for.
 *   Without TRUSTED_PROXIES a client's x-forwarded-for is ignored, so rotating it changes nothing.
 * - Without it (`next start` or `next dev` run by hand): the connection's address is not known here, and
 *   x-forwarded-for is all there is (Next fills it from the connection when a client sent none, but keeps a client's);
 *   a single entry is taken (with TRUSTED_PROXIES, the chain as above). A client can set it there, so per-address
 *   counts can be dodged; the per-account count still bounds guessing.
 */
export function clientAddress(headers: Headers): string {
  const trustedProxies = appConfig().TRUSTED_PROXIES;
  const forwarded = headers.get("x-forwarded-for") ?? "";
  if (!peerAddressStamped()) return getIPFromHeader(forwarded, { trustedProxies }) ?? "unknown";
  const peer = headers.get(PEER_ADDRESS_HEADER);
  if (!peer) return "unknown";
  if (trustedProxies.length > 0 && forwarded) {
    // The peer ends the chain: when it is not trusted, it is the answer; when it is, the walk goes on leftwards.
    const resolved = getIPFromHeader(`${forwarded},${peer}`, { trustedProxies });
    if (resolved) return resolved;
  }
  return normalizeIP(peer);
}

/**
 * Whose share a request counts against (a per-client cap): the signed-in user's (`user:<id>`), else the client
 * address's (`address:<clientAddress>`).
 */
export function requesterOf(headers: Headers, userId: string | null): string {
  return userId ? `user:${userId}` : `address:${clientAddress(headers)}`;
}
