// Who is asking and what they may do: the signed-in user (or an agent's key) checked on the server for every page, API and action.
import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { NextResponse } from "next/server";
import { db } from "@/lib/db/client";
import { authenticate } from "@/lib/agent-api/clients";
import { getAuth } from "./auth";
import { anonymousReadAllowed } from "./anonymous-read";
import { isRole, roleAtLeast, type Role } from "./roles";

export interface Viewer {
  id: string;
  email: string;
  name: string;
  role: Role;
}

async function userFrom(requestHeaders: Headers): Promise<Viewer | null> {
  if (!requestHeaders.get("cookie")) return null;
  const auth = await getAuth();
  const session = await auth.api.getSession({ headers: requestHeaders });
  if (!session) return null;
  const { id, email, name, role } = session.user;
  return { id, email, name, role: isRole(role) ? role : "viewer" };
}

/** The signed-in user of this request, or null (once per request). */
export const currentUser = cache(async (): Promise<Viewer | null> => userFrom(await headers()));

/** For pages: the user, or null when anonymous reading is allowed; otherwise off to the sign-in page. */
export async function requireReader(next: string): Promise<Viewer | null> {
  const user = await currentUser();
  if (!user && !(await anonymousReadAllowed(db()))) redirect(`/sign-in?next=${encodeURIComponent(next)}`);
  return user;
}

export type Authorized<U = Viewer | null> = { ok: true; user: U } | { ok: false; response: NextResponse };

function denied(status: 401 | 403, error: string): { ok: false; response: NextResponse } {
  return { ok: false, response: NextResponse.json({ error }, { status }) };
}

/**
 * Session cookies are SameSite=Lax already; this also turns away a cross-site write that carries one. "null" says
 * nothing: with Referrer-Policy no-referrer the browser sends it for our own HTML form posts (a cross-site page's
 * post carries no Lax cookie, so it is anonymous anyway).
 */
export function crossSiteWrite(request: Request): boolean {
  if (request.method === "GET" || request.method === "HEAD") return false;
  const origin = request.headers.get("origin");
  if (!origin || origin === "null") return false;
  try {
    return new URL(origin).host !== request.headers.get("host");
  } catch {
    return true;
  }
}

/**
 * For API routes and actions: may this request do what `needed` may? Reading (`viewer`) is also open to
 * anonymous requests when allowed, and to agents that send their protocol key (x-agent-client, x-agent-key).
 */
export async function authorizeRequest(request: Request, needed: "operator" | "admin"): Promise<Authorized<Viewer>>;
export async function authorizeRequest(request: Request, needed: "viewer"): Promise<Authorized>;
export async function authorizeRequest(request: Request, needed: Role): Promise<Authorized> {
  if (crossSiteWrite(request)) return denied(403, "forbidden: a write from another site (Origin does not match Host)");
  const user = await userFrom(request.headers);
  if (user) {
    return roleAtLeast(user.role, needed)
      ? { ok: true, user }
      : denied(403, `forbidden: this needs the ${needed} role; ${user.email} is a ${user.role}`);
  }
  if (needed === "viewer") {
    if (await anonymousReadAllowed(db())) return { ok: true, user: null };
    const client = request.headers.get("x-agent-client");
    if (client) {
      try {
        await authenticate(db(), client, request.headers.get("x-agent-key") ?? "");
        return { ok: true, user: null };
      } catch (e) {
        return denied(401, e instanceof Error ? e.message : "wrong agent key");
      }
    }
  }
  return denied(401, `sign in first: this needs the ${needed} role`);
}

/** For server actions: the signed-in user when their role is at least `needed`, else null (the action answers "forbidden"). */
export async function userWithRole(needed: Role): Promise<Viewer | null> {
  const user = await currentUser();
  return user && roleAtLeast(user.role, needed) ? user : null;
}
