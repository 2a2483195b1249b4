// /api/auth/*: better-auth's own endpoints, so scripts can sign in over HTTP (POST /api/auth/sign-in/email) and use the cookie.
import { route } from "@/lib/api/route";
import { getAuth } from "@/lib/auth/auth";

// "public": better-auth checks its own sessions; the factory adds the cross-site check and the database-outage 503.
const handle = route({ access: "public" }, async ({ req }) => (await getAuth()).handler(req));

export { handle as GET, handle as POST };
