// POST /sign-out: ends the session and goes back to the runs; a plain HTML form posts here, so signing out needs no script.
import { route } from "@/lib/api/route";
import { getAuth } from "@/lib/auth/auth";

// "public": signing out needs no role; the factory still turns away a write from another site.
export const POST = route({ access: "public" }, async ({ req }) => {
  const auth = await getAuth();
  const headers = new Headers({ location: "/" });
  try {
    const result = await auth.api.signOut({ headers: req.headers, returnHeaders: true });
    for (const cookie of result.headers.getSetCookie()) headers.append("set-cookie", cookie);
  } catch {
    // No session (already signed out): nothing to end.
  }
  return new Response(null, { status: 303, headers });
});
