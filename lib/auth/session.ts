// Who is asking and what they may do: the signed-in user (or an agent's key) checked on the server for every page, API and action.
import "server-only";
import { cache } from "react";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { forbidden, unauthorized } from "@/lib/http/errors";
import { db } from "@/lib/db/client";
import { authenticate } from "@/lib/agents/keys";
import { getAuth } from "./auth";
import { anonymousReadAllowed } from "./anonymous-read";
import { CSRF_FIELD, writeRefusal } from "./csrf";
import { readBodyCapped } from "@/lib/http/body";
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

/** Who may call an API: anyone ("public"), or the least role ("viewer" reads; anonymous readers and agent keys too, when allowed). */
export type Access = "public" | Role;

/** The `csrf` field of a plain HTML form's body (x-www-form-urlencoded, read from a copy, at most 16 KiB), else null. */
async function formToken(request: Request): Promise<string | null> {
  if (!request.headers.get("content-type")?.startsWith("application/x-www-form-urlencoded")) return null;
  try {
    const body = await readBodyCapped(request.clone(), 16 * 1024, "form");
    return new URLSearchParams(body.toString("utf8")).get(CSRF_FIELD);
  } catch {
    return null;
  }
}

/**
 * For API routes: may this request do what `needed` may? Returns the signed-in user (null for anonymous readers,
 * agent keys and public routes); throws HttpError 401/403 with the reason otherwise.
 */
export async function authorize(request: Request, needed: Access): Promise<Viewer | null> {
  const refusal = await writeRefusal(request.method, request.headers, () => formToken(request));
  if (refusal) throw forbidden(`forbidden: ${refusal}`);
  if (needed === "public") return null;
  const user = await userFrom(request.headers);
  if (user) {
    if (roleAtLeast(user.role, needed)) return user;
    throw forbidden(`forbidden: this needs the ${needed} role; ${user.email} is a ${user.role}`);
  }
  if (needed === "viewer") {
    if (await anonymousReadAllowed(db())) return null;
    const client = request.headers.get("x-agent-client");
    if (client) {
      await authenticate(client, request.headers.get("x-agent-key") ?? "");
      return null;
    }
  }
  throw unauthorized(`sign in first: this needs the ${needed} role`);
}

/** For server actions: the signed-in user when their role is at least `needed`, else null (the action answers "forbidden"). */
export async function userWithRole(needed: Role): Promise<Viewer | null> {
  const user = await currentUser();
  return user && roleAtLeast(user.role, needed) ? user : null;
}
