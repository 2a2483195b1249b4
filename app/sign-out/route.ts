// POST /sign-out: ends the session and goes back to the runs; a plain HTML form posts here, so signing out needs no script.
import { getAuth } from "@/lib/auth/auth";
import { crossSiteWrite } from "@/lib/auth/session";

export async function POST(request: Request) {
  if (crossSiteWrite(request)) {
    return Response.json({ error: "forbidden: a sign-out from another site" }, { status: 403 });
  }
  const auth = await getAuth();
  const headers = new Headers({ location: "/" });
  try {
    const result = await auth.api.signOut({ headers: request.headers, returnHeaders: true });
    for (const cookie of result.headers.getSetCookie()) headers.append("set-cookie", cookie);
  } catch {
    // No session (already signed out): nothing to end.
  }
  return new Response(null, { status: 303, headers });
}
